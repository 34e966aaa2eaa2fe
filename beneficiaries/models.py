import datetime
import functools
import operator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, StrIndex, Substr
from django.db.models.lookups import GreaterThan, LessThan, Lookup
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import sharing
from mia import permissions
from mia.audit import AuditedQuerySet
from mia.models import Organisation
from mia.text import fold, fold_tokens, one_slip_patterns, sound_key_readings, sound_keys


class Departement(models.TextChoices):
    HAUTS_DE_SEINE = "92", _("Hauts-de-Seine (92)")
    SEINE_SAINT_DENIS = "93", _("Seine-Saint-Denis (93)")
    VAL_DE_MARNE = "94", _("Val-de-Marne (94)")


class Commune(models.Model):
    """Reference list, loaded by migration from INSEE's codes (beneficiaries/data/communes.csv)."""

    insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    departement = models.CharField(_("département"), max_length=3, choices=Departement.choices)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_communes",
        verbose_name=_("fusionnée dans"),
        help_text=_("Commune déléguée : gardée pour les adresses anciennes."),
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement})"


# --- Sites -----------------------------------------------------------------------------------


class SiteKind(models.TextChoices):
    SLUM = "bidonville", _("Bidonville")
    SQUAT = "squat", _("Squat")
    CAMP = "campement", _("Campement")
    INSERTION_GROUND = "terrain_insertion", _("Terrain d'insertion")


class OwnerKind(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Privé")
    UNKNOWN = "unknown", _("Inconnu")


class SiteStatus(models.TextChoices):
    """Open, or closed with its cause (the State platform's closure causes)."""

    OPEN = "open", _("Occupé")
    EVACUATED_COURT = "evacuated_court", _("Évacué sur décision de justice")
    EVACUATED_ORDER = "evacuated_order", _("Évacué sur arrêté administratif")
    RESORBED = "resorbed", _("Résorbé (tous les habitants ont une solution)")
    CLOSED = "closed", _("Fermé (autre raison)")


class ClosedReason(models.TextChoices):
    """Why a site "closed otherwise" closed."""

    FIRE = "fire", _("Incendie")
    DEPARTURE = "departure", _("Départ des habitants")
    OTHER = "other", _("Autre")


# --- Living conditions: the detailed answers, and their summary (the State platform's) ---------


class Summary(models.TextChoices):
    GOOD = "good", _("Bon")
    TO_IMPROVE = "to_improve", _("À améliorer")
    BAD = "bad", _("Mauvais")
    UNKNOWN = "unknown", _("Inconnu")


class ElectricityAccess(models.TextChoices):
    NONE = "none", _("Pas d'électricité")
    IRREGULAR = "irregular", _("Irrégulière ou insuffisante (branchement précaire, groupe)")
    REGULAR = "regular", _("Raccordement régulier")


class WaterAccess(models.TextChoices):
    NONE = "none", _("Pas d'accès à l'eau")
    ON_SITE = "on_site", _("Robinet ou raccordement sur le site")
    PUBLIC_POINT = "public_point", _("Point d'eau public (fontaine, borne)")
    OTHER = "other", _("Autre (bidons, voisins…)")


class ToiletsAccess(models.TextChoices):
    NONE = "none", _("Pas de toilettes")
    INSUFFICIENT = "insufficient", _("Toilettes en nombre insuffisant ou mal entretenues")
    SUFFICIENT = "sufficient", _("Toilettes suffisantes et entretenues")


class WasteEvacuation(models.TextChoices):
    NONE = "none", _("Pas d'évacuation des déchets")
    IRREGULAR = "irregular", _("Évacuation irrégulière")
    REGULAR = "regular", _("Ramassage régulier")


class SocialDiagnostic(models.TextChoices):
    NOT_DONE = "not_done", _("Non réalisé")
    PLANNED = "planned", _("Prévu")
    DONE = "done", _("Réalisé")


def _by_access(value: str, *, good: str, to_improve: str) -> str:
    if not value:
        return Summary.UNKNOWN
    if value == good:
        return Summary.GOOD
    return Summary.TO_IMPROVE if value == to_improve else Summary.BAD


def electricity_summary(access: str) -> str:
    return _by_access(
        access, good=ElectricityAccess.REGULAR, to_improve=ElectricityAccess.IRREGULAR
    )


def water_summary(access: str, *, continuous: bool | None, close: bool | None) -> str:
    """Good: water on the site, or a public point, that runs all the time and is close; to
    improve: water that is far, not continuous, or brought (other); bad: none."""
    if not access:
        return Summary.UNKNOWN
    if access == WaterAccess.NONE:
        return Summary.BAD
    if access == WaterAccess.OTHER or continuous is False or close is False:
        return Summary.TO_IMPROVE
    return Summary.GOOD


def toilets_summary(access: str) -> str:
    return _by_access(access, good=ToiletsAccess.SUFFICIENT, to_improve=ToiletsAccess.INSUFFICIENT)


def waste_summary(evacuation: str) -> str:
    return _by_access(
        evacuation, good=WasteEvacuation.REGULAR, to_improve=WasteEvacuation.IRREGULAR
    )


def pests_summary(pests: bool | None) -> str:
    if pests is None:
        return Summary.UNKNOWN
    return Summary.BAD if pests else Summary.GOOD


def fire_summary(diagnosis_done: bool | None) -> str:
    """A fire-prevention diagnosis done is good; not done, to improve (nothing says the site
    is unsafe yet)."""
    if diagnosis_done is None:
        return Summary.UNKNOWN
    return Summary.GOOD if diagnosis_done else Summary.TO_IMPROVE


# The conditions in the order pages and indicators show them, with the Site fields each reads.
CONDITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "electricity": (_("Électricité"), ("electricity",)),
    "water": (_("Eau"), ("water_access", "water_continuous", "water_close")),
    "toilets": (_("Toilettes"), ("toilets",)),
    "waste": (_("Évacuation des déchets"), ("waste_evacuation",)),
    "pests": (_("Nuisibles"), ("pests",)),
    "fire": (_("Prévention incendie"), ("fire_diagnosis_done",)),
}
CONDITION_FIELDS = tuple(field for _label, fields in CONDITIONS.values() for field in fields)


