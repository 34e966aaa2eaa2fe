"""A social worker on a 390 px phone opens an open offer, proposes a suggested person, records
the hire (the contract, prefilled from the offer, is saved), then reads on the person's page
that they are in employment."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from employment.models import Candidacy, Contract
from tests.accompaniment.factories_pathways import AssessmentFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.employment.factories import EmployerFactory, OfferFactory
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_suggested_person_proposed_then_hired(live_server, phone, referent, person):  # noqa: F811
    today = timezone.localdate()
    employer = EmployerFactory(organisation=person.organisation, name="Ressourcerie de Bondy")
    offer = OfferFactory(
        employer=employer,
        title="Agent·e de tri",
        published_on=today - 10 * DAY,
        starts_on=today,
        ends_on=today + 120 * DAY,
        min_french_level="a1",
    )
    AssessmentFactory(person=person, level="a2", assessed_on=today - 30 * DAY)
    log_in(phone, live_server, referent.email, PASSWORD)

    phone.goto(f"{live_server.url}/emploi/offres/")
    phone.get_by_role("link", name="Agent·e de tri").click()
    expect(phone.get_by_role("heading", name="Agent·e de tri Ouverte")).to_be_visible()
    fits(phone)
    phone.get_by_role("link", name="Personnes suggérées").click()
    expect(phone.get_by_text("A1 demandé : atteint")).to_be_visible()
    fits(phone)
    phone.get_by_role("button", name="Proposer : Ștefan Ionescu").click()

    expect(
        phone.get_by_text("Ștefan est proposé·e pour l'offre « Agent·e de tri ».")
    ).to_be_visible()
    candidacy = Candidacy.objects.get()
    card = phone.locator(f"#candidature-{candidacy.pk}")
    expect(card.locator(".badge", has_text="Proposée")).to_be_visible()
    card.locator("label.chip", has_text="Embauchée").click()
    card.get_by_role("button", name="Enregistrer l'état : Ștefan Ionescu").click()

    expect(phone.get_by_text("L'embauche est enregistrée")).to_be_visible()
    expect(phone.get_by_label("Poste")).to_have_value("Agent·e de tri")
    expect(phone.get_by_label("Fin prévue")).to_have_value((today + 120 * DAY).isoformat())
    fits(phone)
    phone.get_by_label("Numéro de PASS IAE").fill("999990012345")
    phone.get_by_label("PASS IAE : début").fill(today.isoformat())
    phone.get_by_role("button", name="Enregistrer le contrat").click()

    expect(
        phone.get_by_text(
            "Le contrat est enregistré : CDDI (contrat d'insertion) chez Ressourcerie de Bondy."
        )
    ).to_be_visible()
    contract = Contract.objects.get()
    assert (contract.candidacy, contract.person, contract.starts_on) == (
        candidacy,
        person,
        today,
    )
    phone.goto(f"{live_server.url}/personnes/{person.pk}/")
    expect(
        phone.get_by_text(
            "En emploi : CDDI (contrat d'insertion) chez Ressourcerie de Bondy depuis le "
            f"{today:%d/%m/%Y}"
        ).first
    ).to_be_visible()
    fits(phone)
    assert offer.pk
