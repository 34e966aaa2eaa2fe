# ruff: noqa: F811 (the fixtures of actions_world, imported, are the tests' arguments)
"""What each persona gets on every page of the local actions, by GET and by POST (STYLE.md's
cast). The team reads the organisation's actions; coordinators and managers make them, name
people and households on them and record their financing. Partners see none of it; another
association's staff reach the list (theirs, empty) but none of this action's pages (404)."""

import pytest
from django.db import transaction
from django.urls import reverse

from accompaniment.models import Action, ActionFunding
from tests.accompaniment.actions_world import (  # noqa: F401 (fixtures)
    TODAY,
    action,
    funding,
    prefecture,
)
from tests.beneficiaries.factories import PersonFactory
from tests.conftest import PERSONAS

OK = "written"


@pytest.fixture
def objects(action, funding, association, household, site):
    newcomer = PersonFactory(organisation=association, household=household, last_name="Pop")
    return {"action": action, "funding": funding, "newcomer": newcomer, "site": site}


# route -> the object its URL names.
ROUTES = {
    "actions": None,
    "action_create": None,
    "action_detail": "action",
    "action_edit": "action",
    "action_people": "action",
    "funding_create": "action",
    "funding_edit": "funding",
}


def url(route: str, objects: dict) -> str:
    kind = ROUTES[route]
    return reverse(f"accompaniment:{route}", args=[objects[kind].pk] if kind else [])


def action_body(o, **changes) -> dict:
    return {
        "version": o["action"].version,
        "name": "Scolarisation",
        "starts_on": TODAY.isoformat(),
        "ends_on": "",
        "goals": "",
        "topics": ["school"],
        "place": "sites",
        "sites": [o["site"].pk],
        "place_details": "",
        "departement": "93",
        **changes,
    }


def _count(model):
    return lambda o: model.objects.count()


def _row(kind: str):
    return lambda o: type(o[kind]).objects.filter(pk=o[kind].pk).values().first()


# route -> (a body the allowed personas' POST saves, what it changes).
POSTS = {
    "actions": (lambda o: {}, _count(Action)),
    "action_create": (action_body, _count(Action)),
    "action_detail": (lambda o: {}, _row("action")),
    "action_edit": (lambda o: action_body(o, name="Renommée"), _row("action")),
    "action_people": (
        lambda o: {"add_person": o["newcomer"].pk},
        lambda o: sorted(o["action"].people.values_list("pk", flat=True)),
    ),
    "funding_create": (
        lambda o: {"year": TODAY.year, "source": "state", "budget": "5 000,00", "spent": ""},
        _count(ActionFunding),
    ),
    "funding_edit": (
        lambda o: {"year": TODAY.year, "source": "resorption", "budget": "9000", "spent": "100"},
        _row("funding"),
    ),
}

# persona -> {route: (GET status, POST status or OK)}.
EXPECTED = {
    "anonymous": {route: (302, 302) for route in ROUTES},
    **{
        persona: {
            "actions": (200, 405),
            "action_create": (403, 403),
            "action_detail": (200, 405),
            "action_edit": (404, 404),
            "action_people": (404, 404),
            "funding_create": (404, 404),
            "funding_edit": (404, 404),
        }
        for persona in ("referent", "colleague", "administrator")
    },
    **{
        persona: {
            "actions": (200, 405),
            "action_create": (200, OK),
            "action_detail": (200, 405),
            "action_edit": (200, OK),
            "action_people": (200, OK),
            "funding_create": (200, OK),
            "funding_edit": (200, OK),
        }
        for persona in ("coordinator", "manager")
    },
    **{
        persona: {
            "actions": (403, 403),
            "action_create": (403, 403),
            "action_detail": (404, 404),
            "action_edit": (404, 404),
            "action_people": (404, 404),
            "funding_create": (404, 404),
            "funding_edit": (404, 404),
        }
        for persona in ("partner", "partner_without_share")
    },
    "outsider": {
        "actions": (200, 405),
        "action_create": (403, 403),
        # The detail refuses a POST before looking the action up.
        "action_detail": (404, 405),
        "action_edit": (404, 404),
        "action_people": (404, 404),
        "funding_create": (404, 404),
        "funding_edit": (404, 404),
    },
}


def test_every_action_route_is_in_the_tables():
    from accompaniment.urls_actions import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == ROUTES.keys() == POSTS.keys()
    assert set(EXPECTED) == set(PERSONAS)
    assert all(table.keys() == ROUTES.keys() for table in EXPECTED.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_each_persona_gets(client, login_as, objects, persona, request):
    """Every route, GET then POST; each POST in a savepoint rolled back after it."""
    if persona != "anonymous":
        request.getfixturevalue(persona)
    for route, (get_status, post_status) in EXPECTED[persona].items():
        path = url(route, objects)
        client.logout()
        response = login_as(persona).get(path)
        assert response.status_code == get_status, f"GET {route}"
        if get_status == 302:
            assert response["Location"].startswith(reverse("account_login")), route
        if get_status != 200 or (route == "actions" and persona == "outsider"):
            assert "Ionescu" not in response.content.decode(), route
            assert objects["action"].name not in response.content.decode(), route

        body, changed = POSTS[route]
        with transaction.atomic():
            before = changed(objects)
            response = login_as(persona).post(path, body(objects))
            after = changed(objects)
            transaction.set_rollback(True)
        if post_status == OK:
            assert response.status_code == 302, (route, response.content.decode()[:3000])
            assert not response["Location"].startswith(reverse("account_login")), route
            assert after != before, f"POST {route}: an allowed POST is saved"
        else:
            assert response.status_code == post_status, f"POST {route}"
            assert after == before, f"POST {route}"
