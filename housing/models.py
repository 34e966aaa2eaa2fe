"""Housing: the evacuation of a site and its board (each household's wish and the shelter
offers made to it), the applications that lead to housing (SIAO, social housing, DALO / DAHO)
and the placements of a household along the ladder, from a hotel night via the 115 to a lease."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Household, Person, Site
from mia import permissions
from mia.audit import AuditedQuerySet
from mia.models import Organisation


class HousingQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The organisation's rows, for its staff; a partner reads a household's housing on the
        person's page only, through a shared section (housing.views.person_housing)."""
        if not permissions.reads_housing(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)


# --- The ladder -----------------------------------------------------------------------------------


class Rung(models.TextChoices):
    """The steps from the street to a lease, and the solutions a site's resorption counts."""

    TEMPORARY = "temporary", _("Mise à l'abri")
    INSERTION = "insertion", _("Hébergement d'insertion")
    ADAPTED = "adapted", _("Logement adapté")
    PERMANENT = "permanent", _("Logement pérenne")


class PlacementType(models.TextChoices):
    HOTEL_115 = "hotel_115", _("Hôtel (115)")
    CHU = "chu", _("Centre d'hébergement d'urgence (CHU)")
    CHRS = "chrs", _("CHRS")
    ALT = "alt", _("Logement ALT")
    SOCIAL_RESIDENCE = "social_residence", _("Résidence sociale")
    INTERMEDIATION = "intermediation", _("Intermédiation locative (Solibail…)")
    FAMILY_BOARDING = "family_boarding", _("Pension de famille")
    SUPPORT_SPACE = "support_space", _("Espace temporaire d'accompagnement (ETI)")
    INSERTION_GROUND = "insertion_ground", _("Terrain d'insertion")
    SOCIAL_LEASE = "social_lease", _("Bail social")
    PRIVATE_LEASE = "private_lease", _("Bail privé")


RUNG_OF = {
    PlacementType.HOTEL_115: Rung.TEMPORARY,
    PlacementType.CHU: Rung.TEMPORARY,
    PlacementType.CHRS: Rung.INSERTION,
    PlacementType.ALT: Rung.INSERTION,
    PlacementType.SOCIAL_RESIDENCE: Rung.ADAPTED,
    PlacementType.INTERMEDIATION: Rung.ADAPTED,
    PlacementType.FAMILY_BOARDING: Rung.ADAPTED,
    PlacementType.SUPPORT_SPACE: Rung.ADAPTED,
    PlacementType.INSERTION_GROUND: Rung.ADAPTED,
    PlacementType.SOCIAL_LEASE: Rung.PERMANENT,
    PlacementType.PRIVATE_LEASE: Rung.PERMANENT,
}
PERMANENT_TYPES = [code for code, rung in RUNG_OF.items() if rung == Rung.PERMANENT]
TEMPORARY_TYPES = [code for code, rung in RUNG_OF.items() if rung == Rung.TEMPORARY]


# --- Evacuations ----------------------------------------------------------------------------------


class EvacuationBasis(models.TextChoices):
    COURT = "court", _("Décision de justice")
    ORDER = "order", _("Arrêté administratif")


class DiagnosticStatus(models.TextChoices):
    NOT_PLANNED = "not_planned", _("Pas prévu")
    PLANNED = "planned", _("Prévu")
    DONE = "done", _("Réalisé")