def conditions_summary(values: dict) -> dict[str, str]:
    """Each living condition's Summary, from a site's answers (a dict of CONDITION_FIELDS, as
    `Site.objects.values(*CONDITION_FIELDS)` gives or `Site.condition_values` builds). Pure."""
    return {
        "electricity": electricity_summary(values["electricity"]),
        "water": water_summary(
            values["water_access"],
            continuous=values["water_continuous"],
            close=values["water_close"],
        ),
        "toilets": toilets_summary(values["toilets"]),
        "waste": waste_summary(values["waste_evacuation"]),
        "pests": pests_summary(values["pests"]),
        "fire": fire_summary(values["fire_diagnosis_done"]),
    }


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SiteQuerySet":
        if not permissions.reads_person_files(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def editable_by(self, user) -> "SiteQuerySet":
        if not permissions.edits_sites(user):
            return self.none()
        return self.visible_to(user)

    def with_population(self) -> "SiteQuerySet":
        """Latest estimate and number of households followed. Correlated subqueries rather than
        a join and GROUP BY: PostgreSQL computes them only for the rows of the page."""
        latest = SitePopulation.objects.filter(site=OuterRef("pk")).order_by("-observed_on", "-pk")
        households = (
            Household.objects.filter(site=OuterRef("pk"))
            .order_by()
            .values("site")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            estimated_people=Subquery(latest.values("people")[:1]),
            estimated_on=Subquery(latest.values("observed_on")[:1]),
            household_count=Coalesce(Subquery(households), 0),
        )


class Site(models.Model):
    """A lieu de vie: where households live. Coordinates locate the place, never a person."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites", verbose_name=_("organisation")
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=SiteKind.choices)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="sites", verbose_name=_("commune")
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    owner_kind = models.CharField(
        _("propriétaire du terrain"),
        max_length=10,
        choices=OwnerKind.choices,
        default=OwnerKind.UNKNOWN,
    )
    opened_on = models.DateField(_("installation"), null=True, blank=True)
    known_since = models.DateField(_("connu depuis"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.OPEN
    )
    closed_on = models.DateField(_("évacué ou fermé le"), null=True, blank=True)
    closed_reason = models.CharField(
        _("cause de la fermeture"),
        max_length=10,
        choices=ClosedReason.choices,
        blank=True,
        help_text=_("Pour un lieu fermé pour une autre raison."),
    )
    # Living conditions: blank or null is "unknown" (the summary says so).
    electricity = models.CharField(
        _("électricité"), max_length=10, choices=ElectricityAccess.choices, blank=True
    )
    water_access = models.CharField(
        _("accès à l'eau"), max_length=15, choices=WaterAccess.choices, blank=True
    )
    water_continuous = models.BooleanField(_("eau disponible en continu"), null=True, blank=True)
    water_close = models.BooleanField(
        _("point d'eau proche (moins de 200 m)"), null=True, blank=True
    )
    toilets = models.CharField(
        _("toilettes"), max_length=15, choices=ToiletsAccess.choices, blank=True
    )
    waste_evacuation = models.CharField(
        _("évacuation des déchets"), max_length=10, choices=WasteEvacuation.choices, blank=True
    )
    pests = models.BooleanField(_("présence de nuisibles"), null=True, blank=True)
    fire_diagnosis_done = models.BooleanField(
        _("diagnostic de prévention incendie réalisé"), null=True, blank=True
    )
    conditions_updated_on = models.DateField(
        _("conditions de vie relevées le"), null=True, blank=True
    )
    social_diagnostic = models.CharField(
        _("diagnostic social"),
        max_length=10,
        choices=SocialDiagnostic.choices,
        default=SocialDiagnostic.NOT_DONE,
    )
    social_diagnostic_on = models.DateField(
        _("date du diagnostic social"),
        null=True,
        blank=True,
        help_text=_("Date prévue, ou date de réalisation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("lieu de vie")
        verbose_name_plural = _("lieux de vie")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=SiteStatus.OPEN, closed_on__isnull=True)
                | (~Q(status=SiteStatus.OPEN) & Q(closed_on__isnull=False)),
                name="site_closed_on_matches_status",
                violation_error_message=_(
                    "Un lieu évacué ou fermé a une date de fermeture, un lieu occupé n'en a pas."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=SiteStatus.CLOSED) | Q(closed_reason=""),
                name="site_closed_reason_when_closed_otherwise",
                violation_error_message=_(
                    "La cause de la fermeture ne se renseigne que pour un lieu fermé pour une "
                    "autre raison."
                ),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="site_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_range",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def departement(self) -> str:
        return self.commune.departement

    @property
    def is_open(self) -> bool:
        return self.status == SiteStatus.OPEN

    @property
    def condition_values(self) -> dict:
        return {name: getattr(self, name) for name in CONDITION_FIELDS}

    @property
    def conditions(self) -> list[tuple[str, str, str]]:
        """(condition's label, Summary value, Summary label), in CONDITIONS' order."""
        summary = conditions_summary(self.condition_values)
        return [
            (label, summary[key], Summary(summary[key]).label)
            for key, (label, _fields) in CONDITIONS.items()
        ]


# A population entry's minors by age band: (field, label), youngest first.
MINOR_BANDS = [
    ("minors_0_3", _("0 à 3 ans")),
    ("minors_3_6", _("3 à 6 ans")),
    ("minors_6_12", _("6 à 12 ans")),
    ("minors_12_16", _("12 à 16 ans")),
    ("minors_16_18", _("16 à 18 ans")),
]
DWELLINGS = [
    ("huts", _("Cabanes")),
    ("caravans", _("Caravanes")),
    ("tents", _("Tentes")),
    ("cars", _("Voitures servant à dormir")),
]
POPULATION_COUNTS = [
    "people",
    "women",
    "households",
    "minors",
    *(name for name, _label in MINOR_BANDS),
    "minors_in_school",
    *(name for name, _label in DWELLINGS),
]


def _count(label):
    return models.PositiveIntegerField(label, null=True, blank=True)


def _at_most(field: str, bound) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": bound})


class SitePopulation(models.Model):
    """A population entry: how many people live on a site at a date, as the State platform
    asks (women, households, minors by age band, minors in school), with the dwellings seen
    that day. Every count but the total may be unknown (null)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="population_estimates")
    observed_on = models.DateField(_("date du relevé"))
    people = models.PositiveIntegerField(_("personnes"))
    women = _count(_("dont femmes"))
    households = _count(_("ménages"))
    minors = _count(_("dont mineurs"))
    minors_0_3 = _count(_("mineurs de 0 à 3 ans"))
    minors_3_6 = _count(_("mineurs de 3 à 6 ans"))
    minors_6_12 = _count(_("mineurs de 6 à 12 ans"))
    minors_12_16 = _count(_("mineurs de 12 à 16 ans"))
    minors_16_18 = _count(_("mineurs de 16 à 18 ans"))
    minors_in_school = _count(_("mineurs scolarisés"))
    huts = _count(_("cabanes"))
    caravans = _count(_("caravanes"))
    tents = _count(_("tentes"))
    cars = _count(_("voitures servant à dormir"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisi par"),
    )

    class Meta:
        verbose_name = _("relevé de population")
        verbose_name_plural = _("relevés de population")
        ordering = ["-observed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "observed_on"],
                name="one_estimate_per_day",
                violation_error_message=_("Un relevé existe déjà à cette date pour ce lieu."),
            ),
            models.CheckConstraint(
                condition=_at_most("women", F("people")),
                name="population_women_at_most_people",
                violation_error_message=_("Il y a plus de femmes que de personnes."),
            ),
            models.CheckConstraint(
                condition=_at_most("minors", F("people")),
                name="population_minors_at_most_people",
                violation_error_message=_("Il y a plus de mineurs que de personnes."),
            ),
            models.CheckConstraint(
                condition=_at_most("households", F("people")),
                name="population_households_at_most_people",
                violation_error_message=_("Il y a plus de ménages que de personnes."),
            ),
            models.CheckConstraint(
                condition=_at_most("minors_in_school", F("minors")),
                name="population_in_school_at_most_minors",
                violation_error_message=_("Il y a plus de mineurs scolarisés que de mineurs."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.observed_on}: {self.people}"

    def clean(self):
        """The checks the constraints cannot say (the bands' sum), and those they say, on the
        fields, in words."""
        errors: dict[str, str] = {}
        people, minors = self.people, self.minors
        for name, message in (
            ("women", _("Il y a plus de femmes que de personnes.")),
            ("minors", _("Il y a plus de mineurs que de personnes.")),
            ("households", _("Il y a plus de ménages que de personnes.")),
        ):
            value = getattr(self, name)
            if people is not None and value is not None and value > people:
                errors[name] = message
        bands = [getattr(self, name) for name, _label in MINOR_BANDS]
        known = sum(value for value in bands if value is not None)
        if any(value is not None for value in bands):
            if minors is None:
                errors["minors"] = _(
                    "Indiquez le nombre de mineurs quand vous le détaillez par âge."
                )
            elif known > minors:
                errors["minors_0_3"] = _(
                    "Les mineurs par tranche d'âge (%(known)s) dépassent le nombre de mineurs "
                    "(%(minors)s)."
                ) % {"known": known, "minors": minors}
        if self.minors_in_school is not None:
            if minors is None:
                errors["minors_in_school"] = _(
                    "Indiquez le nombre de mineurs avant les mineurs scolarisés."
                )
            elif self.minors_in_school > minors:
                errors["minors_in_school"] = _("Il y a plus de mineurs scolarisés que de mineurs.")
        if self.observed_on and self.observed_on > timezone.localdate():
            errors["observed_on"] = _("Le relevé ne peut pas être daté dans le futur.")
        if errors:
            raise ValidationError(errors)

    @property
    def bands(self) -> list[tuple[str, int | None]]:
        return [(label, getattr(self, name)) for name, label in MINOR_BANDS]

    @property
    def dwellings(self) -> list[tuple[str, int | None]]:
        return [(label, getattr(self, name)) for name, label in DWELLINGS]

    @property
    def has_dwellings(self) -> bool:
        return any(getattr(self, name) is not None for name, _label in DWELLINGS)


# --- Legal procedure: its own table, read only by coordinators and managers ----------------


class CourtDecision(models.TextChoices):
    NONE = "none", _("Aucune procédure judiciaire connue")
    PENDING = "pending", _("Procédure en cours")
    EVICTION = "eviction", _("Expulsion ordonnée")
    DELAY = "delay", _("Délais accordés aux habitants")
    REJECTED = "rejected", _("Demande d'expulsion rejetée")


class PoliceAssistance(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("Non demandé")
    REQUESTED = "requested", _("Demandé")
    GRANTED = "granted", _("Accordé")


class SiteLegalProcedureQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SiteLegalProcedureQuerySet":
        if not permissions.reads_site_legal_procedure(user):
            return self.none()
        return self.filter(site__organisation_id=user.organisation_id)


class SiteLegalProcedure(models.Model):
    """The owner's complaint, the court decision, police assistance and the orders. Kept apart
    from Site so that no page loads it for someone who may not read it (field workers and
    partners never do: trust on the sites depends on it)."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="legal", verbose_name=_("lieu de vie")
    )
    complaint_on = models.DateField(_("plainte du propriétaire le"), null=True, blank=True)
    court_decision = models.CharField(
        _("décision de justice"),
        max_length=10,
        choices=CourtDecision.choices,
        default=CourtDecision.NONE,
    )
    court_decision_on = models.DateField(_("date de la décision"), null=True, blank=True)
    police_assistance = models.CharField(
        _("concours de la force publique"),
        max_length=15,
        choices=PoliceAssistance.choices,
        default=PoliceAssistance.NOT_REQUESTED,
    )
    evacuation_order_on = models.DateField(_("arrêté d'évacuation du"), null=True, blank=True)
    insalubrity_order_on = models.DateField(
        _("arrêté d'insalubrité ou de péril du"), null=True, blank=True
    )
    evacuation_expected_on = models.DateField(
        _("évacuation annoncée pour le"), null=True, blank=True
    )
    # Migrated from Site.legal_procedure: an administrative order known without its date.
    evacuation_order_undated = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SiteLegalProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procédure juridique d'un lieu")
        verbose_name_plural = _("procédures juridiques des lieux")
        constraints = [
            models.CheckConstraint(
                condition=Q(court_decision_on__isnull=True) | ~Q(court_decision=CourtDecision.NONE),
                name="legal_decision_date_needs_a_procedure",
                violation_error_message=_("Une date de décision suppose une procédure judiciaire."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}: {self.court_decision}"

    @property
    def has_evacuation_order(self) -> bool:
        return self.evacuation_order_on is not None or self.evacuation_order_undated


# --- Households --------------------------------------------------------------------------------


# A household name that already says what it is (folded first words).
HOUSEHOLD_WORDS = {"famille", "menage", "foyer", "couple"}


class HouseholdQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "HouseholdQuerySet":
        """The organisation's households; for a partner, those of the persons shared with it."""
        if permissions.reads_shared_files(user):
            shared = Person.objects.visible_to(user).filter(household__isnull=False)
            return self.filter(pk__in=shared.order_by().values("household_id"))
        if not permissions.reads_person_files(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)


class Household(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("organisation"),
    )
    name = models.CharField(
        _("nom du ménage"), max_length=200, help_text=_("Souvent le nom de famille.")
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("lieu de vie actuel"),
    )
    # Folded name (mia.text.fold), unbounded as Person.search_text is.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("ménage")
        verbose_name_plural = _("ménages")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organisation", "site"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def heading(self) -> str:
        """'Famille Kostov' reads as it is, not 'Ménage Famille Kostov'; 'Kostov' reads
        'Ménage Kostov'."""
        if fold(self.name).split(" ")[0] in HOUSEHOLD_WORDS:
            return self.name
        return _("Ménage %(name)s") % {"name": self.name}


class HouseholdStay(models.Model):
    """Where a household has lived: one open stay (no end) is the current site."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="stays")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stays")
    started_on = models.DateField(_("depuis le"))
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("séjour sur un lieu de vie")
        verbose_name_plural = _("historique des lieux de vie")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(ended_on__isnull=True), name="one_current_stay"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="stay_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} @ {self.site_id} ({self.started_on})"


# --- People ------------------------------------------------------------------------------------


class Pathway(models.TextChoices):
    """The programme's pathways, and what else a follow-up may touch. Every later app (rights,
    French, employment, housing) files its records under these same codes."""

    RIGHTS = "rights", _("Accès aux droits")
    FRENCH = "french", _("Français")
    EMPLOYMENT = "employment", _("Emploi")
    HOUSING = "housing", _("Hébergement et logement")
    HEALTH = "health", _("Santé")
    SCHOOLING = "schooling", _("Scolarité")
    OTHER = "other", _("Autre")


class Sex(models.TextChoices):
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    UNKNOWN = "X", _("Non renseigné")


class Nationality(models.TextChoices):
    """A category only, never a country nor an ethnicity (CNIL)."""

    FRANCE = "france", _("France")
    EU = "eu", _("Union européenne")
    NON_EU = "non_eu", _("Hors Union européenne")
    UNKNOWN = "unknown", _("Non renseignée")


class Language(models.TextChoices):
    ROMANIAN = "ro", _("Roumain")
    ROMANI = "rom", _("Romani")
    BULGARIAN = "bg", _("Bulgare")
    FRENCH = "fr", _("Français")
    ENGLISH = "en", _("Anglais")
    SERBIAN = "sr", _("Serbe")
    HUNGARIAN = "hu", _("Hongrois")
    TURKISH = "tr", _("Turc")
    ITALIAN = "it", _("Italien")
    SPANISH = "es", _("Espagnol")
    ARABIC = "ar", _("Arabe")
    OTHER = "other", _("Autre")


class Relationship(models.TextChoices):
    HEAD = "head", _("Personne de référence")
    PARTNER = "partner", _("Conjoint·e")
    CHILD = "child", _("Enfant")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Frère ou sœur")
    GRANDCHILD = "grandchild", _("Petit-enfant")
    OTHER_RELATIVE = "relative", _("Autre membre de la famille")
    OTHER = "other", _("Autre")


class ExitReason(models.TextChoices):
    PERMANENT_HOUSING = "permanent_housing", _("Accès au logement pérenne")
    MOVED_AWAY = "moved_away", _("Départ hors de la région")
    RETURNED = "returned", _("Retour dans le pays d'origine")
    LOST_CONTACT = "lost_contact", _("Perte de contact")
    DECEASED = "deceased", _("Décès")
    OTHER = "other", _("Autre")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Accompagnée")
    EXITED = "exited", _("Sortie du programme")


# Between the first and last names and the other spellings in Person.search_text and name_keys:
# a partner without the identity section finds a person by the names before it only.
OTHER_NAMES_MARK = "|"


class PersonQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "PersonQuerySet":
        """Files this user may open. Everything that lists or fetches people starts here.
        A partner opens the files shared with their organisation under a valid consent
        (beneficiaries.sharing, filled by the partners app): one semi-join, no per-row check."""
        if permissions.reads_shared_files(user):
            condition = sharing.persons_filter(user)
            return self.none() if condition is None else self.filter(condition)
        if not permissions.reads_person_files(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def editable_by(self, user) -> "PersonQuerySet":
        if permissions.edits_all_files(user):
            return self.visible_to(user)
        if permissions.keeps_caseload(user):
            return self.visible_to(user).filter(referent_id=user.pk)
        return self.none()

    def active(self) -> "PersonQuerySet":
        return self.filter(exited_on__isnull=True)

    def for_rows(self) -> "PersonQuerySet":
        """What a line of a list of people shows (templates/includes/person_rows.html): the
        person, household, site and commune have about sixty columns, a line reads fifteen."""
        return self.select_related("household__site__commune", "referent").only(
            *("organisation_id", "first_name", "last_name", "birth_date", "birth_year"),
            *("exited_on", "last_contact_on", "household__name", "household__site__name"),
            "household__site__commune__name",
            *("referent__first_name", "referent__last_name", "referent__email"),
        )

    def search(self, query: str, *, by=None, close: bool = False) -> "PersonQuerySet":
        """Every word typed must match: a spelling of the name (accents, Cyrillic and
        transliterations aside), the household's name, a birth year, or phone digits.
        For a partner (`by`), only what their shared sections show on the person's page: the
        names always; birth year, phone and other spellings where identity is shared; never
        the household. `close`: a name word may also be one letter away from a recorded one
        (dropped, doubled or mistyped); the lists ask for it only when nothing matched, as the
        extra patterns cost time and would bring near names into every result."""
        identity = None
        if by is not None and permissions.reads_shared_files(by):
            # No provider: nothing is shared, so no file shows its identity.
            identity = sharing.section_filter(by, "identity") or Q(pk__in=[])
        queryset = self
        for token in _terms(query)[:6]:
            names = None
            if token.isdigit() and len(token) == 4 and not token.startswith("0"):
                condition = Q(birth_year=int(token))
            elif token.isdigit() and len(token) >= 4:
                condition = functools.reduce(
                    operator.or_,
                    (Q(phone_digits__contains=digits) for digits in _phone_forms(token)),
                )
            else:
                condition = Q(pk__in=_spelled(token, households=identity is None))
                names = _in_names(token)
                if close and (slips := _one_slip(token)) is not None:
                    condition |= slips
                    names |= _one_slip(token, names_only=True)
            if identity is not None:
                # A partner: the names match in every file, the rest where identity is shared.
                condition &= identity if names is None else identity | names
            queryset = queryset.filter(condition)
        return queryset


def _terms(query: str) -> list[str]:
    """The folded words of `query`, a phone typed in groups ("06 39 12", "06.39.12",
    "+33 6 39 12", "0033 6 39") joined into one number."""
    terms: list[str] = []
    for token in fold_tokens(query):
        previous = terms[-1] if terms else ""
        in_number = len(previous) <= 3 or previous.startswith(("0", "33"))
        if token.isdigit() and len(token) <= 3 and previous.isdigit() and in_number:
            terms[-1] += token
        else:
            terms.append(token)
    return terms


def _phone_forms(digits: str) -> list[str]:
    """The ways a French number may be recorded: 06 39…, +33 6 39…, 0033 6 39…, +33 (0)6 39….
    Typed either way, the search looks for the national and the international digits."""
    if digits.startswith("0033"):
        national = digits[4:]
    elif digits.startswith("330"):
        national = digits[3:]
    elif digits.startswith("33") and len(digits) >= 5:
        national = digits[2:]
    elif digits.startswith("0") and len(digits) > 1:
        national = digits[1:]
    else:
        return [digits]
    return list(dict.fromkeys([digits, f"0{national}", f"33{national}"]))


class _Like(Lookup):
    """A LIKE with a pattern of our own (`_` for any one letter), which __contains escapes.
    On PostgreSQL the name_keys trigram index serves it as it serves __contains."""

    lookup_name = "mia_like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


# Under five letters, one letter away is another name (Ion, Ina, Ana, Oana).
_SLIP_MIN_LENGTH = 5


def _one_slip(token: str, *, names_only: bool = False) -> Q | None:
    """Names with a word one letter away from a reading of `token` (mia.text.one_slip_patterns):
    one OR of indexed LIKEs on name_keys. `names_only`: in the first and last names, before
    OTHER_NAMES_MARK (see _in_names), evaluated on the rows the indexed condition found."""
    patterns = [
        pattern
        for key in sound_key_readings(token)
        if len(key) >= _SLIP_MIN_LENGTH
        for pattern in one_slip_patterns(key)
    ]
    if not patterns:
        return None
    column = F("name_keys")
    if names_only:
        column = models.Case(
            models.When(other_names="", then=F("name_keys")),
            default=Substr("name_keys", 1, StrIndex("name_keys", Value(OTHER_NAMES_MARK))),
            output_field=models.TextField(),
        )
    return functools.reduce(
        operator.or_, (Q(_Like(column, Value(pattern))) for pattern in patterns)
    )


def _spelled(token: str, *, households: bool = True):
    """Ids of the people whose name, name's sound or household's name holds `token`. Households
    through a subquery: joined, every household was hash-joined to every person. From three
    trigram-indexed reads put together, not one OR over the three: PostgreSQL scanned every
    person for the OR (10 ms against 4 ms at national scale). Under three letters the trigram
    indexes cannot narrow anything and one scan is cheaper. A word with "ch" or "sh" has two or
    three readings (mia.text.sound_key_readings), each its own indexed read."""
    people = Person.objects.order_by()
    branches = [Q(search_text__contains=token)]
    if households:
        named = Household.objects.order_by().filter(search_text__contains=token)
        branches.append(Q(household__in=named))
    # A word that sounds like one letter ("zzzq" -> "c") would find every name starting so.
    for sound in sound_key_readings(token):
        if len(sound) >= 2:
            branches.append(Q(name_keys__contains=f" {sound}"))
    if len(token) < 3:
        return people.filter(functools.reduce(operator.or_, branches)).values("pk")
    first, *others = (people.filter(branch).values("pk") for branch in branches)
    return first.union(*others, all=True)


def _in_names(token: str) -> Q:
    """`token`, or its sound, is in the first or last name and not only in the other spellings:
    its first occurrence comes before OTHER_NAMES_MARK (Person.derive). Evaluated on the rows
    _spelled() found through the trigram indexes, not on every shared file."""
    places = [("search_text", token)]
    for sound in sound_key_readings(token):
        if len(sound) >= 2:
            places.append(("name_keys", f" {sound}"))
    condition = Q()
    for field, text in places:
        found = StrIndex(field, Value(text))
        before_mark = LessThan(found, StrIndex(field, Value(OTHER_NAMES_MARK)))
        condition |= Q(GreaterThan(found, 0)) & (Q(other_names="") | Q(before_mark))
    return condition


class Person(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("organisation"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("ménage"),
    )
    relationship = models.CharField(
        _("lien dans le ménage"), max_length=20, choices=Relationship.choices, blank=True
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    other_names = models.CharField(
        _("autres graphies"),
        max_length=300,
        blank=True,
        help_text=_(
            "Autres orthographes, nom d'usage, nom en cyrillique… séparés par des virgules."
        ),
    )
    # Folded copy of every spelling, for accent-insensitive search (see mia.text.fold), and
    # their sound keys, for spellings that differ by transliteration (mia.text.sound_keys).
    # Text, not a bounded varchar: folding lengthens names (щ gives "sht", ㎯ six letters), so
    # any bound would refuse names within their fields' limits. The trigram indexes apply alike.
    search_text = models.TextField(editable=False, default="")
    name_keys = models.TextField(editable=False, default="")
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("année de naissance"),
        null=True,
        blank=True,
        help_text=_("Quand seule l'année est connue."),
    )
    nationality = models.CharField(
        _("nationalité"), max_length=10, choices=Nationality.choices, default=Nationality.UNKNOWN
    )
    languages = models.JSONField(_("langues parlées"), default=list, blank=True)
    needs_interpreter = models.BooleanField(_("besoin d'interprète"), default=False)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    phone_digits = models.CharField(max_length=30, editable=False, default="")
    mail_address = models.TextField(
        _("adresse postale / domiciliation"),
        blank=True,
        help_text=_("Où la personne reçoit son courrier."),
    )
    entered_on = models.DateField(_("entrée dans le programme"), default=datetime.date.today)
    exited_on = models.DateField(_("sortie du programme"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=20, choices=ExitReason.choices, blank=True
    )
    # Current referent, kept in step with ReferentAssignment by beneficiaries.services: the
    # caseload lists and filters read it without joining the history.
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("référent·e"),
    )
    # Date of the latest follow-up, kept by accompaniment.services: the caseload board counts
    # people not seen for weeks without reading a million follow-ups.
    last_contact_on = models.DateField(_("dernier contact"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a save based on an older version is refused (mia.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne accompagnée")
        verbose_name_plural = _("personnes accompagnées")
        ordering = ["last_name", "first_name", "pk"]
        # Granted per person to a partner organisation by a consent (partners.Section).
        permissions = [
            ("view_section_identity", _("Voir l'identité et le contact")),
            ("view_section_rights", _("Voir l'accès aux droits")),
            ("view_section_french", _("Voir le français")),
            ("view_section_employment", _("Voir l'emploi")),
            ("view_section_housing", _("Voir l'hébergement et le logement")),
            ("view_section_documents", _("Voir les documents")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_range",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_year__isnull=False),
                name="person_birth_year_set_with_date",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True, exit_reason="")
                | Q(exited_on__isnull=False) & ~Q(exit_reason=""),
                name="person_exit_has_reason",
                violation_error_message=_("Une sortie a une date et un motif."),
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("entered_on")),
                name="person_exit_after_entry",
                violation_error_message=_("La sortie ne peut précéder l'entrée."),
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="person_sex_known"),
            models.CheckConstraint(
                condition=Q(nationality__in=Nationality.values), name="person_nationality_known"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"]),
            # Lists across organisations (a partner's shared files) walk people in name order
            # and stop at a page, instead of sorting everyone shared with them.
            models.Index(fields=["last_name", "first_name", "id"], name="person_by_name"),
            models.Index(fields=["referent", "exited_on"]),
            models.Index(fields=["household"]),
            # The caseload board reads only these columns of the people still followed: an
            # index-only scan, in referent order, instead of the whole table.
            models.Index(
                fields=["organisation", "referent", "household"],
                include=["last_contact_on", "id"],
                condition=Q(exited_on__isnull=True),
                name="person_active_caseload",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"search_text", "name_keys", "phone_digits", "birth_year"}
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Fill the columns the search reads (bulk_create skips save(): call it first)."""
        if self.birth_date:
            self.birth_year = self.birth_date.year
        self.phone_digits = "".join(char for char in self.phone if char.isdigit())
        names = f"{self.first_name} {self.last_name}"
        self.search_text = fold(names)
        self.name_keys = sound_keys(names)
        if self.other_names:
            self.search_text = f"{self.search_text} {OTHER_NAMES_MARK} {fold(self.other_names)}"
            others = sound_keys(self.other_names) or " "
            self.name_keys = f"{self.name_keys or ' '}{OTHER_NAMES_MARK}{others}"

    def clean(self):
        # Runs before constraint validation, so a full date always carries its year.
        if self.birth_date:
            self.birth_year = self.birth_date.year
        # The exit is not on the form that edits the entry: this, not the constraint's
        # validation, which a form skips for a field it does not show, keeps them in order.
        if self.exited_on and self.entered_on and self.entered_on > self.exited_on:
            raise ValidationError(
                {
                    "entered_on": _(
                        "L'entrée dans le programme ne peut pas suivre la sortie (le %(date)s)."
                    )
                    % {"date": formats.date_format(self.exited_on, "d/m/Y")}
                }
            )

    @property
    def status(self) -> str:
        return PersonStatus.EXITED if self.exited_on else PersonStatus.ACTIVE

    def get_status_display(self) -> str:
        return PersonStatus(self.status).label

    @property
    def age(self) -> int | None:
        today = timezone.localdate()
        if self.birth_date:
            before_birthday = (today.month, today.day) < (
                self.birth_date.month,
                self.birth_date.day,
            )
            return today.year - self.birth_date.year - before_birthday
        if self.birth_year:
            return today.year - self.birth_year
        return None

    def get_languages_display(self) -> str:
        labels = dict(Language.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.languages)


class ReferentAssignment(models.Model):
    """History of who followed a person: the open row (no end) is the current referent."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("référent·e"),
    )
    started_on = models.DateField(_("depuis le"))
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("désignation de référent·e")
        verbose_name_plural = _("historique des référent·es")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="one_current_referent"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.referent_id} ({self.started_on})"


class Enrolment(models.Model):
    """One period in the programme: entry, and exit with its reason. A person who comes back
    gets a new row; Person.entered_on/exited_on mirror the latest (beneficiaries.services)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    entered_on = models.DateField(_("entrée"))
    exited_on = models.DateField(_("sortie"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=20, choices=ExitReason.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("période d'accompagnement")
        verbose_name_plural = _("périodes d'accompagnement")
        ordering = ["-entered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(exited_on__isnull=True), name="one_open_enrolment"
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True, exit_reason="")
                | Q(exited_on__isnull=False) & ~Q(exit_reason=""),
                name="enrolment_exit_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("entered_on")),
                name="enrolment_exit_after_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.entered_on} → {self.exited_on or '…'}"


class PersonMerge(models.Model):
    """Two files found to be one person: the duplicate's rows moved to `survivor`, and what the
    duplicate said is kept here."""

    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges")
    merged_person_id = models.PositiveBigIntegerField(_("dossier fusionné (n°)"))
    snapshot = models.JSONField(_("contenu du dossier fusionné"))
    moved = models.JSONField(_("lignes déplacées"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fusion de dossiers")
        verbose_name_plural = _("fusions de dossiers")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_person_id} → {self.survivor_id}"


class DistinctPair(models.Model):
    """Two files a coordinator checked and found to be two people: the queue of likely
    duplicates shows them no more. `first` has the smaller id. A merge does not move these rows
    (beneficiaries.duplicates.person_relations): the merged file's decisions go with it."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paire de dossiers distincts")
        verbose_name_plural = _("paires de dossiers distincts")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="distinct_pair_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class DuplicateScan(models.Model):
    """One search of an organisation's likely duplicates (beneficiaries.duplicates.likely_pairs),
    run by Celery: comparing every file takes seconds at national scale, too long for a page.
    Its pairs are LikelyPair rows; the queue shows the latest finished scan's."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    files = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("recherche de doublons")
        verbose_name_plural = _("recherches de doublons")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.requested_at:%Y-%m-%d %H:%M}"


class LikelyPair(models.Model):
    """Two files a scan found likely to be one person, ranked (`first` has the smaller id). A
    merge deletes the merged file's pairs with it; "deux personnes" (DistinctPair) deletes the
    pair."""

    scan = models.ForeignKey(DuplicateScan, on_delete=models.CASCADE, related_name="found")
    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)

    class Meta:
        verbose_name = _("doublon probable")
        verbose_name_plural = _("doublons probables")
        ordering = ["-score", "first", "second"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "first", "second"], name="likely_pair_once"),
        ]
        indexes = [models.Index(fields=["scan", "score"])]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score})"
