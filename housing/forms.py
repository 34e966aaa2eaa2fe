"""Forms of housing. They list their fields; the dates are checked by the services
(housing.services), whose {field: message} errors land on the fields (`add_errors`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Action
from accompaniment.services_appointments import partner_organisations
from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import Person
from housing.models import (
    Answer,
    ApplicationStatus,
    DiagnosticStatus,
    EvacuationBasis,
    PlacementType,
    RecourseDecision,
    RecourseKind,
    RefusalReason,
    ShelterOffer,
    SiaoStatus,
    Wish,
)
from mia import permissions
from mia.concurrency import VersionedForm


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's {field: message} errors on the form's fields (on top when not a field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.error_dict.items():
        name = field if field in form.fields else None
        for message in messages:
            form.add_error(name, message)


def _date(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_INPUT,
        help_text=help_text,
        error_messages={"required": _("Indiquez la date."), "invalid": _("Date invalide.")},
    )


def _choice(label, choices, *, radio=False, required=True, message=None):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect if radio else forms.Select,
        error_messages={
            "required": message or _("Choisissez une valeur."),
            "invalid_choice": _("Choisissez une valeur de la liste."),
        },
    )


class _Versioned(VersionedForm):
    def __init__(self, *args, instance=None, **kwargs):
        # Read by VersionedForm: the version the page was opened on.
        self.instance = instance
        super().__init__(*args, **kwargs)

    @property
    def saved(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SAVED}


class EvacuationForm(_Versioned, forms.Form):
    SAVED = (
        "basis",
        "decided_on",
        "expected_on",
        "diagnostic_status",
        "diagnostic_on",
        "diagnostic_user",
        "diagnostic_organisation",
        "carried_out_on",
    )
    basis = _choice(
        _("Fondement"), EvacuationBasis.choices, radio=True, message=_("Choisissez le fondement.")
    )
    decided_on = _date(_("Date de la décision"), required=True)
    expected_on = _date(_("Évacuation prévue le"))
    diagnostic_status = _choice(_("Diagnostic social"), DiagnosticStatus.choices, radio=True)
    diagnostic_on = _date(_("Diagnostic le"), help_text=_("Prévu ou réalisé."))
    diagnostic_user = forms.ModelChoiceField(
        label=_("Diagnostic par (membre de l'équipe)"), queryset=None, required=False
    )
    diagnostic_organisation = forms.ModelChoiceField(
        label=_("ou par une organisation"), queryset=partner_organisations(), required=False
    )
    carried_out_on = _date(_("Évacuation réalisée le"))
    close_site = forms.BooleanField(
        label=_("Fermer le lieu de vie à cette date"),
        required=False,
        help_text=_("Le lieu de vie passe à « évacué » à la date de l'évacuation."),
    )

    def __init__(self, *args, user, evacuation=None, **kwargs):
        if evacuation is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(evacuation, name) for name in self.SAVED}
                | {
                    "diagnostic_user": evacuation.diagnostic_user_id,
                    "diagnostic_organisation": evacuation.diagnostic_organisation_id,
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {
                    "diagnostic_status": DiagnosticStatus.NOT_PLANNED,
                    "decided_on": timezone.localdate(),
                },
            )
        super().__init__(*args, instance=evacuation, **kwargs)
        self.fields["diagnostic_user"].queryset = (
            permissions.team_members(user)
            .filter(is_active=True)
            .order_by("last_name", "first_name")
        )


class WishForm(forms.Form):
    wish = _choice(_("Souhaite un hébergement"), Wish.choices, radio=True)


class OfferForm(forms.Form):
    SAVED = ("type", "place", "offered_on", "answer", "answered_on", "refusal_reason")
    type = _choice(
        _("Hébergement proposé"), PlacementType.choices, message=_("Choisissez le type proposé.")
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    offered_on = _date(_("Proposée le"), required=True)
    answer = _choice(_("Réponse"), Answer.choices, radio=True)
    answered_on = _date(_("Réponse le"), help_text=_("Vide : aujourd'hui."))
    refusal_reason = _choice(
        _("Motif du refus"), [("", "—"), *RefusalReason.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"offered_on": timezone.localdate(), "answer": Answer.PENDING})
        super().__init__(*args, **kwargs)

    @property
    def saved(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SAVED}


class AnswerForm(_Versioned, forms.Form):
    SAVED = ("answer", "answered_on", "refusal_reason")
    answer = _choice(_("Réponse"), Answer.choices, radio=True)
    answered_on = _date(_("Réponse le"), help_text=_("Vide : aujourd'hui."))
    refusal_reason = _choice(
        _("Motif du refus"), [("", "—"), *RefusalReason.choices], required=False
    )

    def __init__(self, *args, offer: ShelterOffer, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "answer": offer.answer,
                "answered_on": offer.answered_on,
                "refusal_reason": offer.refusal_reason,
            },
        )
        super().__init__(*args, instance=offer, **kwargs)


class PlacementForm(_Versioned, forms.Form):
    SAVED = ("type", "place", "started_on", "ended_on", "offer", "action")
    type = _choice(_("Type"), PlacementType.choices, message=_("Choisissez le type."))
    place = forms.CharField(label=_("Lieu ou gestionnaire"), max_length=200, required=False)
    started_on = _date(_("Entrée le"), required=True)
    ended_on = _date(_("Sortie le"), help_text=_("Vide : le ménage y est encore."))
    offer = forms.ModelChoiceField(
        label=_("Suite à la proposition"), queryset=ShelterOffer.objects.none(), required=False
    )
    action = forms.ModelChoiceField(
        label=_("Action locale"), queryset=Action.objects.none(), required=False
    )

    def __init__(self, *args, household, placement=None, offer=None, **kwargs):
        if placement is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(placement, name)
                    for name in ("type", "place", "started_on", "ended_on")
                }
                | {"offer": placement.offer_id, "action": placement.action_id},
            )
        elif offer is not None:
            kwargs.setdefault(
                "initial",
                {
                    "type": offer.type,
                    "place": offer.place,
                    "started_on": offer.answered_on or offer.offered_on,
                    "offer": offer.pk,
                },
            )
        super().__init__(*args, instance=placement, **kwargs)
        self.fields["offer"].queryset = ShelterOffer.objects.filter(household=household)
        self.fields["offer"].label_from_instance = _offer_label
        self.fields["action"].queryset = Action.objects.filter(
            organisation_id=household.organisation_id
        ).order_by("-starts_on", "name")


def _offer_label(offer: ShelterOffer) -> str:
    return f"{offer.get_type_display()} — {offer.offered_on:%d/%m/%Y}"


class SiaoForm(_Versioned, forms.Form):
    SAVED = ("reference", "filed_on", "status")
    reference = forms.CharField(label=_("Référence SIAO"), max_length=50, required=False)
    filed_on = _date(_("Déposée le"), required=True)
    status = _choice(_("État"), SiaoStatus.choices, radio=True)


class ApplicationForm(_Versioned, forms.Form):
    SAVED = ("applicant", "number", "filed_on", "renewed_on", "status")
    applicant = forms.ModelChoiceField(
        label=_("Demandeur·se"), queryset=Person.objects.none(), required=False
    )
    number = forms.CharField(
        label=_("Numéro unique"),
        max_length=30,
        error_messages={"required": _("Indiquez le numéro unique de la demande.")},
    )
    filed_on = _date(_("Déposée le"), required=True)
    renewed_on = _date(
        _("Renouvelée le"), help_text=_("La demande doit être renouvelée chaque année.")
    )
    status = _choice(_("État"), ApplicationStatus.choices, radio=True)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = Person.objects.filter(household=household).order_by(
            "birth_year", "pk"
        )


class RecourseForm(_Versioned, forms.Form):
    SAVED = ("kind", "filed_on", "decision", "decided_on", "deadline")
    kind = _choice(_("Recours"), RecourseKind.choices, radio=True)
    filed_on = _date(_("Déposé le"), required=True)
    decision = _choice(_("Décision"), RecourseDecision.choices, radio=True)
    decided_on = _date(_("Décision le"), help_text=_("Vide : aujourd'hui."))
    deadline = _date(_("Délai de proposition"))
