"""Learning French: courses given by partner organisations, who is enrolled, who came to each
class (hours attended are derived from the ticks, never typed), levels on the CEFR scale and
certifications."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accompaniment.models.daily import PlanQuerySet
from beneficiaries.models import Person
from mia import permissions
from mia.models import Organisation


class CourseKind(models.TextChoices):
    ASL = "asl", _("Atelier sociolinguistique (ASL)")
    FLE = "fle", _("Cours de français langue étrangère (FLE)")
    LITERACY = "literacy", _("Alphabétisation")
    VOCATIONAL = "vocational", _("Français à visée professionnelle")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class CourseQuerySet(PlanQuerySet):
    def visible_to(self, user):
        """The organisation's courses; a partner's user (a trainer), the courses their
        organisation gives."""
        if permissions.reads_shared_files(user):
            return self.filter(provider_id=user.organisation_id)
        return super().visible_to(user)


class Course(models.Model):
    """A course a partner organisation gives, which the programme's people attend."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="courses_given",
        verbose_name=_("organisme"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=CourseKind.choices)
    name = models.CharField(_("intitulé"), max_length=150)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    hours_per_class = models.DecimalField(
        _("heures par séance"), max_digits=4, decimal_places=2, default=Decimal("2.00")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("cours de français")
        verbose_name_plural = _("cours de français")
        ordering = ["-starts_on", "name", "pk"]
        indexes = [models.Index(fields=["organisation", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="course_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_class__gt=0), name="course_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def runs_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class CourseSlot(models.Model):
    """The weekly schedule: one row per weekday the course meets."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    starts_at = models.TimeField(_("de"))
    ends_at = models.TimeField(_("à"))

    class Meta:
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        ordering = ["weekday", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="course_slot_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class LearnerStatus(models.TextChoices):
    WAITING = "waiting", _("Liste d'attente")
    ENROLLED = "enrolled", _("Inscrit·e")
    COMPLETED = "completed", _("A terminé le cours")
    DROPPED = "dropped", _("A abandonné")


class DropReason(models.TextChoices):
    WORK = "work", _("Emploi ou formation")
    MOVED = "moved", _("Déménagement ou expulsion")
    CHILDCARE = "childcare", _("Garde d'enfants")
    HEALTH = "health", _("Santé")
    LEVEL = "level", _("Niveau inadapté")
    LOST = "lost", _("Perdu·e de vue")
    OTHER = "other", _("Autre raison")


class Learner(models.Model):
    """A person's enrolment in a course."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="learners", verbose_name=_("cours")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="course_enrolments",
        verbose_name=_("personne"),
    )
    status = models.CharField(
        _("état"), max_length=20, choices=LearnerStatus.choices, default=LearnerStatus.ENROLLED
    )
    enrolled_on = models.DateField(_("inscrit·e le"))
    left_on = models.DateField(_("sorti·e le"), null=True, blank=True)
    drop_reason = models.CharField(
        _("raison de l'abandon"), max_length=20, choices=DropReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inscription à un cours")
        verbose_name_plural = _("inscriptions aux cours")
        ordering = ["course", "person__last_name", "person__first_name", "pk"]
        indexes = [models.Index(fields=["person", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="learner_once_per_course"),
            models.CheckConstraint(
                condition=Q(status=LearnerStatus.DROPPED) | Q(drop_reason=""),
                name="learner_drop_reason_only_when_dropped",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("enrolled_on")),
                name="learner_leaves_after_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.course_id} ({self.status})"


class ClassSession(models.Model):
    """One class of a course, on one date: its attendance sheet."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    # The course's hours per class unless this class was shorter or longer.
    hours = models.DecimalField(_("durée (heures)"), max_digits=4, decimal_places=2)
    cancelled = models.BooleanField(_("séance annulée"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["course", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "date"], name="class_session_once_a_day"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="class_session_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.date}"


class Attendance(models.Model):
    """A tick on the sheet: one row per learner and class, so that two people ticking the same
    sheet at once each keep their ticks."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("personne")
    )
    present = models.BooleanField(_("présent·e"), default=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_class")
        ]
        indexes = [models.Index(fields=["person", "session"])]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.session_id}: {self.present}"


class CefrLevel(models.TextChoices):
    """The CEFR scale as used in France, from a person who does not read yet."""

    A0 = "a0", _("A0 / non-lecteur")
    A1_1 = "a1_1", _("A1.1")
    A1 = "a1", _("A1")
    A2 = "a2", _("A2")
    B1 = "b1", _("B1")
    B2 = "b2", _("B2")
    C1 = "c1", _("C1")


# A level's place on the scale: a gain is a higher rank on the same skill.
CEFR_RANK = {level: rank for rank, level in enumerate(CefrLevel.values)}


class Skill(models.TextChoices):
    ORAL = "oral", _("Oral")
    WRITTEN = "written", _("Écrit")
    OVERALL = "overall", _("Global")


class Assessment(models.Model):
    """A level assessed on a date, for one skill, by someone (a trainer, an organisation)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("personne")
    )
    assessed_on = models.DateField(_("évalué·e le"))
    skill = models.CharField(_("compétence"), max_length=10, choices=Skill.choices)
    level = models.CharField(_("niveau"), max_length=10, choices=CefrLevel.choices)
    assessor = models.CharField(_("par"), max_length=150)
    course = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("cours"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation de niveau")
        verbose_name_plural = _("évaluations de niveau")
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["person", "skill", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.skill} {self.level} ({self.assessed_on})"

    @property
    def rank(self) -> int:
        return CEFR_RANK[self.level]


class CertificationKind(models.TextChoices):
    DILF = "dilf", _("DILF (A1.1)")
    DELF_A1 = "delf_a1", _("DELF A1")
    DELF_A2 = "delf_a2", _("DELF A2")
    DELF_B1 = "delf_b1", _("DELF B1")
    DELF_B2 = "delf_b2", _("DELF B2")
    TCF = "tcf", _("TCF")


class CertificationResult(models.TextChoices):
    PENDING = "pending", _("Résultat attendu")
    PASSED = "passed", _("Réussi")
    FAILED = "failed", _("Non obtenu")


class Certification(models.Model):
    """A French diploma or test taken: DILF, DELF, or the TCF (whose result is a level)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("personne"),
    )
    kind = models.CharField(_("diplôme ou test"), max_length=10, choices=CertificationKind.choices)
    taken_on = models.DateField(_("passé le"))
    result = models.CharField(
        _("résultat"),
        max_length=10,
        choices=CertificationResult.choices,
        default=CertificationResult.PENDING,
    )
    # The TCF gives a level rather than a pass.
    level = models.CharField(
        _("niveau obtenu"), max_length=10, choices=CefrLevel.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-taken_on", "-pk"]
        indexes = [models.Index(fields=["person", "taken_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} ({self.taken_on})"
