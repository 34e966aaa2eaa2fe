"""A worker's appointments as an iCalendar feed (RFC 5545), for the calendar of their phone.

Whoever holds the feed's address reads it, signed in or not: it carries times and places,
never a name, a phone number or the team's words about the appointment. A rendez-vous on
the person's living place gives the commune only; partners' and the association's offices
are public addresses."""

import datetime

import icalendar
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import Appointment, AppointmentPlace, AppointmentStatus
from accompaniment.services_appointments import PARIS, starts_at
from beneficiaries.models import Pathway
from mia.links import object_url

# What a phone's calendar keeps in view: the last month and the year ahead.
PAST_DAYS, AHEAD_DAYS = 30, 365


def feed_appointments(user, *, today: datetime.date) -> QuerySet:
    """The worker's planned appointments in the feed's window, in one query."""
    return (
        Appointment.objects.filter(
            worker=user,
            organisation_id=user.organisation_id,
            status=AppointmentStatus.PLANNED,
            date__gte=today - datetime.timedelta(days=PAST_DAYS),
            date__lte=today + datetime.timedelta(days=AHEAD_DAYS),
        )
        .select_related("partner", "person__household__site__commune")
        .only(
            "date",
            "time",
            "duration_minutes",
            "place",
            "address",
            "pathway",
            "person_id",
            "created_at",
            "updated_at",
            "partner__name",
            "person__household__site__commune__name",
        )
        .order_by("date", "time", "pk")
    )


def location(appointment: Appointment) -> str:
    """Where it takes place, as the feed may say it."""
    if appointment.place == AppointmentPlace.SITE:
        person = appointment.person
        site = person.household.site if person.household_id else None
        return site.commune.name if site is not None else ""
    parts = [appointment.partner.name] if appointment.partner_id else []
    if appointment.address:
        parts.append(appointment.address)
    return ", ".join(parts)


def calendar(user, *, base_url: str, host: str) -> bytes:
    """The feed's body. `base_url` (scheme and host) makes each event link to its page in MIA,
    which asks to sign in."""
    today = timezone.localdate()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//MIA//Rendez-vous//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Rendez-vous MIA"))
    cal.add("x-wr-timezone", PARIS.key)
    cal.add_component(
        icalendar.Timezone.from_tzid(
            PARIS.key,
            first_date=today - datetime.timedelta(days=PAST_DAYS + 366),
            last_date=today + datetime.timedelta(days=AHEAD_DAYS + 366),
        )
    )
    title = _("Rendez-vous — dossier n° %(number)s")
    places = dict(AppointmentPlace.choices)
    pathways = dict(Pathway.choices)
    stamp = timezone.now()
    for appointment in feed_appointments(user, today=today):
        start = starts_at(appointment.date, appointment.time)
        summary = title % {"number": appointment.person_id}
        if appointment.pathway in pathways:
            summary = f"{summary} ({pathways[appointment.pathway]})"
        event = icalendar.Event()
        # Stable across reads and edits: the calendar updates the event instead of adding one.
        event.add("uid", f"rendez-vous-{appointment.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("created", appointment.created_at)
        event.add("last-modified", appointment.updated_at)
        event.add("dtstart", start)
        event.add("dtend", start + datetime.timedelta(minutes=appointment.duration_minutes))
        event.add("summary", summary)
        event.add("description", str(places.get(appointment.place, appointment.place)))
        if where := location(appointment):
            event.add("location", where)
        event.add("url", base_url + object_url("accompaniment:appointment_edit", appointment.pk))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
