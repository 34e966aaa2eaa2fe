"""Forms of the employment pathway. Each lists its fields and checks a draft with the same
function as the service (employment.services.check_*), so that the French message on the
field is the same wherever a mistake comes from, and a bad input saves nothing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import CefrLevel
from accompaniment.services_appointments import partner_organisations
from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import Commune
from employment import services
from employment.models import (
    CandidacyStatus,
    Contract,
    ContractType,
    Employer,
    EmployerKind,
    JobOffer,
    NotRetainedReason,
    OfferStatus,
    Training,
    TrainingOutcome,
    Workshop,
    WorkshopKind,
)
from mia.concurrency import VersionedForm


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's {field: message} errors on the form's fields (on top when not a field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.error_dict.items():
        name = field if field in form.fields else None
        for message in messages:
            if name is None or name not in form.errors:
                form.add_error(name, message)


def _date(label, *, required: bool = False, help_text: str = "", message=None) -> forms.DateField:
    errors = {"invalid": _("Saisissez une date valide.")}
    if message:
        errors["required"] = message
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_INPUT,
        help_text=help_text,
        error_messages=errors,
    )


def _hours_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0,
        error_messages={
            "invalid": _("Saisissez un nombre d'heures, par exemple 35 ou 24,5."),
            "min_value": _("Entre 0 et 48 heures par semaine."),
            "max_digits": _("Entre 0 et 48 heures par semaine."),
            "max_decimal_places": _("Une décimale au plus."),
        },
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )


class CommuneField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Commune) -> str:
        return str(obj)


def _communes():
    return Commune.objects.filter(merged_into__isnull=True).order_by("name")


class _ServiceForm(forms.Form):
    """A form whose clean() runs its service's checks on a draft row."""

    saved: tuple[str, ...] = ()

    def draft(self, data: dict):  # pragma: no cover - each form says
        raise NotImplementedError

    def check(self, draft) -> None:  # pragma: no cover
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        for name in self.saved:
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        if self.errors:
            return data
        try:
            self.check(self.draft(data))
        except ValidationError as error:
            add_errors(self, error)
        return data

    @property
    def fields_saved(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.saved if name in self.fields}


# --- Employers -------------------------------------------------------------------------------


class EmployerForm(_ServiceForm):
    saved = services.EMPLOYER_FIELDS

    name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        error_messages={"required": _("Indiquez le nom de l'employeur.")},
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=EmployerKind.choices,
        error_messages={"required": _("Choisissez le type d'employeur.")},
    )
    commune = CommuneField(label=_("Commune"), queryset=_communes(), required=False)
    partner = forms.ModelChoiceField(
        label=_("Organisation partenaire dans MIA"),
        queryset=partner_organisations(),
        required=False,
        help_text=_("Si l'employeur a des comptes dans MIA."),
    )
    contact = forms.CharField(
        label=_("Contact"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Interlocuteur·rice, téléphone, courriel."),
    )

    def __init__(self, *args, employer: Employer | None = None, **kwargs):
        if employer is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(employer, name) for name in ("name", "kind", "contact")}
                | {"commune": employer.commune_id, "partner": employer.partner_id},
            )
        super().__init__(*args, **kwargs)

    def draft(self, data):
        return Employer(name=data.get("name") or "")

    def check(self, draft):
        services.check_employer(draft)


# --- Offers ----------------------------------------------------------------------------------


