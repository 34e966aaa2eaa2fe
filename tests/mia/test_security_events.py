"""Security events are recorded without personal data, logged to `mia.security`, read by an
administrator for their own organisation's accounts, and purged with the audit retention
(mia.security)."""

import datetime
import logging

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mia import security, tasks
from mia.celery import app as celery_app
from mia.models import SecurityEvent, SecurityEventKind
from tests.mia.factories import PASSWORD, UserFactory

LOGIN = reverse("account_login")
PAGE = reverse("security_events")


pytestmark = pytest.mark.usefixtures("fresh_caches")


def only_event() -> SecurityEvent:
    events = list(SecurityEvent.objects.all())
    assert len(events) == 1, [event.kind for event in events]
    return events[0]


def stored_values(event: SecurityEvent) -> str:
    return " ".join(str(getattr(event, field.attname)) for field in event._meta.concrete_fields)


# --- What is recorded --------------------------------------------------------------------------


def test_signing_in_is_recorded_without_the_address(referent, caplog):
    with caplog.at_level(logging.INFO, logger="mia.security"):
        response = Client().post(LOGIN, {"login": referent.email, "password": PASSWORD})

    assert response.status_code == 302
    event = only_event()
    assert (event.kind, event.user, event.organisation) == (
        SecurityEventKind.SIGNED_IN,
        referent,
        referent.organisation,
    )
    assert event.path == LOGIN
    assert referent.email not in stored_values(event)
    assert f"signed_in user={referent.pk}" in caplog.text
    assert referent.email not in caplog.text


def test_a_wrong_password_is_recorded_for_the_account_never_the_address(referent, caplog):
    with caplog.at_level(logging.INFO, logger="mia.security"):
        Client().post(LOGIN, {"login": referent.email.upper(), "password": "wrong-password-1"})

    event = only_event()
    assert (event.kind, event.user_id_value) == (SecurityEventKind.SIGN_IN_FAILED, referent.pk)
    assert event.organisation == referent.organisation
    text = stored_values(event) + caplog.text
    assert referent.email not in text.lower()
    assert "wrong-password-1" not in text
    assert referent.last_name not in text


def test_an_address_of_no_account_is_recorded_with_no_account(db, caplog):
    with caplog.at_level(logging.INFO, logger="mia.security"):
        Client().post(LOGIN, {"login": "personne@ailleurs.example", "password": "wrong-pass-12"})

    event = only_event()
    assert (event.kind, event.user, event.organisation) == (
        SecurityEventKind.SIGN_IN_FAILED,
        None,
        None,
    )
    assert "personne@ailleurs.example" not in stored_values(event) + caplog.text


def test_a_locked_out_login_is_recorded(referent, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,3/5m/key"}
    client = Client()
    for _ in range(4):
        response = client.post(LOGIN, {"login": referent.email, "password": "wrong-password-1"})

    assert response.status_code == 200
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", "user"))
    assert kinds == [(SecurityEventKind.SIGN_IN_FAILED, referent.pk)] * 3 + [
        (SecurityEventKind.RATE_LIMITED, referent.pk)
    ]


def test_the_rate_limit_response_is_recorded(db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    client = Client()
    client.post(LOGIN, {"login": "a@b.example", "password": "wrong-pass-12"})

    response = client.post(LOGIN + "?next=/personnes/", {"login": "a@b.example", "password": "x"})

    assert response.status_code == 429
    assert "Trop d'essais" in response.content.decode()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.RATE_LIMITED)
    assert (event.user, event.path) == (None, LOGIN)


def _wrong_code(secret: str) -> str:
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def test_a_wrong_mfa_code_is_recorded(referent):
    secret = generate_totp_secret()
    TOTP.activate(referent, secret)
    client = Client()
    response = client.post(LOGIN, {"login": referent.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")

    client.post(reverse("mfa_authenticate"), {"code": _wrong_code(secret)})

    event = only_event()
    assert (event.kind, event.user) == (SecurityEventKind.MFA_FAILED, referent)
    assert event.path == reverse("mfa_authenticate")


def test_a_refused_page_is_recorded_without_its_query_string(login_as, referent):
    client = login_as("referent")
    SecurityEvent.objects.all().delete()  # the sign-in

    response = client.get(reverse("team_list") + "?q=Ionescu")

    assert response.status_code == 403
    event = only_event()
    assert (event.kind, event.user, event.path) == (
        SecurityEventKind.PERMISSION_DENIED,
        referent,
        reverse("team_list"),
    )


def test_a_hidden_refusal_and_a_visitor_are_not_refusals(login_as, person):
    """A 404 hides the file (access(hide=True)); a visitor is sent to the login page."""
    login_as("anonymous").get(reverse("team_list"))
    login_as("partner_without_share").get(reverse("beneficiaries:person_detail", args=[person.pk]))

    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_DENIED).exists()


# --- The administrator's page ------------------------------------------------------------------


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
        ("administrator", 200),
    ],
)
def test_who_reads_the_security_events(login_as, persona, status, db):
    response = login_as(persona).get(PAGE)

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(LOGIN)


