"""Referring without consent (issue 9): the form says what the partner will see (a file number,
no name, no contact) and offers to record the consent first, on the consents page prefilled
from the query string, then brings the worker back with their choices."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Notice, NoticeKind
from beneficiaries.models import Pathway
from mia.models import OrganisationKind
from partners import referrals, services
from partners.models import Consent, Referral, Section
from tests.mia.factories import OrganisationFactory

WARNING = "ne saura pas qui est la personne"


def _form_url(person) -> str:
    return reverse("partners:referral_create", args=[person.pk])


def _consents_url(person) -> str:
    return reverse("partners:consents", args=[person.pk])


def _posted(partner, **changes) -> dict:
    return {
        "organisation": partner.organisation.pk,
        "pathway": Pathway.EMPLOYMENT,
        "reason": "Inscription et atelier CV, le mardi matin.",
    } | changes


def _consent(person, organisation, by, sections):
    return services.consent_record(
        person=person,
        organisation=organisation,
        purpose="Orientation",
        sections=list(sections),
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        by=by,
    )


# --- The explanation ---------------------------------------------------------------------------


def test_without_consent_the_form_explains_and_sends_nothing(login_as, person, partner):
    response = login_as("referent").post(_form_url(person), _posted(partner))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"France Travail {WARNING}" in html
    assert f"« Dossier n° {person.pk} »" in html
    assert "ni son nom, ni son téléphone" in html
    assert 'value="consent"' in html and 'value="send"' in html
    # What was typed is kept for the second step.
    assert "Inscription et atelier CV, le mardi matin." in html
    assert not Referral.objects.exists()


def test_sending_anyway_sends_it_as_before(login_as, person, partner):
    response = login_as("referent").post(_form_url(person), _posted(partner, action="send"))

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.organisation == partner.organisation
    # The partner is told, without the person's name: they may not know who it is.
    notice = Notice.objects.get(user=partner)
    assert (notice.kind, notice.person) == (NoticeKind.REFERRAL_RECEIVED, None)
    assert notice.url == reverse("partners:referral_detail", args=[referral.pk])


def test_with_an_identity_consent_the_form_sends_at_once(login_as, person, partner, referent):
    _consent(person, partner.organisation, referent, [Section.IDENTITY])

    form = login_as("referent").get(_form_url(person), {"organisation": partner.organisation.pk})
    response = login_as("referent").post(_form_url(person), _posted(partner))

    assert WARNING not in form.content.decode()
    assert response.status_code == 302
    assert Referral.objects.count() == 1
    # Identity is shared: the partner's notice may name the person.
    assert Notice.objects.get(user=partner).person == person


def test_a_consent_that_does_not_share_identity_is_not_enough(login_as, person, partner, referent):
    _consent(person, partner.organisation, referent, [Section.EMPLOYMENT])

    response = login_as("referent").post(_form_url(person), _posted(partner))

    assert response.status_code == 200
    assert WARNING in response.content.decode()
    assert not Referral.objects.exists()


def test_a_withdrawn_or_other_partners_consent_does_not_count(
    login_as, person, partner, partner_without_share, referent
):
    withdrawn = _consent(person, partner.organisation, referent, [Section.IDENTITY])
    services.consent_withdraw(consent=withdrawn, by=referent)
    _consent(person, partner_without_share.organisation, referent, [Section.IDENTITY])

    response = login_as("referent").post(_form_url(person), _posted(partner))

    assert WARNING in response.content.decode()


def test_a_colleague_who_cannot_record_consents_may_only_send_anyway(login_as, person, partner):
    response = login_as("colleague").post(_form_url(person), _posted(partner))

    html = response.content.decode()
    assert WARNING in html
    assert 'value="consent"' not in html
    assert "Seul le référent ou une coordinatrice" in html
    # Asking for the consent step anyway changes nothing: the form shows again.
    again = login_as("colleague").post(_form_url(person), _posted(partner, action="consent"))
    assert again.status_code == 200 and not Referral.objects.exists()


def test_an_invalid_form_does_not_leave_for_the_consents_page(login_as, person, partner):
    response = login_as("referent").post(
        _form_url(person), _posted(partner, organisation="999999", action="consent")
    )

    assert response.status_code == 200
    assert "Sélectionnez un choix valide." in response.content.decode()


# --- Suggested sections --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "pathway", "expected"),
    [
        (OrganisationKind.EMPLOYER, "", ["identity", "employment"]),
        (OrganisationKind.SIAE, "employment", ["identity", "employment"]),
        (OrganisationKind.TRAINING, "french", ["identity", "french", "employment"]),
        (OrganisationKind.HOUSING, "", ["identity", "housing"]),
        (OrganisationKind.STATE_SERVICE, "", ["identity", "rights"]),
        (OrganisationKind.LOCAL_AUTHORITY, "", ["identity", "rights"]),
        (OrganisationKind.HEALTH, "health", ["identity", "rights"]),  # health is no section
        (OrganisationKind.ASSOCIATION, "", ["identity"]),
    ],
)
def test_sections_suggested_by_the_partners_kind(db, kind, pathway, expected):
    organisation = OrganisationFactory(name=f"Partenaire {kind}", kind=kind)

    assert referrals.suggested_sections(organisation, pathway) == expected


# --- To the consents page and back -------------------------------------------------------------


def test_consent_first_leads_to_the_prefilled_consents_page(login_as, person, partner):
    client = login_as("referent")

    response = client.post(_form_url(person), _posted(partner, action="consent"))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == _consents_url(person)
    query = parse_qs(location.query)
    # France Travail is a state service: identity and rights, and employment for the pathway.
    assert query["organisation"] == [str(partner.organisation.pk)]
    assert query["sections"] == ["identity,rights,employment"]
    back = urlsplit(query["next"][0])
    assert back.path == _form_url(person)
    assert parse_qs(back.query)["pathway"] == ["employment"]
    # The reason never goes in a URL: it waits in the session.
    assert "Inscription" not in response["Location"] and "mardi" not in response["Location"]
    assert client.session[f"referral-draft:{person.pk}"]["reason"].startswith("Inscription")
    assert not Referral.objects.exists()


def test_consents_page_is_prefilled_from_the_query(login_as, person, partner):
    next_url = _form_url(person) + "?organisation=1&reprise=1"

    response = login_as("referent").get(
        _consents_url(person),
        {
            "organisation": partner.organisation.pk,
            "sections": "identity,employment",
            "next": next_url,
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["organisation"] == partner.organisation
    assert form.initial["sections"] == ["identity", "employment"]
    assert form.initial["purpose"] == "Orientation vers France Travail"
    html = response.content.decode()
    assert f'name="next" value="{next_url.replace("&", "&amp;")}"' in html
    assert "Revenir à l'orientation sans enregistrer" in html


@pytest.mark.parametrize(
    "query",
    [
        {"organisation": "abc", "sections": "passwords,<script>"},
        {"organisation": "99999999", "sections": ""},
        {"organisation": "²", "sections": "notes"},
        {"organisation": "1" * 40},
    ],
)
def test_unknown_ids_and_sections_are_left_out(login_as, person, query):
    response = login_as("referent").get(_consents_url(person), query)

    assert response.status_code == 200
    form = response.context["form"]
    assert "organisation" not in form.initial
    assert "sections" not in form.initial


def test_an_operator_is_not_prefilled_and_known_sections_are_kept(
    login_as, person, other_association
):
    response = login_as("referent").get(
        _consents_url(person),
        {"organisation": other_association.pk, "sections": "housing,bogus,identity"},
    )

    form = response.context["form"]
    assert "organisation" not in form.initial
    assert form.initial["sections"] == ["identity", "housing"]


def test_a_next_outside_mia_is_dropped(login_as, person, partner):
    client = login_as("referent")
    query = {"organisation": partner.organisation.pk, "next": "https://evil.example/"}

    page = client.get(_consents_url(person), query)
    saved = client.post(
        _consents_url(person) + "?next=https://evil.example/",
        {
            "organisation": partner.organisation.pk,
            "purpose": "Orientation",
            "sections": ["identity"],
            "given_on": timezone.localdate().isoformat(),
            "next": "https://evil.example/",
        },
    )

    html = page.content.decode()
    assert 'value="https://evil.example/"' not in html
    assert "Revenir à l'orientation" not in html
    assert saved["Location"] == _consents_url(person)


def test_a_partner_or_outsider_cannot_use_the_prefill(login_as, person, partner):
    query = {"organisation": partner.organisation.pk, "sections": "identity"}

    assert login_as("partner").get(_consents_url(person), query).status_code == 404
    assert login_as("outsider").get(_consents_url(person), query).status_code == 404


def test_round_trip_keeps_organisation_pathway_and_reason(login_as, person, partner):
    client = login_as("referent")
    to_consents = client.post(
        _form_url(person), _posted(partner, pathway=Pathway.RIGHTS, action="consent")
    )
    consents_page = client.get(to_consents["Location"])
    form = consents_page.context["form"]
    next_url = parse_qs(urlsplit(to_consents["Location"]).query)["next"][0]

    saved = client.post(
        to_consents["Location"],
        {
            "organisation": form.initial["organisation"].pk,
            "purpose": form.initial["purpose"],
            "sections": form.initial["sections"],
            "given_on": timezone.localdate().isoformat(),
            "next": next_url,
        },
    )

    assert saved.status_code == 302
    assert saved["Location"] == next_url
    consent = Consent.objects.get()
    assert consent.sections == ["identity", "rights"]
    back = client.get(saved["Location"])
    initial = back.context["form"].initial
    assert initial["organisation"] == partner.organisation
    assert initial["pathway"] == Pathway.RIGHTS
    assert initial["reason"] == "Inscription et atelier CV, le mardi matin."
    html = back.content.decode()
    assert "Le consentement est enregistré" in html
    assert WARNING not in html

    sent = client.post(_form_url(person), _posted(partner, pathway=Pathway.RIGHTS))

    assert sent.status_code == 302
    assert Referral.objects.get().pathway == Pathway.RIGHTS
    assert f"referral-draft:{person.pk}" not in client.session
    assert Notice.objects.get(user=partner).person == person


def test_the_draft_is_offered_only_when_coming_back(login_as, person, partner):
    client = login_as("referent")
    client.post(_form_url(person), _posted(partner, action="consent"))

    fresh = client.get(_form_url(person))
    back = client.get(_form_url(person), {"reprise": "1", "pathway": "<b>"})

    assert fresh.context["form"].initial.get("reason", "") == ""
    assert back.context["form"].initial["reason"].startswith("Inscription")
    assert "pathway" not in back.context["form"].initial


def test_a_preselected_partner_without_consent_is_explained_on_arrival(login_as, person, partner):
    response = login_as("referent").get(
        _form_url(person), {"organisation": partner.organisation.pk, "pathway": "employment"}
    )

    assert WARNING in response.content.decode()
    assert response.context["form"].initial["pathway"] == "employment"
