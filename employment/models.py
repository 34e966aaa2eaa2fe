"""The employment pathway: employers (work-integration structures included), their job offers,
the people proposed for them with the history of each candidacy, contracts (with a PASS IAE
where there is one), trainings and job-readiness workshops.

"In employment on a day" and "had a contract in a year" are read from the contracts
(ContractQuerySet.running_on, .in_year), never typed."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accompaniment.models import CefrLevel
from beneficiaries.models import Commune, Person
from mia import permissions
from mia.audit import AuditedQuerySet
from mia.models import Organisation


class EmploymentQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The organisation's staff; a partner reads a person's employment through the
        person's page only (employment.views.person_employment), never these lists."""
        if not permissions.reads_employment(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)


# --- Employers and offers --------------------------------------------------------------------


class EmployerKind(models.TextChoices):
    COMPANY = "company", _("Entreprise")
    ACI = "aci", _("SIAE — atelier et chantier d'insertion (ACI)")
    EI = "ei", _("SIAE — entreprise d'insertion (EI)")
    AI = "ai", _("SIAE — association intermédiaire (AI)")
    ETTI = "etti", _("SIAE — entreprise de travail temporaire d'insertion (ETTI)")
    EITI = "eiti", _("SIAE — entreprise d'insertion par le travail indépendant (EITI)")
    GEIQ = "geiq", _("GEIQ")
    PUBLIC = "public", _("Employeur public")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Autre")


SIAE_KINDS = (
    EmployerKind.ACI,
    EmployerKind.EI,
    EmployerKind.AI,
    EmployerKind.ETTI,
    EmployerKind.EITI,
)


