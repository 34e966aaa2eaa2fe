"""What each persona gets on every site page, GET and POST (STYLE.md's cast).

Sites are the organisation's: its staff read them, its field workers and coordinators record
them. The legal procedure is read by coordinators and managers only and recorded by
coordinators: for everyone else its block is not on the page and its form is a 404."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Site, SiteLegalProcedure, SitePopulation
from tests.conftest import PERSONAS

TODAY = timezone.localdate()
# A word of the legal block only it says, and the complaint's date as the page shows it.
LEGAL_WORDS = ("Procédure juridique", "Concours de la force publique")


@pytest.fixture
def objects(site, person, coordinator):
    legal = SiteLegalProcedure.objects.create(
        site=site,
        complaint_on=TODAY - datetime.timedelta(days=40),
        police_assistance="requested",
        updated_by=coordinator,
    )
    return {"site": site, "legal": legal}


URLS = {
    "site_list": lambda o: reverse("beneficiaries:site_list"),
    "site_map": lambda o: reverse("beneficiaries:site_map"),
    "site_create": lambda o: reverse("beneficiaries:site_create"),
    "site_detail": lambda o: reverse("beneficiaries:site_detail", args=[o["site"].pk]),
    "site_edit": lambda o: reverse("beneficiaries:site_edit", args=[o["site"].pk]),
    "site_population_add": lambda o: reverse(
        "beneficiaries:site_population_add", args=[o["site"].pk]
    ),
    "site_conditions": lambda o: reverse("beneficiaries:site_conditions", args=[o["site"].pk]),
    "site_legal": lambda o: reverse("beneficiaries:site_legal", args=[o["site"].pk]),
}

# persona -> status of a GET on each URL above, in order.
GETS = {
    #                        list map  new  det  edt  pop  cond legal
    "anonymous":             [302, 302, 302, 302, 302, 302, 302, 302],
    "referent":              [200, 200, 200, 200, 200, 200, 200, 404],
    "colleague":             [200, 200, 200, 200, 200, 200, 200, 404],
    "coordinator":           [200, 200, 200, 200, 200, 200, 200, 200],
    "manager":               [200, 200, 403, 200, 404, 404, 404, 404],
    "administrator":         [200, 200, 403, 200, 404, 404, 404, 404],
    "partner":               [403, 403, 403, 404, 404, 404, 404, 404],
    "partner_without_share": [403, 403, 403, 404, 404, 404, 404, 404],
    "outsider":              [200, 200, 200, 404, 404, 404, 404, 404],
}  # fmt: skip
READS_LEGAL = {"coordinator", "manager"}

OK = "written"
# persona -> what a POST of a valid form gets on each writing URL (create, edit, population,
# conditions, legal): OK is saved then redirected to the site's page.
WRITE_URLS = ["site_create", "site_edit", "site_population_add", "site_conditions", "site_legal"]
POSTS = {
    #                        new  edt  pop  cond legal
    "anonymous":             [302, 302, 302, 302, 302],
    "referent":              [OK,  OK,  OK,  OK,  404],
    "colleague":             [OK,  OK,  OK,  OK,  404],
    "coordinator":           [OK,  OK,  OK,  OK,  OK],
    "manager":               [403, 404, 404, 404, 404],
    "administrator":         [403, 404, 404, 404, 404],
    "partner":               [403, 404, 404, 404, 404],
    "partner_without_share": [403, 404, 404, 404, 404],
    "outsider":              [OK,  404, 404, 404, 404],
}  # fmt: skip


def _site_body(o, **changes):
    site = o["site"]
    return {
        "name": site.name,
        "kind": site.kind,
        "commune": site.commune_id,
        "owner_kind": site.owner_kind,
        "status": "open",
        **changes,
    }


BODIES = {
    "site_create": lambda o: _site_body(o, name="Terrain du Canal"),
    "site_edit": lambda o: _site_body(o, name="Terrain des Tilleuls"),
    "site_population_add": lambda o: {
        "observed_on": TODAY.isoformat(),
        "people": "30",
        "minors": "12",
    },
    "site_conditions": lambda o: {
        "electricity": "none",
        "water_access": "public_point",
        "social_diagnostic": "planned",
    },
    "site_legal": lambda o: {
        "complaint_on": o["legal"].complaint_on.isoformat(),
        "court_decision": "eviction",
        "court_decision_on": TODAY.isoformat(),
        "police_assistance": "granted",
        "version": o["legal"].version,
    },
}


def _state():
    return (
        sorted(Site.objects.values_list("name", "electricity", "social_diagnostic")),
        sorted(SitePopulation.objects.values_list("people", "minors")),
        list(SiteLegalProcedure.objects.values_list("court_decision", "police_assistance")),
    )


def test_every_site_route_is_in_the_tables():
    from beneficiaries.urls import urlpatterns

    names = {p.name for p in urlpatterns if p.name.startswith("site_")}
    assert names == URLS.keys()
    assert (
        set(WRITE_URLS) <= URLS.keys() == BODIES.keys() | {"site_list", "site_map", "site_detail"}
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_each_persona_gets(login_as, objects, persona):
    """Every site route for one persona, GET then POST; a failure names the route. Each POST
    runs in a savepoint rolled back, so that every route starts from the same world."""
    client = login_as(persona)
    for name, expected in zip(URLS, GETS[persona], strict=True):
        response = client.get(URLS[name](objects))

        assert response.status_code == expected, name
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), name
        body = response.content.decode()
        if persona not in READS_LEGAL:
            for word in LEGAL_WORDS:
                assert word not in body, (name, word)
        elif name == "site_detail":
            assert all(word in body for word in LEGAL_WORDS), name

    for name, expected in zip(WRITE_URLS, POSTS[persona], strict=True):
        before = _state()
        with transaction.atomic():
            response = client.post(URLS[name](objects), BODIES[name](objects))
            after = _state()
            transaction.set_rollback(True)

        if expected == OK:
            assert response.status_code == 302, (name, response.status_code)
            assert after != before, name
        else:
            assert response.status_code == expected, name
            assert after == before, name


@pytest.mark.parametrize("persona", ["referent", "colleague", "administrator", "partner"])
def test_the_legal_procedure_is_never_loaded_for_them(login_as, objects, persona):
    """Not only hidden: no query of the page reads its table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_as(persona)
    with CaptureQueriesContext(connection) as queries:
        client.get(URLS["site_detail"](objects))
        client.get(URLS["site_map"](objects))
        client.get(URLS["site_list"](objects))

    table = SiteLegalProcedure._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if table in q["sql"]]
