"""A partner acts on a referral (issue 9): replies with a comment and an appointment, sees the
referent's contact, works from a "to handle" list; the sender is told inside MIA."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Notice, NoticeKind
from beneficiaries.models import Pathway
from partners import referrals, services
from partners.models import ReferralStatus, Section
from partners.views_referrals import WORK_LIST_ROWS
from tests.beneficiaries.factories import PersonFactory
from tests.conftest import PERSONAS

BASE = "http://testserver/"
COMMENT = "Rendez-vous pris à l'agence de Saint-Denis, venir avec une pièce d'identité."


def _send(person, partner, by, pathway=Pathway.EMPLOYMENT):
    return referrals.referral_create(
        person=person,
        organisation=partner.organisation,
        pathway=pathway,
        reason="Inscription et atelier CV.",
        by=by,
        base_url=BASE,
    )


@pytest.fixture
def referral(person, partner, referent):
    return _send(person, partner, referent)


def _reply_url(referral) -> str:
    return reverse("partners:referral_reply", args=[referral.pk])


def _detail_url(referral) -> str:
    return reverse("partners:referral_detail", args=[referral.pk])


def _in_a_week() -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def _share_identity(person, partner, by):
    return services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Orientation",
        sections=[Section.IDENTITY],
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        by=by,
    )


# --- Who may reply -----------------------------------------------------------------------------

#               anon  ref  coll coord mgr  adm  partner w/o  outsider
GET_EXPECTED = [302, 404, 404, 404, 404, 404, 405, 405, 404]
POST_EXPECTED = [302, 404, 404, 404, 404, 404, 302, 404, 404]


@pytest.mark.parametrize(
    ("persona", "get_status", "post_status"),
    list(zip(PERSONAS, GET_EXPECTED, POST_EXPECTED, strict=True)),
)
def test_only_the_addressed_partner_replies(login_as, referral, persona, get_status, post_status):
    client = login_as(persona)

    got = client.get(_reply_url(referral))
    posted = client.post(_reply_url(referral), {"comment": COMMENT})

    assert got.status_code == get_status
    assert posted.status_code == post_status
    referral.refresh_from_db()
    assert (referral.partner_comment == COMMENT) == (persona == "partner")
    if persona == "anonymous":
        assert posted["Location"].startswith(reverse("account_login"))


def test_a_reply_is_stored_in_the_history_and_told_to_the_sender(
    login_as, referral, partner, referent, django_capture_on_commit_callbacks
):
    when = _in_a_week()
    client = login_as("partner")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _reply_url(referral),
            {
                "comment": COMMENT,
                "appointment_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
            },
        )

    assert response.status_code == 302
    assert response["Location"] == _detail_url(referral)
    referral.refresh_from_db()
    assert (referral.partner_comment, referral.partner_appointment_at) == (COMMENT, when)
    assert referral.status == ReferralStatus.SENT  # a reply is not an acceptance
    event = referral.events.last()
    assert (event.status, event.by) == (ReferralStatus.SENT, partner)
    assert COMMENT in event.note
    assert timezone.localtime(when).strftime("%d/%m/%Y 09:30") in event.note
    notice = Notice.objects.get(user=referent)
    assert notice.kind == NoticeKind.REFERRAL_ANSWERED
    assert (notice.person, notice.url) == (referral.person, _detail_url(referral))
    referent.refresh_from_db()
    assert referent.unread_notices == 1
    # The e-mail says there is a reply, never what it says nor whom it is about.
    assert [message.to for message in mail.outbox] == [["referent@test.mia"]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert f"n° {referral.pk}" in text
    for private in ("Ionescu", "Ștefan", "Saint-Denis", "pièce"):
        assert private not in text


def test_the_sender_sees_the_reply_on_the_referral_and_in_the_persons_referrals(
    login_as, referral, partner, person
):
    referrals.referral_reply(
        referral=referral, comment=COMMENT, appointment_at=_in_a_week(), by=partner, base_url=BASE
    )
    client = login_as("referent")

    page = client.get(_detail_url(referral)).content.decode()
    listed = client.get(reverse("partners:person_referrals", args=[person.pk])).content.decode()

    assert "Réponse du partenaire" in page
    assert COMMENT.replace("'", "&#x27;") in page
    shown = timezone.localtime(_in_a_week())
    assert f"{shown.day} " in page and "09:30" in page
    assert "Rendez-vous donné par le partenaire" in listed and "09:30" in listed
    assert "Réponse du partenaire : Rendez-vous pris" in listed


def test_a_manager_sees_the_appointment_but_not_the_comment(login_as, referral, partner):
    referrals.referral_reply(
        referral=referral, comment=COMMENT, appointment_at=_in_a_week(), by=partner, base_url=BASE
    )

    page = login_as("manager").get(_detail_url(referral)).content.decode()

    assert "Rendez-vous donné" in page
    assert "Saint-Denis" not in page


def test_a_reply_needs_a_comment_or_a_date_in_the_future(login_as, referral):
    client = login_as("partner")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    empty = client.post(_reply_url(referral), {"comment": "   "})
    past = client.post(_reply_url(referral), {"appointment_at": f"{yesterday.isoformat()}T10:00"})
    garbled = client.post(_reply_url(referral), {"appointment_at": "mardi prochain"})

    assert empty.status_code == 200
    assert "Écrivez une réponse ou indiquez un rendez-vous." in empty.content.decode()
    assert "Ce rendez-vous est déjà passé" in past.content.decode()
    assert "Indiquez une date et une heure valides." in garbled.content.decode()
    referral.refresh_from_db()
    assert (referral.partner_comment, referral.partner_appointment_at) == ("", None)
    assert not Notice.objects.filter(kind=NoticeKind.REFERRAL_ANSWERED).exists()


def test_a_done_referral_takes_a_reply_a_declined_one_does_not(login_as, person, partner, referent):
    done = referrals.referral_done(
        referral=_send(person, partner, referent), by=partner, base_url=BASE
    )
    declined = referrals.referral_decline(
        referral=_send(person, partner, referent), reason="Complet", by=partner, base_url=BASE
    )
    client = login_as("partner")

    ok = client.post(_reply_url(done), {"comment": "Inscription faite."})
    refused = client.post(_reply_url(declined), {"comment": "Finalement…"}, follow=True)

    assert ok.status_code == 302
    done.refresh_from_db()
    assert done.partner_comment == "Inscription faite."
    assert "déjà reçu une réponse" in refused.content.decode()
    declined.refresh_from_db()
    assert declined.partner_comment == ""
    assert "Répondre au référent" not in client.get(_detail_url(declined)).content.decode()


def test_htmx_reply_returns_the_card_with_the_reply(login_as, referral):
    response = login_as("partner").post(
        _reply_url(referral), {"comment": COMMENT}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "partners/partials/referral_card.html"
    html = response.content.decode()
    assert "Votre réponse est transmise au référent." in html
    assert "Réponse du partenaire" in html


# --- Notices -----------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["accept", "decline", "done"])
def test_each_answer_notifies_the_sender(referral, partner, referent, answer):
    if answer == "accept":
        referrals.referral_accept(referral=referral, by=partner, base_url=BASE)
    elif answer == "decline":
        referrals.referral_decline(referral=referral, reason="Complet", by=partner, base_url=BASE)
    else:
        referrals.referral_done(referral=referral, by=partner, base_url=BASE)

    notice = Notice.objects.get(user=referent)
    assert (notice.kind, notice.person_id) == (NoticeKind.REFERRAL_ANSWERED, referral.person_id)


def test_a_sender_who_left_is_replaced_by_the_persons_referent(
    person, partner, referent, colleague
):
    referral = _send(person, partner, colleague)
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])

    referrals.referral_accept(referral=referral, by=partner, base_url=BASE)

    assert not Notice.objects.filter(user=colleague).exists()
    assert Notice.objects.get(kind=NoticeKind.REFERRAL_ANSWERED).user == referent


def test_every_active_partner_account_is_told_of_a_new_referral(
    person, partner, partner_without_share, referent
):
    from tests.mia.factories import UserFactory

    second = UserFactory(organisation=partner.organisation, role=partner.role)
    left = UserFactory(organisation=partner.organisation, role=partner.role, is_active=False)

    _send(person, partner, referent)

    received = Notice.objects.filter(kind=NoticeKind.REFERRAL_RECEIVED)
    assert sorted(received.values_list("user_id", flat=True)) == sorted([partner.pk, second.pk])
    assert not received.filter(user__in=[left, partner_without_share, referent]).exists()
    assert set(received.values_list("person", flat=True)) == {None}


# --- What the partner sees ---------------------------------------------------------------------


def test_the_partner_sees_the_referents_contact_and_not_the_person(login_as, referral, referent):
    referent.phone = "06 11 22 33 44"
    referent.save(update_fields=["phone"])
    association = referral.person.organisation
    association.phone = "01 48 00 00 00"
    association.email = "accueil@association.test"
    association.save(update_fields=["phone", "email"])

    html = login_as("partner").get(_detail_url(referral)).content.decode()

    assert "Contact du référent" in html
    assert str(referent) in html
    assert 'href="tel:06 11 22 33 44"' in html
    assert 'href="tel:01 48 00 00 00"' in html
    assert 'href="mailto:accueil@association.test"' in html
    assert "Ionescu" not in html and "Ștefan" not in html
    assert f"Dossier n° {referral.person_id}" in html


def test_the_partner_sees_the_name_once_identity_is_shared(
    login_as, referral, person, partner, referent
):
    client = login_as("partner")
    before = client.get(_detail_url(referral)).content.decode()
    _share_identity(person, partner, referent)

    after = client.get(_detail_url(referral)).content.decode()
    listed = client.get(reverse("partners:referrals_received")).content.decode()

    assert "Ionescu" not in before
    assert "Ștefan Ionescu" in after
    assert "Ștefan Ionescu" in listed


def test_the_sender_does_not_see_a_contact_block_about_themselves(login_as, referral):
    html = login_as("referent").get(_detail_url(referral)).content.decode()

    assert "Contact du référent" not in html


def test_the_referral_page_names_the_referral_once(login_as, referral):
    for persona in ("referent", "partner"):
        html = login_as(persona).get(_detail_url(referral)).content.decode()
        body = html[html.index("<body") :]

        assert body.count(f"Orientation n° {referral.pk}") == 1, persona
        title = html[html.index("<title>") + 7 : html.index("</title>")]
        assert " ".join(title.split()) == f"Orientation n° {referral.pk} — MIA"
        assert "<h1" in body and '<h2 id="orientation-titre"' not in body


# --- The work list -----------------------------------------------------------------------------


@pytest.fixture
def work(person, household, partner, referent):
    """Referrals in each state, oldest first: two to handle, one in progress, two closed."""
    made = {}
    for name in ("first_sent", "second_sent", "accepted", "declined", "done"):
        someone = PersonFactory(organisation=person.organisation, household=household)
        made[name] = _send(someone, partner, referent)
    referrals.referral_accept(referral=made["accepted"], by=partner, base_url=BASE)
    referrals.referral_decline(
        referral=made["declined"], reason="Complet", by=partner, base_url=BASE
    )
    referrals.referral_done(referral=made["done"], by=partner, base_url=BASE)
    return made


def test_the_work_list_puts_what_to_handle_first_then_in_progress_then_the_rest(login_as, work):
    response = login_as("partner").get(reverse("partners:referrals_received"))

    context = response.context
    assert [r.pk for r in context["to_handle"]] == [work["first_sent"].pk, work["second_sent"].pk]
    assert [r.pk for r in context["in_progress"]] == [work["accepted"].pk]
    assert {r.pk for r in context["page"]} == {work["declined"].pk, work["done"].pk}
    html = response.content.decode()
    to_handle = html.index("À traiter")
    in_progress = html.index("En cours")
    folded = html.index('<details class="worklist"')
    assert to_handle < in_progress < folded
    assert "2 orientations" in html[to_handle:in_progress]
    assert "1 orientation<" in html[in_progress:folded]
    assert "Terminées, refusées ou annulées : 2 orientations" in html[folded:]


def test_an_empty_work_list_says_so_with_french_plurals(login_as, db, partner):
    html = login_as("partner").get(reverse("partners:referrals_received")).content.decode()

    # Zero says "aucune": no "0 orientations" whatever the catalogue's plural rule.
    assert html.count('<span class="worklist-count">aucune</span>') == 2
    assert "Aucune orientation n'attend votre réponse." in html
    assert "Terminées, refusées ou annulées : aucune" in html
    assert "0 orientation" not in html


def test_rows_carry_the_actions_and_accepting_from_the_list_comes_back_to_it(login_as, work):
    client = login_as("partner")
    url = reverse("partners:referrals_received")
    first = work["first_sent"]
    html = client.get(url).content.decode()

    assert f'aria-label="Accepter l\'orientation n° {first.pk}"' in html
    assert f'href="{_detail_url(first)}#repondre"' in html
    assert f'href="{_detail_url(first)}#refuser"' in html
    assert f"Accepter l'orientation n° {work['accepted'].pk}" not in html
    assert f"Répondre à l'orientation n° {work['declined'].pk}" not in html

    response = client.post(
        reverse("partners:referral_accept", args=[first.pk]), {"next": url}, follow=True
    )

    assert response.redirect_chain[-1][0] == url
    assert f"Orientation n° {first.pk} : acceptée." in response.content.decode()
    # In progress, oldest referral first: this one was sent before the other.
    assert [r.pk for r in response.context["in_progress"]] == [first.pk, work["accepted"].pk]


def test_a_status_filter_lists_one_status(login_as, work):
    response = login_as("partner").get(reverse("partners:referrals_received"), {"statut": "done"})

    assert [r.pk for r in response.context["page"]] == [work["done"].pk]
    assert "to_handle" not in response.context


def test_no_name_in_the_work_list_without_an_identity_share(login_as, work, partner, referent):
    person = work["first_sent"].person
    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Emploi",
        sections=[Section.EMPLOYMENT],
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        by=referent,
    )

    html = login_as("partner").get(reverse("partners:referrals_received")).content.decode()

    assert reverse("beneficiaries:person_detail", args=[person.pk]) in html  # file shared
    for referral in work.values():
        assert referral.person.last_name not in html


SIZES = [2, 12]


def test_the_work_list_shows_twenty_of_each_and_leads_to_the_rest(
    login_as, person, partner, referent
):
    for _ in range(WORK_LIST_ROWS + 1):
        _send(PersonFactory(organisation=person.organisation), partner, referent)

    response = login_as("partner").get(reverse("partners:referrals_received"))

    assert len(response.context["to_handle"]) == WORK_LIST_ROWS
    assert f"Voir les {WORK_LIST_ROWS + 1} orientations à traiter" in response.content.decode()


@pytest.fixture
def many(request, person, household, partner, referent):
    for _ in range(request.param):
        for state in ("sent", "accepted", "done"):
            someone = PersonFactory(organisation=person.organisation, household=household)
            sent = _send(someone, partner, referent)
            if state == "accepted":
                referrals.referral_accept(referral=sent, by=partner, base_url=BASE)
            elif state == "done":
                referrals.referral_done(referral=sent, by=partner, base_url=BASE)
    return request.param


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_work_list_budget(login_as, many, django_assert_num_queries):
    client = login_as("partner")
    # 1 session, 1 user; the three counts in one query; the referrals to handle, those in
    # progress and the page of the others, each with the sender's organisation; which of the
    # files shown are shared, and which with their identity; one audit entry.
    with django_assert_num_queries(9):
        response = client.get(reverse("partners:referrals_received"))
    context = response.context
    assert (context["to_handle_count"], context["in_progress_count"]) == (many, many)
    assert context["page"].paginator.count == many
