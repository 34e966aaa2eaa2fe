import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Pathway, Person
from mia import permissions
from mia.audit import AuditedQuerySet
from mia.fields import CodeListField
from mia.models import Organisation


class Place(models.TextChoices):
    ON_SITE = "on_site", _("Sur le lieu de vie")
    OFFICE = "office", _("Au bureau")
    PHONE = "phone", _("Par téléphone")
    HOME_VISIT = "home_visit", _("Visite à domicile")
    PARTNER = "partner_premises", _("Chez un partenaire")


class NotesQuerySet(AuditedQuerySet):
    """Follow-ups and tasks carry free text: only the people doing the accompaniment read them."""

    def visible_to(self, user):
        if not permissions.reads_notes(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)


class FollowUp(models.Model):
    """An entretien or a visit: logged from one person's file, it may concern other members of
    the household who were present (`participants` always includes `person`)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("personne")
    )
    participants = models.ManyToManyField(
        Person, related_name="follow_ups_attended", verbose_name=_("présent·es")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="follow_ups",
        verbose_name=_("par"),
    )
    date = models.DateField(_("date"), default=datetime.date.today)
    place = models.CharField(_("lieu"), max_length=20, choices=Place.choices)
    pathways = CodeListField(
        _("parcours abordés"), max_length=200, choices=Pathway.choices, blank=True, default=list
    )
    note = models.TextField(_("note"), max_length=4000, blank=True)
    # The local action the follow-up was part of, if any (accompaniment.models.actions).
    action = models.ForeignKey(
        "accompaniment.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("action locale"),
    )
    # The one-time token of the form that created it: the same form posted again (a resend on
    # a poor network, a double tap) finds this row instead of adding one. None before issue 14.
    token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NotesQuerySet.as_manager()

    class Meta:
        verbose_name = _("entretien")
        verbose_name_plural = _("entretiens")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["person", "date"]),
            models.Index(fields=["organisation", "date"]),
        ]
        constraints = [
            # Two copies of one post at the same instant: the database keeps one.
            models.UniqueConstraint(fields=["token"], name="followup_token_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} ({self.place})"

    def get_pathways_display(self) -> str:
        labels = dict(Pathway.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.pathways)


class Task(models.Model):
    """Something to do by a date: a follow-up's next step, or a reminder."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("personne")
    )
    title = models.CharField(_("à faire"), max_length=200)
    pathway = models.CharField(_("parcours"), max_length=20, choices=Pathway.choices, blank=True)
    due_on = models.DateField(_("pour le"))
    done_on = models.DateField(_("fait le"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("qui"),
    )
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    # The rights procedure whose next step it is (accompaniment.models.rights).
    procedure = models.ForeignKey(
        "accompaniment.Procedure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("démarche"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotesQuerySet.as_manager()

    class Meta:
        verbose_name = _("tâche")
        verbose_name_plural = _("tâches")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["assigned_to", "done_on", "due_on"]),
            models.Index(fields=["person", "due_on"]),
            # Open tasks are a small part of all tasks: the board counts the overdue ones.
            models.Index(
                fields=["organisation", "due_on"],
                condition=Q(done_on__isnull=True),
                name="task_open_by_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Pas commencé")
    IN_PROGRESS = "in_progress", _("En cours")
    ACHIEVED = "achieved", _("Atteint")
    ABANDONED = "abandoned", _("Abandonné")


class PlanQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        if not permissions.reads_person_files(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)


class Goal(models.Model):
    """A goal of the projet personnalisé, on one pathway, reached through steps."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="goals", verbose_name=_("personne")
    )
    pathway = models.CharField(_("parcours"), max_length=20, choices=Pathway.choices)
    title = models.CharField(_("objectif"), max_length=200)
    status = models.CharField(
        _("état"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    # When the goal was achieved or abandoned: the report counts goals reached in a period.
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["pathway", "created_at", "pk"]
        indexes = [models.Index(fields=["person", "pathway"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[GoalStatus.ACHIEVED, GoalStatus.ABANDONED])
                | Q(closed_on__isnull=True),
                name="goal_closed_only_when_done",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Step(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("étape"), max_length=200)
    who = models.CharField(
        _("qui"),
        max_length=100,
        blank=True,
        help_text=_("La personne, le·la référent·e, un partenaire…"),
    )
    due_on = models.DateField(_("pour le"), null=True, blank=True)
    done_on = models.DateField(_("faite le"), null=True, blank=True)
    # The follow-up whose "next step" it was, if any.
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="steps"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["goal", "done_on"])]

    def __str__(self) -> str:
        return self.title


class PlanChange(models.Model):
    """History of the projet personnalisé: who changed which goal or step, and how."""

    class Action(models.TextChoices):
        CREATED = "created", _("créé")
        UPDATED = "updated", _("modifié")
        DELETED = "deleted", _("supprimé")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="changes")
    step_id_value = models.PositiveBigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    # {"field": [old, new]}, with values as shown to users.
    changes = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("modification du projet")
        verbose_name_plural = _("historique du projet")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.action} {self.at:%Y-%m-%d}"


# --- Appointments (rendez-vous) ----------------------------------------------------------------


class AppointmentPlace(models.TextChoices):
    SITE = "site", _("Sur le lieu de vie")
    OFFICE = "office", _("Au bureau de l'association")
    PARTNER = "partner", _("Chez un partenaire (CAF, CCAS, France Travail…)")
    SCHOOL = "school", _("À l'école")
    OTHER = "other", _("Autre adresse")


class ToBring(models.TextChoices):
    """The papers an appointment slip asks for: a short list, each translated on the slip."""

    IDENTITY = "identity", _("Pièce d'identité ou passeport")
    RESIDENCE_PERMIT = "residence_permit", _("Titre de séjour ou récépissé")
    DOMICILIATION = "domiciliation", _("Attestation de domiciliation")
    HEALTH_CARD = "health_card", _("Carte Vitale ou attestation de droits santé")
    CAF = "caf", _("Courriers de la CAF")
    TAX_NOTICE = "tax_notice", _("Avis d'imposition")
    RIB = "rib", _("RIB (relevé d'identité bancaire)")
    PAYSLIPS = "payslips", _("Bulletins de salaire")
    CV = "cv", _("CV")
    FAMILY_BOOK = "family_book", _("Livret de famille ou actes de naissance")
    SCHOOL = "school", _("Certificat de scolarité")
    PHOTOS = "photos", _("Photos d'identité")


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    DONE = "done", _("Honoré")
    MISSED = "missed", _("Non honoré")
    CANCELLED = "cancelled", _("Annulé")


class Appointment(models.Model):
    """A rendez-vous with a date, a time and a place: the person meets the worker, or goes to a
    partner's office (the worker then books it and may not attend)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("personne")
    )
    # The worker who books it and follows it up: their week and their calendar feed show it.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("suivi par"),
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("heure"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=60)
    place = models.CharField(_("lieu"), max_length=20, choices=AppointmentPlace.choices)
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments_hosted",
        verbose_name=_("partenaire"),
    )
    # As printed on the slip: the building, the street, the floor.
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    # Whom to ask for at the desk ("Mme Diallo, accueil CCAS"): printed on the slip.
    contact = models.CharField(_("demander"), max_length=150, blank=True)
    pathway = models.CharField(_("parcours"), max_length=20, choices=Pathway.choices, blank=True)
    # The team's own words (never printed on the slip, never in the calendar feed).
    purpose = models.CharField(_("objet"), max_length=200, blank=True)
    to_bring = CodeListField(
        _("documents à apporter"), max_length=300, choices=ToBring.choices, blank=True, default=list
    )
    status = models.CharField(
        _("état"),
        max_length=20,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.PLANNED,
    )
    follow_up = models.ForeignKey(
        FollowUp,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["date", "time", "pk"]
        indexes = [
            models.Index(fields=["person", "date"]),
            models.Index(
                fields=["worker", "date", "time"],
                condition=Q(status="planned"),
                name="appointment_planned_by_worker",
            ),
            models.Index(fields=["organisation", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.time:%H:%M}"

    def get_to_bring_display(self) -> str:
        labels = dict(ToBring.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.to_bring)


class CalendarFeed(models.Model):
    """A worker's secret iCalendar address: whoever holds the URL reads the times and places
    of their appointments (never a name), so it can be replaced at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda partagé")
        verbose_name_plural = _("agendas partagés")

    def __str__(self) -> str:
        return f"{self.user_id}"


# --- Transfers, covers, notices ----------------------------------------------------------------


class Transfer(models.Model):
    """A change of referent made by a coordinator: who, from whom, to whom, why, and what work
    (open tasks, future appointments) went with the people."""

    class Scope(models.TextChoices):
        PERSON = "person", _("Une personne")
        HOUSEHOLD = "household", _("Un ménage")
        SITE = "site", _("Un lieu de vie")
        REFERENT = "referent", _("Un portefeuille")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("portée"), max_length=20, choices=Scope.choices)
    from_referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ancien·ne référent·e"),
    )
    to_referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="transfers_received",
        verbose_name=_("nouveau·elle référent·e"),
    )
    on = models.DateField(_("date"), default=datetime.date.today)
    reason = models.CharField(_("motif"), max_length=300)
    people = models.ManyToManyField(Person, related_name="transfers", verbose_name=_("personnes"))
    tasks_moved = models.PositiveIntegerField(default=0)
    appointments_moved = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfert")
        verbose_name_plural = _("transferts")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scope} {self.on}"


class Cover(models.Model):
    """While a referent is away, a colleague sees their week (tasks, steps, appointments, people
    to see again) until a date."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="covers",
        verbose_name=_("référent·e absent·e"),
    )
    covering = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="covering",
        verbose_name=_("remplacé·e par"),
    )
    starts_on = models.DateField(_("à partir du"), default=datetime.date.today)
    ends_on = models.DateField(_("jusqu'au"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remplacement")
        verbose_name_plural = _("remplacements")
        ordering = ["-ends_on", "-pk"]
        indexes = [models.Index(fields=["covering", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="cover_ends_after_start",
                violation_error_message=_("La fin ne peut précéder le début."),
            ),
            models.CheckConstraint(
                condition=~Q(absent=models.F("covering")),
                name="cover_not_oneself",
                violation_error_message=_("Une personne ne se remplace pas elle-même."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absent_id} → {self.covering_id} ({self.ends_on})"


class NoticeKind(models.TextChoices):
    TRANSFER = "transfer", _("Dossier transféré")
    REFERRAL_ANSWERED = "referral_answered", _("Réponse à une orientation")
    REFERRAL_RECEIVED = "referral_received", _("Orientation reçue")
    CONSENT_EXPIRING = "consent_expiring", _("Consentement bientôt expiré")
    APPOINTMENT_TOMORROW = "appointment_tomorrow", _("Rendez-vous demain")
    COVER = "cover", _("Remplacement")


class Notice(models.Model):
    """A notification inside MIA (the bell). The text is built when shown, from the kind and
    the ids: nothing personal is stored here, and e-mails never carry it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The page the notice opens (ids only), and a count for grouped notices (a transfer of 40).
    url = models.CharField(max_length=300, blank=True)
    count = models.PositiveIntegerField(default=1)
    # Nightly notices are made once per subject: "consent_expiring:123", "appointment:456".
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notice_unread_by_user",
            ),
            models.Index(fields=["user", "-created_at"], name="notice_by_user"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notice_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
