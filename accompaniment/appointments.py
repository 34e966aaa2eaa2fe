"""Appointments (rendez-vous): a person's list, booking and follow-up, the slip the person takes
away in their language, and the worker's secret iCalendar feed."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_safe

from accompaniment import ical
from accompaniment import services_appointments as services
from accompaniment.forms_appointments import AppointmentForm
from accompaniment.models import (
    Appointment,
    AppointmentPlace,
    AppointmentStatus,
    CalendarFeed,
    ToBring,
)
from beneficiaries.models import Person
from mia import audit, permissions
from mia.params import next_url
from mia.permissions import access

# --- A person's appointments ---------------------------------------------------------------------

PAST_LIMIT = 50


def _appointments_of(user):
    """Appointments of the user's team: for those who do the accompaniment (managers read
    figures, partners what was shared, neither the team's diary)."""
    if not permissions.reads_notes(user):
        return Appointment.objects.none()
    return Appointment.objects.visible_to(user).select_related("partner", "worker")


@access(permissions.reads_notes, hide=True)
def person_appointments(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    today = timezone.localdate()
    rows = _appointments_of(request.user).filter(person=person)
    upcoming_filter = Q(status=AppointmentStatus.PLANNED, date__gte=today)
    upcoming = list(rows.filter(upcoming_filter).order_by("date", "time", "pk"))
    past = list(rows.exclude(upcoming_filter).order_by("-date", "-time", "-pk")[: PAST_LIMIT + 1])
    audit.record_read(request, person, section="appointments")
    return render(
        request,
        "accompaniment/appointment_list.html",
        {
            "person": person,
            "upcoming": upcoming,
            "past": past[:PAST_LIMIT],
            "more_past": len(past) > PAST_LIMIT,
            "today": today,
        },
    )


def _saved(form: AppointmentForm) -> dict:
    data = form.cleaned_data
    return {
        "date": data["date"],
        "time": data["time"],
        "duration_minutes": data["duration_minutes"],
        "place": data["place"],
        "partner": data["partner"],
        "address": data["address"],
        "contact": data["contact"],
        "pathway": data["pathway"],
        "purpose": data["purpose"],
        "to_bring": data["to_bring"],
        "worker": data["worker"],
    }


def _list_url(person_id: int) -> str:
    return reverse("accompaniment:person_appointments", args=[person_id])


@access(permissions.reads_notes, hide=True)
def appointment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("household__site__commune"), pk=pk
    )
    form = AppointmentForm(request.POST or None, user=request.user)
    done_url = next_url(request, _list_url(person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_create(
                person=person, by=request.user, **_saved(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Le rendez-vous est pris pour le %(date)s à %(time)s.")
                % {
                    "date": appointment.date.strftime("%d/%m/%Y"),
                    "time": appointment.time.strftime("%H:%M"),
                },
            )
            return redirect(done_url)
    audit.record_read(request, person, section="appointments")
    return render(
        request,
        "accompaniment/appointment_form.html",
        {"form": form, "person": person, "next": next_url(request, "")},
    )


STATUS_ACTIONS = {
    "done": AppointmentStatus.DONE,
    "missed": AppointmentStatus.MISSED,
    "cancelled": AppointmentStatus.CANCELLED,
    "planned": AppointmentStatus.PLANNED,
}


@access(permissions.reads_notes, hide=True)
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(
        _appointments_of(request.user).select_related("person__household__site__commune"), pk=pk
    )
    person = appointment.person
    done_url = next_url(request, _list_url(person.pk))
    if request.method == "POST" and "status" in request.POST:
        status = STATUS_ACTIONS.get(request.POST["status"])
        if status is None:
            raise Http404
        try:
            services.appointment_set_status(appointment=appointment, by=request.user, status=status)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("accompaniment:appointment_edit", args=[appointment.pk]))
        messages.success(
            request,
            _("Rendez-vous : %(status)s.") % {"status": appointment.get_status_display().lower()},
        )
        return redirect(done_url)
    form = AppointmentForm(request.POST or None, user=request.user, appointment=appointment)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(appointment=appointment, by=request.user, **_saved(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le rendez-vous est modifié."))
            return redirect(done_url)
    audit.record_read(request, appointment, section="appointment")
    started = services.starts_at(appointment.date, appointment.time) <= timezone.now()
    return render(
        request,
        "accompaniment/appointment_form.html",
        {
            "form": form,
            "person": person,
            "appointment": appointment,
            "started": started,
            "next": next_url(request, ""),
        },
    )


# --- The slip ------------------------------------------------------------------------------------

# The slip's languages, each named in itself for the switch.
SLIP_LANGUAGES = {"fr": "Français", "ro": "Română", "bg": "Български"}

# Papers to bring, as the slip says them to the person (locale/ro, locale/bg, context "fiche").
SLIP_TO_BRING = {
    ToBring.IDENTITY: pgettext_lazy("fiche", "Pièce d'identité ou passeport"),
    ToBring.RESIDENCE_PERMIT: pgettext_lazy("fiche", "Titre de séjour ou récépissé"),
    ToBring.DOMICILIATION: pgettext_lazy("fiche", "Attestation de domiciliation"),
    ToBring.HEALTH_CARD: pgettext_lazy("fiche", "Carte Vitale ou attestation de droits santé"),
    ToBring.CAF: pgettext_lazy("fiche", "Courriers de la CAF"),
    ToBring.TAX_NOTICE: pgettext_lazy("fiche", "Avis d'imposition"),
    ToBring.RIB: pgettext_lazy("fiche", "RIB (relevé d'identité bancaire)"),
    ToBring.PAYSLIPS: pgettext_lazy("fiche", "Bulletins de salaire"),
    ToBring.CV: pgettext_lazy("fiche", "CV"),
    ToBring.FAMILY_BOOK: pgettext_lazy("fiche", "Livret de famille ou actes de naissance"),
    ToBring.SCHOOL: pgettext_lazy("fiche", "Certificat de scolarité"),
    ToBring.PHOTOS: pgettext_lazy("fiche", "Photos d'identité"),
}
# Django's Romanian and Bulgarian catalogues capitalise month and day names ("Vineri 6 Martie"),
# which neither language does in a date: the slip has its own.
SLIP_DAYS = (
    pgettext_lazy("fiche", "lundi"),
    pgettext_lazy("fiche", "mardi"),
    pgettext_lazy("fiche", "mercredi"),
    pgettext_lazy("fiche", "jeudi"),
    pgettext_lazy("fiche", "vendredi"),
    pgettext_lazy("fiche", "samedi"),
    pgettext_lazy("fiche", "dimanche"),
)
SLIP_MONTHS = (
    pgettext_lazy("fiche", "janvier"),
    pgettext_lazy("fiche", "février"),
    pgettext_lazy("fiche", "mars"),
    pgettext_lazy("fiche", "avril"),
    pgettext_lazy("fiche", "mai"),
    pgettext_lazy("fiche", "juin"),
    pgettext_lazy("fiche", "juillet"),
    pgettext_lazy("fiche", "août"),
    pgettext_lazy("fiche", "septembre"),
    pgettext_lazy("fiche", "octobre"),
    pgettext_lazy("fiche", "novembre"),
    pgettext_lazy("fiche", "décembre"),
)


def slip_language(person: Person, asked: str | None) -> str:
    """The language asked for on the page, else the first of the person's languages the slip
    is written in (Romanian or Bulgarian before French, which the person may read less well)."""
    if asked in SLIP_LANGUAGES:
        return asked
    for code in person.languages or ():
        if code in ("ro", "bg"):
            return code
    return "fr"


def slip_date(date) -> str:
    """ "vendredi 6 mars 2026", "vineri, 6 martie 2026", "петък, 6 март 2026 г." in the
    active language."""
    day = pgettext("fiche", "1er") if date.day == 1 else str(date.day)
    return pgettext("fiche", "%(weekday)s %(day)s %(month)s %(year)s") % {
        "weekday": SLIP_DAYS[date.weekday()],
        "day": day,
        "month": SLIP_MONTHS[date.month - 1],
        "year": date.year,
    }


def _slip_context(appointment: Appointment) -> dict:
    """What the slip prints, in the active language."""
    organisation = appointment.organisation
    if appointment.place == AppointmentPlace.SITE:
        where = pgettext("fiche", "Sur votre lieu de vie")
    elif appointment.partner_id:
        where = appointment.partner.name
    elif appointment.place == AppointmentPlace.OFFICE:
        where = organisation.name
    else:
        where = ""
    ask_for = appointment.contact
    if not ask_for and appointment.place in (AppointmentPlace.OFFICE, AppointmentPlace.SITE):
        ask_for = appointment.worker.get_full_name() if appointment.worker else ""
    return {
        "appointment": appointment,
        "date": slip_date(appointment.date),
        "time": appointment.time.strftime("%H:%M"),
        "where": where,
        "address": appointment.address,
        "ask_for": ask_for,
        "to_bring": [str(SLIP_TO_BRING[code]) for code in appointment.to_bring],
        "phone": organisation.phone,
        "organisation": organisation.name,
    }


@access(permissions.reads_notes, hide=True)
def appointment_slip(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(
        _appointments_of(request.user).select_related("person", "organisation"), pk=pk
    )
    language = slip_language(appointment.person, request.GET.get("langue"))
    # The slip alone is in the person's language: the page around it stays the worker's.
    with translation.override(language):
        slip = render_to_string(
            "accompaniment/partials/slip_body.html",
            {**_slip_context(appointment), "language": language},
        )
    audit.record_read(request, appointment, section="slip")
    return render(
        request,
        "accompaniment/slip.html",
        {
            "appointment": appointment,
            "person": appointment.person,
            "slip": slip,
            "language": language,
            "languages": SLIP_LANGUAGES,
        },
    )


# --- The calendar feed ---------------------------------------------------------------------------

FEED_ACTIONS = ("create", "replace", "delete")


def feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("accompaniment:calendar_feed", args=[feed.token]))


@access(permissions.keeps_caseload)
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            services.calendar_feed_create(user=request.user)
            messages.success(
                request, _("Votre agenda est prêt : ajoutez son adresse à votre téléphone.")
            )
        elif action == "replace":
            services.calendar_feed_replace(user=request.user)
            messages.success(
                request,
                _("Nouvelle adresse créée : l'ancienne ne fonctionne plus. Ajoutez la nouvelle."),
            )
        elif action == "delete":
            services.calendar_feed_delete(user=request.user)
            messages.success(request, _("L'agenda est supprimé : son adresse ne fonctionne plus."))
        return redirect(reverse("accompaniment:calendar_feed_settings"))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = feed_url(request, feed) if feed else ""
    return render(
        request,
        "accompaniment/calendar_feed.html",
        {
            "feed": feed,
            "url": url,
            "webcal_url": re.sub(r"^https?://", "webcal://", url),
            "past_days": ical.PAST_DAYS,
        },
    )


# What secrets.token_urlsafe writes; anything else is not looked up at all.
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


@permissions.public
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: a calendar application fetches it. The token is the secret; it is found by
    the unique index, so an unknown, replaced or deleted token is a 404 like any other, and an
    account that left or changed role has no feed."""
    if not TOKEN.fullmatch(token):
        raise Http404
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None or not permissions.keeps_caseload(feed.user):
        raise Http404
    body = ical.calendar(
        feed.user, base_url=f"{request.scheme}://{request.get_host()}", host=request.get_host()
    )
    services.calendar_feed_read(feed=feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rendez-vous.ics"'
    return response
