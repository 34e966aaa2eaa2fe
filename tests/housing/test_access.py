"""What each persona gets on every housing page, by GET and by POST (STYLE.md's cast).

The organisation's staff read evacuations, boards, trajectories and a site's solutions; the field
workers and coordinators record wishes, offers, placements and applications; only a coordinator
announces an evacuation, records its diagnostic and that it was carried out. A partner reads a
person's housing card only when the person shared the housing section with their organisation;
nobody else finds the files (404)."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from housing.models import (
    Evacuation,
    EvacuationHousehold,
    HousingRecourse,
    Placement,
    ShelterOffer,
    SiaoRequest,
    SocialHousingApplication,
)
from partners import services as partner_services
from tests.conftest import PERSONAS
from tests.housing.factories import (
    ApplicationFactory,
    EvacuationFactory,
    OfferFactory,
    PlacementFactory,
    RecourseFactory,
    SiaoFactory,
)

TODAY = datetime.date.today()
D = datetime.date


@pytest.fixture
def objects(person, household, site, referent, partner):
    partner_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Accès au logement",
        sections=["housing"],
        given_on=TODAY - datetime.timedelta(days=10),
        by=referent,
    )
    evacuation = EvacuationFactory(site=site, decided_on=D(2026, 3, 1))
    return {
        "person": person,
        "household": household,
        "site": site,
        "evacuation": evacuation,
        "offer": OfferFactory(evacuation=evacuation, household=household, offered_on=D(2026, 3, 5)),
        "placement": PlacementFactory(
            household=household,
            type="chu",
            place="CHU Bobigny",
            started_on=D(2026, 3, 6),
            ended_on=D(2026, 6, 1),
        ),
        "siao": SiaoFactory(household=household),
        "application": ApplicationFactory(household=household, applicant=person),
        "recourse": RecourseFactory(household=household),
    }


# route -> the objects its URL names.
ROUTES = {
    "evacuation_list": (),
    "evacuation_create": ("site",),
    "site_housing": ("site",),
    "evacuation_board": ("evacuation",),
    "evacuation_edit": ("evacuation",),
    "wish_set": ("evacuation",),
    "offer_create": ("evacuation",),
    "offer_answer": ("offer",),
    "trajectory": ("household",),
    "person_housing": ("person",),
    "placement_create": ("household",),
    "placement_edit": ("placement",),
    "siao_create": ("household",),
    "siao_edit": ("siao",),
    "application_create": ("household",),
    "application_edit": ("application",),
    "recourse_create": ("household",),
    "recourse_edit": ("recourse",),
}


def url(route: str, objects: dict) -> str:
    return reverse(f"housing:{route}", args=[objects[kind].pk for kind in ROUTES[route]])


# What a GET gets, persona by persona (PERSONAS' order).
GETS = {
    #                     anon ref  coll coord mgr  adm  part p-w/o out
    "evacuation_list":    (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "evacuation_create":  (302, 404, 404, 200, 404, 404, 404, 404, 404),
    "site_housing":       (302, 200, 200, 200, 200, 200, 404, 404, 404),
    "evacuation_board":   (302, 200, 200, 200, 200, 200, 404, 404, 404),
    "evacuation_edit":    (302, 404, 404, 200, 404, 404, 404, 404, 404),
    "wish_set":           (302, 405, 405, 405, 404, 404, 404, 404, 404),
    "offer_create":       (302, 405, 405, 405, 404, 404, 404, 404, 404),
    "offer_answer":       (302, 405, 405, 405, 404, 404, 404, 404, 404),
    "trajectory":         (302, 200, 200, 200, 200, 200, 404, 404, 404),
    "person_housing":     (302, 200, 200, 200, 200, 200, 200, 404, 404),
    "placement_create":   (302, 200, 200, 200, 404, 404, 404, 404, 404),
    "placement_edit":     (302, 200, 200, 200, 404, 404, 404, 404, 404),
    "siao_create":        (302, 200, 200, 200, 404, 404, 404, 404, 404),
    "siao_edit":          (302, 200, 200, 200, 404, 404, 404, 404, 404),
    "application_create": (302, 200, 200, 200, 404, 404, 404, 404, 404),
    "application_edit":   (302, 200, 200, 200, 404, 404, 404, 404, 404),
    "recourse_create":    (302, 200, 200, 200, 404, 404, 404, 404, 404),
    "recourse_edit":      (302, 200, 200, 200, 404, 404, 404, 404, 404),
}  # fmt: skip

OK = "written"


def _count(model):
    return lambda o: model.objects.count()


def _row(kind: str):
    return lambda o: type(o[kind]).objects.filter(pk=o[kind].pk).values().first()


def _evacuation_body(o, **changes):
    return {
        "basis": "order",
        "decided_on": "2026-03-01",
        "diagnostic_status": "planned",
        "diagnostic_on": "2026-03-20",
        **changes,
    }


# route -> (a body the allowed personas' POST saves, what it changes).
POSTS = {
    "evacuation_list": (lambda o: {}, _count(Evacuation)),
    "evacuation_create": (_evacuation_body, _count(Evacuation)),
    "site_housing": (lambda o: {}, _count(Evacuation)),
    "evacuation_board": (lambda o: {"wish": "yes"}, _count(EvacuationHousehold)),
    "evacuation_edit": (lambda o: _evacuation_body(o, version=1), _row("evacuation")),
    "wish_set": (
        lambda o: {"menage": o["household"].pk, "wish": "no"},
        _count(EvacuationHousehold),
    ),
    "offer_create": (
        lambda o: {
            "menage": o["household"].pk, "type": "chu", "offered_on": "2026-03-08",
            "answer": "pending",
        },
        _count(ShelterOffer),
    ),
    "offer_answer": (lambda o: {"answer": "accepted", "version": 1}, _row("offer")),
    "trajectory": (lambda o: {}, _count(Placement)),
    "person_housing": (lambda o: {}, _count(Placement)),
    "placement_create": (
        lambda o: {"type": "social_lease", "place": "Bondy Habitat", "started_on": "2026-06-01"},
        _count(Placement),
    ),
    "placement_edit": (
        lambda o: {
            "type": "chu", "started_on": "2026-03-06", "ended_on": "2026-05-01", "version": 1,
        },
        _row("placement"),
    ),
    "siao_create": (lambda o: {"filed_on": "2026-02-01", "status": "filed"}, _count(SiaoRequest)),
    "siao_edit": (
        lambda o: {"filed_on": "2026-02-01", "status": "oriented", "version": 1}, _row("siao")
    ),
    "application_create": (
        lambda o: {"number": "0932026001234", "filed_on": "2026-02-01", "status": "active"},
        _count(SocialHousingApplication),
    ),
    "application_edit": (
        lambda o: {
            "number": o["application"].number,
            "filed_on": "2026-03-02",
            "renewed_on": TODAY.isoformat(),
            "status": "active",
            "version": 1,
        },
        _row("application"),
    ),
    "recourse_create": (
        lambda o: {"kind": "daho", "filed_on": "2026-02-01", "decision": "pending"},
        _count(HousingRecourse),
    ),
    "recourse_edit": (
        lambda o: {
            "kind": "dalo", "filed_on": "2026-03-02", "decision": "priority",
            "decided_on": "2026-05-02", "deadline": "2026-11-02", "version": 1,
        },
        _row("recourse"),
    ),
}  # fmt: skip

WRITES = {
    #                     anon ref  coll coord mgr  adm  part p-w/o out
    "evacuation_list":    (302, 405, 405, 405, 405, 405, 403, 403, 405),
    "evacuation_create":  (302, 404, 404, OK,  404, 404, 404, 404, 404),
    "site_housing":       (302, 405, 405, 405, 405, 405, 404, 404, 405),
    "evacuation_board":   (302, 405, 405, 405, 405, 405, 404, 404, 405),
    "evacuation_edit":    (302, 404, 404, OK,  404, 404, 404, 404, 404),
    "wish_set":           (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "offer_create":       (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "offer_answer":       (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "trajectory":         (302, 405, 405, 405, 405, 405, 404, 404, 405),
    "person_housing":     (302, 405, 405, 405, 405, 405, 405, 405, 405),
    "placement_create":   (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "placement_edit":     (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "siao_create":        (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "siao_edit":          (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "application_create": (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "application_edit":   (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "recourse_create":    (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "recourse_edit":      (302, OK,  OK,  OK,  404, 404, 404, 404, 404),
}  # fmt: skip


def test_every_housing_route_is_in_the_tables():
    from housing.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == ROUTES.keys()
    assert GETS.keys() == ROUTES.keys() == POSTS.keys() == WRITES.keys()


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_each_persona_gets(client, login_as, objects, persona, request):
    """Every route in turn for one persona, GET then POST, each POST in a savepoint rolled back
    after it: each route finds the world as the others did. A failure names the route."""
    if persona != "anonymous":
        request.getfixturevalue(persona)
    index = PERSONAS.index(persona)
    for route in ROUTES:
        path = url(route, objects)
        client.logout()
        response = login_as(persona).get(path)
        expected = GETS[route][index]
        assert response.status_code == expected, f"GET {route}"
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), route
        if expected != 200:
            assert "Ionescu" not in response.content.decode(), route

        body, changed = POSTS[route]
        expected = WRITES[route][index]
        with transaction.atomic():
            before = changed(objects)
            response = login_as(persona).post(path, body(objects))
            after = changed(objects)
            transaction.set_rollback(True)
        if expected == OK:
            assert response.status_code == 302, (route, response.content.decode()[:3000])
            assert not response["Location"].startswith(reverse("account_login")), route
            assert after != before, f"POST {route}: an allowed POST is saved"
        else:
            assert response.status_code == expected, f"POST {route}"
            assert after == before, f"POST {route}"


def test_a_partner_reads_the_shared_housing_card_without_who_recorded_it(login_as, objects):
    page = login_as("partner").get(url("person_housing", objects)).content.decode()

    assert "urgence (CHU)" in page and "CHU Bobigny" in page
    assert "Logement social n°" in page and "Active" in page
    assert "DALO" in page
    # Where the household lives is not for the partner.
    assert "Terrain des Acacias" not in page
    # No link to write, none to the household's pages (a partner does not open them).
    assert reverse("housing:placement_edit", args=[objects["placement"].pk]) not in page
    assert reverse("housing:trajectory", args=[objects["household"].pk]) not in page


def test_the_person_page_shows_the_housing_card_only_when_shared(
    login_as, objects, person, household, partner, referent
):
    from tests.housing.world import new_household

    other = new_household(referent, objects["site"], "Lungu", members=1).members.get()
    partner_services.consent_record(
        person=other,
        organisation=partner.organisation,
        purpose="Accompagnement",
        sections=["identity"],
        given_on=TODAY - datetime.timedelta(days=10),
        by=referent,
    )
    card = reverse("housing:person_housing", args=[person.pk])
    other_card = reverse("housing:person_housing", args=[other.pk])
    client = login_as("partner")

    assert (
        card
        in client.get(reverse("beneficiaries:person_detail", args=[person.pk])).content.decode()
    )
    shown = client.get(reverse("beneficiaries:person_detail", args=[other.pk]))
    assert shown.status_code == 200
    assert other_card not in shown.content.decode()
    assert client.get(other_card).status_code == 404
    assert (
        card
        in login_as("referent")
        .get(reverse("beneficiaries:person_detail", args=[person.pk]))
        .content.decode()
    )
