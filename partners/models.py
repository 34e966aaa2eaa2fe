"""Consents and the shares they open. A partner organisation sees a person's file only through a
grant (a guardian object permission on Person given to the organisation's auth group), and every
grant names the consent that is its legal basis: withdrawing or expiring the consent ends it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from beneficiaries.models import Household, Person
from mia import permissions
from mia.fields import CodeListField
from mia.models import Organisation


class Section(models.TextChoices):
    """What a consent may share. Follow-up notes are never a section: they stay with the team."""

    IDENTITY = "identity", _("Identité et contact")
    RIGHTS = "rights", _("Accès aux droits")
    FRENCH = "french", _("Français")
    EMPLOYMENT = "employment", _("Emploi")
    HOUSING = "housing", _("Hébergement et logement")
    DOCUMENTS = "documents", _("Documents")


def section_codename(section: str) -> str:
    """The Django permission on Person (beneficiaries.Person.Meta.permissions) for a section."""
    return f"view_section_{section}"


def section_of(codename: str) -> str:
    return codename.removeprefix("view_section_")


class ConsentQuerySet(models.QuerySet):
    def valid(self, on: datetime.date | None = None) -> "ConsentQuerySet":
        """Given, not withdrawn, not expired on `on` (today in Paris by default)."""
        on = on or timezone.localdate()
        return self.filter(given_on__lte=on, withdrawn_on__isnull=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )

    def visible_to(self, user) -> "ConsentQuerySet":
        """The team sees the consents of its files; a partner the consents given to it."""
        if permissions.reads_person_files(user):
            return self.filter(person__organisation_id=user.organisation_id)
        if permissions.reads_shared_files(user):
            return self.filter(organisation_id=user.organisation_id)
        return self.none()


def _proof_path(consent: "Consent", filename: str) -> str:
    # The person's id, never a name; the original file name is dropped too.
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"consentements/{consent.person_id}/{timezone.now():%Y%m%d%H%M%S}.{suffix}"


class Consent(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("personne")
    )
    # Given by the head for the household: the members under 18 are covered too.
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("pour le ménage"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consents_received",
        verbose_name=_("organisation destinataire"),
    )
    purpose = models.CharField(_("objet du partage"), max_length=200)
    sections = CodeListField(_("parties partagées"), max_length=200, choices=Section.choices)
    given_on = models.DateField(_("donné le"))
    expires_on = models.DateField(_("expire le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enregistré par"),
    )
    # Private storage (MEDIA_ROOT is never served): downloaded through partners:consent_proof.
    proof = models.FileField(_("preuve du consentement"), upload_to=_proof_path, blank=True)
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retiré par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_given",
                violation_error_message=_("L'expiration ne peut précéder le consentement."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("Le retrait ne peut précéder le consentement."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_by__isnull=False),
                name="consent_withdrawal_has_author",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.organisation_id} ({self.given_on})"

    def is_valid(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.withdrawn_on is None
            and self.given_on <= on
            and (self.expires_on is None or self.expires_on >= on)
        )

    def get_sections_display(self) -> str:
        labels = dict(Section.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.sections)


# Guardian's direct foreign-key permission models: a grant joins Person by a real foreign key
# (indexed, typed) instead of the generic content-type + text id, so lists of 50,000 shares
# stay one indexed semi-join.


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grants")
    # The legal basis: deleting or withdrawing the consent ends the grant.
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="grants")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("partage d'une partie de dossier")
        verbose_name_plural = _("partages de parties de dossier")
        indexes = [models.Index(fields=["group", "content_object"])]
        # One row per consent rather than per (group, permission, person): two consents may
        # share the same section, and each keeps its own grant, so that withdrawing one leaves
        # the other's in place and merging two shared files moves both without a conflict.
        unique_together = []
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "permission", "content_object"], name="one_grant_per_consent"
            )
        ]


class PersonUserObjectPermission(UserObjectPermissionBase):
    """Unused (shares go to organisations), but makes guardian's shortcuts use direct foreign
    keys for Person on the user side too."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("permission individuelle sur un dossier")


# Referrals and documents live in their own modules; imported here so that Django registers them.
from partners.models_documents import Document, DocumentKind  # noqa: E402, F401
from partners.models_organisations import OrganisationContact  # noqa: E402, F401
from partners.models_referrals import (  # noqa: E402, F401
    OPEN_STATUSES,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