def test_an_administrator_reads_their_organisations_events_only(
    login_as, referent, outsider, partner
):
    for account in (referent, outsider, partner, None):
        security.record(kind=SecurityEventKind.SIGN_IN_FAILED, user=account)

    page = login_as("administrator").get(PAGE).context["page"]

    users = [event.user for event in page.object_list]
    assert referent in users
    assert not {outsider, partner, None} & set(users)


def test_the_instance_superuser_reads_the_events_tied_to_no_organisation(client, referent):
    superuser = UserFactory(
        organisation=None, is_superuser=True, is_staff=True, role="administrator"
    )
    security.record(kind=SecurityEventKind.SIGN_IN_FAILED, user=None)
    security.record(kind=SecurityEventKind.SIGN_IN_FAILED, user=referent)
    client.force_login(superuser)

    page = client.get(PAGE).context["page"]

    assert [event.user for event in page.object_list if event.kind != "signed_in"] == [None]


def test_the_page_is_paginated(login_as, referent, settings):
    settings.MIA_PAGE_SIZE = 10
    client = login_as("administrator")
    for _ in range(14):
        security.record(kind=SecurityEventKind.SIGN_IN_FAILED, user=referent)

    first = client.get(PAGE)
    second = client.get(PAGE, {"page": 2})

    assert len(first.context["page"].object_list) == 10
    assert first.context["page"].paginator.count == 15  # and the administrator's sign-in
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 sur 2" in first.content.decode()


def test_the_page_names_the_account_and_the_administrator(login_as, referent, administrator):
    security.record(kind=SecurityEventKind.SESSIONS_ENDED, user=referent, by=administrator)

    html = login_as("administrator").get(PAGE).content.decode()

    assert "Sessions fermées par l&#x27;administration" in html
    assert referent.get_full_name() in html
    assert administrator.get_full_name() in html


@pytest.mark.parametrize("size", [3, 30])
def test_query_budget(login_as, referent, administrator, size, django_assert_num_queries):
    client = login_as("administrator")
    for index in range(size):
        by = administrator if index % 2 else None
        security.record(kind=SecurityEventKind.SESSIONS_ENDED, user=referent, by=by)

    # 1 session, 1 user; the count and the page of events with their account and the
    # administrator who acted joined.
    with django_assert_num_queries(4):
        response = client.get(PAGE)
    assert len(response.context["page"].object_list) == size + 1


def test_the_team_list_leads_administrators_to_the_page(login_as, db):
    link = f'href="{PAGE}"'

    assert link in login_as("administrator").get(reverse("team_list")).content.decode()


# --- Retention ---------------------------------------------------------------------------------


def test_events_older_than_the_audit_retention_are_purged(referent, settings):
    settings.MIA_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    for days in (40, 31, 29, 1):
        SecurityEvent.objects.create(
            kind=SecurityEventKind.SIGNED_IN, at=now - datetime.timedelta(days=days)
        )

    assert security.purge(before=now - datetime.timedelta(days=30), batch_size=1) == 2
    assert SecurityEvent.objects.count() == 2


# Committed rows: under `make test` with REDIS_URL a real worker runs the task, in another
# process that reads the test database (and the settings from the environment: 365 days).
@pytest.mark.django_db(transaction=True)
def test_the_daily_task_purges_events_with_the_configured_retention():
    now = timezone.now()
    for days in (29, 366, 400):
        SecurityEvent.objects.create(
            kind=SecurityEventKind.SIGNED_IN, at=now - datetime.timedelta(days=days)
        )

    assert tasks.security_events_purge.delay().get(timeout=30) == {"deleted": 2}
    assert SecurityEvent.objects.count() == 1


def test_the_security_events_purge_is_in_the_beat_schedule(settings):
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "mia.tasks.security_events_purge"
    ]

    assert [entry["schedule"] for entry in entries] == [24 * 3600]
    assert "mia.tasks.security_events_purge" in celery_app.tasks
