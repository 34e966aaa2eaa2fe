"""Writes of appointments (rendez-vous) and of the workers' calendar feeds. Views, the demo and
later transfers call these."""

import datetime
import secrets
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import (
    Appointment,
    AppointmentPlace,
    AppointmentStatus,
    CalendarFeed,
    ToBring,
)
from beneficiaries.models import Pathway, Person
from mia import permissions
from mia.models import Organisation, OrganisationKind

# Appointments are booked and shown in the association's time, whatever the server's clock.
PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)
# A rendez-vous lasts a quarter of an hour to a day.
MIN_DURATION, MAX_DURATION = 5, 12 * 60


def starts_at(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """The moment an appointment starts, in Europe/Paris (a time the clock change skips or
    repeats is read as Python does: the first of the two)."""
    return datetime.datetime.combine(date, time, tzinfo=PARIS)


def partner_organisations():
    """The organisations an appointment may be held at: every one that does not run the
    programme (the list a referral offers, partners.referrals, without importing it)."""
    return Organisation.objects.exclude(kind=OrganisationKind.OPERATOR).order_by("name")


def default_address(
    *, place: str, person: Person, partner: Organisation | None, organisation: Organisation
) -> str:
    """The address a slip prints when the worker typed none: the partner's office, the
    person's living place, or the association's own office."""
    if place == AppointmentPlace.PARTNER and partner is not None:
        return partner.address
    if place == AppointmentPlace.OFFICE:
        return organisation.address
    if place == AppointmentPlace.SITE:
        site = person.household.site if person.household_id else None
        if site is not None:
            parts = (site.address or site.name, site.commune.name)
            return ", ".join(part for part in parts if part)
    return ""


def _check(
    *,
    person: Person,
    by,
    place: str,
    partner: Organisation | None,
    pathway: str,
    to_bring: Iterable[str],
    duration_minutes: int,
    worker,
) -> None:
    """Codes and links, for callers that bypass the form (imports, the demo)."""
    if place not in AppointmentPlace.values:
        raise ValidationError(_("Choisissez le lieu."))
    if pathway and pathway not in Pathway.values:
        raise ValidationError(_("Parcours inconnu."))
    if not set(to_bring) <= set(ToBring.values):
        raise ValidationError(_("Document à apporter inconnu."))
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise ValidationError(_("La durée doit être comprise entre 5 minutes et 12 heures."))
    if partner is not None and partner.kind == OrganisationKind.OPERATOR:
        raise ValidationError(_("Choisissez un partenaire de la liste."))
    if place == AppointmentPlace.PARTNER and partner is None:
        raise ValidationError(_("Choisissez le partenaire chez qui a lieu le rendez-vous."))
    if worker is not None and not permissions.possible_referents(by).filter(pk=worker.pk).exists():
        raise ValidationError(_("Choisissez un membre de l'équipe."))
    if person.organisation_id != by.organisation_id:
        raise ValidationError(_("Cette personne n'est pas suivie par votre association."))


def _check_future(date: datetime.date, time: datetime.time) -> None:
    if starts_at(date, time) < timezone.now():
        raise ValidationError(
            _("Un rendez-vous ne peut pas être pris dans le passé : vérifiez la date et l'heure.")
        )


@transaction.atomic
def appointment_create(
    *,
    person: Person,
    by,
    date: datetime.date,
    time: datetime.time,
    place: str,
    duration_minutes: int = 60,
    partner: Organisation | None = None,
    address: str = "",
    contact: str = "",
    pathway: str = "",
    purpose: str = "",
    to_bring: Iterable[str] = (),
    worker=None,
) -> Appointment:
    """Book a rendez-vous for `person`, followed by `worker` (by default whoever books it). An
    address left empty is the place's (default_address)."""
    worker = by if worker is None else worker
    to_bring = list(dict.fromkeys(to_bring))
    _check(
        person=person,
        by=by,
        place=place,
        partner=partner,
        pathway=pathway,
        to_bring=to_bring,
        duration_minutes=duration_minutes,
        worker=worker,
    )
    if person.exited_on is not None:
        raise ValidationError(_("Cette personne est sortie du programme."))
    _check_future(date, time)
    organisation = Organisation.objects.get(pk=person.organisation_id)
    appointment = Appointment(
        organisation=organisation,
        person=person,
        worker=worker,
        date=date,
        time=time,
        duration_minutes=duration_minutes,
        place=place,
        partner=partner if place in (AppointmentPlace.PARTNER, AppointmentPlace.SCHOOL) else None,
        address=address.strip()
        or default_address(place=place, person=person, partner=partner, organisation=organisation),
        contact=contact.strip(),
        pathway=pathway,
        purpose=purpose.strip(),
        to_bring=to_bring,
        created_by=by,
    )
    appointment.full_clean(exclude=["organisation", "person", "worker", "partner", "created_by"])
    appointment.save()
    return appointment


@transaction.atomic
def appointment_update(
    *,
    appointment: Appointment,
    by,
    date: datetime.date,
    time: datetime.time,
    place: str,
    duration_minutes: int = 60,
    partner: Organisation | None = None,
    address: str = "",
    contact: str = "",
    pathway: str = "",
    purpose: str = "",
    to_bring: Iterable[str] = (),
    worker=None,
) -> Appointment:
    """Correct or move an appointment. It may not be moved into the past; one already past
    may still be corrected (its address, what was brought) as long as it stays when it was."""
    person = appointment.person
    to_bring = list(dict.fromkeys(to_bring))
    _check(
        person=person,
        by=by,
        place=place,
        partner=partner,
        pathway=pathway,
        to_bring=to_bring,
        duration_minutes=duration_minutes,
        worker=worker,
    )
    if (date, time) != (appointment.date, appointment.time):
        _check_future(date, time)
    organisation = Organisation.objects.get(pk=appointment.organisation_id)
    partner = partner if place in (AppointmentPlace.PARTNER, AppointmentPlace.SCHOOL) else None
    appointment.date = date
    appointment.time = time
    appointment.duration_minutes = duration_minutes
    appointment.place = place
    appointment.partner = partner
    appointment.address = address.strip() or default_address(
        place=place, person=person, partner=partner, organisation=organisation
    )
    appointment.contact = contact.strip()
    appointment.pathway = pathway
    appointment.purpose = purpose.strip()
    appointment.to_bring = to_bring
    appointment.worker = worker
    appointment.full_clean(exclude=["organisation", "person", "worker", "partner", "created_by"])
    appointment.save(
        update_fields=[
            "date",
            "time",
            "duration_minutes",
            "place",
            "partner",
            "address",
            "contact",
            "pathway",
            "purpose",
            "to_bring",
            "worker",
            "updated_at",
        ]
    )
    return appointment


def appointment_set_status(*, appointment: Appointment, by, status: str) -> Appointment:
    """Honoured, missed, cancelled, or planned again. Whether the person came is known once
    the appointment has started; a cancellation may come at any time."""
    if status not in AppointmentStatus.values:
        raise ValidationError(_("État inconnu."))
    started = starts_at(appointment.date, appointment.time) <= timezone.now()
    if status in (AppointmentStatus.DONE, AppointmentStatus.MISSED) and not started:
        raise ValidationError(
            _("Un rendez-vous à venir ne peut pas être déclaré honoré ou non honoré.")
        )
    if status == appointment.status:
        return appointment
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    return appointment


# --- Calendar feeds ------------------------------------------------------------------------------

# 32 random bytes, URL-safe: 43 characters. A token is never guessed, only replaced.
TOKEN_BYTES = 32


def calendar_feed_create(*, user) -> CalendarFeed:
    """The user's feed, created if they have none (a second click keeps the first address)."""
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(TOKEN_BYTES)}
    )
    return feed


@transaction.atomic
def calendar_feed_replace(*, user) -> CalendarFeed:
    """A new address: the old one stops answering at once (a lost phone, a shared link)."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(TOKEN_BYTES))


def calendar_feed_delete(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_read(*, feed: CalendarFeed) -> None:
    """When a calendar last fetched the feed, so that the worker sees whether it is in use."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