class Evacuation(models.Model):
    """The evacuation of a site: announced, its social diagnostic, then carried out."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="evacuations", verbose_name=_("lieu de vie")
    )
    basis = models.CharField(_("fondement"), max_length=10, choices=EvacuationBasis.choices)
    decided_on = models.DateField(_("date de la décision"))
    expected_on = models.DateField(_("évacuation prévue le"), null=True, blank=True)
    diagnostic_status = models.CharField(
        _("diagnostic social"),
        max_length=15,
        choices=DiagnosticStatus.choices,
        default=DiagnosticStatus.NOT_PLANNED,
    )
    diagnostic_on = models.DateField(_("diagnostic le"), null=True, blank=True)
    diagnostic_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diagnostic par (membre de l'équipe)"),
    )
    diagnostic_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diagnostic par (organisation)"),
    )
    carried_out_on = models.DateField(_("évacuation réalisée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HousingQuerySet.as_manager()

    class Meta:
        verbose_name = _("évacuation")
        verbose_name_plural = _("évacuations")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(carried_out_on__isnull=True) | Q(carried_out_on__gte=F("decided_on")),
                name="evacuation_after_decision",
                violation_error_message=_("L'évacuation ne peut précéder la décision."),
            ),
            models.CheckConstraint(
                condition=Q(expected_on__isnull=True) | Q(expected_on__gte=F("decided_on")),
                name="evacuation_expected_after_decision",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.site_id} ({self.decided_on})"

    @property
    def carried_out(self) -> bool:
        return self.carried_out_on is not None


class Wish(models.TextChoices):
    UNKNOWN = "unknown", _("Ne sait pas encore")
    YES = "yes", _("Souhaite un hébergement")
    NO = "no", _("Ne souhaite pas d'hébergement")


class EvacuationHousehold(models.Model):
    """One household of an evacuation's board: whether it wishes shelter. Made when its wish is
    first recorded; each row is its own write, so two coordinators on one board both keep theirs."""

    evacuation = models.ForeignKey(Evacuation, on_delete=models.CASCADE, related_name="rows")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    wish = models.CharField(
        _("souhaite un hébergement"), max_length=10, choices=Wish.choices, default=Wish.UNKNOWN
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ménage d'une évacuation")
        verbose_name_plural = _("ménages d'une évacuation")
        constraints = [
            models.UniqueConstraint(
                fields=["evacuation", "household"], name="one_board_row_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evacuation_id}/{self.household_id}: {self.wish}"


class Answer(models.TextChoices):
    PENDING = "pending", _("Pas encore de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")


class RefusalReason(models.TextChoices):
    TOO_FAR = "too_far", _("Trop loin (travail, école)")
    FAMILY_SPLIT = "family_split", _("Sépare la famille")
    TOO_SHORT = "too_short", _("Trop courte (quelques nuits)")
    UNSUITABLE = "unsuitable", _("Inadaptée (santé, handicap, animaux)")
    STAYS = "stays", _("Préfère rester ou s'installer ailleurs")
    OTHER = "other", _("Autre")


class ShelterOffer(models.Model):
    """A shelter offered to a household after an evacuation, and its answer. A refused offer
    never closes the household's case (CASF L.345-2-2): another one is made."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    evacuation = models.ForeignKey(Evacuation, on_delete=models.CASCADE, related_name="offers")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="shelter_offers"
    )
    type = models.CharField(_("type"), max_length=20, choices=PlacementType.choices)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    offered_on = models.DateField(_("proposée le"))
    answer = models.CharField(
        _("réponse"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    answered_on = models.DateField(_("réponse le"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("motif du refus"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HousingQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposition d'hébergement")
        verbose_name_plural = _("propositions d'hébergement")
        ordering = ["offered_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("offered_on")),
                name="offer_answered_after_made",
                violation_error_message=_("La réponse ne peut précéder la proposition."),
            ),
            models.CheckConstraint(
                condition=Q(answer="pending", answered_on__isnull=True)
                | ~Q(answer="pending") & Q(answered_on__isnull=False),
                name="offer_answer_has_date",
            ),
        ]
        indexes = [models.Index(fields=["evacuation", "household"])]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.type} ({self.offered_on})"


# --- Applications ---------------------------------------------------------------------------------


class SiaoStatus(models.TextChoices):
    FILED = "filed", _("Déposée")
    ORIENTED = "oriented", _("Orientation proposée")
    SHELTERED = "sheltered", _("Hébergement obtenu")
    CLOSED = "closed", _("Clôturée")


class SiaoRequest(models.Model):
    """A request to the SIAO (service intégré d'accueil et d'orientation)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="siao_requests")
    reference = models.CharField(_("référence SIAO"), max_length=50, blank=True)
    filed_on = models.DateField(_("déposée le"))
    status = models.CharField(
        _("état"), max_length=15, choices=SiaoStatus.choices, default=SiaoStatus.FILED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HousingQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande SIAO")
        verbose_name_plural = _("demandes SIAO")
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"SIAO {self.household_id} ({self.filed_on})"


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ALLOCATED = "allocated", _("Logement attribué")
    LAPSED = "lapsed", _("Radiée (non renouvelée)")
    WITHDRAWN = "withdrawn", _("Abandonnée")


# A social-housing application lapses a year after its filing or last renewal.
APPLICATION_VALIDITY_DAYS = 365
# The reminder to renew comes this long before.
RENEW_BEFORE_DAYS = 30


class SocialHousingApplication(models.Model):
    """A social-housing application (its numéro unique), renewed every year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="housing_applications"
    )
    applicant = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandeur·se"),
    )
    number = models.CharField(_("numéro unique"), max_length=30)
    filed_on = models.DateField(_("déposée le"))
    renewed_on = models.DateField(_("renouvelée le"), null=True, blank=True)
    status = models.CharField(
        _("état"),
        max_length=15,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.ACTIVE,
    )
    # The reminder to renew, made once by housing.tasks (a task run twice makes one).
    renewal_task = models.OneToOneField(
        "accompaniment.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HousingQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de logement social")
        verbose_name_plural = _("demandes de logement social")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(renewed_on__isnull=True) | Q(renewed_on__gte=F("filed_on")),
                name="application_renewed_after_filing",
                violation_error_message=_("Le renouvellement ne peut précéder le dépôt."),
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def lapses_on(self) -> datetime.date:
        """The last day before it lapses: a year after the filing or the latest renewal."""
        since = self.renewed_on or self.filed_on
        return since + datetime.timedelta(days=APPLICATION_VALIDITY_DAYS)


class RecourseKind(models.TextChoices):
    DALO = "dalo", _("DALO (droit au logement opposable)")
    DAHO = "daho", _("DAHO (droit à l'hébergement opposable)")


class RecourseDecision(models.TextChoices):
    PENDING = "pending", _("En attente")
    PRIORITY = "priority", _("Reconnu prioritaire")
    REJECTED = "rejected", _("Rejeté")


class HousingRecourse(models.Model):
    """A DALO or DAHO recourse before the mediation commission."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="housing_recourses"
    )
    kind = models.CharField(_("recours"), max_length=5, choices=RecourseKind.choices)
    filed_on = models.DateField(_("déposé le"))
    decision = models.CharField(
        _("décision"),
        max_length=10,
        choices=RecourseDecision.choices,
        default=RecourseDecision.PENDING,
    )
    decided_on = models.DateField(_("décision le"), null=True, blank=True)
    deadline = models.DateField(
        _("délai de proposition"),
        null=True,
        blank=True,
        help_text=_("Date à laquelle le préfet doit avoir fait une proposition."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HousingQuerySet.as_manager()

    class Meta:
        verbose_name = _("recours DALO / DAHO")
        verbose_name_plural = _("recours DALO / DAHO")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("filed_on")),
                name="recourse_decided_after_filing",
                violation_error_message=_("La décision ne peut précéder le dépôt."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.household_id} ({self.filed_on})"


# --- Placements -----------------------------------------------------------------------------------


class Placement(models.Model):
    """Where a household was sheltered or housed, from a date to a date (none: still there).
    Two placements of one household never overlap (housing.services)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="placements")
    type = models.CharField(_("type"), max_length=20, choices=PlacementType.choices)
    place = models.CharField(_("lieu ou gestionnaire"), max_length=200, blank=True)
    started_on = models.DateField(_("entrée le"))
    ended_on = models.DateField(_("sortie le"), null=True, blank=True)
    offer = models.ForeignKey(
        ShelterOffer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("proposition d'origine"),
    )
    action = models.ForeignKey(
        "accompaniment.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("action locale"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HousingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hébergement ou logement")
        verbose_name_plural = _("hébergements et logements")
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="placement_ends_after_start",
                violation_error_message=_("La sortie ne peut précéder l'entrée."),
            )
        ]
        indexes = [
            models.Index(fields=["household", "started_on"]),
            models.Index(fields=["organisation", "type"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.type} ({self.started_on})"

    @property
    def rung(self) -> str:
        return RUNG_OF.get(self.type, "")

    def get_rung_display(self) -> str:
        return str(Rung(self.rung).label) if self.rung else ""
