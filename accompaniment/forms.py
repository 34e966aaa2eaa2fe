import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accompaniment.models import Goal, Place, Step
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


class FollowUpForm(forms.Form):
    """One screen, a minute on a phone: most fields are one tap, only the note is typed."""

    date = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE_INPUT)
    place = forms.ChoiceField(label=_("Lieu"), choices=Place.choices, widget=forms.RadioSelect)
    participants = MemberChoiceField(
        label=_("Présent·es"), queryset=Person.objects.none(), required=False
    )
    pathways = forms.MultipleChoiceField(
        label=_("Parcours abordés"),
        choices=Pathway.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chip-input"}),
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
        help_text=_("Facultatif : elle devient une tâche à votre nom."),
    )
    next_step_due = forms.DateField(label=_("Pour le"), required=False, widget=DATE_INPUT)
    # One per form shown (a callable initial): posted again, the form is recognised and saves
    # nothing more. Kept in the browser's draft (static/js/draft.js). Optional, so that a page
    # opened before the token existed still saves.
    token = forms.UUIDField(
        initial=uuid.uuid4,
        required=False,
        error_messages={"invalid": _("Ce formulaire n'est plus valable : rechargez la page.")},
        widget=forms.HiddenInput(attrs={"data-draft-keep": ""}),
    )

    def __init__(self, *args, person: Person, present: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
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
        today = timezone.localdate().isoformat()
        self.fields["date"].widget.attrs["max"] = today
        if "next_step_due" in self.fields:
            self.fields["next_step_due"].widget.attrs["min"] = today

    def clean_date(self):
        return _no_future(self.cleaned_data["date"])

    def clean_participants(self):
        others = [p for p in self.cleaned_data["participants"] if p.pk != self.person.pk]
        return [self.person, *others]

    def clean_next_step_due(self):
        due = self.cleaned_data.get("next_step_due")
        if due and due < timezone.localdate():
            raise forms.ValidationError(_("Cette date est déjà passée."))
        return due

    def clean(self):
        cleaned = super().clean()
        missing_due = not cleaned.get("next_step_due") and "next_step_due" not in self.errors
        if cleaned.get("next_step") and missing_due:
            self.add_error("next_step_due", _("Indiquez pour quand."))
        if cleaned.get("next_step_due") and not cleaned.get("next_step"):
            self.add_error("next_step", _("Décrivez la prochaine étape."))
        return cleaned


class FollowUpEditForm(FollowUpForm):
    """Correcting a follow-up: its next step, if any, already is a task of its own."""

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
            },
            **kwargs,
        )
        del self.fields["next_step"]
        del self.fields["next_step_due"]
        # A correction changes one row, however often it is posted.
        del self.fields["token"]


class GoalForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "pathway", "status"]


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["title", "who", "due_on", "done_on"]
        widgets = {"due_on": DATE_INPUT, "done_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A step is planned first, then done.
            del self.fields["done_on"]
        else:
            self.fields["done_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_done_on(self):
        return _no_future(self.cleaned_data.get("done_on"))
