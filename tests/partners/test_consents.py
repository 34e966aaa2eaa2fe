"""Recording, reading and withdrawing consents from a person's file; the proof stays private."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import Consent

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"

URLS = {
    "portal": lambda o: reverse("partners:portal"),
    "consents": lambda o: reverse("partners:consents", args=[o["person"].pk]),
    "withdraw": lambda o: reverse("partners:consent_withdraw", args=[o["consent"].pk]),
    "proof": lambda o: reverse("partners:consent_proof", args=[o["consent"].pk]),
}

EXPECTED = {
    #                       portal cons wdr  proof
    "anonymous":             [302, 302, 302, 302],
    "referent":              [403, 200, 200, 200],
    "colleague":             [403, 200, 403, 200],
    "coordinator":           [403, 200, 200, 200],
    "manager":               [403, 200, 403, 404],
    "administrator":         [403, 200, 403, 200],
    "partner":               [200, 404, 404, 404],
    "partner_without_share": [200, 404, 404, 404],
    "outsider":              [403, 404, 404, 404],
}  # fmt: skip


@pytest.fixture
def consent_with_proof(person, partner, referent):
    return services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Inscription",
        sections=["identity"],
        given_on=datetime.date(2026, 1, 5),
        proof=SimpleUploadedFile("Ionescu signature.pdf", PDF, "application/pdf"),
        by=referent,
    )


@pytest.mark.parametrize("persona", EXPECTED)
def test_page_access(login_as, person, consent_with_proof, persona):
    objects = {"person": person, "consent": consent_with_proof}
    """Each page in turn for one persona (GETs change nothing): a failure names the page."""
    client = login_as(persona)
    for url_name, expected in zip(URLS, EXPECTED[persona], strict=True):
        response = client.get(URLS[url_name](objects))

        assert response.status_code == expected, url_name
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), url_name


def test_referent_records_a_consent_and_the_partner_sees_the_file(
    login_as, person, partner, client
):
    response = login_as("referent").post(
        reverse("partners:consents", args=[person.pk]),
        {
            "organisation": partner.organisation_id,
            "purpose": "Inscription à France Travail",
            "sections": ["identity", "employment"],
            "given_on": timezone.localdate().isoformat(),
            "expires_on": "",
            "proof": SimpleUploadedFile("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
        },
    )

    assert response.status_code == 302
    consent = Consent.objects.get(person=person)
    assert consent.sections == ["identity", "employment"]
    assert consent.proof.name.startswith(f"consentements/{person.pk}/")
    assert "Ionescu" not in consent.proof.name
    client.force_login(partner)
    assert client.get(reverse("beneficiaries:person_detail", args=[person.pk])).status_code == 200


def test_a_proof_that_is_not_a_pdf_nor_a_photo_is_refused(login_as, person, partner):
    response = login_as("referent").post(
        reverse("partners:consents", args=[person.pk]),
        {
            "organisation": partner.organisation_id,
            "purpose": "Inscription",
            "sections": ["identity"],
            "given_on": timezone.localdate().isoformat(),
            "proof": SimpleUploadedFile("scan.pdf", b"<html><script>x</script>"),
        },
    )

    assert response.status_code == 200
    assert "ni un PDF ni une photo" in response.content.decode()
    assert response.context["form"]["purpose"].value() == "Inscription"
    assert not Consent.objects.exists()


def test_expiry_before_the_consent_is_an_error_not_a_crash(login_as, person, partner):
    today = timezone.localdate()
    response = login_as("referent").post(
        reverse("partners:consents", args=[person.pk]),
        {
            "organisation": partner.organisation_id,
            "purpose": "Inscription",
            "sections": ["identity"],
            "given_on": today.isoformat(),
            "expires_on": (today - datetime.timedelta(days=3)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert "déjà passée" in response.content.decode()


def test_a_colleague_cannot_record_a_consent(login_as, person, partner):
    response = login_as("colleague").post(
        reverse("partners:consents", args=[person.pk]),
        {
            "organisation": partner.organisation_id,
            "purpose": "Inscription",
            "sections": ["identity"],
            "given_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 403
    assert not Consent.objects.exists()


def test_withdrawal_is_confirmed_then_posted(login_as, person, consent_with_proof, partner):
    client = login_as("referent")
    url = reverse("partners:consent_withdraw", args=[consent_with_proof.pk])

    assert "Retirer le consentement" in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 302
    consent_with_proof.refresh_from_db()
    assert consent_with_proof.withdrawn_on == timezone.localdate()
    page = client.get(reverse("partners:consents", args=[person.pk]))
    assert page.context["shared_with"] == {}


def test_the_proof_downloads_as_an_attachment(login_as, consent_with_proof):
    response = login_as("coordinator").get(
        reverse("partners:consent_proof", args=[consent_with_proof.pk])
    )

    assert response["Content-Disposition"].startswith("attachment")
    assert f"consentement-{consent_with_proof.pk}.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_who_has_access_lists_the_organisation_and_sections(login_as, person, consent_with_proof):
    page = login_as("colleague").get(reverse("partners:consents", args=[person.pk]))

    assert {str(org): labels for org, labels in page.context["shared_with"].items()} == {
        "France Travail": ["Identité et contact"]
    }
    assert page.context["form"] is None
