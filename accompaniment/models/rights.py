"""Access to rights: the reference list of procedures, each person's procedures with their
history, and the obstacles met (refusals), which the programme must make visible."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accompaniment.models.daily import PlanQuerySet, Task
from beneficiaries.models import Person
from mia.models import Organisation


class ProcedureCategory(models.TextChoices):
    """What a procedure gives access to: the grid and the indicators read these, not the names
    an organisation gives its procedure types."""

    DOMICILIATION = "domiciliation", _("Domiciliation")
    IDENTITY = "identity", _("Papiers d'identité")
    HEALTH = "health", _("Couverture santé")
    FAMILY = "family", _("Prestations familiales")
    INCOME = "income", _("Minima sociaux")
    BANK = "bank", _("Compte bancaire")
    TAX = "tax", _("Impôts")
    EMPLOYMENT = "employment", _("Inscription à France Travail")
    TRANSPORT = "transport", _("Transport")
    MOBILITY = "mobility", _("Permis de conduire")
    SCHOOL = "school", _("Scolarité")
    OTHER = "other", _("Autre")


class ProcedureTypeQuerySet(models.QuerySet):
    def for_organisation(self, organisation_id: int | None) -> "ProcedureTypeQuerySet":
        """The types an organisation uses: its own, and the defaults it has not replaced with
        one of the same code."""
        own = self.filter(organisation_id=organisation_id).values("code")
        return self.filter(
            Q(organisation_id=organisation_id) | Q(organisation__isnull=True) & ~Q(code__in=own),
            active=True,
        )


class ProcedureType(models.Model):
    """A kind of procedure (AME, domiciliation…), with its usual validity and when to renew.
    Rows without an organisation are the defaults (accompaniment/data/procedure_types.csv);
    an organisation may add its own or replace a default by giving one the same code."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="procedure_types",
        verbose_name=_("organisation"),
        help_text=_("Vide : proposé à toutes les organisations."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=120)
    category = models.CharField(_("catégorie"), max_length=20, choices=ProcedureCategory.choices)
    validity_months = models.PositiveSmallIntegerField(
        _("validité (mois)"),
        null=True,
        blank=True,
        help_text=_("Vide : le droit ne s'arrête pas à une date connue d'avance."),
    )
    renew_before_days = models.PositiveSmallIntegerField(
        _("rappel de renouvellement (jours avant la fin)"), null=True, blank=True
    )
    # The field's facts about it: delays, conditions, what to do after a refusal.
    guidance = models.TextField(_("à savoir"), blank=True)
    # Shown in every person's grid, even without a procedure ("manquant").
    essential = models.BooleanField(_("dans la grille des droits"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=100)
    active = models.BooleanField(_("proposé"), default=True)

    objects = ProcedureTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("type de démarche")
        verbose_name_plural = _("types de démarches")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="procedure_type_code_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True),
                name="procedure_type_default_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureStatus(models.TextChoices):
    TO_START = "to_start", _("À commencer")
    FILED = "filed", _("Déposée")
    PENDING = "pending", _("En attente de réponse")
    OBTAINED = "obtained", _("Obtenue")
    REFUSED = "refused", _("Refusée")
    EXPIRED = "expired", _("Expirée")
    ABANDONED = "abandoned", _("Abandonnée")


# A procedure still under way: the grid shows it as "en cours".
OPEN_STATUSES = (ProcedureStatus.TO_START, ProcedureStatus.FILED, ProcedureStatus.PENDING)


class Procedure(models.Model):
    """One person's procedure of one type, from the first step to the decision and, for a right
    obtained, until it ends. A renewal is a new procedure (`renewal_of` the one it renews)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="procedures", verbose_name=_("personne")
    )
    type = models.ForeignKey(
        ProcedureType,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("démarche"),
    )
    status = models.CharField(
        _("état"), max_length=20, choices=ProcedureStatus.choices, default=ProcedureStatus.TO_START
    )
    filed_on = models.DateField(_("déposée le"), null=True, blank=True)
    decided_on = models.DateField(_("décision le"), null=True, blank=True)
    valid_from = models.DateField(_("valable du"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    # Who handles it: a partner organisation of MIA, or in the worker's words ("CCAS de Bondy").
    handler = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procedures_handled",
        verbose_name=_("organisme"),
    )
    handler_name = models.CharField(_("organisme (autre)"), max_length=150, blank=True)
    # The local action the procedure was part of, if any (accompaniment.models.actions).
    action = models.ForeignKey(
        "accompaniment.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("action locale"),
    )
    renewal_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renouvelle"),
    )
    # The reminder to renew, made once by accompaniment.tasks (a beat task run twice makes one).
    renewal_task = models.OneToOneField(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal_of_procedure",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("démarche d'accès aux droits")
        verbose_name_plural = _("démarches d'accès aux droits")
        ordering = ["type__position", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "type"]),
            models.Index(fields=["organisation", "status"]),
            # Rights that end: the renewal reminders and "ends within 30 days".
            models.Index(
                fields=["valid_until"],
                condition=Q(status="obtained"),
                name="procedure_obtained_until",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True)
                | Q(filed_on__isnull=True)
                | Q(decided_on__gte=F("filed_on")),
                name="procedure_decision_after_filing",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="procedure_validity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.type_id} ({self.status})"

    def is_valid_on(self, day: datetime.date) -> bool:
        """Obtained, started and not ended on `day` (an expired right reads expired the day
        after its last day)."""
        return (
            self.status == ProcedureStatus.OBTAINED
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )

    @property
    def handler_label(self) -> str:
        return str(self.handler) if self.handler_id else self.handler_name


class ProcedureChange(models.Model):
    """Each status a procedure went through: who, when, on which day it took effect."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(_("état"), max_length=20, choices=ProcedureStatus.choices)
    previous = models.CharField(
        _("état précédent"), max_length=20, choices=ProcedureStatus.choices, blank=True
    )
    on = models.DateField(_("le"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("changement d'état d'une démarche")
        verbose_name_plural = _("historique des démarches")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["procedure", "at"])]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.previous} → {self.status}"


