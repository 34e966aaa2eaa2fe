"""On a 390 px phone, a social worker photographs a paper from the person's page, then
downloads it; the partner it is addressed to accepts a referral from their phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners import referrals
from partners.models import Document, Referral, ReferralStatus
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD
from tests.partners.test_files import JPEG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_worker_photographs_a_paper_and_downloads_it(live_server, phone, referent, person):  # noqa: F811
    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(f"{live_server.url}/personnes/{person.pk}/")

    # The documents section is loaded by htmx once the page is shown.
    documents = phone.locator("section", has=phone.get_by_role("heading", name="Documents"))
    expect(documents.get_by_text("Aucun document.")).to_be_visible()
    documents.get_by_text("Ajouter un document ou une photo").click()
    # Issue 9: a large button, not the 21 px native input, and no `capture` forcing the camera.
    file_input = documents.get_by_label("Prendre une photo ou choisir un fichier")
    assert file_input.get_attribute("capture") is None
    button = documents.locator("label.file-button")
    expect(button).to_be_visible()
    assert button.bounding_box()["height"] >= 44
    file_input.focus()  # focusable from the keyboard although visually hidden
    assert phone.evaluate("document.activeElement.type") == "file"
    file_input.set_input_files(
        {"name": "IMG_20260301_101500.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    )
    expect(documents.locator(".file-chosen")).to_have_text(
        "Fichier choisi : IMG_20260301_101500.jpg"
    )
    documents.get_by_label("Type de document").select_option(label="Courrier de la CAF")
    documents.get_by_label("Date du document").fill("2026-03-01")
    documents.get_by_role("button", name="Ajouter").click()

    expect(phone.get_by_text("Document ajouté.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    link = phone.get_by_role("link", name="Courrier de la CAF")
    with phone.expect_download() as download_info:
        link.click()
    download = download_info.value
    document = Document.objects.get()
    assert download.suggested_filename == f"document-{document.pk}-caf-2026-03-01.jpg"
    with open(download.path(), "rb") as saved:
        assert saved.read() == JPEG


def test_partner_accepts_a_referral_from_the_phone(live_server, phone, partner, referent, person):  # noqa: F811
    referral = referrals.referral_create(
        person=person,
        organisation=partner.organisation,
        pathway="employment",
        reason="Inscription et atelier CV.",
        by=referent,
        base_url=live_server.url,
    )
    log_in(phone, live_server, partner.email, PASSWORD)
    phone.goto(f"{live_server.url}/orientations/recues/")

    phone.get_by_role("link", name=f"n° {referral.pk} du {timezone.localdate():%d/%m/%Y}").click()
    expect(phone.get_by_text("Inscription et atelier CV.")).to_be_visible()
    expect(phone.get_by_text("Ionescu")).to_have_count(0)
    phone.get_by_role("button", name="Accepter").click()

    expect(phone.locator("#orientation").get_by_text("Acceptée", exact=True)).to_be_visible()
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
