"""Referrals (orientations): who sees and answers them, their statuses, the e-mails sent."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Pathway
from partners import referrals, services
from partners.models import Referral, ReferralStatus, Section
from tests.beneficiaries.factories import PersonFactory

BASE = "http://testserver/"


@pytest.fixture
def referral(person, partner, referent):
    """A referral of `person` to the partner's organisation (France Travail), sent by the
    referent, e-mails left aside."""
    return referrals.referral_create(
        person=person,
        organisation=partner.organisation,
        pathway=Pathway.EMPLOYMENT,
        reason="Inscription et atelier CV.",
        by=referent,
        base_url=BASE,
    )


def _share(person, organisation, by, sections=(Section.IDENTITY,)):
    return services.consent_record(
        person=person,
        organisation=organisation,
        purpose="Accompagnement vers l'emploi",
        sections=list(sections),
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        by=by,
    )


URLS = {
    "person_referrals": lambda o: reverse("partners:person_referrals", args=[o["person"].pk]),
    "referral_create": lambda o: reverse("partners:referral_create", args=[o["person"].pk]),
    "referrals_sent": lambda o: reverse("partners:referrals_sent"),
    "referrals_received": lambda o: reverse("partners:referrals_received"),
    "referral_detail": lambda o: reverse("partners:referral_detail", args=[o["referral"].pk]),
    "referral_accept": lambda o: reverse("partners:referral_accept", args=[o["referral"].pk]),
    "referral_decline": lambda o: reverse("partners:referral_decline", args=[o["referral"].pk]),
    "referral_done": lambda o: reverse("partners:referral_done", args=[o["referral"].pk]),
    "referral_cancel": lambda o: reverse("partners:referral_cancel", args=[o["referral"].pk]),
}

# persona -> status of a GET on each URL above, in order. Answers are POST only (405 to whoever
# passes the role rule); the referral is addressed to the `partner`'s organisation.
EXPECTED = {
    #                        per new snt rcv det acc dec don can
    "anonymous":             [302, 302, 302, 302, 302, 302, 302, 302, 302],
    "referent":              [200, 200, 200, 403, 200, 404, 404, 404, 405],
    "colleague":             [200, 200, 200, 403, 200, 404, 404, 404, 405],
    "coordinator":           [200, 200, 200, 403, 200, 404, 404, 404, 405],
    "manager":               [200, 404, 403, 403, 200, 404, 404, 404, 404],
    "administrator":         [200, 404, 403, 403, 200, 404, 404, 404, 404],
    "partner":               [404, 404, 403, 200, 200, 405, 405, 405, 404],
    "partner_without_share": [404, 404, 403, 200, 404, 405, 405, 405, 404],
    "outsider":              [404, 404, 200, 403, 404, 404, 404, 404, 405],
}  # fmt: skip


@pytest.mark.parametrize("persona", EXPECTED)
def test_page_access(login_as, person, referral, persona):
    objects = {"person": person, "referral": referral}
    """Each page in turn for one persona (GETs change nothing): a failure names the page."""
    client = login_as(persona)
    for url_name, expected in zip(URLS, EXPECTED[persona], strict=True):
        response = client.get(URLS[url_name](objects))

        assert response.status_code == expected, url_name
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), url_name


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("partner", 302), ("partner_without_share", 404), ("referent", 404), ("outsider", 404)],
)
def test_only_the_addressed_partner_answers(login_as, referral, persona, expected):
    response = login_as(persona).post(reverse("partners:referral_accept", args=[referral.pk]))

    assert response.status_code == expected
    referral.refresh_from_db()
    assert referral.status == (ReferralStatus.ACCEPTED if expected == 302 else ReferralStatus.SENT)


def test_worker_sends_a_referral_and_the_partner_is_told_without_the_name(
    login_as, person, partner, django_capture_on_commit_callbacks
):
    client = login_as("referent")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partners:referral_create", args=[person.pk]),
            {
                "organisation": partner.organisation.pk,
                "pathway": Pathway.EMPLOYMENT,
                "reason": "Inscription à France Travail.",
                # No consent: the form explains what the partner will see; sent on request.
                "action": "send",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person_detail", args=[person.pk])
    referral = Referral.objects.get()
    assert (referral.status, referral.organisation, referral.created_by.email) == (
        ReferralStatus.SENT,
        partner.organisation,
        "referent@test.mia",
    )
    assert [event.status for event in referral.events.all()] == [ReferralStatus.SENT]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["partenaire@test.mia"]
    text = message.subject + message.body
    assert f"n° {referral.pk}" in text
    assert f"http://testserver/orientations/{referral.pk}/" in message.body
    for personal in ("Ionescu", "Ștefan", "Inscription"):
        assert personal not in text
    # The person's page lists it with its status.
    page = client.get(reverse("partners:person_referrals", args=[person.pk]))
    assert "France Travail — Emploi" in page.content.decode()
    assert "Envoyée" in page.content.decode()


def test_referral_form_refuses_bad_input_in_french_and_keeps_it(login_as, person):
    response = login_as("referent").post(
        reverse("partners:referral_create", args=[person.pk]),
        {"organisation": "999999", "pathway": "", "reason": "Garder ce texte"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Sélectionnez un choix valide." in errors["organisation"][0]
    assert errors["pathway"] == ["Ce champ est obligatoire."]
    assert "Garder ce texte" in response.content.decode()
    assert not Referral.objects.exists()


def test_an_operator_is_not_offered_as_a_partner(login_as, person, partner, other_association):
    form = login_as("referent").get(reverse("partners:referral_create", args=[person.pk]))

    offered = list(form.context["form"].fields["organisation"].queryset)
    assert partner.organisation in offered
    assert other_association not in offered


def test_referral_form_says_whether_a_valid_consent_exists(login_as, person, partner, referent):
    client = login_as("referent")
    url = reverse("partners:referral_create", args=[person.pk])

    before = client.get(url).content.decode()
    _share(person, partner.organisation, referent)
    after = client.get(url).content.decode()

    assert "Aucun consentement valide" in before
    assert "Consentement valide pour :" in after
    assert "France Travail" in after.split("Consentement valide pour :")[1].split("</p>")[0]


def test_accept_then_done_tells_the_sender(login_as, referral, django_capture_on_commit_callbacks):
    client = login_as("partner")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:referral_accept", args=[referral.pk]))
        client.post(reverse("partners:referral_done", args=[referral.pk]))

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE
    assert referral.done_on == timezone.localdate()
    assert referral.answered_by.email == "partenaire@test.mia"
    assert [event.status for event in referral.events.all()] == ["sent", "accepted", "done"]
    assert [message.to for message in mail.outbox] == [["referent@test.mia"]] * 2
    assert "acceptée" in mail.outbox[0].subject
    assert "réalisée" in mail.outbox[1].subject
    assert all("Ionescu" not in message.body for message in mail.outbox)


def test_decline_needs_a_reason_in_french(login_as, referral, django_capture_on_commit_callbacks):
    client = login_as("partner")
    url = reverse("partners:referral_decline", args=[referral.pk])

    empty = client.post(url, {"reason": "  "})
    with django_capture_on_commit_callbacks(execute=True):
        declined = client.post(url, {"reason": "Public non éligible à ce dispositif."})

    assert empty.status_code == 200
    assert "Indiquez le motif du refus." in empty.content.decode()
    assert declined.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "Public non éligible à ce dispositif."
    assert len(mail.outbox) == 1
    assert "refusée" in mail.outbox[0].subject
    # The sender sees the reason on the referral's page.
    page = login_as("referent").get(reverse("partners:referral_detail", args=[referral.pk]))
    assert "Public non éligible à ce dispositif." in page.content.decode()


def test_answering_a_closed_referral_says_so_without_error(login_as, referral):
    client = login_as("partner")
    client.post(reverse("partners:referral_decline", args=[referral.pk]), {"reason": "Complet"})

    response = client.post(reverse("partners:referral_accept", args=[referral.pk]), follow=True)

    assert response.status_code == 200
    assert "déjà reçu une réponse" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED


def test_htmx_answer_returns_the_updated_card(login_as, referral):
    response = login_as("partner").post(
        reverse("partners:referral_accept", args=[referral.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "partners/partials/referral_card.html"
    assert "Acceptée" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected", "status"),
    [
        ("referent", 302, ReferralStatus.CANCELLED),  # the sender
        ("coordinator", 302, ReferralStatus.CANCELLED),
        ("colleague", 404, ReferralStatus.SENT),
        ("partner", 404, ReferralStatus.SENT),
    ],
)
def test_sender_or_coordinator_cancels(
    login_as, referral, persona, expected, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login_as(persona).post(reverse("partners:referral_cancel", args=[referral.pk]))

    assert response.status_code == expected
    referral.refresh_from_db()
    assert referral.status == status
    if status == ReferralStatus.CANCELLED:
        assert mail.outbox[0].to == ["partenaire@test.mia"]
        assert "annulée" in mail.outbox[0].subject


def test_sent_list_worker_sees_theirs_coordinator_all_filtered_by_status(
    login_as, person, partner, referent, colleague
):
    mine = referrals.referral_create(
        person=person,
        organisation=partner.organisation,
        pathway="employment",
        reason="a",
        by=referent,
        base_url=BASE,
    )
    theirs = referrals.referral_create(
        person=person,
        organisation=partner.organisation,
        pathway="housing",
        reason="b",
        by=colleague,
        base_url=BASE,
    )
    referrals.referral_accept(referral=theirs, by=partner, base_url=BASE)
    url = reverse("partners:referrals_sent")

    worker = login_as("referent").get(url)
    coordinator = login_as("coordinator").get(url)
    accepted = login_as("coordinator").get(url, {"statut": "accepted"})
    bogus = login_as("coordinator").get(url, {"statut": "<script>"})

    assert [r.pk for r in worker.context["page"]] == [mine.pk]
    assert {r.pk for r in coordinator.context["page"]} == {mine.pk, theirs.pk}
    assert [r.pk for r in accepted.context["page"]] == [theirs.pk]
    assert bogus.status_code == 200 and bogus.context["page"].paginator.count == 2


def test_received_list_shows_the_file_only_under_consent(
    login_as, referral, person, partner, partner_without_share, referent
):
    client = login_as("partner")
    url = reverse("partners:referrals_received")

    before = client.get(url)
    _share(person, partner.organisation, referent)
    after = client.get(url)
    other = login_as("partner_without_share").get(url)

    assert [r.pk for r in before.context["to_handle"]] == [referral.pk]
    person_url = reverse("beneficiaries:person_detail", args=[person.pk])
    assert person_url not in before.content.decode()
    assert "Ionescu" not in before.content.decode()
    # Identity shared: the partner knows whom the referral is about (issue 9).
    assert person_url in after.content.decode()
    assert "Ionescu" in after.content.decode()
    assert other.context["to_handle_count"] == 0


# --- Query budgets -----------------------------------------------------------------------------

SIZES = [3, 30]


@pytest.fixture
def many(request, association, partner, referent, household):
    for index in range(request.param):
        someone = PersonFactory(organisation=association, household=household)
        sent = referrals.referral_create(
            person=someone,
            organisation=partner.organisation,
            pathway="employment",
            reason="r",
            by=referent,
            base_url=BASE,
        )
        if index % 2:
            referrals.referral_accept(referral=sent, by=partner, base_url=BASE)
    return request.param


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_sent_list_budget(login_as, many, django_assert_num_queries):
    client = login_as("coordinator")
    # 1 session, 1 user; count, page of referrals with person, partner and sender joined;
    # one audit entry naming their people (mia.audit.record_list).
    with django_assert_num_queries(5):
        response = client.get(reverse("partners:referrals_sent"))
    assert response.context["page"].paginator.count == many


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_received_list_budget(login_as, many, django_assert_num_queries):
    client = login_as("partner")
    # 1 session, 1 user; the three counts in one query; the referrals to handle and those in
    # progress, each with the sender's organisation joined; which of their files are shared,
    # and which with their identity; no closed one, so no page of them; one audit entry naming
    # their people (mia.audit.record_list).
    with django_assert_num_queries(8):
        response = client.get(reverse("partners:referrals_received"))
    context = response.context
    assert context["to_handle_count"] + context["in_progress_count"] == many


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_person_referrals_budget(login_as, many, household, django_assert_num_queries):
    target = household.members.first()
    Referral.objects.update(person=target)  # every referral about one person: `many` rows
    client = login_as("referent")
    # 1 session, 1 user; the person; their referrals with partner and sender joined; the
    # audit entry (mia.audit.record_read).
    with django_assert_num_queries(5):
        response = client.get(reverse("partners:person_referrals", args=[target.pk]))
    assert len(response.context["referrals"]) == many


def test_a_referral_under_consent_opens_the_share(login_as, person, partner, referent):
    # Recorded ahead of the date it was given: nothing was shared when it was recorded.
    consent = services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Accompagnement vers l'emploi",
        sections=[Section.IDENTITY],
        given_on=timezone.localdate() + datetime.timedelta(days=1),
        by=referent,
    )
    type(consent).objects.filter(pk=consent.pk).update(given_on=timezone.localdate())
    client = login_as("partner")
    url = reverse("beneficiaries:person_detail", args=[person.pk])
    assert client.get(url).status_code == 404

    referrals.referral_create(
        person=person,
        organisation=partner.organisation,
        pathway="employment",
        reason="CV",
        by=referent,
        base_url=BASE,
    )

    page = client.get(url)
    assert page.status_code == 200
    assert "Ionescu" in page.content.decode()


def test_a_referral_without_consent_shares_nothing(login_as, referral, person):
    page = login_as("partner").get(reverse("beneficiaries:person_detail", args=[person.pk]))

    assert page.status_code == 404


def test_partner_home_leads_to_the_referrals_received(login_as):
    page = login_as("partner").get(reverse("home"))

    assert page.status_code == 302
    assert page["Location"] == reverse("partners:referrals_received")


def test_referral_changes_are_audited_without_their_free_text(referral, partner, person):
    from mia.models import AuditEntry

    referrals.referral_decline(
        referral=referral, reason="Public non éligible.", by=partner, base_url=BASE
    )

    entries = AuditEntry.objects.filter(model="referral", person_id=person.pk)
    assert entries.filter(action="create").exists()
    update = entries.get(action="update")
    assert update.changes["status"] == ["sent", "declined"]
    assert update.changes["decline_reason"][1] == "modifié"
    assert "Public non éligible." not in str(list(entries.values_list("changes", flat=True)))


@pytest.fixture
def long_history(request, referral, partner, referent):
    """A referral declined then sent again `size` times: its history grows, its page does not
    cost more."""
    from partners.models import ReferralEvent

    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=referral, status=ReferralStatus.SENT, by=referent)
        for _ in range(request.param)
    )
    return referral


@pytest.mark.parametrize("long_history", SIZES, indirect=True)
@pytest.mark.parametrize("persona", ["referent", "partner"])
def test_referral_detail_budget(login_as, long_history, persona, django_assert_num_queries):
    client = login_as(persona)
    # 1 session, 1 user; the referral with person, organisations and authors; its events with
    # their authors; the sender's side: whether they may cancel it; the partner's: whether
    # the file is shared with them; the audit entry (mia.audit.record_read).
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:referral_detail", args=[long_history.pk]))
    assert len(response.context["events"]) == long_history.events.count()


def test_the_partner_organisation_contact_address_is_told_too(
    person, partner, referent, django_capture_on_commit_callbacks
):
    partner.organisation.email = "accueil@francetravail.test"
    partner.organisation.save()

    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_create(
            person=person,
            organisation=partner.organisation,
            pathway="employment",
            reason="CV",
            by=referent,
            base_url=BASE,
        )

    assert mail.outbox[0].to == ["partenaire@test.mia", "accueil@francetravail.test"]
