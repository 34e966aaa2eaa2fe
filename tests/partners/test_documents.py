"""Documents: uploaded from a phone or a computer, checked from their content, stored under a
random name outside any public URL, downloaded only by whoever may see them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from mia.models import AuditAction, AuditEntry
from partners import documents, services
from partners.models import Document, DocumentKind, Section
from tests.partners.test_files import EXE, HEIC, HTML, JPEG, PDF, PNG


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _share(person, partner, by, sections):
    return services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Insertion professionnelle",
        sections=list(sections),
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        by=by,
    )


@pytest.fixture
def shared(person, partner, referent):
    """The person's identity and documents are shared with the partner (France Travail)."""
    return _share(person, partner, referent, [Section.IDENTITY, Section.DOCUMENTS])


@pytest.fixture
def document(person, referent):
    return documents.document_add(
        upload=SimpleUploadedFile("Ionescu passeport.pdf", PDF, "application/pdf"),
        kind=DocumentKind.IDENTITY,
        dated_on=datetime.date(2026, 3, 1),
        by=referent,
        person=person,
    )


@pytest.fixture
def household_document(household, referent):
    return documents.document_add(
        upload=SimpleUploadedFile("caf.png", PNG, "image/png"),
        kind=DocumentKind.CAF,
        by=referent,
        household=household,
    )


URLS = {
    "person_documents": lambda o: reverse("partners:person_documents", args=[o["person"].pk]),
    "household_documents": lambda o: reverse(
        "partners:household_documents", args=[o["household"].pk]
    ),
    "download": lambda o: reverse("partners:document_download", args=[o["document"].pk]),
    "household_download": lambda o: reverse(
        "partners:document_download", args=[o["household_document"].pk]
    ),
}

# A partner reaches the papers of a person who shared their documents section, never the
# household's: those may concern adults of the household who did not consent. A manager reads
# figures, never papers.
EXPECTED = {
    #                        per hhd dl  hdl
    "anonymous":             [302, 302, 302, 302],
    "referent":              [200, 200, 200, 200],
    "colleague":             [200, 200, 200, 200],
    "coordinator":           [200, 200, 200, 200],
    "manager":               [404, 404, 404, 404],
    "administrator":         [200, 200, 200, 200],
    "partner":               [200, 404, 200, 404],
    "partner_without_share": [404, 404, 404, 404],
    "outsider":              [404, 404, 404, 404],
}  # fmt: skip


@pytest.mark.parametrize("persona", EXPECTED)
def test_page_access(login_as, person, household, shared, document, household_document, persona):
    objects = {
        "person": person,
        "household": household,
        "document": document,
        "household_document": household_document,
    }
    """Each page in turn for one persona (GETs change nothing): a failure names the page."""
    client = login_as(persona)
    for url_name, expected in zip(URLS, EXPECTED[persona], strict=True):
        response = client.get(URLS[url_name](objects))

        assert response.status_code == expected, url_name
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), url_name


