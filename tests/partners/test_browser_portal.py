"""A partner on a phone: the files shared with their organisation, nothing else."""

import datetime

import pytest
from playwright.sync_api import expect

from beneficiaries import services as beneficiaries_services
from partners import services
from tests.beneficiaries.factories import PersonFactory
from tests.browser import browser, log_in, open_menu, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_sees_the_shared_files_and_nothing_else(
    live_server,
    phone,  # noqa: F811
    person,
    referent,
    partner,
):
    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Inscription à France Travail",
        sections=["identity", "employment"],
        given_on=datetime.date(2026, 1, 5),
        expires_on=datetime.date(2099, 6, 30),
        by=referent,
    )
    hidden = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(first_name="Maria", last_name="Popescu")
    )

    log_in(phone, live_server, partner.email, PASSWORD)
    # A partner lands on the referrals to handle; the menu leads to the shared files.
    open_menu(phone)
    phone.get_by_role("link", name="Dossiers partagés", exact=True).click()

    expect(
        phone.get_by_role("heading", name="Dossiers partagés avec votre organisation")
    ).to_be_visible()
    expect(phone.get_by_role("link", name="Ionescu Ștefan")).to_be_visible()
    expect(phone.get_by_text("Identité et contact, Emploi")).to_be_visible()
    expect(phone.get_by_text("30/06/2099")).to_be_visible()
    expect(phone.get_by_text("Popescu")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_role("link", name="Ionescu Ștefan").click()
    expect(phone.get_by_role("heading", name="Identité et contact")).to_be_visible()
    expect(
        phone.get_by_role("heading", name="Parties partagées avec votre organisation")
    ).to_be_visible()
    expect(phone.get_by_role("link", name="Modifier")).to_have_count(0)
    expect(phone.get_by_role("link", name="Historique")).to_have_count(0)

    phone.goto(f"{live_server.url}/personnes/{hidden.pk}/")
    expect(phone.get_by_role("heading", name="Page introuvable")).to_be_visible()
    expect(phone.get_by_text("Popescu")).to_have_count(0)


def test_referent_records_then_withdraws_a_consent_on_a_phone(
    live_server,
    phone,  # noqa: F811
    person,
    referent,
    partner,
    tmp_path,
):
    proof = tmp_path / "signature.jpg"
    proof.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64)

    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(f"{live_server.url}/personnes/{person.pk}/")
    phone.get_by_role("link", name="Consentements et partages").click()
    expect(phone.get_by_text("Ce dossier n'est partagé avec aucune organisation")).to_be_visible()

    phone.get_by_label("Organisation destinataire").select_option(label="France Travail")
    phone.get_by_label("Objet du partage").fill("Inscription à France Travail")
    phone.get_by_label("Identité et contact").check()
    phone.get_by_label("Emploi").check()
    phone.get_by_label("Preuve du consentement").set_input_files(str(proof))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="Enregistrer et partager").click()

    expect(phone.get_by_text("Le consentement est enregistré")).to_be_visible()
    access = phone.get_by_role("region", name="Qui a accès aujourd'hui")
    expect(access.get_by_text("Identité et contact, Emploi")).to_be_visible()

    phone.get_by_role("link", name="Retirer").click()
    phone.get_by_role("button", name="Retirer le consentement").click()
    expect(phone.get_by_text("Le consentement est retiré")).to_be_visible()
    expect(phone.get_by_text("Ce dossier n'est partagé avec aucune organisation")).to_be_visible()
