"""Forms of the access to rights: a procedure (with its next step), a refusal, and the filters
of the rights list. Their dates are checked by the same functions as the services'
(accompaniment.services_rights), so that the message is the same wherever a mistake comes from."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment import services_rights
from accompaniment.forms import offer_actions
from accompaniment.models import (
    Action,
    Obstacle,
    ObstacleFollowUp,
    ObstacleKind,
    Procedure,
    ProcedureCategory,
    ProcedureStatus,
    ProcedureType,
)
from accompaniment.services_appointments import partner_organisations
from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import Person
from mia import permissions
from mia.concurrency import VersionedForm


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProcedureType) -> str:
        return obj.name


def _today() -> str:
    return timezone.localdate().isoformat()


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's {field: message} errors on the form's fields (on top when not a field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.error_dict.items():
        name = field if field in form.fields else None
        for message in messages:
            if name is None or name not in form.errors:
                form.add_error(name, message)


class ProcedureForm(VersionedForm, forms.Form):
    """A procedure on a phone: its type (when it is opened), its state in one tap, the dates
    that state needs, who handles it, and what happens next."""

    type = TypeChoiceField(
        label=_("Démarche"),
        queryset=ProcedureType.objects.none(),
        to_field_name="code",
        error_messages={
            "required": _("Choisissez la démarche."),
            "invalid_choice": _("Choisissez une démarche de la liste."),
        },
    )
    status = forms.ChoiceField(
        label=_("État"),
        choices=ProcedureStatus.choices,
        initial=ProcedureStatus.TO_START,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'état de la démarche.")},
    )
    filed_on = forms.DateField(label=_("Déposée le"), required=False, widget=DATE_INPUT)
    decided_on = forms.DateField(
        label=_("Décision le"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Obtenue ou refusée : la date de la décision (aujourd'hui si vide)."),
    )
    valid_from = forms.DateField(
        label=_("Valable du"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Vide : à partir de la décision."),
    )
    valid_until = forms.DateField(
        label=_("Valable jusqu'au"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Vide : calculé d'après la durée habituelle du droit, quand elle est connue."),
    )
    handler = forms.ModelChoiceField(
        label=_("Organisme"),
        queryset=partner_organisations(),
        required=False,
        help_text=_("Le partenaire qui traite la demande (CPAM, CAF, CCAS…)."),
    )
    handler_name = forms.CharField(
        label=_("Organisme (autre)"),
        max_length=150,
        required=False,
        help_text=_("S'il n'est pas dans la liste, par exemple « CCAS de Bondy »."),
    )
    action = forms.ModelChoiceField(
        label=_("Action locale"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("Aucune"),
        help_text=_("Facultatif : l'action de l'association dont cette démarche fait partie."),
        error_messages={"invalid_choice": _("Choisissez une action de la liste.")},
    )
    next_step = forms.CharField(
        label=_("Prochaine étape"),
        max_length=200,
        required=False,
        help_text=_("Facultatif : elle devient une tâche du ou de la référent·e."),
    )
    next_step_due = forms.DateField(label=_("Pour le"), required=False, widget=DATE_INPUT)

    def __init__(
        self,
        *args,
        person: Person,
        procedure: Procedure | None = None,
        type_code: str = "",
        **kwargs,
    ):
        # Read by VersionedForm: the version the page was opened on.
        self.instance = procedure
        if procedure is not None:
            kwargs.setdefault(
                "initial",
                {
                    "status": procedure.status,
                    "filed_on": procedure.filed_on,
                    "decided_on": procedure.decided_on,
                    "valid_from": procedure.valid_from,
                    "valid_until": procedure.valid_until,
                    "handler": procedure.handler_id,
                    "handler_name": procedure.handler_name,
                    "action": procedure.action_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.person = person
        self.procedure = procedure
        offer_actions(self, person, kept=procedure.action_id if procedure else None)
        if procedure is not None:
            # A procedure keeps its type: another right is another procedure.
            del self.fields["type"]
        else:
            types = ProcedureType.objects.for_organisation(person.organisation_id)
            self.fields["type"].queryset = types.order_by("position", "name", "pk")
            if type_code:
                self.fields["type"].initial = type_code
        today = _today()
        for name in ("filed_on", "decided_on"):
            self.fields[name].widget.attrs["max"] = today
        self.fields["next_step_due"].widget.attrs["min"] = today

    @property
    def procedure_type(self) -> ProcedureType | None:
        if self.procedure is not None:
            return self.procedure.type
        return self.cleaned_data.get("type")

    def clean_filed_on(self) -> datetime.date | None:
        return self._not_future("filed_on", _("La date de dépôt ne peut pas être dans le futur."))

    def clean_decided_on(self) -> datetime.date | None:
        return self._not_future(
            "decided_on", _("La date de décision ne peut pas être dans le futur.")
        )

    def _not_future(self, name: str, message) -> datetime.date | None:
        value = self.cleaned_data.get(name)
        if value and value > timezone.localdate():
            raise ValidationError(message)
        return value

    def clean(self):
        data = super().clean()
        self.cleaned_data["handler_name"] = (data.get("handler_name") or "").strip()
        next_step = (data.get("next_step") or "").strip()
        data["next_step"] = next_step
        due = data.get("next_step_due")
        if next_step and not due and "next_step_due" not in self.errors:
            self.add_error("next_step_due", _("Indiquez pour quand est la prochaine étape."))
        if due and not next_step:
            self.add_error("next_step", _("Décrivez la prochaine étape."))
        if due and due < timezone.localdate():
            self.add_error("next_step_due", _("Cette date est déjà passée."))
        procedure_type = self.procedure_type
        dates = ("filed_on", "decided_on", "valid_from", "valid_until", "status")
        if procedure_type is None or any(name in self.errors for name in dates):
            return data
        draft = Procedure(
            type=procedure_type,
            status=data.get("status") or ProcedureStatus.TO_START,
            filed_on=data.get("filed_on"),
            decided_on=data.get("decided_on"),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
            handler_name=self.cleaned_data["handler_name"],
        )
        try:
            services_rights.check_procedure(draft)
        except ValidationError as error:
            _add_errors(self, error)
        return data

    @property
    def fields_saved(self) -> dict:
        """What the services take, from a valid form."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "filed_on": data["filed_on"],
            "decided_on": data["decided_on"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "handler": data["handler"],
            "handler_name": data["handler_name"],
            # No field (no action concerns the person): the procedure keeps what it has.
            **({"action": data["action"]} if "action" in self.fields else {}),
        }