def test_partner_without_the_documents_section_gets_404(
    login_as, person, partner, referent, document
):
    _share(person, partner, referent, [Section.IDENTITY, Section.EMPLOYMENT])
    client = login_as("partner")

    assert client.get(reverse("beneficiaries:person_detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("partners:person_documents", args=[person.pk])).status_code == 404
    assert client.get(reverse("partners:document_download", args=[document.pk])).status_code == 404


def test_withdrawn_consent_ends_downloads_at_once(login_as, shared, document, referent):
    client = login_as("partner")
    url = reverse("partners:document_download", args=[document.pk])
    assert client.get(url).status_code == 200

    services.consent_withdraw(consent=shared, by=referent)

    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "extension", "content_type"),
    [
        (PDF, "Courrier préfecture Ionescu.pdf", "pdf", "application/pdf"),
        (JPEG, "IMG_20260301.jpg", "jpg", "image/jpeg"),
        (PNG, "capture.png", "png", "image/png"),
        (HEIC, "IMG_0042.HEIC", "heic", "image/heic"),
    ],
)
def test_upload_accepted_and_stored_under_a_random_name(
    login_as, person, media, content, name, extension, content_type
):
    response = login_as("referent").post(
        reverse("partners:person_documents", args=[person.pk]),
        {
            "file": SimpleUploadedFile(name, content, "application/octet-stream"),
            "kind": DocumentKind.PREFECTURE,
            "dated_on": "2026-03-01",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person_detail", args=[person.pk])
    document = Document.objects.get()
    assert (document.extension, document.content_type, document.size) == (
        extension,
        content_type,
        len(content),
    )
    assert document.uploaded_by.email == "referent@test.mia"
    stored = document.file.name
    assert stored.startswith("documents/") and stored.endswith(f".{extension}")
    assert "Ionescu" not in stored and "IMG" not in stored and "capture" not in stored
    assert (media / stored).read_bytes() == content


@pytest.mark.parametrize(
    ("content", "name"), [(EXE, "titre de séjour.pdf"), (HTML, "photo.jpg"), (EXE, "setup.exe")]
)
def test_other_files_are_refused_in_french_without_error(login_as, person, media, content, name):
    response = login_as("referent").post(
        reverse("partners:person_documents", args=[person.pk]),
        {"file": SimpleUploadedFile(name, content, "image/jpeg"), "kind": DocumentKind.OTHER},
    )

    assert response.status_code == 200
    assert "Ce fichier n&#x27;est ni un PDF ni une photo (JPEG, PNG ou HEIC)." in (
        response.content.decode()
    )
    assert not Document.objects.exists()
    assert not (media / "documents").exists() or not any((media / "documents").iterdir())


def test_too_large_file_is_refused(login_as, person, settings):
    settings.MIA_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")

    response = login_as("referent").post(
        reverse("partners:person_documents", args=[person.pk]),
        {"file": big, "kind": DocumentKind.OTHER},
    )

    assert response.status_code == 200
    assert "Le fichier dépasse la taille maximale de 1 Mo." in response.content.decode()
    assert not Document.objects.exists()


def test_missing_file_and_bad_date_keep_the_form(login_as, person):
    response = login_as("referent").post(
        reverse("partners:person_documents", args=[person.pk]),
        {"kind": DocumentKind.CAF, "dated_on": "32/13/2026"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["file"] == ["Choisissez un fichier ou prenez une photo."]
    assert errors["dated_on"] == ["Saisissez une date valide."]


def test_phone_form_offers_the_camera_without_forcing_it(login_as, person):
    """Issue 9: no `capture`, which forced the camera; a phone still offers it among the
    choices for `accept` with images, and a PDF received by e-mail can be attached."""
    page = login_as("referent").get(reverse("partners:person_documents", args=[person.pk]))

    html = page.content.decode()
    assert "capture=" not in html
    assert 'accept="application/pdf,image/jpeg,image/png,image/heic"' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(("persona", "expected"), [("manager", 404), ("partner", 403)])
def test_readers_who_do_not_meet_families_cannot_upload(
    login_as, person, shared, persona, expected
):
    response = login_as(persona).post(
        reverse("partners:person_documents", args=[person.pk]),
        {"file": SimpleUploadedFile("a.pdf", PDF, "application/pdf"), "kind": "other"},
    )

    assert response.status_code == expected
    assert not Document.objects.exists()


def test_household_upload(login_as, household, media):
    response = login_as("referent").post(
        reverse("partners:household_documents", args=[household.pk]),
        {"file": SimpleUploadedFile("bail.jpg", JPEG, "image/jpeg"), "kind": "housing"},
    )

    assert response.status_code == 302
    assert Document.objects.get().household == household


def test_download_is_an_attachment_not_cached_nor_sniffed_and_audited(login_as, document, person):
    response = login_as("colleague").get(reverse("partners:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"document-{document.pk}-identity-2026-03-01.pdf" in disposition
    assert "Ionescu" not in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    entry = AuditEntry.objects.get(action=AuditAction.DOWNLOAD)
    assert (entry.user.email, entry.person_id, entry.section) == (
        "collegue@test.mia",
        person.pk,
        Section.DOCUMENTS,
    )


def test_a_missing_file_on_disk_is_not_found_not_an_error(login_as, document, media):
    (media / document.file.name).unlink()

    response = login_as("referent").get(reverse("partners:document_download", args=[document.pk]))

    assert response.status_code == 404


def test_media_files_have_no_public_url(client, login_as, document):
    path = f"/media/{document.file.name}"

    assert client.get(path).status_code in (302, 404)
    assert login_as("referent").get(path).status_code == 404


def test_a_document_belongs_to_a_person_or_a_household_not_both(person, household, referent):
    with pytest.raises(IntegrityError):
        Document.objects.create(
            person=person,
            household=household,
            kind="other",
            file="documents/x.pdf",
            extension="pdf",
            content_type="application/pdf",
            size=1,
            uploaded_by=referent,
        )


# --- Query budgets -----------------------------------------------------------------------------


@pytest.fixture
def many(request, person, referent):
    for _ in range(request.param):
        documents.document_add(
            upload=SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
            kind=DocumentKind.CAF,
            by=referent,
            person=person,
        )
    return request.param


@pytest.mark.parametrize("many", [3, 30], indirect=True)
def test_person_documents_budget(login_as, person, many, django_assert_num_queries):
    client = login_as("referent")
    # 1 session, 1 user; the person; the procedures a paper may be attached to; the documents;
    # the audit entry (mia.audit.record_read).
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:person_documents", args=[person.pk]))
    assert len(response.context["documents"]) == many


@pytest.mark.parametrize("many", [3, 30], indirect=True)
def test_partner_documents_budget(login_as, person, shared, many, django_assert_num_queries):
    client = login_as("partner")
    # 1 session, 1 user; the person through the grants; the sections shared (grants); the
    # documents; the audit entry (mia.audit.record_read).
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:person_documents", args=[person.pk]))
    assert len(response.context["documents"]) == many


def test_person_and_household_pages_load_referrals_and_documents(login_as, person, household):
    client = login_as("referent")

    page = client.get(reverse("beneficiaries:person_detail", args=[person.pk])).content.decode()
    household_page = client.get(
        reverse("beneficiaries:household_detail", args=[household.pk])
    ).content.decode()

    assert f'hx-get="{reverse("partners:person_referrals", args=[person.pk])}"' in page
    assert f'hx-get="{reverse("partners:person_documents", args=[person.pk])}"' in page
    documents_url = reverse("partners:household_documents", args=[household.pk])
    assert f'hx-get="{documents_url}"' in household_page


def test_partner_page_loads_documents_only_when_shared(login_as, person, partner, referent):
    consent = _share(person, partner, referent, [Section.IDENTITY])
    client = login_as("partner")
    url = reverse("beneficiaries:person_detail", args=[person.pk])
    documents_url = reverse("partners:person_documents", args=[person.pk])

    identity_only = client.get(url).content.decode()
    services.consent_withdraw(consent=consent, by=referent)
    _share(person, partner, referent, [Section.IDENTITY, Section.DOCUMENTS])
    with_documents = client.get(url).content.decode()

    assert documents_url not in identity_only
    assert reverse("partners:person_referrals", args=[person.pk]) not in with_documents
    assert f'hx-get="{documents_url}"' in with_documents


def test_an_upload_is_audited_on_the_person_file(document, person):
    entry = AuditEntry.objects.get(model="document", action=AuditAction.CREATE)

    assert (entry.person_id, entry.object_id) == (person.pk, str(document.pk))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("referent", 302),  # who attached it
        ("coordinator", 302),
        ("colleague", 403),
        ("manager", 404),
        ("partner", 404),
        ("outsider", 404),
    ],
)
def test_who_attached_a_document_or_a_coordinator_deletes_it(
    login_as, document, shared, media, persona, expected, django_capture_on_commit_callbacks
):
    stored = media / document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = login_as(persona).post(reverse("partners:document_delete", args=[document.pk]))

    assert response.status_code == expected
    assert Document.objects.exists() == (expected != 302)
    assert stored.exists() == (expected != 302)


def test_delete_is_post_only_and_refreshes_the_list_for_htmx(login_as, document, person):
    client = login_as("referent")
    url = reverse("partners:document_delete", args=[document.pk])

    assert client.get(url).status_code == 405
    response = client.post(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.templates[0].name == "partners/partials/document_list.html"
    assert "Aucun document." in response.content.decode()


def test_delete_button_only_for_who_may_delete(login_as, document, person):
    url = reverse("partners:person_documents", args=[person.pk])
    delete_url = reverse("partners:document_delete", args=[document.pk])

    assert delete_url in login_as("referent").get(url).content.decode()
    assert delete_url not in login_as("colleague").get(url).content.decode()


@pytest.fixture
def many_household(request, household, referent):
    for _ in range(request.param):
        documents.document_add(
            upload=SimpleUploadedFile("x.png", PNG, "image/png"),
            kind=DocumentKind.HOUSING,
            by=referent,
            household=household,
        )
    return request.param


@pytest.mark.parametrize("many_household", [3, 30], indirect=True)
def test_household_documents_budget(login_as, household, many_household, django_assert_num_queries):
    client = login_as("coordinator")
    # 1 session, 1 user; the household; the documents; the audit entry (mia.audit.record_read).
    with django_assert_num_queries(5):
        response = client.get(reverse("partners:household_documents", args=[household.pk]))
    assert len(response.context["documents"]) == many_household
