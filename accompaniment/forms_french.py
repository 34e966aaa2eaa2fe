"""Forms of the French pathway: a course with its weekly slots, an enrolment and its status, a
class's sheet, a level assessment, a certification. The checks that hold for every caller
are in accompaniment.services_french; these parse, and say on the field what is wrong."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment import services_french as services
from accompaniment.models import (
    Assessment,
    CefrLevel,
    Certification,
    CertificationKind,
    CertificationResult,
    Course,
    CourseKind,
    DropReason,
    Learner,
    LearnerStatus,
    Skill,
    Weekday,
)
from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import Person
from mia.models import Organisation

TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
HOURS = {
    "min_value": services.MIN_HOURS,
    "max_value": services.MAX_HOURS,
    "max_digits": 4,
    "decimal_places": 2,
}


class HoursField(forms.DecimalField):
    """Hours as a French user types them, "1,5" as well as "1.5": a number input sends the
    dot, but a phone's keyboard or a browser without number inputs may send the comma. The
    value is shown with the dot, which every number input reads."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


HOURS_ERRORS = {
    "min_value": _("Une séance dure au moins un quart d'heure (0,25 heure)."),
    "max_value": _("Une séance dure au plus 12 heures."),
    "invalid": _("Indiquez une durée en heures, par exemple 2 ou 1,5."),
}
# Rows of the weekly schedule shown on the course's form: enough for every weekday.
SLOT_ROWS, MAX_SLOTS = 3, 7


class CourseForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Organisme qui donne le cours"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Choisissez l'organisme qui donne le cours.")},
    )
    kind = forms.ChoiceField(
        label=_("Type de cours"),
        choices=CourseKind.choices,
        error_messages={"required": _("Choisissez le type de cours.")},
    )
    name = forms.CharField(
        label=_("Intitulé"),
        max_length=150,
        error_messages={"required": _("Donnez un intitulé au cours.")},
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("Premier jour"),
        widget=DATE_INPUT,
        error_messages={"required": _("Indiquez le premier jour du cours.")},
    )
    ends_on = forms.DateField(
        label=_("Dernier jour"),
        widget=DATE_INPUT,
        error_messages={"required": _("Indiquez le dernier jour du cours.")},
    )
    hours_per_class = HoursField(
        label=_("Heures par séance"),
        initial=Decimal("2"),
        error_messages=HOURS_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        **HOURS,
    )

    def __init__(self, *args, course: Course | None = None, **kwargs):
        if course is not None:
            kwargs.setdefault(
                "initial",
                {
                    "provider": course.provider_id,
                    "kind": course.kind,
                    "name": course.name,
                    "place": course.place,
                    "starts_on": course.starts_on,
                    "ends_on": course.ends_on,
                    "hours_per_class": course.hours_per_class,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = services.course_providers()

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin du cours ne peut pas précéder son début."))
        return data


class SlotForm(forms.Form):
    """A row of the weekly schedule; a row left without a day is ignored."""

    weekday = forms.TypedChoiceField(
        label=_("Jour"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    starts_at = forms.TimeField(label=_("De"), widget=TIME_INPUT, required=False)
    ends_at = forms.TimeField(label=_("À"), widget=TIME_INPUT, required=False)

    def clean(self):
        data = super().clean()
        weekday, starts_at, ends_at = (data.get(k) for k in ("weekday", "starts_at", "ends_at"))
        if weekday is None:
            if (starts_at or ends_at) and not self.errors:
                self.add_error("weekday", _("Choisissez le jour de ce créneau."))
            return data
        if starts_at is None and "starts_at" not in self.errors:
            self.add_error("starts_at", _("Indiquez l'heure de début."))
        if ends_at is None and "ends_at" not in self.errors:
            self.add_error("ends_at", _("Indiquez l'heure de fin."))
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("Le créneau doit finir après son début."))
        return data

    def slot(self) -> services.Slot | None:
        data = self.cleaned_data
        if data.get("weekday") is None:
            return None
        return services.Slot(data["weekday"], data["starts_at"], data["ends_at"])


BaseSlotFormSet = forms.formset_factory(
    SlotForm, extra=0, max_num=MAX_SLOTS, validate_max=True, absolute_max=MAX_SLOTS
)


class SlotFormSet(BaseSlotFormSet):
    def __init__(self, data=None, *, course: Course | None = None):
        # Posted, the rows are what was sent: a row left as it was shown is not "unchanged,
        # hence empty" (formsets skip such extra rows), it is kept.
        initial = None
        if data is None:
            initial = []
            if course is not None and course.pk:
                initial = [
                    {"weekday": slot.weekday, "starts_at": slot.starts_at, "ends_at": slot.ends_at}
                    for slot in course.slots.all()
                ]
            rows = min(MAX_SLOTS, max(SLOT_ROWS, len(initial) + 1))
            initial += [{}] * (rows - len(initial))
        super().__init__(data, initial=initial, prefix="creneaux")

    def slots(self) -> list[services.Slot]:
        return sorted({slot for form in self.forms if (slot := form.slot()) is not None})


class SearchForm(forms.Form):
    """Whom to enrol: a name, a birth year, a phone or a file number (posted, never in a URL)."""

    q = forms.CharField(label=_("Personne à inscrire"), max_length=200, required=False)


class EnrolForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Cette personne ne peut pas être inscrite ici.")},
    )
    status = forms.ChoiceField(
        label=_("Inscription"),
        choices=[
            (LearnerStatus.ENROLLED, LearnerStatus.ENROLLED.label),
            (LearnerStatus.WAITING, LearnerStatus.WAITING.label),
        ],
        initial=LearnerStatus.ENROLLED,
    )
    enrolled_on = forms.DateField(
        label=_("Le"),
        widget=DATE_INPUT,
        error_messages={"required": _("Indiquez la date d'inscription.")},
    )

    def __init__(self, *args, people, **kwargs):
        kwargs.setdefault("initial", {"enrolled_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class LearnerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"), choices=LearnerStatus.choices, widget=forms.RadioSelect
    )
    enrolled_on = forms.DateField(
        label=_("Inscrit·e le"),
        widget=DATE_INPUT,
        help_text=_("Pour la liste d'attente : le jour de la demande."),
        error_messages={"required": _("Indiquez la date d'inscription.")},
    )
    left_on = forms.DateField(
        label=_("Sorti·e du cours le"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Cours terminé ou abandonné. Laissée vide : aujourd'hui."),
    )
    drop_reason = forms.ChoiceField(
        label=_("Raison de l'abandon"),
        choices=[("", "—"), *DropReason.choices],
        required=False,
    )

    def __init__(self, *args, learner: Learner, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": learner.status,
                "enrolled_on": learner.enrolled_on,
                "left_on": learner.left_on,
                "drop_reason": learner.drop_reason,
            },
        )
        super().__init__(*args, **kwargs)
        self.learner = learner

    def clean(self):
        data = super().clean()
        status = data.get("status")
        today = timezone.localdate()
        # Off the waiting list: enrolled today, unless another date is given.
        if (
            status == LearnerStatus.ENROLLED
            and self.learner.status == LearnerStatus.WAITING
            and "enrolled_on" not in self.changed_data
        ):
            data["enrolled_on"] = today
        if status in services.LEFT and not data.get("left_on") and "left_on" not in self.errors:
            data["left_on"] = today
        if status == LearnerStatus.DROPPED and not data.get("drop_reason"):
            self.add_error("drop_reason", _("Indiquez la raison de l'abandon."))
        return data


class SessionOpenForm(forms.Form):
    date = forms.DateField(
        label=_("Date de la séance"),
        widget=DATE_INPUT,
        error_messages={"required": _("Choisissez la date de la séance.")},
    )

    def __init__(self, *args, course: Course, **kwargs):
        kwargs.setdefault(
            "initial", {"date": min(max(timezone.localdate(), course.starts_on), course.ends_on)}
        )
        super().__init__(*args, **kwargs)
        self.course = course
        self.fields["date"].widget.attrs.update(
            {"min": course.starts_on.isoformat(), "max": course.ends_on.isoformat()}
        )

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        try:
            services.check_class_date(self.course, day)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["date"]) from None
        return day


class SessionForm(forms.Form):
    hours = HoursField(
        label=_("Durée de la séance (heures)"),
        error_messages=HOURS_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        **HOURS,
    )
    cancelled = forms.BooleanField(label=_("Séance annulée"), required=False)


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Évalué·e le"),
        widget=DATE_INPUT,
        error_messages={"required": _("Indiquez la date de l'évaluation.")},
    )
    skill = forms.ChoiceField(
        label=_("Compétence"),
        choices=Skill.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la compétence évaluée.")},
    )
    level = forms.ChoiceField(
        label=_("Niveau"),
        choices=CefrLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le niveau.")},
    )
    assessor = forms.CharField(
        label=_("Évalué·e par"),
        max_length=150,
        help_text=_("La formatrice, l'organisme ou le test utilisé."),
        error_messages={"required": _("Indiquez qui a évalué.")},
    )
    course = forms.ModelChoiceField(
        label=_("Pendant le cours"), queryset=Course.objects.none(), required=False
    )

    def __init__(self, *args, person: Person, assessment: Assessment | None = None, **kwargs):
        if assessment is not None:
            kwargs.setdefault(
                "initial",
                {
                    "assessed_on": assessment.assessed_on,
                    "skill": assessment.skill,
                    "level": assessment.level,
                    "assessor": assessment.assessor,
                    "course": assessment.course_id,
                },
            )
        else:
            kwargs.setdefault(
                "initial", {"assessed_on": timezone.localdate(), "skill": Skill.OVERALL}
            )
        super().__init__(*args, **kwargs)
        # The courses the person was enrolled in (waiting list aside).
        enrolled = Learner.objects.filter(person=person).exclude(status=LearnerStatus.WAITING)
        self.fields["course"].queryset = Course.objects.filter(
            organisation_id=person.organisation_id, pk__in=enrolled.values("course_id")
        ).order_by("-starts_on", "name")
        self.fields["assessed_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_assessed_on(self) -> datetime.date:
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Une évaluation ne peut pas être datée dans le futur."))
        return day


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Diplôme ou test"),
        choices=CertificationKind.choices,
        error_messages={"required": _("Choisissez le diplôme ou le test.")},
    )
    taken_on = forms.DateField(
        label=_("Passé le"),
        widget=DATE_INPUT,
        help_text=_("Une date à venir pour une épreuve à laquelle la personne est inscrite."),
        error_messages={"required": _("Indiquez la date de l'épreuve.")},
    )
    result = forms.ChoiceField(
        label=_("Résultat"),
        choices=CertificationResult.choices,
        initial=CertificationResult.PENDING,
        widget=forms.RadioSelect,
    )
    level = forms.ChoiceField(
        label=_("Niveau obtenu (TCF)"),
        choices=[("", "—"), *CefrLevel.choices],
        required=False,
    )

    def __init__(self, *args, certification: Certification | None = None, **kwargs):
        if certification is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": certification.kind,
                    "taken_on": certification.taken_on,
                    "result": certification.result,
                    "level": certification.level,
                },
            )
        super().__init__(*args, **kwargs)
