"""Forms of the local actions: an action, a year's financing by one source, the search for
people and households to add, the filters of the list. The checks that hold for every caller
are in accompaniment.services_actions; these parse, and say on the field what is wrong."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment import services_actions as services
from accompaniment.models import Action, ActionFunding, ActionPlace, ActionTopic, FundingSource
from beneficiaries.forms import DATE_INPUT
from beneficiaries.models import Departement
from mia.concurrency import VersionedForm


class AmountField(forms.DecimalField):
    """Euros as a French user types them: "1 500,50" as well as "1500.50"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            value = value.replace(",", ".")
        return super().to_python(value)


AMOUNT = {
    "min_value": Decimal(0),
    "max_value": services.MAX_AMOUNT,
    "max_digits": 12,
    "decimal_places": 2,
    "widget": forms.TextInput(attrs={"inputmode": "decimal"}),
}
AMOUNT_ERRORS = {
    "min_value": _("Un montant ne peut pas être négatif."),
    "max_value": _("Ce montant est trop grand."),
    "invalid": _("Indiquez un montant en euros, par exemple 1500 ou 1500,50."),
    "max_digits": _("Ce montant est trop grand."),
    "max_whole_digits": _("Ce montant est trop grand."),
    "max_decimal_places": _("Deux chiffres après la virgule au plus."),
}


class ActionForm(VersionedForm, forms.Form):
    name = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        error_messages={"required": _("Donnez un intitulé à l'action.")},
    )
    starts_on = forms.DateField(
        label=_("Début"),
        widget=DATE_INPUT,
        error_messages={
            "required": _("Indiquez le début de l'action."),
            "invalid": _("Indiquez une date valide."),
        },
    )
    ends_on = forms.DateField(
        label=_("Fin"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Vide : l'action continue."),
        error_messages={"invalid": _("Indiquez une date valide.")},
    )
    goals = forms.CharField(
        label=_("Objectifs"), required=False, max_length=4000, widget=forms.Textarea({"rows": 4})
    )
    topics = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=ActionTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choisissez des thématiques de la liste.")},
    )
    place = forms.ChoiceField(
        label=_("Où a-t-elle lieu ?"),
        choices=ActionPlace.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez où l'action a lieu.")},
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Lieux de vie"),
        queryset=services.Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Si l'action a lieu sur des lieux de vie."),
        error_messages={"invalid_choice": _("Choisissez des lieux de vie de la liste.")},
    )
    place_details = forms.CharField(
        label=_("Précisions sur le lieu"), max_length=200, required=False
    )
    departement = forms.ChoiceField(
        label=_("Département"),
        choices=[("", "—"), *Departement.choices],
        error_messages={"required": _("Choisissez le département.")},
    )
    pilots = forms.ModelMultipleChoiceField(
        label=_("Pilotes"),
        queryset=services.organisations(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choisissez des organisations de la liste.")},
    )
    operators = forms.ModelMultipleChoiceField(
        label=_("Opérateurs"),
        queryset=services.organisations(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choisissez des organisations de la liste.")},
    )

    def __init__(self, *args, user, action: Action | None = None, **kwargs):
        # Read by VersionedForm: the version the page was opened on.
        self.instance = action
        if action is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{name: getattr(action, name) for name in services.ACTION_FIELDS},
                    "sites": [site.pk for site in action.sites.all()],
                    "pilots": [org.pk for org in action.pilots.all()],
                    "operators": [org.pk for org in action.operators.all()],
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = services.sites_of(user)

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin de l'action ne peut pas précéder son début."))
        if data.get("place") == ActionPlace.SITES and "sites" in data and not data["sites"]:
            self.add_error("sites", _("Choisissez le ou les lieux de vie où l'action a lieu."))
        return data

    @property
    def values(self) -> dict:
        """What the services take (the version apart)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class FundingForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"),
        min_value=services.MIN_YEAR,
        max_value=services.MAX_YEAR,
        error_messages={
            "required": _("Indiquez l'année."),
            "invalid": _("Indiquez une année, par exemple 2026."),
            "min_value": _("Indiquez une année entre 2000 et 2100."),
            "max_value": _("Indiquez une année entre 2000 et 2100."),
        },
    )
    source = forms.ChoiceField(
        label=_("Financeur"),
        choices=[("", "—"), *FundingSource.choices],
        error_messages={
            "required": _("Choisissez le financeur."),
            "invalid_choice": _("Choisissez un financeur de la liste."),
        },
    )
    budget = AmountField(
        label=_("Budget (€)"),
        error_messages={"required": _("Indiquez le budget."), **AMOUNT_ERRORS},
        **AMOUNT,
    )
    spent = AmountField(
        label=_("Dépensé (€)"),
        required=False,
        help_text=_("Vide tant que rien n'est dépensé."),
        error_messages=AMOUNT_ERRORS,
        **AMOUNT,
    )

    def __init__(self, *args, funding: ActionFunding | None = None, **kwargs):
        if funding is not None:
            kwargs.setdefault(
                "initial",
                {
                    "year": funding.year,
                    "source": funding.source,
                    "budget": funding.budget,
                    "spent": funding.spent,
                },
            )
        else:
            kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


class SearchForm(forms.Form):
    """A name, a household's name, a birth year or a file number: posted, never in a URL."""

    q = forms.CharField(label=_("Rechercher une personne ou un ménage"), max_length=200)


class FilterForm(forms.Form):
    """The list's filters (no personal data: codes and ids only, so a GET)."""

    departement = forms.ChoiceField(
        label=_("Département"), choices=[("", _("Tous")), *Departement.choices], required=False
    )
    topic = forms.ChoiceField(
        label=_("Thématique"), choices=[("", _("Toutes")), *ActionTopic.choices], required=False
    )
    site = forms.ModelChoiceField(
        label=_("Lieu de vie"),
        queryset=services.Site.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The sites some action of the organisation is held on: filtering by another finds
        # nothing, and a select of every site (600 at national scale) took most of the page.
        self.fields["site"].queryset = (
            services.sites_of(user)
            .filter(
                pk__in=Action.sites.through.objects.filter(
                    action__in=services.actions_of(user)
                ).values("site_id")
            )
            .only("pk", "name")
        )
