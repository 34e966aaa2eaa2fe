# ruff: noqa: E501 (the tables: one persona, one person a line)
"""What each persona gets on every page of the employment pathway, by GET and by POST
(STYLE.md's cast), one test per persona walking every route.

Employers, offers and candidates are the organisation's business: its field workers record
them, managers and the administrator read them. A partner reads a person's employment only,
on the person's page, when the person shared that section with their organisation; here the
employer's organisation is the partner's own, and it still sees nothing more. Pages about one
person, or reached by id, hide what they are (404)."""

import datetime
import html

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from employment.models import Candidacy, Contract, Employer, JobOffer, Training, Workshop
from partners import services as partner_services
from tests.accompaniment.french_world import new_person
from tests.conftest import PERSONAS
from tests.employment.factories import (
    CandidacyFactory,
    ContractFactory,
    EmployerFactory,
    OfferFactory,
    TrainingFactory,
    WorkshopFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def objects(person, household, referent, partner):
    partner_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Accompagnement vers l'emploi",
        sections=["employment"],
        given_on=TODAY - 7 * DAY,
        by=referent,
    )
    # The employer has accounts in MIA: the partner's own organisation.
    employer = EmployerFactory(
        organisation=person.organisation, name="Régie de quartier", partner=partner.organisation
    )
    offer = OfferFactory(employer=employer, published_on=TODAY - 20 * DAY)
    return {
        "person": person,
        "employer": employer,
        "offer": offer,
        "candidacy": CandidacyFactory(offer=offer, person=person, proposed_on=TODAY - 10 * DAY),
        "contract": ContractFactory(
            person=person, employer=employer, starts_on=TODAY - 5 * DAY, job_title="Agent·e"
        ),
        "training": TrainingFactory(person=person, starts_on=TODAY - 30 * DAY),
        "workshop": WorkshopFactory(person=person, held_on=TODAY - 3 * DAY),
        "newcomer": new_person(referent, household, first_name="Ana", last_name="Pop"),
    }


# route -> the object its URL names.
ROUTES = {
    "employers": None,
    "employer_create": None,
    "employer_detail": "employer",
    "employer_edit": "employer",
    "offers": None,
    "offer_create": None,
    "offer_detail": "offer",
    "offer_edit": "offer",
    "offer_suggestions": "offer",
    "candidacy_propose": "offer",
    "candidacy_status": "candidacy",
    "person_employment": "person",
    "contract_create": "person",
    "contract_edit": "contract",
    "training_create": "person",
    "training_edit": "training",
    "workshop_create": "person",
    "workshop_edit": "workshop",
}


def url(route: str, objects: dict) -> str:
    kind = ROUTES[route]
    return reverse(f"employment:{route}", args=[objects[kind].pk] if kind else [])


OK = "written"

