"""A social worker on a 390 px phone books an appointment at a partner's office, opens the slip,
shows it in Romanian, and prints it: one A6 page, without the application around it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accompaniment.models import Appointment
from mia.models import OrganisationKind
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A6 = (105, 148)  # millimetres
POINTS_PER_MM = 72 / 25.4


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of each page of a PDF Chromium wrote (its page objects are not compressed)."""
    pages = re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[([^\]]+)\]", pdf, re.S)
    if not pages:  # the MediaBox written before the type
        pages = re.findall(rb"/MediaBox\s*\[([^\]]+)\][^>]*?/Type\s*/Page\b(?!s)", pdf, re.S)
    sizes = []
    for box in pages:
        x0, y0, x1, y1 = (float(n) for n in box.split())
        sizes.append(((x1 - x0) / POINTS_PER_MM, (y1 - y0) / POINTS_PER_MM))
    return sizes


def test_book_an_appointment_and_print_its_slip_in_romanian(
    live_server,
    phone,  # noqa: F811
    referent,
    person,
    association,
):
    association.phone = "01 48 20 30 40"
    association.save()
    caf = OrganisationFactory(
        name="CAF de Seine-Saint-Denis",
        kind=OrganisationKind.STATE_SERVICE,
        address="2 avenue de la République, 93000 Bobigny",
    )
    day = timezone.localdate() + datetime.timedelta(days=3)
    log_in(phone, live_server, referent.email, PASSWORD)

    phone.goto(f"{live_server.url}/personnes/{person.pk}/rendez-vous/nouveau/")
    expect(
        phone.get_by_role("heading", name="Prendre rendez-vous — Ștefan Ionescu")
    ).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("Date").fill(day.isoformat())
    phone.get_by_label("Heure").fill("14:30")
    phone.get_by_label("Chez un partenaire (CAF, CCAS, France Travail…)").check()
    phone.get_by_role("combobox", name="Partenaire").select_option(label="CAF de Seine-Saint-Denis")
    phone.get_by_role("textbox", name="Demander").fill("Mme Diallo, accueil")
    for paper in (
        "Pièce d'identité ou passeport",
        "Attestation de domiciliation",
        "Courriers de la CAF",
        "Titre de séjour ou récépissé",
        "Carte Vitale ou attestation de droits santé",
        "Avis d'imposition",
        "RIB (relevé d'identité bancaire)",
        "Livret de famille ou actes de naissance",
    ):
        phone.get_by_label(paper).check()
    phone.get_by_role("button", name="Enregistrer").click()

    expect(phone.get_by_text("Le rendez-vous est pris pour le")).to_be_visible()
    appointment = Appointment.objects.get()
    assert (appointment.partner, appointment.worker) == (caf, referent)
    assert appointment.address == caf.address
    upcoming = phone.get_by_role("region", name="1 rendez-vous à venir")
    expect(upcoming.get_by_text("CAF de Seine-Saint-Denis")).to_be_visible()

    upcoming.get_by_role("link", name=re.compile("^Fiche")).click()
    expect(phone.get_by_role("heading", name="Votre rendez-vous")).to_be_visible()
    phone.get_by_role("link", name="Română").click()

    slip = phone.locator("article.slip")
    expect(slip.get_by_role("heading", name="Programarea dumneavoastră")).to_be_visible()
    expect(slip).to_have_attribute("lang", "ro")
    expect(slip.get_by_text("Aduceți aceste acte")).to_be_visible()
    expect(slip.get_by_text("Buletin (carte de identitate) sau pașaport")).to_be_visible()
    expect(slip.get_by_text("Scrisorile primite de la CAF")).to_be_visible()
    expect(slip.get_by_text("14:30")).to_be_visible()
    expect(slip.get_by_text("Mme Diallo, accueil")).to_be_visible()
    expect(slip.get_by_text("Nu puteți veni? Sunați asociația:")).to_be_visible()
    assert "Ionescu" not in slip.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # Large type on the phone: the date and time read at arm's length.
    size = phone.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.slip-big')).fontSize)"
    )
    assert size >= 24

    phone.emulate_media(media="print")
    expect(phone.locator(".site-header")).to_be_hidden()
    expect(phone.locator(".slip-tools")).to_be_hidden()
    pdf = phone.pdf(prefer_css_page_size=True, print_background=True)

    pages = pdf_pages(pdf)
    assert len(pages) == 1, f"{len(pages)} pages"
    width, height = pages[0]
    assert abs(width - A6[0]) < 1 and abs(height - A6[1]) < 1
