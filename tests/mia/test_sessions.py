"""Sessions end after 30 minutes idle and 12 hours after signing in, whatever writes them; a
disabled account's sessions end at once; an administrator ends an account's sessions; expired
sessions are purged daily, with the search texts they hold (mia.sessions).

Time is moved by changing the times stored in the session, as the clock would."""

import datetime
import time

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries import searches
from mia import audit, tasks
from mia.celery import app as celery_app
from mia.models import SecurityEvent, SecurityEventKind
from mia.sessions import SEEN_AT, SIGNED_IN_AT, purge_expired
from tests.mia.factories import PASSWORD

LOGIN = reverse("account_login")


# allauth counts logins per IP in the cache: every test signs in afresh.
pytestmark = pytest.mark.usefixtures("fresh_caches")


def sign_in(user) -> Client:
    """Through the login page, as a person does: allauth registers the session (UserSession)."""
    client = Client()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def session_key(client) -> str:
    return client.cookies["sessionid"].value


def age(client, *, idle: int = 0, since_sign_in: int = 0) -> None:
    """As if the last request was `idle` seconds ago and the sign-in `since_sign_in` ago."""
    session = client.session
    session[SEEN_AT] -= idle
    session[SIGNED_IN_AT] -= since_sign_in + idle
    session.save()


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- Idle and absolute timeouts ----------------------------------------------------------------


def test_a_session_idle_for_thirty_minutes_ends_and_its_row_goes(referent, db):
    client = sign_in(referent)
    key = session_key(client)
    assert client.get(reverse("home")).status_code == 200

    age(client, idle=30 * 60)
    response = client.get(reverse("home"))

    assert sent_to_login(response)
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert sent_to_login(client.get(reverse("home")))


def test_a_request_within_the_idle_time_keeps_the_session_and_moves_its_expiry(login_as, db):
    client = login_as("referent")
    age(client, idle=29 * 60)
    before = time.time()

    assert client.get(reverse("home")).status_code == 200

    assert client.session[SEEN_AT] >= int(before)
    expiry = Session.objects.get(session_key=session_key(client)).expire_date
    assert expiry >= timezone.now() + datetime.timedelta(minutes=29)


def test_the_idle_timeout_is_a_setting(login_as, settings, db):
    settings.MIA_SESSION_IDLE_SECONDS = 120
    client = login_as("referent")

    age(client, idle=121)

    assert sent_to_login(client.get(reverse("home")))


def test_an_active_session_ends_twelve_hours_after_signing_in(login_as, db):
    client = login_as("referent")

    age(client, since_sign_in=12 * 3600)

    assert sent_to_login(client.get(reverse("home")))


def test_a_search_written_to_the_session_does_not_restart_it(login_as, settings, person, db):
    settings.MIA_SESSION_MAX_SECONDS = 3600
    client = login_as("referent")
    age(client, since_sign_in=3600 - 60)
    signed_in = client.session[SIGNED_IN_AT]

    # A search keeps its text in the session (a write), as the header's search box does.
    response = client.post(reverse("beneficiaries:person_list"), {"q": "Ionescu"})
    assert response.status_code == 302
    assert client.session[SIGNED_IN_AT] == signed_in

    age(client, since_sign_in=60)
    assert sent_to_login(client.get(response["Location"]))


def test_a_session_from_before_the_clocks_were_kept_ends(login_as, db):
    client = login_as("referent")
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()

    assert sent_to_login(client.get(reverse("home")))


def test_requests_within_a_minute_do_not_write_the_session(login_as, db):
    client = login_as("referent")
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200

    sql = [query["sql"] for query in queries]
    assert [q for q in sql if "django_session" in q and q.startswith(("UPDATE", "INSERT"))] == []


def test_the_idle_clock_is_refreshed_once_a_minute(login_as, db):
    client = login_as("referent")
    age(client, idle=61)
    stale = client.session[SEEN_AT]

    client.get(reverse("home"))

    assert client.session[SEEN_AT] > stale


# --- Search texts go with the session ----------------------------------------------------------


def test_the_search_texts_go_with_an_ended_session(referent, person, db):
    client = sign_in(referent)
    response = client.post(reverse("beneficiaries:person_list"), {"q": "Ionescu"})
    results = response["Location"]
    key = session_key(client)
    assert "Ionescu" in str(Session.objects.get(session_key=key).get_decoded())

    age(client, idle=30 * 60)
    assert sent_to_login(client.get(results))

    assert not Session.objects.filter(session_key=key).exists()
    # Signed in again, the results' URL no longer brings the text back.
    client = sign_in(referent)
    page = client.get(results)
    assert page.status_code == 200
    assert searches.SESSION_KEY not in client.session
    assert 'value="Ionescu"' not in page.content.decode()


# --- A disabled account ------------------------------------------------------------------------


def test_a_disabled_accounts_sessions_end_at_once(referent, administrator, db):
    phone, laptop = sign_in(referent), sign_in(referent)
    keys = {session_key(phone), session_key(laptop)}
    assert UserSession.objects.filter(user=referent).count() == 2

    referent.is_active = False
    with audit.acting_as(administrator):
        referent.save()

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=referent).exists()
    assert sent_to_login(phone.get(reverse("home")))
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCOUNT_DISABLED)
    assert (event.user, event.by) == (referent, administrator)


