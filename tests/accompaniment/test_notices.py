"""Notices inside MIA (issue 9): the bell of every page (its count costs no query), the list,
opening one, "tout marquer comme lu", and the nightly checks that make them once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment import notices
from accompaniment import tasks as accompaniment_tasks
from accompaniment.models import Appointment, Notice, NoticeKind
from partners import services as partner_services
from partners import tasks as partner_tasks

TODAY = timezone.localdate()
NOTICES = reverse("accompaniment:notices")


def _open(pk: int) -> str:
    return reverse("accompaniment:notice_open", args=[pk])


def _bell(html: str) -> str:
    start = html.index('class="bell')
    return html[start : html.index("</a>", start)]


def test_the_bell_shows_the_unread_count_without_a_query(login_as, referent, person):
    client = login_as("referent")
    # The home page, as any page: the same queries whatever the number of notices.
    home = reverse("home")
    client.get(home)
    with CaptureQueriesContext(connection) as before:
        first = client.get(home).content.decode()
    assert 'aria-label="Notifications, aucune non lue"' in first
    for _ in range(3):
        notices.notify(referent, NoticeKind.TRANSFER, person=person)
    with CaptureQueriesContext(connection) as after:
        page = client.get(home).content.decode()

    assert len(after.captured_queries) == len(before.captured_queries)
    assert 'aria-label="Notifications, 3 non lues"' in _bell(page)
    assert '<span class="bell-count" aria-hidden="true">3</span>' in _bell(page)


def test_no_bell_for_anonymous_visitors(client, db):
    assert 'class="bell' not in client.get(reverse("account_login")).content.decode()


def test_the_list_newest_first_unread_highlighted_names_only_if_visible(
    login_as, referent, person, outsider, other_association
):
    from beneficiaries import services
    from tests.beneficiaries.factories import PersonFactory

    elsewhere = services.person_create(
        by=outsider, person=PersonFactory.build(first_name="Elena", last_name="Vasile")
    )
    old = notices.notify(referent, NoticeKind.REFERRAL_ANSWERED, person=person)
    notices.mark_read(referent)
    notices.notify(referent, NoticeKind.TRANSFER, count=4)
    notices.notify(referent, NoticeKind.TRANSFER, person=elsewhere)

    response = login_as("referent").get(NOTICES)

    texts = [row.text for row in response.context["described"]]
    assert texts == [
        "Le dossier de un dossier vous a été confié.",
        "4 dossiers vous ont été confiés.",
        "Réponse à une orientation pour Ștefan Ionescu.",
    ]
    assert "Vasile" not in response.content.decode()
    assert response.content.decode().count('class="unread"') == 2
    assert [row.notice.pk for row in response.context["described"]][-1] == old.pk


def test_the_list_is_paginated(login_as, referent, settings):
    settings.MIA_PAGE_SIZE = 2
    for _ in range(5):
        notices.notify(referent, NoticeKind.TRANSFER, count=2)

    response = login_as("referent").get(NOTICES, {"page": 3})

    assert len(response.context["described"]) == 1
    assert "Page 3 sur 3" in response.content.decode()


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(login_as, referent, person):
    url = reverse("beneficiaries:person_detail", args=[person.pk])
    notice = notices.notify(referent, NoticeKind.TRANSFER, person=person, url=url)
    client = login_as("referent")

    assert client.get(_open(notice.pk)).status_code == 405
    response = client.post(_open(notice.pk))

    assert response.status_code == 302 and response["Location"] == url
    notice.refresh_from_db()
    referent.refresh_from_db()
    assert notice.read_at is not None and referent.unread_notices == 0


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/pas-une-page/", "javascript:alert(1)"]
)
def test_a_notice_goes_only_to_a_page_of_ours(login_as, referent, url):
    notice = notices.notify(referent, NoticeKind.TRANSFER, url=url)

    response = login_as("referent").post(_open(notice.pk))

    assert response["Location"] == NOTICES


def test_another_user_s_notice_is_not_found(login_as, referent, colleague):
    notice = notices.notify(referent, NoticeKind.TRANSFER, url="/")
    client = login_as("colleague")

    assert client.post(_open(notice.pk)).status_code == 404
    assert client.get(_open(notice.pk)).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read(login_as, referent, colleague):
    for _ in range(2):
        notices.notify(referent, NoticeKind.TRANSFER, count=2)
    theirs = notices.notify(colleague, NoticeKind.TRANSFER, count=2)
    client = login_as("referent")
    assert "Tout marquer comme lu" in client.get(NOTICES).content.decode()

    response = client.post(reverse("accompaniment:notices_read"), follow=True)

    assert 'aria-label="Notifications, aucune non lue"' in response.content.decode()
    assert not Notice.objects.filter(user=referent, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.fixture
def tomorrow_s(person, referent):
    return Appointment.objects.create(
        organisation=person.organisation,
        person=person,
        worker=referent,
        date=TODAY + datetime.timedelta(days=1),
        time=datetime.time(9, 30),
        place="office",
    )


def test_appointments_tomorrow_once_however_often_the_task_runs(
    tomorrow_s, person, referent, colleague
):
    Appointment.objects.create(
        organisation=person.organisation,
        person=person,
        worker=colleague,
        date=TODAY + datetime.timedelta(days=2),
        time=datetime.time(9, 30),
        place="office",
    )

    assert accompaniment_tasks.appointments_tomorrow() == {"notices": 1}
    assert accompaniment_tasks.appointments_tomorrow() == {"notices": 0}

    notice = Notice.objects.get()
    assert (notice.user, notice.kind, notice.person) == (
        referent,
        NoticeKind.APPOINTMENT_TOMORROW,
        person,
    )
    assert notice.key == f"appointment:{tomorrow_s.pk}:{tomorrow_s.date.isoformat()}"
    referent.refresh_from_db()
    assert referent.unread_notices == 1


def test_consents_expiring_within_30_days_once(person, referent, partner):
    soon = partner_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Emploi",
        sections=["identity"],
        given_on=TODAY - datetime.timedelta(days=300),
        expires_on=TODAY + datetime.timedelta(days=30),
        by=referent,
    )
    partner_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Logement",
        sections=["identity"],
        given_on=TODAY,
        expires_on=TODAY + datetime.timedelta(days=31),
        by=referent,
    )

    assert partner_tasks.consents_expiring() == {"notices": 1}
    assert partner_tasks.consents_expiring() == {"notices": 0}

    notice = Notice.objects.get()
    assert (notice.user, notice.person, notice.key) == (
        referent,
        person,
        f"consent:{soon.pk}:{soon.expires_on.isoformat()}",
    )
    assert notice.url == reverse("partners:consents", args=[person.pk])


def test_nightly_tasks_are_scheduled_early_in_the_morning(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    for task in ("partners.tasks.consents_expiring", "accompaniment.tasks.appointments_tomorrow"):
        assert schedule[task].hour == {5} and settings.CELERY_TIMEZONE == "Europe/Paris"


# transaction=True commits the rows, so that a worker in another process can read them (with
# MIA_LIVE_WORKER and REDIS_URL, as tests/mia/test_celery.py); otherwise the task runs eagerly.
@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_through_celery(tomorrow_s, referent):
    first = accompaniment_tasks.appointments_tomorrow.delay().get(timeout=30)
    second = accompaniment_tasks.appointments_tomorrow.delay().get(timeout=30)

    assert (first, second) == ({"notices": 1}, {"notices": 0})
    assert Notice.objects.filter(user=referent).count() == 1
