from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Appointment, AppointmentPlace, AppointmentStatus, ToBring
from accompaniment.services_appointments import partner_organisations
from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import Pathway
from mia import permissions

TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


class AppointmentForm(forms.Form):
    """A rendez-vous on a phone: a date, a time, a place in one tap; the rest is optional."""

    date = forms.DateField(
        label=_("Date"),
        widget=DATE_INPUT,
        error_messages={"required": _("Choisissez la date.")},
    )
    time = forms.TimeField(
        label=_("Heure"),
        widget=TIME_INPUT,
        error_messages={"required": _("Choisissez l'heure.")},
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Durée"),
        coerce=int,
        initial=60,
        choices=[
            (15, _("15 minutes")),
            (30, _("30 minutes")),
            (45, _("45 minutes")),
            (60, _("1 heure")),
            (90, _("1 heure 30")),
            (120, _("2 heures")),
            (180, _("3 heures")),
        ],
    )
    place = forms.ChoiceField(
        label=_("Lieu"),
        choices=AppointmentPlace.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le lieu.")},
    )
    partner = forms.ModelChoiceField(
        label=_("Partenaire"),
        queryset=partner_organisations(),
        required=False,
        help_text=_("Pour un rendez-vous chez un partenaire ou à l'école."),
    )
    address = forms.CharField(
        label=_("Adresse"),
        max_length=300,
        required=False,
        help_text=_(
            "Imprimée sur la fiche. Laissée vide : l'adresse du partenaire, du lieu de vie "
            "ou de l'association."
        ),
    )
    contact = forms.CharField(
        label=_("Demander"),
        max_length=150,
        required=False,
        help_text=_("Qui la personne demande à l'accueil, par exemple « Mme Diallo, CCAS »."),
    )
    pathway = forms.ChoiceField(
        label=_("Parcours"), choices=[("", "---------"), *Pathway.choices], required=False
    )
    purpose = forms.CharField(
        label=_("Objet"),
        max_length=200,
        required=False,
        help_text=_("Pour l'équipe : jamais imprimé sur la fiche ni dans l'agenda."),
    )
    to_bring = forms.MultipleChoiceField(
        label=_("Documents à apporter"),
        choices=ToBring.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    worker = WorkerChoiceField(
        label=_("Suivi par"),
        queryset=permissions.possible_referents(None),
        error_messages={"required": _("Choisissez qui suit ce rendez-vous.")},
    )

    def __init__(self, *args, user, appointment: Appointment | None = None, **kwargs):
        if appointment is not None:
            kwargs.setdefault(
                "initial",
                {
                    "date": appointment.date,
                    "time": appointment.time,
                    "duration_minutes": appointment.duration_minutes,
                    "place": appointment.place,
                    "partner": appointment.partner_id,
                    "address": appointment.address,
                    "contact": appointment.contact,
                    "pathway": appointment.pathway,
                    "purpose": appointment.purpose,
                    "to_bring": appointment.to_bring,
                    "worker": appointment.worker_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.appointment = appointment
        referents = permissions.possible_referents(user)
        if appointment is not None and appointment.worker_id:
            # A colleague who has left still shows on the appointments they followed.
            referents = referents | permissions.team_members(user).filter(pk=appointment.worker_id)
        self.fields["worker"].queryset = referents.order_by("last_name", "first_name")
        if appointment is None:
            self.fields["worker"].initial = user.pk
            self.fields["date"].widget.attrs["min"] = timezone.localdate().isoformat()
        durations = dict(self.fields["duration_minutes"].choices)
        if appointment is not None and appointment.duration_minutes not in durations:
            self.fields["duration_minutes"].choices = [
                *self.fields["duration_minutes"].choices,
                (appointment.duration_minutes, f"{appointment.duration_minutes} min"),
            ]

    def clean(self):
        data = super().clean()
        if data.get("place") == AppointmentPlace.PARTNER and not data.get("partner"):
            self.add_error("partner", _("Choisissez le partenaire."))
        return data


class AppointmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=AppointmentStatus.choices)