# What a GET gets, then what a POST gets (OK: saved, then a redirect), for each route in
# ROUTES' order.
GETS = {
    #                 emps e+   e    e~   offs o+   o    o~   sugg prop cand pers ctr+ ctr~ tr+  tr~  ws+  ws~
    "anonymous":     [302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302],
    "referent":      [200, 200, 200, 200, 200, 200, 200, 200, 200, 405, 200, 200, 200, 200, 200, 200, 200, 200],
    "colleague":     [200, 200, 200, 200, 200, 200, 200, 200, 200, 405, 200, 200, 200, 200, 200, 200, 200, 200],
    "coordinator":   [200, 200, 200, 200, 200, 200, 200, 200, 200, 405, 200, 200, 200, 200, 200, 200, 200, 200],
    "manager":       [200, 403, 200, 404, 200, 403, 200, 404, 200, 404, 404, 200, 404, 404, 404, 404, 404, 404],
    "administrator": [200, 403, 200, 404, 200, 403, 200, 404, 200, 404, 404, 200, 404, 404, 404, 404, 404, 404],
    "partner":       [403, 403, 404, 404, 403, 403, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404],
    "partner_without_share":
                     [403, 403, 404, 404, 403, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    "outsider":      [200, 200, 404, 404, 200, 200, 404, 404, 404, 405, 404, 404, 404, 404, 404, 404, 404, 404],
}  # fmt: skip
WRITERS = [405, OK, 405, OK, 405, OK, 405, OK, 405, OK, OK, 405, OK, OK, OK, OK, OK, OK]
READERS = [405, 403, 405, 404, 405, 403, 405, 404, 405, 404, 404, 405, 404, 404, 404, 404, 404, 404]
PARTNERS = [
    403,
    403,
    404,
    404,
    403,
    403,
    404,
    404,
    404,
    404,
    404,
    405,
    404,
    404,
    404,
    404,
    404,
    404,
]
POSTS = {
    "anonymous": [302] * len(ROUTES),
    "referent": WRITERS,
    "colleague": WRITERS,
    "coordinator": WRITERS,
    "manager": READERS,
    "administrator": READERS,
    "partner": PARTNERS,
    "partner_without_share": PARTNERS,
    # Another association's worker creates an employer of their own; the offer form refuses
    # our employer (the form again, 200, nothing saved).
    "outsider": [405, OK, 405, 404, 405, 200, 405, 404, 405, 404, 404, 405, 404, 404, 404, 404, 404, 404],
}  # fmt: skip


def _count(model):
    return lambda o: model.objects.count()


def _row(kind: str):
    return lambda o: type(o[kind]).objects.filter(pk=o[kind].pk).values().first()


def _offer_body(o, **changes) -> dict:
    return {
        "employer": o["employer"].pk,
        "title": "Manutentionnaire",
        "contract_type": "cdd",
        "published_on": (TODAY - 30 * DAY).isoformat(),
        "status": "open",
        **changes,
    }


def _contract_body(o, **changes) -> dict:
    return {
        "employer": o["employer"].pk,
        "contract_type": "cdi",
        "starts_on": TODAY.isoformat(),
        **changes,
    }


# route -> (the body an allowed POST saves, what it changes).
BODIES = {
    "employers": (lambda o: {}, _count(Employer)),
    "employer_create": (lambda o: {"name": "GEIQ Propreté", "kind": "geiq"}, _count(Employer)),
    "employer_detail": (lambda o: {}, _row("employer")),
    "employer_edit": (
        lambda o: {"name": "Régie renommée", "kind": "association"},
        _row("employer"),
    ),
    "offers": (lambda o: {}, _count(JobOffer)),
    "offer_create": (_offer_body, _count(JobOffer)),
    "offer_detail": (lambda o: {}, _row("offer")),
    "offer_edit": (lambda o: _offer_body(o, title="Cariste", version=1), _row("offer")),
    "offer_suggestions": (lambda o: {}, _count(Candidacy)),
    "candidacy_propose": (lambda o: {"personne": o["newcomer"].pk}, _count(Candidacy)),
    "candidacy_status": (
        lambda o: {f"c{o['candidacy'].pk}-status": "interview", f"c{o['candidacy'].pk}-version": 1},
        _row("candidacy"),
    ),
    "person_employment": (lambda o: {}, _count(Contract)),
    "contract_create": (_contract_body, _count(Contract)),
    "contract_edit": (
        lambda o: _contract_body(o, starts_on=o["contract"].starts_on.isoformat(), version=1),
        _row("contract"),
    ),
    "training_create": (
        lambda o: {
            "title": "Habilitation électrique",
            "starts_on": TODAY.isoformat(),
            "outcome": "ongoing",
        },
        _count(Training),
    ),
    "training_edit": (
        lambda o: {
            "title": "CACES R489",
            "starts_on": o["training"].starts_on.isoformat(),
            "ends_on": TODAY.isoformat(),
            "outcome": "certified",
            "qualifying": "on",
        },
        _row("training"),
    ),
    "workshop_create": (
        lambda o: {"kind": "interview", "held_on": TODAY.isoformat(), "attended": "on"},
        _count(Workshop),
    ),
    "workshop_edit": (
        lambda o: {"kind": "cv", "held_on": o["workshop"].held_on.isoformat()},
        _row("workshop"),
    ),
}


def test_every_employment_route_is_in_the_tables():
    from employment.urls import urlpatterns

    assert [pattern.name for pattern in urlpatterns] == list(ROUTES)
    assert BODIES.keys() == ROUTES.keys()
    assert GETS.keys() == POSTS.keys() == set(PERSONAS)
    assert all(len(row) == len(ROUTES) for row in [*GETS.values(), *POSTS.values()])


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_a_persona_gets(client, login_as, objects, persona):
    """Every route in turn for one persona: a GET, then a POST in a savepoint rolled back
    (each route finds the world as the others did). A failure names the route."""
    client = login_as(persona)
    for route, got, posted in zip(ROUTES, GETS[persona], POSTS[persona], strict=True):
        path = url(route, objects)
        response = client.get(path)
        assert response.status_code == got, f"GET {route}"
        if got == 302:
            assert response["Location"].startswith(reverse("account_login")), route
        if got != 200:
            assert "Ionescu" not in response.content.decode(), route

        body, changed = BODIES[route]
        with transaction.atomic():
            before = changed(objects)
            response = client.post(path, body(objects))
            after = changed(objects)
            transaction.set_rollback(True)
        if posted == OK:
            assert response.status_code == 302, (route, response.content.decode()[:3000])
            assert not response["Location"].startswith(reverse("account_login")), route
            assert after != before, f"POST {route}: an allowed POST is saved"
        else:
            assert response.status_code == posted, f"POST {route}"
            assert after == before, f"POST {route}: nothing saved"


def test_the_partner_reads_contracts_candidacies_and_trainings_only(login_as, objects):
    page = login_as("partner").get(url("person_employment", objects)).content.decode()

    assert "Agent·e" in page  # the contract
    assert objects["offer"].title in page  # the candidacy's offer, without a link to it
    assert reverse("employment:offer_detail", args=[objects["offer"].pk]) not in page
    assert "CACES R489" in page  # the training
    assert "Ateliers vers l'emploi" not in page
    assert "Mobilité" not in page
    assert "Modifier" not in page


def test_the_person_page_loads_the_employment_card_for_the_team_and_a_partner_with_the_share(
    login_as, objects, client
):
    card = reverse("employment:person_employment", args=[objects["person"].pk])
    detail = reverse("beneficiaries:person_detail", args=[objects["person"].pk])

    team = login_as("referent").get(detail).content.decode()
    fragment = html.unescape(client.get(card, headers={"HX-Request": "true"}).content.decode())
    client.logout()
    shared = login_as("partner").get(detail).content.decode()

    assert f'hx-get="{card}"' in team
    assert f'hx-get="{card}"' in shared
    start = (TODAY - 5 * DAY).strftime("%d/%m/%Y")
    assert f"En emploi : CDDI (contrat d'insertion) chez Régie de quartier depuis le {start}" in (
        fragment
    )
    assert "<html" not in fragment