def test_saving_an_active_account_ends_nothing(referent, db):
    client = sign_in(referent)

    referent.first_name = "Ana"
    referent.save()

    assert client.get(reverse("home")).status_code == 200
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.ACCOUNT_DISABLED).exists()


def test_a_disabled_accounts_unregistered_session_goes_at_its_next_request(login_as, referent):
    # force_login makes a session that allauth did not register: the next request ends it.
    client = login_as("referent")
    key = session_key(client)
    referent.is_active = False
    referent.save()

    assert sent_to_login(client.get(reverse("home")))
    assert not Session.objects.filter(session_key=key).exists()


# --- An administrator ends an account's sessions -----------------------------------------------

END = reverse("team_sessions_end")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("referent", 403),
        ("colleague", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("partner", 403),
        ("partner_without_share", 403),
        ("outsider", 403),
        ("administrator", 302),
    ],
)
def test_who_may_end_an_accounts_sessions(login_as, referent, persona, status):
    client = sign_in(referent)

    response = login_as(persona).post(END, {"user": referent.pk})

    assert response.status_code == status
    ended = persona == "administrator"
    assert sent_to_login(client.get(reverse("home"))) is ended
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SESSIONS_ENDED).exists() is ended


def test_ending_sessions_takes_a_post(login_as, db):
    assert login_as("administrator").get(END).status_code == 405


def test_an_administrator_ends_every_session_of_an_account(login_as, referent, administrator):
    phone, laptop = sign_in(referent), sign_in(referent)
    keys = [session_key(phone), session_key(laptop)]

    response = login_as("administrator").post(END, {"user": referent.pk}, follow=True)

    assert "2 sessions de ce compte ont été fermées." in response.content.decode()
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert sent_to_login(phone.get(reverse("home")))
    assert sent_to_login(laptop.get(reverse("home")))
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SESSIONS_ENDED)
    assert (event.user, event.by, event.organisation) == (
        referent,
        administrator,
        referent.organisation,
    )


@pytest.mark.parametrize("target", ["outsider", "partner"])
def test_an_administrator_ends_only_their_organisations_sessions(login_as, request, target):
    account = request.getfixturevalue(target)
    client = sign_in(account)

    response = login_as("administrator").post(END, {"user": account.pk})

    assert response.status_code == 404
    # Still signed in: the home page (a partner's redirects to their referrals) opens.
    still = client.get(reverse("home"), follow=True)
    assert still.status_code == 200 and still.wsgi_request.user == account


def test_the_admins_user_list_ends_sessions_of_the_organisations_accounts(
    login_as, referent, outsider
):
    own, other = sign_in(referent), sign_in(outsider)

    response = login_as("administrator").post(
        reverse("admin:mia_user_changelist"),
        {"action": "end_sessions", "_selected_action": [referent.pk, outsider.pk]},
    )

    assert response.status_code == 302
    assert sent_to_login(own.get(reverse("home")))
    assert other.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_ending_sessions_of_no_account_is_a_404(login_as, value):
    assert login_as("administrator").post(END, {"user": value}).status_code == 404


def test_the_team_list_offers_to_end_sessions_to_administrators_only(login_as, referent):
    button = f'<input type="hidden" name="user" value="{referent.pk}">'

    assert button in login_as("administrator").get(reverse("team_list")).content.decode()
    assert button not in login_as("coordinator").get(reverse("team_list")).content.decode()


# --- A person's own sessions (allauth.usersessions) --------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("referent", 200),
        ("colleague", 200),
        ("coordinator", 200),
        ("manager", 200),
        ("partner", 200),
        ("partner_without_share", 200),
        ("outsider", 200),
        ("administrator", 200),
    ],
)
def test_everyone_signed_in_sees_their_own_sessions(login_as, persona, status, db):
    response = login_as(persona).get(reverse("usersessions_list"))

    assert response.status_code == status


def test_a_person_signs_out_their_other_sessions(referent, db):
    phone, laptop = sign_in(referent), sign_in(referent)

    laptop.post(reverse("usersessions_list"))

    assert sent_to_login(phone.get(reverse("home")))
    assert laptop.get(reverse("home")).status_code == 200


def test_signing_out_forgets_the_session(referent, db):
    client = sign_in(referent)
    key = session_key(client)

    client.post(reverse("account_logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()


# --- The daily purge ---------------------------------------------------------------------------


def test_the_purge_deletes_expired_sessions_and_their_registrations(referent, colleague, db):
    gone, kept = sign_in(referent), sign_in(colleague)
    Session.objects.filter(session_key=session_key(gone)).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    result = purge_expired()

    assert result == {"sessions": 1, "user_sessions": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == [session_key(kept)]
    assert list(UserSession.objects.values_list("user", flat=True)) == [colleague.pk]
    assert kept.get(reverse("home")).status_code == 200


# Committed rows: under `make test` with REDIS_URL a real worker runs the task in another process.
@pytest.mark.django_db(transaction=True)
def test_the_daily_task_purges_sessions(referent):
    client = sign_in(referent)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    result = tasks.sessions_purge.delay().get(timeout=30)

    assert result == {"sessions": 1, "user_sessions": 1}
    assert sent_to_login(client.get(reverse("home")))


def test_the_session_purge_is_in_the_beat_schedule(settings):
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "mia.tasks.sessions_purge"
    ]

    assert [entry["schedule"] for entry in entries] == [24 * 3600]
    assert "mia.tasks.sessions_purge" in celery_app.tasks
