import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accompaniment import services, services_actions
from accompaniment.models import Action, Goal, Place, Step
from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import Pathway, Person
from mia.concurrency import VersionedForm
from mia.params import int_or_none


class PresentMembers(forms.CheckboxSelectMultiple):
    """Household members present. The person of the file was there by definition: their box
    is ticked and cannot be unticked (the form adds them back, as a disabled box is not sent)."""

    def __init__(self, *args, always: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.always = always

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        always = str(value) == str(self.always)
        option = super().create_option(
            name, value, label, selected or always, index, subindex=subindex, attrs=attrs
        )
        if always:
            option["attrs"]["disabled"] = True
        return option


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # Ids only: Django guards `pk = n` against numbers beyond the column's range, not
        # `pk IN (...)`, which SQLite's driver refuses with an OverflowError (a 500).
        for pk in value:
            if int_or_none(str(pk)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj: Person) -> str:
        if obj.relationship:
            return f"{obj.first_name} {obj.last_name} ({obj.get_relationship_display()})"
        return f"{obj.first_name} {obj.last_name}"


def _no_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
    return value


# The next step's choice that is not a goal: a to-do of the worker (a Task).
TASK = "tache"


class NextStepKind(forms.RadioSelect):
    """Each goal's option carries its pathway, for static/js/followup-next-step.js to re-select
    the goal when the pathways ticked change."""

    def __init__(self, *args, pathways: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pathways = pathways or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(
            name, value, label, selected, index, subindex=subindex, attrs=attrs
        )
        option["attrs"]["data-pathway"] = self.pathways.get(str(value), "")
        return option


def default_next_step(goals: list[Goal], pathways: list[str]) -> str:
    """The goal whose pathway the follow-up touched, if exactly one open goal is on those
    pathways; otherwise a to-do of the worker."""
    matching = [goal for goal in goals if goal.pathway in pathways]
    return str(matching[0].pk) if len(matching) == 1 else TASK


def offer_actions(form: forms.Form, person: Person, *, kept: int | None = None) -> None:
    """The `action` field offers the local actions under way that concern the person (and the
    one already chosen); with none, the form has no such field."""
    actions = services_actions.tie_choices(person, kept=kept)
    if kept is None and not actions.exists():
        del form.fields["action"]
    else:
        form.fields["action"].queryset = actions


NEXT_STEP_FIELDS = ["next_step", "next_step_goal", "next_step_due", "next_step_past_ok"]


class FollowUpForm(forms.Form):
    """One screen, a minute on a phone: most fields are one tap, only the note is typed."""

    offers_next_step = True

    date = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=DATE_INPUT,
        error_messages={"required": _("Indiquez la date.")},
    )
    place = forms.ChoiceField(
        label=_("Lieu"),
        choices=Place.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le lieu.")},
    )
    participants = MemberChoiceField(
        label=_("Présent·es"), queryset=Person.objects.none(), required=False
    )
    pathways = forms.MultipleChoiceField(
        label=_("Parcours abordés"),
        choices=Pathway.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chip-input"}),
    )
    action = forms.ModelChoiceField(
        label=_("Action locale"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("Aucune"),
        help_text=_("Facultatif : l'action de l'association dont cet entretien faisait partie."),
        error_messages={"invalid_choice": _("Choisissez une action de la liste.")},
    )
    note = forms.CharField(
        # With a context: Django's own catalogue translates a bare "Note" as "Remarque".
        label=pgettext_lazy("entretien", "Note"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Quelques lignes : ce qui a été dit, fait ou décidé."),
    )
    next_step = forms.CharField(
        label=_("Prochaine étape"),
        max_length=200,
        required=False,
        help_text=_("Facultatif : ce qui doit se passer ensuite, et pour quand."),
    )
    next_step_goal = forms.ChoiceField(
        label=_("Noter comme"),
        required=False,
        widget=NextStepKind,
        help_text=_(
            "Une étape du projet fait avancer un objectif de la personne, dans son projet "
            "personnalisé. Une tâche pour moi est un rappel à votre nom, dans « Mes tâches »."
        ),
    )
    next_step_due = forms.DateField(label=_("Pour le"), required=False, widget=DATE_INPUT)
    # Shown once a past date was refused: a next step already late is possible, but rare.
    next_step_past_ok = forms.BooleanField(label=_("Confirmer cette date passée"), required=False)
    # One per form shown (a callable initial): posted again, the form is recognised and saves
    # nothing more. Kept in the browser's draft (static/js/draft.js). Optional, so that a page
    # opened before the token existed still saves.
    token = forms.UUIDField(
        initial=uuid.uuid4,
        required=False,
        error_messages={"invalid": _("Ce formulaire n'est plus valable : rechargez la page.")},
        widget=forms.HiddenInput(attrs={"data-draft-keep": ""}),
    )

    def __init__(
        self,
        *args,
        person: Person,
        present: list[int] = (),
        kept_action: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.person = person
        offer_actions(self, person, kept=kept_action)
        # Members who left the programme are not offered, but the person always is, and so
        # is whoever was recorded present when a follow-up is corrected.
        members = Person.objects.filter(Q(pk=person.pk) | Q(pk__in=present))
        if person.household_id:
            members = Person.objects.filter(
                Q(household_id=person.household_id, exited_on__isnull=True)
                | Q(pk=person.pk)
                | Q(pk__in=present)
            )
        field = self.fields["participants"]
        # The widget first: setting the queryset hands its choices to the widget.
        field.widget = PresentMembers(always=person.pk)
        field.queryset = members.order_by("birth_year", "pk")
        field.initial = [person.pk]
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.past_due = False
        if self.offers_next_step:
            self._offer_goals(person)
        else:
            for name in NEXT_STEP_FIELDS:
                del self.fields[name]

    def _offer_goals(self, person: Person) -> None:
        """The next step may go to an open goal of the person's projet, or be a task."""
        order = {code: index for index, code in enumerate(Pathway.values)}
        self.goals = {
            str(goal.pk): goal
            for goal in sorted(
                services.open_goals(person),
                key=lambda goal: (order.get(goal.pathway, len(order)), goal.pk),
            )
        }
        if not self.goals:
            del self.fields["next_step_goal"]
            self.fields["next_step"].help_text = _(
                "Facultatif : elle devient une tâche à votre nom (« Mes tâches »). Pour en faire "
                "une étape du projet personnalisé, ajoutez-lui d'abord un objectif."
            )
            return
        field = self.fields["next_step_goal"]
        # The widget first: setting the choices hands them to the widget.
        field.widget = NextStepKind(pathways={pk: goal.pathway for pk, goal in self.goals.items()})
        field.choices = [
            *(
                (
                    pk,
                    _("Étape du projet : %(goal)s (%(pathway)s)")
                    % {"goal": goal.title, "pathway": goal.get_pathway_display()},
                )
                for pk, goal in self.goals.items()
            ),
            (TASK, _("Tâche pour moi (hors projet)")),
        ]
        if self.is_bound and not self.data.get(self.add_prefix("next_step_goal")):
            # Nothing chosen (no script on the page, or the worker left it): the default, shown
            # ticked if the form comes back with an error, so that what is saved is what is read.
            pathways = self.fields["pathways"].widget.value_from_datadict(
                self.data, self.files, self.add_prefix("pathways")
            )
            self.data = self.data.copy()
            self.data[self.add_prefix("next_step_goal")] = default_next_step(
                list(self.goals.values()), pathways
            )

    def clean_date(self):
        return _no_future(self.cleaned_data["date"])

    def clean_participants(self):
        others = [p for p in self.cleaned_data["participants"] if p.pk != self.person.pk]
        return [self.person, *others]

    def clean_next_step_goal(self) -> Goal | None:
        choice = self.cleaned_data.get("next_step_goal")
        return self.goals.get(choice) if choice and choice != TASK else None

    def clean(self):
        cleaned = super().clean()
        if "next_step" not in self.fields:
            return cleaned
        due = cleaned.get("next_step_due")
        missing_due = not due and "next_step_due" not in self.errors
        if cleaned.get("next_step") and missing_due:
            self.add_error("next_step_due", _("Indiquez pour quand est la prochaine étape."))
        if due and not cleaned.get("next_step"):
            self.add_error("next_step", _("Décrivez la prochaine étape."))
        self.past_due = bool(due and due < timezone.localdate())
        if self.past_due and not cleaned.get("next_step_past_ok"):
            self.add_error(
                "next_step_due",
                _(
                    "Cette date est déjà passée. Corrigez-la, ou cochez « Confirmer cette date "
                    "passée » pour la garder."
                ),
            )
        return cleaned


class FollowUpEditForm(FollowUpForm):
    """Correcting a follow-up: its next step, if any, already is a task or a step of its own."""

    offers_next_step = False

    def __init__(self, *args, follow_up, **kwargs):
        present = [p.pk for p in follow_up.participants.all()]
        super().__init__(
            *args,
            person=follow_up.person,
            present=present,
            initial={
                "date": follow_up.date,
                "place": follow_up.place,
                "participants": present,
                "pathways": follow_up.pathways,
                "note": follow_up.note,
                "action": follow_up.action_id,
            },
            kept_action=follow_up.action_id,
            **kwargs,
        )
        # A correction changes one row, however often it is posted.
        del self.fields["token"]


class GoalForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "pathway", "status"]
        error_messages = {
            "title": {"required": _("Indiquez l'objectif.")},
            "pathway": {"required": _("Choisissez le parcours.")},
            "status": {"required": _("Choisissez l'état de l'objectif.")},
        }


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["title", "who", "due_on", "done_on"]
        widgets = {"due_on": DATE_INPUT, "done_on": DATE_INPUT}
        error_messages = {"title": {"required": _("Décrivez l'étape.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A step is planned first, then done.
            del self.fields["done_on"]
        else:
            self.fields["done_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_done_on(self):
        return _no_future(self.cleaned_data.get("done_on"))
