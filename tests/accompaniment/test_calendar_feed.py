"""The worker's iCalendar feed (issue 9): a secret, revocable address that a phone's calendar
reads without signing in; times in Europe/Paris, places, never a name nor a phone number."""

import datetime
import re
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment import services_appointments as services
from accompaniment.models import Appointment, CalendarFeed
from mia.models import AuditEntry, OrganisationKind
from tests.mia.factories import OrganisationFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = timezone.localdate()


@pytest.fixture
def ccas(db):
    return OrganisationFactory(
        name="CCAS de Saint-Denis",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        address="6 place Victor-Hugo, 93200 Saint-Denis",
    )


def _appointment(person, worker, **changes) -> Appointment:
    fields = {
        "organisation": person.organisation,
        "person": person,
        "worker": worker,
        "created_by": worker,
        "date": TODAY + datetime.timedelta(days=2),
        "time": datetime.time(10, 0),
        "place": "office",
        "address": "12 rue Gabriel-Péri, 93200 Saint-Denis",
    }
    return Appointment.objects.create(**fields | changes)


def _read(client, feed) -> icalendar.Calendar:
    response = client.get(reverse("accompaniment:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return icalendar.Calendar.from_ical(response.content)


def _events(calendar: icalendar.Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_the_feed_lists_the_worker_s_appointments_in_paris_time(
    client, person, referent, ccas, site
):
    person.phone = "06 12 34 56 78"
    person.save()
    summer = (
        datetime.date(TODAY.year + 1, 7, 15) if TODAY.month > 6 else TODAY.replace(month=7, day=15)
    )
    at_ccas = _appointment(
        person,
        referent,
        place="partner",
        partner=ccas,
        address=ccas.address,
        contact="Mme Diallo 06 99 88 77 66",
        pathway="rights",
        purpose="Demande de RSA de Ionescu",
        date=summer,
        time=datetime.time(14, 30),
        duration_minutes=45,
    )
    on_site = _appointment(person, referent, place="site", address="Chemin du Canal")
    feed = services.calendar_feed_create(user=referent)

    calendar = _read(client, feed)

    events = {str(event["uid"]): event for event in _events(calendar)}
    assert sorted(events) == sorted(
        f"rendez-vous-{pk}@testserver" for pk in (at_ccas.pk, on_site.pk)
    )
    event = events[f"rendez-vous-{at_ccas.pk}@testserver"]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == datetime.datetime.combine(summer, datetime.time(14, 30), tzinfo=PARIS)
    assert str(start.tzinfo) == "Europe/Paris" and start.utcoffset() == datetime.timedelta(hours=2)
    assert end - start == datetime.timedelta(minutes=45)
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(event["summary"]) == f"Rendez-vous — dossier n° {person.pk} (Accès aux droits)"
    assert str(event["location"]) == "CCAS de Saint-Denis, 6 place Victor-Hugo, 93200 Saint-Denis"
    # On the person's living place, the commune only: where families live is not for a calendar.
    assert str(events[f"rendez-vous-{on_site.pk}@testserver"]["location"]) == site.commune.name
    assert str(event["url"]).endswith(reverse("accompaniment:appointment_edit", args=[at_ccas.pk]))


def test_no_name_no_phone_no_purpose_anywhere_in_the_body(client, person, referent, ccas):
    person.phone = "06 12 34 56 78"
    person.save()
    _appointment(
        person,
        referent,
        place="partner",
        partner=ccas,
        contact="Mme Diallo 06 99 88 77 66",
        purpose="Demande RSA urgente",
    )
    feed = services.calendar_feed_create(user=referent)

    body = client.get(reverse("accompaniment:calendar_feed", args=[feed.token])).content
    # Unfolded: a long line is cut at 75 octets and would hide a name across the cut.
    text = re.sub(rb"\r\n[ \t]", b"", body).decode()

    for secret in (
        person.first_name,
        person.last_name,
        person.household.name,
        "06 12 34 56 78",
        "0612345678",
        "Diallo",
        "06 99 88 77 66",
        "Demande RSA",
        referent.last_name,
    ):
        assert secret not in text


def test_the_uid_stays_when_the_appointment_moves(client, person, referent):
    appointment = _appointment(person, referent)
    feed = services.calendar_feed_create(user=referent)
    before = [str(e["uid"]) for e in _events(_read(client, feed))]

    services.appointment_update(
        appointment=appointment,
        by=referent,
        date=TODAY + datetime.timedelta(days=5),
        time=datetime.time(11, 0),
        place="office",
        worker=referent,
    )
    after = _events(_read(client, feed))

    assert [str(e["uid"]) for e in after] == before
    assert after[0].decoded("dtstart").date() == TODAY + datetime.timedelta(days=5)


def test_only_the_worker_s_planned_appointments_in_the_window(
    client, person, referent, colleague, outsider
):
    mine = _appointment(person, referent)
    _appointment(person, colleague)
    _appointment(person, referent, status="cancelled")
    _appointment(person, referent, status="done", date=TODAY - datetime.timedelta(days=3))
    _appointment(person, referent, date=TODAY - datetime.timedelta(days=31))
    _appointment(person, referent, date=TODAY + datetime.timedelta(days=366))
    recent = _appointment(person, referent, date=TODAY - datetime.timedelta(days=30))
    services.calendar_feed_create(user=colleague)
    feed = services.calendar_feed_create(user=referent)

    uids = sorted(str(e["uid"]) for e in _events(_read(client, feed)))

    assert uids == sorted(f"rendez-vous-{a.pk}@testserver" for a in (mine, recent))


def test_another_worker_s_feed_holds_none_of_these(client, person, referent, colleague):
    _appointment(person, referent)
    feed = services.calendar_feed_create(user=colleague)

    assert _events(_read(client, feed)) == []


def test_a_replaced_or_deleted_token_is_a_404(client, person, referent):
    _appointment(person, referent)
    first = services.calendar_feed_create(user=referent)
    again = services.calendar_feed_create(user=referent)

    replaced = services.calendar_feed_replace(user=referent)

    assert again.token == first.token, "a second click keeps the address"
    assert replaced.token != first.token and len(replaced.token) >= 43
    old = client.get(reverse("accompaniment:calendar_feed", args=[first.token]))
    assert old.status_code == 404
    assert (
        client.get(reverse("accompaniment:calendar_feed", args=[replaced.token])).status_code == 200
    )
    services.calendar_feed_delete(user=referent)
    assert (
        client.get(reverse("accompaniment:calendar_feed", args=[replaced.token])).status_code == 404
    )


@pytest.mark.parametrize("token", ["x" * 43, "a" * 3, "é" * 40, "x" * 65, "1"])
def test_unknown_tokens_are_all_the_same_404(client, referent, token):
    services.calendar_feed_create(user=referent)

    response = client.get(f"/agenda/{token}.ics")

    assert response.status_code == 404


def test_a_worker_who_left_has_no_feed(client, person, referent):
    _appointment(person, referent)
    feed = services.calendar_feed_create(user=referent)
    referent.is_active = False
    referent.save()

    assert client.get(reverse("accompaniment:calendar_feed", args=[feed.token])).status_code == 404


def test_a_read_is_recorded_on_the_feed_not_in_the_audit_of_people(client, person, referent):
    _appointment(person, referent)
    feed = services.calendar_feed_create(user=referent)
    before = AuditEntry.objects.count()

    _read(client, feed)

    feed.refresh_from_db()
    assert feed.last_read_at is not None
    assert AuditEntry.objects.count() == before


def test_a_post_to_the_feed_is_refused(client, referent):
    feed = services.calendar_feed_create(user=referent)

    assert client.post(reverse("accompaniment:calendar_feed", args=[feed.token])).status_code == 405


# --- The settings page -------------------------------------------------------------------------


def test_a_worker_creates_replaces_and_deletes_their_feed(login_as, referent):
    client = login_as("referent")
    url = reverse("accompaniment:calendar_feed_settings")

    empty = client.get(url).content.decode()
    client.post(url, {"action": "create"})
    feed = CalendarFeed.objects.get(user=referent)
    shown = client.get(url).content.decode()
    client.post(url, {"action": "replace"})
    replaced = CalendarFeed.objects.get(user=referent)
    client.post(url, {"action": "delete"})

    assert 'value="create"' in empty
    assert f"http://testserver/agenda/{feed.token}.ics" in shown
    assert f"webcal://testserver/agenda/{feed.token}.ics" in shown
    assert replaced.token != feed.token
    assert not CalendarFeed.objects.filter(user=referent).exists()


def test_a_get_changes_nothing(login_as, referent):
    client = login_as("referent")

    client.get(reverse("accompaniment:calendar_feed_settings"), {"action": "create"})

    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "administrator", "partner"])
def test_who_has_no_appointments_has_no_feed_page(login_as, persona, db):
    client = login_as(persona)

    response = client.post(reverse("accompaniment:calendar_feed_settings"), {"action": "create"})

    assert response.status_code == 403
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize(("persona", "shown"), [("referent", True), ("manager", False)])
def test_the_account_menu_leads_to_the_feed_page_only_when_it_opens(login_as, persona, shown, db):
    html = login_as(persona).get(reverse("home"), follow=True).content.decode()

    assert (f'href="{reverse("accompaniment:calendar_feed_settings")}"' in html) is shown
