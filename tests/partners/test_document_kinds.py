"""Documents that fit the field (issue 9): the kinds workers handle daily, "other" with a title
of its own, a readable label for staff and partners, and a large photo-or-file button that
does not force the camera, so that a PDF received by e-mail can be attached."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners import documents, services
from partners.models import Document, DocumentKind, Section
from tests.partners.test_files import PDF


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, person, **data):
    return client.post(
        reverse("partners:person_documents", args=[person.pk]),
        {"file": SimpleUploadedFile("scan.pdf", PDF, "application/pdf"), **data},
    )


def test_the_kinds_workers_handle_daily_are_offered(login_as, person):
    html = login_as("referent").get(reverse("partners:person_documents", args=[person.pk]))
    page = html.content.decode()

    for label in [
        "CV",
        "Attestation de domiciliation",
        "Avis d&#x27;imposition",
        "RIB (relevé d&#x27;identité bancaire)",
        "Contrat de travail",
        "Bulletin de salaire",
        "Attestation Complémentaire santé solidaire (CSS)",
        "Attestation Navigo (solidarité transport)",
        "Autre (préciser)",
    ]:
        assert f">{label}</option>" in page


@pytest.mark.parametrize(
    "kind",
    [DocumentKind.CV, DocumentKind.DOMICILIATION, DocumentKind.PAYSLIP, DocumentKind.NAVIGO],
)
def test_a_daily_kind_is_recorded_without_a_title(login_as, person, kind):
    response = _upload(login_as("referent"), person, kind=kind, title="ignoré")

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.title) == (kind, "")
    assert document.label == DocumentKind(kind).label


def test_other_needs_a_title_with_a_clear_french_error(login_as, person):
    response = _upload(login_as("referent"), person, kind=DocumentKind.OTHER, title="  ")

    assert response.status_code == 200
    assert not Document.objects.exists()
    assert "Précisez l&#x27;intitulé du document" in response.content.decode()


def test_other_with_a_title_is_shown_by_its_title(login_as, person):
    client = login_as("referent")
    _upload(client, person, kind=DocumentKind.OTHER, title="Attestation de stage")

    document = Document.objects.get()
    assert document.title == "Attestation de stage"
    page = client.get(reverse("partners:person_documents", args=[person.pk])).content.decode()
    assert ">Attestation de stage</a>" in page
    assert "Autre (préciser)</a>" not in page


def test_partner_reads_the_label(login_as, person, partner, referent):
    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Insertion professionnelle",
        sections=[Section.IDENTITY, Section.DOCUMENTS],
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        by=referent,
    )
    for kind, title in [(DocumentKind.OTHER, "Promesse d'embauche"), (DocumentKind.RIB, "")]:
        documents.document_add(
            upload=SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
            kind=kind,
            title=title,
            by=referent,
            person=person,
        )

    page = login_as("partner").get(reverse("partners:person_documents", args=[person.pk]))
    html = page.content.decode()

    assert ">Promesse d&#x27;embauche</a>" in html
    assert ">RIB (relevé d&#x27;identité bancaire)</a>" in html


def test_large_button_without_capture(login_as, person):
    html = login_as("referent").get(reverse("partners:person_documents", args=[person.pk]))
    page = html.content.decode()

    [file_input] = re.findall(r"<input[^>]*type=\"file\"[^>]*>", page)
    assert "capture" not in file_input  # a PDF from an e-mail can be attached
    assert 'class="file-input"' in file_input
    assert 'accept="application/pdf' in file_input
    assert 'aria-describedby="id_file_helptext id_file_chosen"' in file_input
    assert '<label for="id_file" class="file-button">' in page
    assert "Prendre une photo ou choisir un fichier" in page
    assert 'id="id_file_chosen" aria-live="polite"' in page.replace("\n     ", " ")
    assert "js/file-input.js" in page
