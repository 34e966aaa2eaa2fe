"""Forms of the coordinators' pages: transfers, and entries and exits of the programme."""

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import ExitReason
from mia import permissions
from mia.widgets import ChoiceList, LongSelect

SCOPES = {
    "personne": _("une personne"),
    "menage": _("un ménage"),
    "site": _("un lieu de vie"),
    "referent": _("un portefeuille"),
}


class TransferForm(forms.Form):
    """Who takes over. The scope and its id travel in hidden fields; `expected` carries how
    many people the preview showed, so a confirmation never moves more than was seen."""

    portee = forms.ChoiceField(choices=list(SCOPES.items()), widget=forms.HiddenInput)
    id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    vers = forms.TypedChoiceField(
        label=_("Nouveau·elle référent·e"),
        coerce=int,
        widget=LongSelect,
        error_messages={
            "required": _("Choisissez à qui confier ces personnes."),
            "invalid_choice": _(
                "Choisissez un·e travailleur·se social·e ou coordinateur·rice actif·ve de "
                "votre organisation."
            ),
        },
    )
    attendu = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Plain choices from one values_list query (see PersonFilter): no model instances.
        self.fields["vers"].choices = ChoiceList(
            [
                ("", _("Choisir…")),
                *(
                    (pk, f"{first} {last}".strip() or email)
                    for pk, first, last, email in permissions.possible_referents(user).values_list(
                        "pk", "first_name", "last_name", "email"
                    )
                ),
            ]
        )
        self.referent_names = dict(self.fields["vers"].choices)


class TransferConfirmForm(forms.Form):
    """What the confirmation records with the transfer: why, and from when."""

    motif = forms.CharField(
        label=_("Motif du transfert"),
        max_length=300,
        help_text=_("Quelques mots : départ, congé long, rééquilibrage des portefeuilles…"),
        error_messages={"required": _("Indiquez le motif du transfert.")},
    )
    le = forms.DateField(label=_("À compter du"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["le"].initial = timezone.localdate

    def clean_motif(self) -> str:
        reason = " ".join(self.cleaned_data["motif"].split())
        if not reason:
            raise forms.ValidationError(_("Indiquez le motif du transfert."))
        return reason

    def clean_le(self) -> datetime.date:
        date = self.cleaned_data["le"]
        # The referent changes at once: a transfer ahead of time is a cover (remplacement).
        if date > timezone.localdate():
            raise forms.ValidationError(_("La date du transfert ne peut pas être dans le futur."))
        return date


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "d/m/Y")


class PersonExitForm(forms.Form):
    date = forms.DateField(label=_("Date de sortie"), widget=DATE_INPUT)
    reason = forms.ChoiceField(
        label=_("Motif de sortie"), choices=ExitReason.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, entered_on: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.entered_on = entered_on
        self.fields["date"].initial = timezone.localdate

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("La date de sortie ne peut pas être dans le futur."))
        if date < self.entered_on:
            raise forms.ValidationError(
                _("La sortie ne peut pas précéder l'entrée dans le programme (le %(date)s).")
                % {"date": _date(self.entered_on)}
            )
        return date


class PersonReenterForm(forms.Form):
    date = forms.DateField(label=_("Date du retour"), widget=DATE_INPUT)

    def __init__(self, *args, exited_on: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.exited_on = exited_on
        self.fields["date"].initial = timezone.localdate

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("La date du retour ne peut pas être dans le futur."))
        if date < self.exited_on:
            raise forms.ValidationError(
                _("Le retour ne peut pas précéder la dernière sortie (le %(date)s).")
                % {"date": _date(self.exited_on)}
            )
        return date


class CoverForm(forms.Form):
    """Who is away, who sees their week, from when to when (both days included)."""

    absent = forms.TypedChoiceField(
        label=_("Référent·e absent·e"),
        coerce=int,
        widget=LongSelect,
        error_messages={"required": _("Choisissez qui est absent·e.")},
    )
    covering = forms.TypedChoiceField(
        label=_("Remplacé·e par"),
        coerce=int,
        widget=LongSelect,
        error_messages={"required": _("Choisissez qui la ou le remplace.")},
    )
    starts_on = forms.DateField(label=_("À partir du"), widget=DATE_INPUT)
    ends_on = forms.DateField(
        label=_("Jusqu'au (inclus)"),
        widget=DATE_INPUT,
        error_messages={"required": _("Indiquez la date de retour prévue.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = ChoiceList(
            [
                ("", _("Choisir…")),
                *(
                    (pk, f"{first} {last}".strip() or email)
                    for pk, first, last, email in permissions.possible_referents(user).values_list(
                        "pk", "first_name", "last_name", "email"
                    )
                ),
            ]
        )
        invalid = _(
            "Choisissez un·e travailleur·se social·e ou coordinateur·rice actif·ve de votre "
            "organisation."
        )
        for name in ("absent", "covering"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = invalid
        self.fields["starts_on"].initial = timezone.localdate

    def clean(self):
        data = super().clean()
        absent, covering = data.get("absent"), data.get("covering")
        if absent and covering and absent == covering:
            self.add_error("covering", _("Choisissez une autre personne que l'absent·e."))
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin ne peut précéder le début."))
        elif ends_on and ends_on < timezone.localdate():
            self.add_error("ends_on", _("La date de retour est déjà passée."))
        return data
