"""Referrals (orientations): a worker sends a person to a partner organisation for a pathway;
the partner answers. Imported by partners/models.py so that Django registers the models."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Pathway, Person
from mia import permissions
from mia.audit import AuditedQuerySet
from mia.models import Organisation


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Envoyée")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    DONE = "done", _("Réalisée")
    CANCELLED = "cancelled", _("Annulée")


# Statuses from which each move is allowed: the partner answers an open referral, the sender
# cancels one that is not finished yet.
OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class ReferralQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "ReferralQuerySet":
        """The sending organisation's staff see its referrals; a partner those addressed to their
        organisation."""
        if permissions.reads_person_files(user):
            return self.filter(person__organisation_id=user.organisation_id)
        if permissions.answers_referrals(user):
            return self.filter(organisation_id=user.organisation_id)
        return self.none()

    def answerable_by(self, user) -> "ReferralQuerySet":
        if not permissions.answers_referrals(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def cancellable_by(self, user) -> "ReferralQuerySet":
        """Its sender, or a coordinator of the sending organisation."""
        if not permissions.sends_referrals(user):
            return self.none()
        mine = self.filter(person__organisation_id=user.organisation_id)
        return mine if permissions.edits_all_files(user) else mine.filter(created_by=user)

    def open(self) -> "ReferralQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Referral(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("personne")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("partenaire"),
    )
    pathway = models.CharField(_("parcours"), max_length=20, choices=Pathway.choices)
    reason = models.TextField(_("motif"), max_length=2000)
    status = models.CharField(
        _("statut"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="referrals_sent",
        verbose_name=_("envoyée par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("réponse de"),
    )
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    decline_reason = models.TextField(_("motif du refus"), max_length=2000, blank=True)
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)
    # The partner's answer beyond its status: a date they give the person, and a comment.
    partner_appointment_at = models.DateTimeField(
        _("rendez-vous proposé par le partenaire"), null=True, blank=True
    )
    partner_comment = models.TextField(
        _("réponse du partenaire"), max_length=2000, blank=True, db_default=""
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at"]),
            models.Index(fields=["created_by", "status", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""),
                name="referral_declined_has_reason",
                violation_error_message=_("Un refus est motivé."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DONE) | Q(done_on__isnull=False),
                name="referral_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Orientation {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralEvent(models.Model):
    """One change of status: a table rather than a JSON log on the referral, so that the
    history names its author by foreign key and can be listed and counted like any other."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("statut"), max_length=20, choices=ReferralStatus.choices)
    at = models.DateTimeField(_("le"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("commentaire"), blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("changement de statut d'une orientation")
        verbose_name_plural = _("historique des orientations")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status}"
