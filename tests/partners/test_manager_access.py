"""Managers read figures and the lists behind them, and a person's page without the papers, the
consent proofs, the referral reasons or the notes (issue 8, finding 12). The people who meet the
families (referent, coordinator) still get all of it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accompaniment.models import FollowUp
from beneficiaries.models import Pathway
from partners import documents, referrals, services
from partners.models import DocumentKind

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
REASON = "Reconnaissance de handicap en cours, dossier MDPH"
DECLINE = "Pas de place avant septembre"
NOTE = "Inquiète pour la scolarité de sa fille"


@pytest.fixture
def papers(person, household, referent):
    def add(**owner):
        return documents.document_add(
            upload=SimpleUploadedFile("papier.pdf", PDF, "application/pdf"),
            kind=DocumentKind.OTHER,
            by=referent,
            **owner,
        )

    return {"person": add(person=person), "household": add(household=household)}


@pytest.fixture
def consent_with_proof(person, partner, referent):
    return services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Inscription",
        sections=["identity", "documents"],
        given_on=datetime.date(2026, 1, 5),
        proof=SimpleUploadedFile("signature.pdf", PDF, "application/pdf"),
        by=referent,
    )


@pytest.fixture
def declined_referral(person, partner, referent):
    referral = referrals.referral_create(
        person=person,
        organisation=partner.organisation,
        pathway=Pathway.EMPLOYMENT,
        reason=REASON,
        by=referent,
        base_url="http://testserver/",
    )
    return referrals.referral_decline(
        referral=referral, reason=DECLINE, by=partner, base_url="http://testserver/"
    )


@pytest.mark.parametrize("owner", ["person", "household"])
@pytest.mark.parametrize(
    ("persona", "expected"), [("manager", 404), ("referent", 200), ("coordinator", 200)]
)
def test_documents_are_for_those_who_meet_the_families(
    login_as, person, household, papers, owner, persona, expected
):
    client = login_as(persona)
    owner_pk = person.pk if owner == "person" else household.pk
    page_url = reverse(f"partners:{owner}_documents", args=[owner_pk])

    page = client.get(page_url)
    download = client.get(reverse("partners:document_download", args=[papers[owner].pk]))

    assert (page.status_code, download.status_code) == (expected, expected)


@pytest.mark.parametrize(
    ("persona", "shown"), [("manager", False), ("referent", True), ("coordinator", True)]
)
def test_pages_of_a_person_and_a_household_offer_documents_to_whoever_reads_them(
    login_as, person, household, persona, shown
):
    client = login_as(persona)

    person_page = client.get(reverse("beneficiaries:person_detail", args=[person.pk]))
    household_page = client.get(reverse("beneficiaries:household_detail", args=[household.pk]))

    assert (person_page.status_code, household_page.status_code) == (200, 200)
    documents_url = reverse("partners:person_documents", args=[person.pk])
    assert (documents_url in person_page.content.decode()) is shown
    household_url = reverse("partners:household_documents", args=[household.pk])
    assert (household_url in household_page.content.decode()) is shown


def test_a_partner_with_the_documents_section_still_sees_the_documents(
    login_as, person, consent_with_proof
):
    page = login_as("partner").get(reverse("beneficiaries:person_detail", args=[person.pk]))

    assert reverse("partners:person_documents", args=[person.pk]) in page.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"), [("manager", 404), ("referent", 200), ("coordinator", 200)]
)
def test_consent_proofs_are_not_for_managers(
    login_as, person, consent_with_proof, persona, expected
):
    client = login_as(persona)
    proof_url = reverse("partners:consent_proof", args=[consent_with_proof.pk])

    consents_page = client.get(reverse("partners:consents", args=[person.pk]))
    download = client.get(proof_url)

    # The consents themselves (to whom, which sections, until when) stay in view.
    assert consents_page.status_code == 200
    assert "Inscription" in consents_page.content.decode()
    assert (proof_url in consents_page.content.decode()) is (expected == 200)
    assert download.status_code == expected


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("manager", False), ("referent", True), ("coordinator", True), ("partner", True)],
)
def test_a_referral_reason_is_not_for_managers(login_as, declined_referral, persona, shown):
    response = login_as(persona).get(
        reverse("partners:referral_detail", args=[declined_referral.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    # Who, where to, on which pathway and how it went: the figures behind the referral tables.
    assert declined_referral.get_status_display() in html
    assert (REASON in html, DECLINE in html) == (shown, shown)


@pytest.mark.parametrize(
    ("persona", "shown"), [("manager", False), ("referent", True), ("coordinator", True)]
)
def test_notes_are_not_for_managers(login_as, person, referent, persona, shown):
    follow_up = FollowUp.objects.create(
        organisation=person.organisation, person=person, author=referent, place="office", note=NOTE
    )
    follow_up.participants.set([person])
    client = login_as(persona)

    timeline = client.get(reverse("beneficiaries:person_timeline", args=[person.pk]))
    edit = client.get(reverse("accompaniment:followup_edit", args=[follow_up.pk]))

    assert timeline.status_code == 200
    assert (NOTE in timeline.content.decode()) is shown
    assert (NOTE in edit.content.decode()) is shown
    if not shown:
        assert edit.status_code == 404


def test_a_manager_still_reads_the_lists_and_the_person_page(login_as, person):
    client = login_as("manager")

    listing = client.get(reverse("beneficiaries:person_list"))
    page = client.get(reverse("beneficiaries:person_detail", args=[person.pk]))

    assert [row.pk for row in listing.context["page"]] == [person.pk]
    assert page.status_code == 200
    assert person.last_name in page.content.decode()