class ObstacleForm(forms.Form):
    """A refusal: what was refused, by whom, when, and what was done about it. Never free text
    only: the kind and the follow-up are counted in the reports."""

    kind = forms.ChoiceField(
        label=_("Refus"),
        choices=ObstacleKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le refus rencontré.")},
    )
    body = forms.CharField(
        label=_("Par"),
        max_length=150,
        help_text=_("Qui a refusé : « Mairie de Montreuil », « Banque X, agence de Bobigny »."),
        error_messages={"required": _("Indiquez qui a refusé (la mairie, la banque, la caisse…).")},
    )
    occurred_on = forms.DateField(
        label=_("Le"),
        widget=DATE_INPUT,
        error_messages={"required": _("Indiquez la date du refus.")},
    )
    follow_up = forms.ChoiceField(
        label=_("Suite donnée"),
        choices=ObstacleFollowUp.choices,
        initial=ObstacleFollowUp.NONE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la suite donnée.")},
    )
    follow_up_on = forms.DateField(label=_("Suite le"), required=False, widget=DATE_INPUT)
    details = forms.CharField(
        label=_("Précisions"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pour l'équipe seulement : jamais montré aux partenaires ni aux responsables."),
    )

    def __init__(self, *args, user, obstacle: Obstacle | None = None, **kwargs):
        if obstacle is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": obstacle.kind,
                    "body": obstacle.body,
                    "occurred_on": obstacle.occurred_on,
                    "follow_up": obstacle.follow_up,
                    "follow_up_on": obstacle.follow_up_on,
                    "details": obstacle.details,
                },
            )
        super().__init__(*args, **kwargs)
        self.obstacle = obstacle
        # Free text about a person: for the people doing the accompaniment only.
        if not permissions.reads_notes(user):
            del self.fields["details"]
        self.fields["occurred_on"].widget.attrs["max"] = _today()

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in ("kind", "occurred_on", "follow_up")):
            return data
        draft = Obstacle(
            kind=data.get("kind"),
            body=(data.get("body") or "").strip() or "-",
            occurred_on=data.get("occurred_on"),
            follow_up=data.get("follow_up") or ObstacleFollowUp.NONE,
            follow_up_on=data.get("follow_up_on"),
            details=(data.get("details") or "").strip(),
        )
        try:
            services_rights.check_obstacle(draft)
        except ValidationError as error:
            _add_errors(self, error)
        return data

    @property
    def fields_saved(self) -> dict:
        data = self.cleaned_data
        saved = {
            "kind": data["kind"],
            "body": data["body"],
            "occurred_on": data["occurred_on"],
            "follow_up": data["follow_up"],
            "follow_up_on": data["follow_up_on"],
        }
        if "details" in self.fields:
            saved["details"] = data["details"]
        return saved


# --- The rights list -----------------------------------------------------------------------------

MINE, TEAM = "moi", "equipe"
# "Ends within N days": up to a year ahead.
MAX_DAYS = 366


class RightsFilter(forms.Form):
    """The rights list's filters, read from the query string; a value that is not one is
    said on its field and ignored."""

    qui = forms.ChoiceField(
        label=_("Personnes"),
        choices=[(MINE, _("Mon portefeuille")), (TEAM, _("Toute l'équipe"))],
        required=False,
    )
    sans = forms.ChoiceField(
        label=_("Droit"),
        help_text=_("Seul : les personnes qui ne l'ont pas. Avec une fin : celles qui le perdent."),
        choices=[("", _("(tous les droits)")), *ProcedureCategory.choices],
        required=False,
    )
    fin = forms.IntegerField(
        label=_("Se termine dans les … jours"),
        min_value=1,
        max_value=MAX_DAYS,
        required=False,
        error_messages={
            "invalid": _("Indiquez un nombre de jours."),
            "min_value": _("Au moins 1 jour."),
            "max_value": _("Au plus 366 jours."),
        },
    )

    def __init__(self, *args, default_who: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_who = default_who
        self.fields["qui"].initial = default_who

    def value(self, name: str):
        """The field's value if valid, else None (or the default for `qui`)."""
        self.is_valid()
        value = self.cleaned_data.get(name) if name not in self.errors else None
        if name == "qui":
            return value or self.default_who
        return value or None