class ObstacleKind(models.TextChoices):
    DOMICILIATION_REFUSED = "domiciliation_refused", _("Domiciliation refusée")
    SCHOOL_REFUSED = "school_refused", _("Inscription scolaire refusée par la mairie")
    BANK_REFUSED = "bank_refused", _("Ouverture de compte refusée")
    HEALTH_REFUSED = "health_refused", _("Couverture santé refusée")
    OTHER = "other", _("Autre refus")


class ObstacleFollowUp(models.TextChoices):
    NONE = "none", _("Aucune suite pour le moment")
    APPEAL = "appeal", _("Recours")
    MEDIATION = "mediation", _("Médiation")
    DEFENDER = "defender", _("Saisine du Défenseur des droits")
    SOLVED = "solved", _("Résolu")


class Obstacle(models.Model):
    """A refusal met in the access to a right (or to school): its kind, the body, the date and
    what was done about it, counted in the reports. `details` stays with the team."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="obstacles", verbose_name=_("personne")
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="obstacles",
        verbose_name=_("démarche"),
    )
    kind = models.CharField(_("refus"), max_length=30, choices=ObstacleKind.choices)
    # Who refused: "Mairie de Montreuil", "Banque X, agence de Bobigny".
    body = models.CharField(_("par"), max_length=150)
    occurred_on = models.DateField(_("le"))
    follow_up = models.CharField(
        _("suite donnée"),
        max_length=20,
        choices=ObstacleFollowUp.choices,
        default=ObstacleFollowUp.NONE,
    )
    follow_up_on = models.DateField(_("suite le"), null=True, blank=True)
    details = models.TextField(_("précisions"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("refus ou obstacle")
        verbose_name_plural = _("refus et obstacles")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "occurred_on"]),
            models.Index(fields=["organisation", "occurred_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("occurred_on")),
                name="obstacle_follow_up_after_refusal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.occurred_on}"
