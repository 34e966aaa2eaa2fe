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
