"""What each persona gets on the rights pages (STYLE.md's cast), GET and POST.

Procedures and refusals are recorded by the field workers of the organisation (they cover for
each other); managers and the administrator read the rights page; a partner reads it only when
the person shared the rights section with their organisation; nobody else finds the file."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Obstacle, Procedure
from partners import services as partner_services
from tests.accompaniment.factories_pathways import ObstacleFactory, ProcedureFactory, default_type

TODAY = timezone.localdate()


@pytest.fixture
def objects(person, referent, partner):
    partner_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Ouverture des droits",
        sections=["rights"],
        given_on=TODAY - datetime.timedelta(days=10),
        by=referent,
    )
    procedure = ProcedureFactory(person=person, type=default_type("ame"), filed_on=TODAY)
    return {
        "person": person,
        "procedure": procedure,
        "obstacle": ObstacleFactory(person=person, procedure=procedure, occurred_on=TODAY),
    }


URLS = {
    "rights": lambda o: reverse("accompaniment:rights", args=[o["person"].pk]),
    "procedure_create": lambda o: reverse("accompaniment:procedure_create", args=[o["person"].pk]),
    "procedure_edit": lambda o: reverse("accompaniment:procedure_edit", args=[o["procedure"].pk]),
    "obstacle_create": lambda o: reverse("accompaniment:obstacle_create", args=[o["person"].pk]),
    "obstacle_edit": lambda o: reverse("accompaniment:obstacle_edit", args=[o["obstacle"].pk]),
    "rights_list": lambda o: reverse("accompaniment:rights_list"),
}

# persona -> status of a GET on each URL above, in order.
GETS = {
    #                        rights dem+ dem~ ref+ ref~ list
    "anonymous":             [302, 302, 302, 302, 302, 302],
    "referent":              [200, 200, 200, 200, 200, 200],
    "colleague":             [200, 200, 200, 200, 200, 200],
    "coordinator":           [200, 200, 200, 200, 200, 200],
    "manager":               [200, 404, 404, 404, 404, 200],
    "administrator":         [200, 404, 404, 404, 404, 200],
    "partner":               [200, 404, 404, 404, 404, 403],
    "partner_without_share": [404, 404, 404, 404, 404, 403],
    "outsider":              [404, 404, 404, 404, 404, 200],
}  # fmt: skip


@pytest.mark.parametrize("persona", GETS)
def test_get(login_as, objects, persona):
    """Each page in turn for one persona (GETs change nothing): a failure names the page."""
    client = login_as(persona)
    for url_name, expected in zip(URLS, GETS[persona], strict=True):
        response = client.get(URLS[url_name](objects))

        assert response.status_code == expected, url_name
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), url_name


# The two reading pages take no POST: once the role passes, 405, and nothing about the file.
READ_POSTS = {
    "anonymous": (302, 302),
    "referent": (405, 405),
    "colleague": (405, 405),
    "coordinator": (405, 405),
    "manager": (405, 405),
    "administrator": (405, 405),
    "partner": (405, 403),
    "partner_without_share": (405, 403),
    "outsider": (405, 405),
}


@pytest.mark.parametrize(("persona", "expected"), READ_POSTS.items())
def test_the_reading_pages_take_no_post(login_as, objects, persona, expected):
    client = login_as(persona)

    rights = client.post(URLS["rights"](objects), {"status": "obtained"})
    listed = client.post(URLS["rights_list"](objects), {"sans": "health"})

    assert (rights.status_code, listed.status_code) == expected
    assert Procedure.objects.get().status == "filed"


WRITERS = {"referent", "colleague", "coordinator"}
# Every other persona: the file is hidden (404), or the login page for the anonymous visitor.
REFUSED = {
    "anonymous": 302,
    "manager": 404,
    "administrator": 404,
    "partner": 404,
    "partner_without_share": 404,
    "outsider": 404,
}
POSTS = {
    "procedure_create": {"type": "css", "status": "filed", "filed_on": TODAY.isoformat()},
    "procedure_edit": {"status": "pending", "filed_on": TODAY.isoformat(), "version": 1},
    "obstacle_create": {
        "kind": "health_refused",
        "body": "CPAM de Bobigny",
        "occurred_on": TODAY.isoformat(),
        "follow_up": "none",
    },
    "obstacle_edit": {
        "kind": "domiciliation_refused",
        "body": "CCAS de Bondy",
        "occurred_on": TODAY.isoformat(),
        "follow_up": "appeal",
        "follow_up_on": TODAY.isoformat(),
    },
}


def _state():
    return (
        sorted(Procedure.objects.values_list("type__code", "status", "version")),
        sorted(Obstacle.objects.values_list("kind", "follow_up")),
    )


@pytest.mark.parametrize("url_name", POSTS)
@pytest.mark.parametrize("persona", [*WRITERS, *REFUSED])
def test_post(login_as, objects, persona, url_name):
    before = _state()

    response = login_as(persona).post(URLS[url_name](objects), POSTS[url_name])

    if persona in WRITERS:
        assert response.status_code == 302
        assert response["Location"].startswith(
            reverse("accompaniment:rights", args=[objects["person"].pk])
        )
        assert _state() != before
    else:
        assert response.status_code == REFUSED[persona]
        assert _state() == before