class OfferForm(VersionedForm, _ServiceForm):
    saved = services.OFFER_FIELDS

    employer = forms.ModelChoiceField(
        label=_("Employeur"),
        queryset=Employer.objects.none(),
        error_messages={
            "required": _("Choisissez l'employeur."),
            "invalid_choice": _("Choisissez un employeur de la liste."),
        },
    )
    title = forms.CharField(
        label=_("Poste"), max_length=150, error_messages={"required": _("Indiquez le poste.")}
    )
    place = forms.CharField(label=_("Lieu"), max_length=150, required=False)
    commune = CommuneField(label=_("Commune"), queryset=_communes(), required=False)
    contract_type = forms.ChoiceField(
        label=_("Type de contrat"),
        choices=ContractType.choices,
        error_messages={"required": _("Choisissez le type de contrat.")},
    )
    weekly_hours = _hours_field(_("Heures par semaine"))
    published_on = _date(
        _("Publiée le"), required=True, message=_("Indiquez la date de publication.")
    )
    starts_on = _date(_("Début"))
    ends_on = _date(_("Fin"), help_text=_("Vide pour un CDI."))
    min_french_level = forms.ChoiceField(
        label=_("Niveau de français minimum"),
        choices=[("", _("Aucun")), *CefrLevel.choices],
        required=False,
    )
    driving_licence = forms.BooleanField(label=_("Permis de conduire exigé"), required=False)
    requirements = forms.CharField(
        label=_("Autres exigences"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(
        label=_("État"), choices=OfferStatus.choices, initial=OfferStatus.OPEN
    )

    def __init__(self, *args, organisation_id: int, offer: JobOffer | None = None, **kwargs):
        self.instance = offer
        self.offer = offer
        if offer is not None:
            initial = {name: getattr(offer, name) for name in services.OFFER_FIELDS}
            initial |= {"employer": offer.employer_id, "commune": offer.commune_id}
            kwargs.setdefault("initial", initial)
        else:
            kwargs.setdefault("initial", {"published_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        self.fields["employer"].queryset = Employer.objects.filter(
            organisation_id=organisation_id
        ).order_by("name", "pk")

    def draft(self, data):
        return JobOffer(
            organisation_id=self.organisation_id,
            employer=data.get("employer"),
            title=data.get("title") or "",
            published_on=data.get("published_on"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            weekly_hours=data.get("weekly_hours"),
        )

    def check(self, draft):
        first = None
        if self.offer is not None:
            first = services._first_change(self.offer)
        services.check_offer(draft, first_change=first)


# --- Candidacies -----------------------------------------------------------------------------


class CandidacyStatusForm(VersionedForm, _ServiceForm):
    """A candidacy's status in one tap, on a phone: the reason when not retained."""

    status = forms.ChoiceField(
        label=_("État"),
        choices=CandidacyStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'état de la candidature.")},
    )
    reason = forms.ChoiceField(
        label=_("Motif (non retenue)"),
        choices=[("", "—"), *NotRetainedReason.choices],
        required=False,
    )
    on = _date(_("Le"), help_text=_("Vide : aujourd'hui."))

    def __init__(self, *args, candidacy, **kwargs):
        self.instance = candidacy
        self.candidacy = candidacy
        kwargs.setdefault("initial", {"status": candidacy.status, "reason": candidacy.reason})
        kwargs.setdefault("prefix", f"c{candidacy.pk}")
        super().__init__(*args, **kwargs)
        self.fields["on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        data = super(_ServiceForm, self).clean()
        if self.errors:
            return data
        data["on"] = data.get("on") or timezone.localdate()
        try:
            services.check_status_change(
                offer=self.candidacy.offer,
                status=data.get("status") or "",
                reason=data.get("reason") or "",
                on=data["on"],
                since=self.candidacy.proposed_on,
            )
        except ValidationError as error:
            add_errors(self, error)
        return data


# --- Contracts -------------------------------------------------------------------------------


class ContractForm(VersionedForm, _ServiceForm):
    saved = services.CONTRACT_FIELDS

    employer = forms.ModelChoiceField(
        label=_("Employeur"),
        queryset=Employer.objects.none(),
        error_messages={
            "required": _("Choisissez l'employeur."),
            "invalid_choice": _("Choisissez un employeur de la liste."),
        },
    )
    contract_type = forms.ChoiceField(
        label=_("Type de contrat"),
        choices=ContractType.choices,
        error_messages={"required": _("Choisissez le type de contrat.")},
    )
    job_title = forms.CharField(label=_("Poste"), max_length=150, required=False)
    starts_on = _date(_("Début"), required=True, message=_("Indiquez le début du contrat."))
    planned_end = _date(_("Fin prévue"), help_text=_("Vide pour un CDI."))
    ended_on = _date(_("Fin effective"), help_text=_("Quand le contrat a pris fin."))
    weekly_hours = _hours_field(_("Heures par semaine"))
    pass_iae_number = forms.CharField(
        label=_("Numéro de PASS IAE"),
        max_length=20,
        required=False,
        help_text=_("Pour un contrat dans une SIAE."),
    )
    pass_iae_start = _date(_("PASS IAE : début"))
    pass_iae_end = _date(_("PASS IAE : fin"))

    def __init__(self, *args, person, contract: Contract | None = None, **kwargs):
        self.instance = contract
        if contract is not None:
            initial = {name: getattr(contract, name) for name in services.CONTRACT_FIELDS}
            initial["employer"] = contract.employer_id
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["employer"].queryset = Employer.objects.filter(
            organisation_id=person.organisation_id
        ).order_by("name", "pk")

    def draft(self, data):
        return Contract(
            organisation_id=self.person.organisation_id,
            employer=data.get("employer"),
            starts_on=data.get("starts_on"),
            planned_end=data.get("planned_end"),
            ended_on=data.get("ended_on"),
            weekly_hours=data.get("weekly_hours"),
            pass_iae_number=data.get("pass_iae_number") or "",
            pass_iae_start=data.get("pass_iae_start"),
            pass_iae_end=data.get("pass_iae_end"),
        )

    def check(self, draft):
        services.check_contract(draft)


# --- Trainings and workshops -----------------------------------------------------------------


class TrainingForm(_ServiceForm):
    saved = services.TRAINING_FIELDS

    title = forms.CharField(
        label=_("Formation"),
        max_length=150,
        error_messages={"required": _("Indiquez la formation.")},
    )
    qualifying = forms.BooleanField(label=_("Qualifiante"), required=False)
    provider = forms.ModelChoiceField(
        label=_("Organisme"), queryset=partner_organisations(), required=False
    )
    provider_name = forms.CharField(
        label=_("Organisme (autre)"),
        max_length=150,
        required=False,
        help_text=_("S'il n'est pas dans la liste."),
    )
    starts_on = _date(_("Début"), required=True, message=_("Indiquez le début de la formation."))
    ends_on = _date(_("Fin"))
    hours = forms.DecimalField(
        label=_("Heures"),
        required=False,
        max_digits=6,
        decimal_places=1,
        min_value=0,
        error_messages={
            "invalid": _("Saisissez un nombre d'heures."),
            "min_value": _("Entre 0 et 5 000 heures."),
            "max_digits": _("Entre 0 et 5 000 heures."),
            "max_decimal_places": _("Une décimale au plus."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=TrainingOutcome.choices,
        initial=TrainingOutcome.ONGOING,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, training: Training | None = None, **kwargs):
        if training is not None:
            initial = {name: getattr(training, name) for name in services.TRAINING_FIELDS}
            initial["provider"] = training.provider_id
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def draft(self, data):
        return Training(
            title=data.get("title") or "",
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            hours=data.get("hours"),
            outcome=data.get("outcome") or TrainingOutcome.ONGOING,
        )

    def check(self, draft):
        services.check_training(draft)


class WorkshopForm(_ServiceForm):
    saved = services.WORKSHOP_FIELDS

    kind = forms.ChoiceField(
        label=_("Atelier"),
        choices=WorkshopKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'atelier.")},
    )
    title = forms.CharField(label=_("Intitulé"), max_length=150, required=False)
    held_on = _date(_("Le"), required=True, message=_("Indiquez la date de l'atelier."))
    attended = forms.BooleanField(label=_("Présente"), required=False, initial=True)

    def __init__(self, *args, workshop: Workshop | None = None, **kwargs):
        if workshop is not None:
            kwargs.setdefault(
                "initial", {name: getattr(workshop, name) for name in services.WORKSHOP_FIELDS}
            )
        super().__init__(*args, **kwargs)

    def draft(self, data):
        return Workshop(held_on=data.get("held_on"), attended=bool(data.get("attended")))

    def check(self, draft):
        services.check_workshop(draft)
