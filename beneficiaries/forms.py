import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import (
    MINOR_BANDS,
    Commune,
    Departement,
    Household,
    Language,
    Person,
    PersonStatus,
    Relationship,
    Site,
    SiteLegalProcedure,
    SitePopulation,
    SiteStatus,
)
from mia import permissions
from mia.concurrency import VersionedForm
from mia.widgets import ChoiceList, LongSelect

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(VersionedForm, forms.ModelForm):
    """One form for opening and editing a file. The household is fixed by the page the form is
    opened from; a person opened on their own gets a new household, on the site chosen here."""

    languages = forms.MultipleChoiceField(
        label=_("Langues parlées"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    site = forms.ModelChoiceField(
        label=_("Lieu de vie"),
        queryset=Site.objects.none(),
        required=False,
        help_text=_("Un nouveau ménage est créé à ce nom sur ce lieu."),
    )
    referent = forms.ModelChoiceField(
        label=_("Référent·e"), queryset=permissions.possible_referents(None), required=False
    )
    # Creation only: ticked when the likely duplicates shown are someone else (see
    # beneficiaries.duplicates); the template shows it next to them.
    confirm_not_duplicate = forms.BooleanField(
        label=_("Je confirme qu'il ne s'agit d'aucune de ces personnes"), required=False
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "other_names",
            "sex",
            "birth_date",
            "birth_year",
            "nationality",
            "languages",
            "needs_interpreter",
            "phone",
            "mail_address",
            "relationship",
            "entered_on",
        ]
        widgets = {
            "birth_date": DATE_INPUT,
            "entered_on": DATE_INPUT,
            "mail_address": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, household: Household | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household or self.instance.household
        if self.instance.pk:
            del self.fields["confirm_not_duplicate"]
        if self.instance.pk or household is not None:
            del self.fields["site"]
        else:
            self.fields["site"].queryset = (
                Site.objects.visible_to(user)
                .filter(status=SiteStatus.OPEN)
                .select_related("commune")
            )
            self.fields["relationship"].initial = Relationship.HEAD
        if permissions.assigns_referents(user):
            self.fields["referent"].queryset = permissions.possible_referents(user)
            self.fields["referent"].initial = self.instance.referent_id
        else:
            del self.fields["referent"]

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year and not 1900 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Année de naissance invraisemblable."))
        return year

    def clean(self):
        cleaned = super().clean()
        born = cleaned.get("birth_date")
        if born and born > timezone.localdate():
            self.add_error("birth_date", _("La date de naissance est dans le futur."))
        elif born and born.year < 1900:
            self.add_error("birth_date", _("Date de naissance invraisemblable."))
        if born and cleaned.get("birth_year") and cleaned["birth_year"] != born.year:
            self.add_error("birth_year", _("L'année ne correspond pas à la date de naissance."))
        return cleaned


class HouseholdForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Household
        fields = ["name", "site"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user).select_related("commune")


class SiteForm(forms.ModelForm):
    """A site's identity and its closure. Living conditions, population entries and the legal
    procedure have their own forms (the last one for coordinators only)."""

    population = forms.IntegerField(
        label=_("Population estimée"),
        min_value=0,
        max_value=100000,
        required=False,
        help_text=_("Nombre de personnes vivant sur le lieu aujourd'hui, si connu."),
    )

    class Meta:
        model = Site
        fields = [
            "name",
            "kind",
            "address",
            "commune",
            "latitude",
            "longitude",
            "owner_kind",
            "opened_on",
            "known_since",
            "status",
            "closed_on",
            "closed_reason",
        ]
        widgets = {
            "opened_on": DATE_INPUT,
            "known_since": DATE_INPUT,
            "closed_on": DATE_INPUT,
        }
        help_texts = {
            "status": _("Un lieu fermé garde sa cause : évacuation, résorption ou autre."),
            "latitude": _("Situe le lieu sur la carte, jamais une personne."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("name")
        # The bounds of the site_*_range constraints, said on the field rather than by the
        # constraint's name.
        for name, bound in (("latitude", 90), ("longitude", 180)):
            field = self.fields[name]
            field.validators += [MinValueValidator(-bound), MaxValueValidator(bound)]
            field.widget.attrs.update(min=-bound, max=bound)

    def clean(self):
        data = super().clean()
        if data.get("closed_reason") and data.get("status") != SiteStatus.CLOSED:
            self.add_error(
                "closed_reason",
                _("La cause se renseigne seulement pour un lieu « fermé (autre raison) »."),
            )
        closed_on = data.get("closed_on")
        if closed_on and closed_on > timezone.localdate():
            self.add_error("closed_on", _("La date de fermeture ne peut pas être dans le futur."))
        return data


class SiteConditionsForm(forms.ModelForm):
    """Living conditions as the State platform asks them, and the social diagnostic."""

    class Meta:
        model = Site
        fields = [
            "conditions_updated_on",
            "electricity",
            "water_access",
            "water_continuous",
            "water_close",
            "toilets",
            "waste_evacuation",
            "pests",
            "fire_diagnosis_done",
            "social_diagnostic",
            "social_diagnostic_on",
        ]
        widgets = {
            "conditions_updated_on": DATE_INPUT,
            "social_diagnostic_on": DATE_INPUT,
            "water_continuous": forms.NullBooleanSelect,
            "water_close": forms.NullBooleanSelect,
            "pests": forms.NullBooleanSelect,
            "fire_diagnosis_done": forms.NullBooleanSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("electricity", "water_access", "toilets", "waste_evacuation"):
            self.fields[name].choices = [("", _("Inconnu")), *self.fields[name].choices[1:]]

    def clean(self):
        data = super().clean()
        updated_on = data.get("conditions_updated_on")
        if updated_on and updated_on > timezone.localdate():
            self.add_error(
                "conditions_updated_on", _("Le relevé ne peut pas être daté dans le futur.")
            )
        if data.get("social_diagnostic") == "done" and not data.get("social_diagnostic_on"):
            self.add_error("social_diagnostic_on", _("Indiquez la date du diagnostic réalisé."))
        return data


class SitePopulationForm(forms.ModelForm):
    """A population entry on a phone: the total first, every other count optional."""

    class Meta:
        model = SitePopulation
        fields = [
            "observed_on",
            "people",
            "women",
            "households",
            "minors",
            *(name for name, _label in MINOR_BANDS),
            "minors_in_school",
            "huts",
            "caravans",
            "tents",
            "cars",
        ]
        widgets = {"observed_on": DATE_INPUT}
        error_messages = {
            "people": {"required": _("Indiquez le nombre de personnes.")},
            "observed_on": {"required": _("Indiquez la date du relevé.")},
        }

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.site = site
        self.fields["observed_on"].initial = timezone.localdate
        for name, field in self.fields.items():
            if name != "observed_on":
                field.widget.attrs.update(min=0, max=100000, inputmode="numeric")
                field.validators.append(MaxValueValidator(100000))


class SiteLegalProcedureForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = SiteLegalProcedure
        fields = [
            "complaint_on",
            "court_decision",
            "court_decision_on",
            "police_assistance",
            "evacuation_order_on",
            "insalubrity_order_on",
            "evacuation_expected_on",
        ]
        widgets = {
            name: DATE_INPUT
            for name in (
                "complaint_on",
                "court_decision_on",
                "evacuation_order_on",
                "insalubrity_order_on",
                "evacuation_expected_on",
            )
        }

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("complaint_on", "court_decision_on", "evacuation_order_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, _("Cette date ne peut pas être dans le futur."))
        if data.get("court_decision_on") and data.get("court_decision") in ("none", "pending"):
            self.add_error(
                "court_decision_on", _("Une date de décision suppose une décision rendue.")
            )
        complaint_on, decided_on = data.get("complaint_on"), data.get("court_decision_on")
        if complaint_on and decided_on and decided_on < complaint_on:
            self.add_error("court_decision_on", _("La décision ne peut pas précéder la plainte."))
        return data


# The people list's referent filter value for people nobody follows (the board links to it).
UNASSIGNED = "aucun"


class PersonFilter(django_filters.FilterSet):
    """Filters of the people list. Choices only offer what the user may see."""

    q = django_filters.CharFilter(
        label=_("Nom"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    # Plain choices built from one values_list query: model choice fields instantiate every
    # site and account just to print an <option>, which costs more than the page itself.
    site = django_filters.TypedChoiceFilter(
        label=_("Lieu de vie"), field_name="household__site", coerce=int, widget=LongSelect
    )
    departement = django_filters.ChoiceFilter(
        label=_("Département"),
        field_name="household__site__commune__departement",
        choices=Departement.choices,
        empty_label=_("Tous"),
    )
    referent = django_filters.TypedChoiceFilter(
        label=_("Référent·e"),
        coerce=lambda value: value if value == UNASSIGNED else int(value),
        method="filter_referent",
        widget=LongSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Statut"),
        choices=PersonStatus.choices,
        method="filter_status",
        empty_label=_("Tous"),
    )

    class Meta:
        model = Person
        fields = ["q", "site", "departement", "referent", "status"]

    def __init__(self, *args, user, close: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Names one letter away too (PersonQuerySet.search): asked for when nothing matched.
        self.close = close
        self.filters["site"].extra["choices"] = ChoiceList(
            [
                ("", _("Tous")),
                *Site.objects.visible_to(user).order_by("name", "pk").values_list("pk", "name"),
            ]
        )
        self.filters["referent"].extra["choices"] = ChoiceList(
            [
                ("", _("Tous")),
                (UNASSIGNED, _("Sans référent·e")),
                *(
                    (pk, f"{first} {last}".strip() or email)
                    for pk, first, last, email in permissions.possible_referents(user).values_list(
                        "pk", "first_name", "last_name", "email"
                    )
                ),
            ]
        )

    def filter_search(self, queryset, name, value):
        return queryset.search(value, close=self.close)

    def filter_referent(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(referent__isnull=True)
        return queryset.filter(referent_id=value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(exited_on__isnull=value == PersonStatus.ACTIVE)


class SiteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom"), field_name="name", lookup_expr="icontains")
    departement = django_filters.ChoiceFilter(
        label=_("Département"),
        field_name="commune__departement",
        choices=Departement.choices,
        empty_label=_("Tous"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=SiteStatus.choices, empty_label=_("Tous")
    )

    class Meta:
        model = Site
        fields = ["q", "departement", "status"]
