"""Documents (identity papers, letters…) attached to a person or a household. Imported by
partners/models.py so that Django registers the model.

Files are stored under MEDIA_ROOT with a random name and never served under a public URL: the
only way out is partners.views_documents.document_download, which checks permission."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Household, Person
from mia import permissions
from mia.audit import AuditedQuerySet


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Pièce d'identité ou titre de séjour")
    CAF = "caf", _("Courrier de la CAF")
    FRANCE_TRAVAIL = "france_travail", _("Courrier de France Travail")
    PREFECTURE = "prefecture", _("Courrier de la préfecture")
    HEALTH_COVER = "health_cover", _("Couverture santé")
    SCHOOL = "school", _("Scolarité")
    HOUSING = "housing", _("Hébergement et logement")
    CV = "cv", _("CV")
    DOMICILIATION = "domiciliation", _("Attestation de domiciliation")
    TAX_NOTICE = "tax_notice", _("Avis d'imposition")
    RIB = "rib", _("RIB (relevé d'identité bancaire)")
    EMPLOYMENT_CONTRACT = "employment_contract", _("Contrat de travail")
    PAYSLIP = "payslip", _("Bulletin de salaire")
    CSS = "css", _("Attestation Complémentaire santé solidaire (CSS)")
    NAVIGO = "navigo", _("Attestation Navigo (solidarité transport)")
    OTHER = "other", _("Autre (préciser)")


def document_path(instance: "Document", filename: str) -> str:
    # `filename` is already random (partners.files.random_name): nothing personal in storage.
    return f"documents/{filename}"


class DocumentQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "DocumentQuerySet":
        """Staff of the owning organisation; partners only the documents of the persons whose
        `documents` section is shared with their organisation. Managers none: they read
        figures, not papers."""
        if not permissions.reads_documents(user):
            return self.none()
        if permissions.reads_person_files(user):
            return self.filter(
                Q(person__organisation_id=user.organisation_id)
                | Q(household__organisation_id=user.organisation_id)
            )
        if permissions.reads_documents(user):
            # Imported here: partners.models imports this module at its end.
            from partners.models import Section, section_codename
            from partners.sharing import grants_of

            # A partner: the papers of the persons who shared their documents section under
            # a valid consent. A household's papers are never shared as such: they may
            # concern adults of the household who did not consent.
            shared = grants_of(user).filter(
                permission__codename=section_codename(Section.DOCUMENTS)
            )
            return self.filter(person__in=shared.order_by().values("content_object_id"))
        return self.none()


class Document(models.Model):
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("personne"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("ménage"),
    )
    # The rights procedure the paper belongs to (the AME decision, the domiciliation), if any.
    procedure = models.ForeignKey(
        "accompaniment.Procedure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("démarche"),
    )
    kind = models.CharField(_("type de document"), max_length=20, choices=DocumentKind.choices)
    # For "other": what the paper is, in the worker's words ("Attestation d'hébergement").
    title = models.CharField(_("intitulé"), max_length=120, blank=True, db_default="")
    dated_on = models.DateField(_("date du document"), null=True, blank=True)
    file = models.FileField(_("fichier"), upload_to=document_path, max_length=200)
    # Of the name the file had on the phone, only its checked type is kept.
    extension = models.CharField(max_length=10, editable=False)
    content_type = models.CharField(max_length=50, editable=False)
    size = models.PositiveIntegerField(_("taille (octets)"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="document_of_person_or_household",
            ),
        ]

    def __str__(self) -> str:
        return f"Document {self.pk}"

    @property
    def label(self) -> str:
        """What staff and partners read: the kind, or the title a worker gave an "other"."""
        if self.kind == DocumentKind.OTHER and self.title:
            return self.title
        return self.get_kind_display()

    @property
    def download_name(self) -> str:
        """The name the browser saves it under: its kind, date and id, never the person."""
        date = self.dated_on.isoformat() if self.dated_on else "sans-date"
        return f"document-{self.pk}-{self.kind}-{date}.{self.extension}"
