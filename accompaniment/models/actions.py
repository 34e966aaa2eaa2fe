"""Local actions (the programme's "projets locaux d'insertion"): what the association runs with
its partners on a site, in a temporary support space or in housing, for some people and
households, financed year by year. The State platform asks its yearly figures per action;
follow-ups, procedures and placements can say which action they belong to."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accompaniment.models.daily import PlanQuerySet
from beneficiaries.models import Departement, Household, Person, Site
from mia.fields import CodeListField
from mia.models import Organisation


class ActionTopic(models.TextChoices):
    HEALTH = "health", _("Santé")
    SCHOOL = "school", _("Scolarisation")
    WORK = "work", _("Emploi et formation")
    HOUSING = "housing", _("Logement et hébergement")
    SITE = "site", _("Stabilisation du lieu de vie")


class ActionPlace(models.TextChoices):
    SITES = "sites", _("Sur des lieux de vie")
    SUPPORT_SPACE = "support_space", _("Dans un espace temporaire d'accompagnement")
    HOUSING = "housing", _("Dans le logement")
    OTHER = "other", _("Ailleurs")


class FundingSource(models.TextChoices):
    STATE = "state", _("État (droit commun)")
    RESORPTION = "resorption", _("Crédits dédiés à la résorption des bidonvilles")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
    EUROPEAN = "european", _("Fonds européens")
    PRIVATE = "private", _("Financement privé")
    OTHER = "other", _("Autre")


class Action(models.Model):
    """One local action of the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("intitulé"), max_length=200)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    goals = models.TextField(_("objectifs"), blank=True)
    topics = CodeListField(
        _("thématiques"), max_length=100, choices=ActionTopic.choices, blank=True, default=list
    )
    place = models.CharField(_("où"), max_length=20, choices=ActionPlace.choices)
    place_details = models.CharField(_("précisions sur le lieu"), max_length=200, blank=True)
    departement = models.CharField(_("département"), max_length=3, choices=Departement.choices)
    sites = models.ManyToManyField(
        Site, blank=True, related_name="actions", verbose_name=_("lieux de vie")
    )
    pilots = models.ManyToManyField(
        Organisation, blank=True, related_name="actions_piloted", verbose_name=_("pilotes")
    )
    operators = models.ManyToManyField(
        Organisation, blank=True, related_name="actions_operated", verbose_name=_("opérateurs")
    )
    people = models.ManyToManyField(
        Person, blank=True, related_name="actions", verbose_name=_("personnes")
    )
    households = models.ManyToManyField(
        Household, blank=True, related_name="actions", verbose_name=_("ménages")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action locale")
        verbose_name_plural = _("actions locales")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="action_ends_after_it_starts",
                violation_error_message=_("La fin de l'action ne peut précéder son début."),
            )
        ]
        indexes = [models.Index(fields=["organisation", "starts_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def topic_labels(self) -> list[str]:
        return [ActionTopic(code).label for code in self.topics if code in ActionTopic.values]


class ActionFunding(models.Model):
    """What one source gives an action for one year, and what was spent of it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="fundings")
    year = models.PositiveSmallIntegerField(_("année"))
    source = models.CharField(_("financeur"), max_length=20, choices=FundingSource.choices)
    budget = models.DecimalField(_("budget (€)"), max_digits=12, decimal_places=2)
    spent = models.DecimalField(
        _("dépensé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        ordering = ["year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "year", "source"], name="one_funding_per_source_and_year"
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0) & (Q(spent__isnull=True) | Q(spent__gte=0)),
                name="funding_amounts_not_negative",
                violation_error_message=_("Un montant ne peut être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="funding_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.year} {self.source}"
