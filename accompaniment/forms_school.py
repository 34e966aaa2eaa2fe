"""The form of a child's schooling: record it as it is now (a new dated row), or correct a row.
The rules are the service's (services_school.schooling_errors), said here on their fields."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Procedure, Schooling
from accompaniment.services_school import FIELDS, schooling_errors
from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import Commune, Person

# Copied from the schooling in force into the form that records the next one: the worker
# changes what changed (a new school, the mediation that starts) and keeps the rest.
CARRIED_OVER = (
    "level",
    "school",
    "commune",
    "enrolled_on",
    "mediation",
    "mediation_since",
    "attendance_concern",
    "procedure",
)


class SchoolingForm(forms.ModelForm):
    class Meta:
        model = Schooling
        fields = [
            "since",
            "level",
            "school",
            "commune",
            "enrolled_on",
            "mediation",
            "mediation_since",
            "attendance_concern",
        ]
        widgets = {
            "since": DATE_INPUT,
            "level": forms.RadioSelect,
            "enrolled_on": DATE_INPUT,
            "mediation_since": DATE_INPUT,
        }
        labels = {
            "since": _("Depuis le"),
            "school": _("École, collège, lycée…"),
            "commune": _("Commune de l'établissement"),
        }
        help_texts = {
            "since": _("Le jour où la scolarité est devenue celle-ci : rentrée, changement…"),
            "school": _("Son nom, par exemple « École élémentaire Jean-Jaurès »."),
            "mediation_since": _("Facultatif."),
            "attendance_concern": _("Absences répétées, décrochage : à suivre avec l'école."),
        }
        error_messages = {
            "since": {"required": _("Indiquez depuis quand.")},
            "level": {"required": _("Choisissez le niveau.")},
        }

    # The child's enrolment procedures, from the list the view already holds (no query).
    procedure = forms.TypedChoiceField(
        label=_("Démarche d'inscription"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("La démarche suivie pour cette inscription, s'il y en a une."),
    )

    def __init__(
        self,
        *args,
        person: Person,
        procedures: list[Procedure] = (),
        current: Schooling | None = None,
        **kwargs,
    ):
        """`current`: the schooling in force, when recording the next one (its values are
        the form's starting point); `instance`: the row being corrected."""
        instance = kwargs.get("instance")
        if instance is None:
            initial = {"since": timezone.localdate()}
            if current is not None:
                initial |= {name: getattr(current, name) for name in CARRIED_OVER}
                initial["commune"] = current.commune_id
                initial["procedure"] = current.procedure_id
            elif procedures:
                initial["procedure"] = procedures[0].pk
            kwargs["initial"] = initial | kwargs.get("initial", {})
        elif instance.procedure_id:
            kwargs["initial"] = {"procedure": instance.procedure_id} | kwargs.get("initial", {})
        super().__init__(*args, **kwargs)
        self.person = person
        self.current = current
        self.procedures = {procedure.pk: procedure for procedure in procedures}
        self.fields["commune"].queryset = Commune.objects.order_by("name")
        self.fields["level"].choices = list(self.fields["level"].choices)[1:]
        today = timezone.localdate().isoformat()
        for name in ("since", "enrolled_on", "mediation_since"):
            self.fields[name].widget.attrs["max"] = today
        if self.procedures:
            self.fields["procedure"].choices = [
                ("", _("Aucune")),
                *((pk, _procedure_label(procedure)) for pk, procedure in self.procedures.items()),
            ]
        else:
            del self.fields["procedure"]

    def clean_procedure(self):
        pk = self.cleaned_data.get("procedure")
        return self.procedures.get(pk) if pk is not None else None

    def clean(self):
        data = super().clean()
        # A field already refused keeps its own message; the rules say what is left.
        checked = {name: data.get(name) for name in FIELDS if name not in self.errors}
        for name, message in schooling_errors(
            self.person, checked, today=timezone.localdate()
        ).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
            elif name not in self.fields:
                self.add_error(None, message)
        if self.current is not None and not self.errors and self._unchanged(data):
            # A double tap on a phone, or "save" with nothing changed: no second row.
            self.add_error(
                None,
                _(
                    "C'est déjà la scolarité en cours : changez ce qui a changé, ou corrigez "
                    "la ligne de l'historique."
                ),
            )
        return data

    def _unchanged(self, data: dict) -> bool:
        current = {name: getattr(self.current, name) for name in CARRIED_OVER}
        current["procedure"] = self.current.procedure if self.current.procedure_id else None
        posted = {name: data.get(name) for name in CARRIED_OVER}
        posted.setdefault("procedure", None)
        if "procedure" not in self.fields:
            posted["procedure"] = current["procedure"]
        return posted == current

    def saved_fields(self) -> dict:
        """What the service is given: the form's fields (a person without an enrolment
        procedure has no procedure field, and keeps none)."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields}
        fields["procedure"] = data.get("procedure")
        return fields


def _procedure_label(procedure: Procedure) -> str:
    label = f"{procedure.type.name} — {procedure.get_status_display()}"
    if procedure.filed_on:
        label += " " + str(_("(déposée le %(date)s)")) % {
            "date": formats.date_format(procedure.filed_on, "d/m/Y")
        }
    return label