class Employer(models.Model):
    """An employer the team works with. `partner`: its organisation in MIA when it has
    accounts (a partner that reads what people share with it, nothing more)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=20, choices=EmployerKind.choices)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("organisation partenaire"),
    )
    contact = models.TextField(_("contact"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("employeur")
        verbose_name_plural = _("employeurs")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_siae(self) -> bool:
        return self.kind in SIAE_KINDS


class ContractType(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    CDDI = "cddi", _("CDDI (contrat d'insertion)")
    CDD_USAGE = "cdd_usage", _("CDD d'usage")
    INTERIM = "interim", _("Intérim")
    PEC = "pec", _("PEC (contrat aidé)")
    APPRENTICESHIP = "apprenticeship", _("Apprentissage")
    PROFESSIONALISATION = "professionalisation", _("Contrat de professionnalisation")
    OTHER = "other", _("Autre")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    FILLED = "filled", _("Pourvue")
    CLOSED = "closed", _("Fermée")


class JobOffer(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="offers", verbose_name=_("employeur")
    )
    title = models.CharField(_("poste"), max_length=150)
    place = models.CharField(_("lieu"), max_length=150, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    contract_type = models.CharField(
        _("type de contrat"), max_length=20, choices=ContractType.choices
    )
    weekly_hours = models.DecimalField(
        _("heures par semaine"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    published_on = models.DateField(_("publiée le"), default=datetime.date.today)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    min_french_level = models.CharField(
        _("niveau de français minimum"), max_length=10, choices=CefrLevel.choices, blank=True
    )
    driving_licence = models.BooleanField(_("permis de conduire exigé"), default=False)
    requirements = models.TextField(_("autres exigences"), max_length=1000, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre d'emploi")
        verbose_name_plural = _("offres d'emploi")
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "published_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="job_offer_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


# --- Candidacies -----------------------------------------------------------------------------


class CandidacyStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    INTERVIEW = "interview", _("Entretien")
    HIRED = "hired", _("Embauchée")
    NOT_RETAINED = "not_retained", _("Non retenue")


class NotRetainedReason(models.TextChoices):
    DID_NOT_COME = "did_not_come", _("Ne s'est pas présentée")
    NOT_MOBILE = "not_mobile", _("Pas mobile")
    FRENCH_LEVEL = "french_level", _("Niveau de français")
    LACKING_SKILLS = "lacking_skills", _("Compétences manquantes")
    HIRED_ELSEWHERE = "hired_elsewhere", _("Embauchée ailleurs")
    NOT_INTERESTED = "not_interested", _("Pas intéressée")
    POSITION_FILLED = "position_filled", _("Poste pourvu")
    OTHER = "other", _("Autre")


class Candidacy(models.Model):
    """A person proposed for an offer by a social worker (never automatically), with the
    status it stands at; its history is in CandidacyChange."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(
        JobOffer, on_delete=models.CASCADE, related_name="candidacies", verbose_name=_("offre")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="candidacies", verbose_name=_("personne")
    )
    status = models.CharField(
        _("état"),
        max_length=20,
        choices=CandidacyStatus.choices,
        default=CandidacyStatus.PROPOSED,
    )
    reason = models.CharField(
        _("motif"), max_length=20, choices=NotRetainedReason.choices, blank=True
    )
    proposed_on = models.DateField(_("proposée le"))
    changed_on = models.DateField(_("depuis le"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-changed_on", "-pk"]
        indexes = [models.Index(fields=["person", "changed_on"])]
        constraints = [
            models.UniqueConstraint(fields=["offer", "person"], name="candidacy_once_per_offer"),
            models.CheckConstraint(
                condition=Q(status="not_retained") | Q(reason=""),
                name="candidacy_reason_only_when_not_retained",
            ),
            models.CheckConstraint(
                condition=Q(changed_on__gte=models.F("proposed_on")),
                name="candidacy_changed_after_proposed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.offer_id} ({self.status})"

    @property
    def status_label(self) -> str:
        if self.status == CandidacyStatus.NOT_RETAINED and self.reason:
            return f"{self.get_status_display()} : {self.get_reason_display().lower()}"
        return self.get_status_display()


class CandidacyChange(models.Model):
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(_("état"), max_length=20, choices=CandidacyStatus.choices)
    previous = models.CharField(
        _("état précédent"), max_length=20, choices=CandidacyStatus.choices, blank=True
    )
    reason = models.CharField(
        _("motif"), max_length=20, choices=NotRetainedReason.choices, blank=True
    )
    on = models.DateField(_("le"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("changement d'état d'une candidature")
        verbose_name_plural = _("historique des candidatures")
        ordering = ["-on", "-at", "-pk"]
        indexes = [models.Index(fields=["candidacy", "on"])]

    def __str__(self) -> str:
        return f"{self.candidacy_id} {self.previous} → {self.status}"


# --- Contracts -------------------------------------------------------------------------------


def _running_on(day: datetime.date, prefix: str = "") -> Q:
    """Started on or before `day`, not ended before it: the actual end when recorded, else the
    planned end (a contract without either runs on)."""
    p = prefix
    return Q(**{f"{p}starts_on__lte": day}) & (
        Q(**{f"{p}ended_on__gte": day})
        | Q(**{f"{p}ended_on__isnull": True})
        & (Q(**{f"{p}planned_end__isnull": True}) | Q(**{f"{p}planned_end__gte": day}))
    )


def _overlapping(start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """Running on at least one day from `start` to `end`."""
    p = prefix
    return Q(**{f"{p}starts_on__lte": end}) & (
        Q(**{f"{p}ended_on__gte": start})
        | Q(**{f"{p}ended_on__isnull": True})
        & (Q(**{f"{p}planned_end__isnull": True}) | Q(**{f"{p}planned_end__gte": start}))
    )


class ContractQuerySet(EmploymentQuerySet):
    def running_on(self, day: datetime.date) -> "ContractQuerySet":
        return self.filter(_running_on(day))

    def overlapping(self, start: datetime.date, end: datetime.date) -> "ContractQuerySet":
        return self.filter(_overlapping(start, end))

    def in_year(self, year: int) -> "ContractQuerySet":
        return self.overlapping(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


class Contract(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("personne")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("employeur")
    )
    # The hire it came from, if any.
    candidacy = models.OneToOneField(
        Candidacy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contract",
        verbose_name=_("candidature"),
    )
    contract_type = models.CharField(
        _("type de contrat"), max_length=20, choices=ContractType.choices
    )
    job_title = models.CharField(_("poste"), max_length=150, blank=True)
    starts_on = models.DateField(_("début"))
    planned_end = models.DateField(_("fin prévue"), null=True, blank=True)
    ended_on = models.DateField(_("fin effective"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("heures par semaine"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    pass_iae_number = models.CharField(_("numéro de PASS IAE"), max_length=20, blank=True)
    pass_iae_start = models.DateField(_("PASS IAE : début"), null=True, blank=True)
    pass_iae_end = models.DateField(_("PASS IAE : fin"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contrat de travail")
        verbose_name_plural = _("contrats de travail")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "starts_on"]),
            models.Index(fields=["organisation", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=models.F("starts_on")),
                name="contract_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(pass_iae_end__isnull=True)
                | Q(pass_iae_start__isnull=True)
                | Q(pass_iae_end__gte=models.F("pass_iae_start")),
                name="contract_pass_iae_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.contract_type} {self.starts_on}"

    @property
    def end(self) -> datetime.date | None:
        """The day it ends: the actual end when recorded, else the planned one."""
        return self.ended_on or self.planned_end

    def is_running_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.end is None or day <= self.end)


# --- Trainings and workshops -----------------------------------------------------------------


class TrainingOutcome(models.TextChoices):
    ONGOING = "ongoing", _("En cours")
    COMPLETED = "completed", _("Terminée")
    CERTIFIED = "certified", _("Certifiée / diplômante obtenue")
    DROPPED = "dropped", _("Abandonnée")


class Training(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("personne")
    )
    title = models.CharField(_("formation"), max_length=150)
    qualifying = models.BooleanField(_("qualifiante"), default=False)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings_given",
        verbose_name=_("organisme"),
    )
    provider_name = models.CharField(_("organisme (autre)"), max_length=150, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    hours = models.DecimalField(_("heures"), max_digits=6, decimal_places=1, null=True, blank=True)
    outcome = models.CharField(
        _("issue"), max_length=20, choices=TrainingOutcome.choices, default=TrainingOutcome.ONGOING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["person", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="training_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def provider_label(self) -> str:
        return str(self.provider) if self.provider_id else self.provider_name


class WorkshopKind(models.TextChoices):
    CV = "cv", _("CV")
    INTERVIEW = "interview", _("Préparation à l'entretien")
    OTHER = "other", _("Autre atelier")


class Workshop(models.Model):
    """A job-readiness workshop a person was registered for, and whether they came."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("personne")
    )
    kind = models.CharField(_("atelier"), max_length=20, choices=WorkshopKind.choices)
    title = models.CharField(_("intitulé"), max_length=150, blank=True)
    held_on = models.DateField(_("le"))
    attended = models.BooleanField(_("présente"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier vers l'emploi")
        verbose_name_plural = _("ateliers vers l'emploi")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["person", "held_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.held_on}"
