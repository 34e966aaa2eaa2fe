from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mia.fields import IdListField


class OrganisationKind(models.TextChoices):
    OPERATOR = "operator", _("Association opératrice du programme")
    STATE_SERVICE = "state_service", _("Service de l'État")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
    EMPLOYER = "employer", _("Employeur")
    SIAE = "siae", _("Structure d'insertion par l'activité économique")
    TRAINING = "training", _("Organisme de formation")
    HOUSING = "housing", _("Opérateur d'hébergement ou de logement")
    ASSOCIATION = "association", _("Association partenaire")
    HEALTH = "health", _("Structure de santé")


class Organisation(models.Model):
    """Every user and every file belongs to one. Operators run the programme and own the files of
    the people they support; the other kinds are partners, who only see what is shared with them."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    email = models.EmailField(_("courriel de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    follow_up_alert_weeks = models.PositiveSmallIntegerField(
        _("alerte sans suivi après (semaines)"),
        default=4,
        help_text=_("Une personne sans entretien depuis ce nombre de semaines est signalée."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # The auth group that receives a partner organisation's shares (partners.services
    # .organisation_group creates it); its partner users are its members.
    group = models.OneToOneField(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisation",
        editable=False,
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_operator(self) -> bool:
        return self.kind == OrganisationKind.OPERATOR


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Travailleur·se social·e")
    COORDINATOR = "coordinator", _("Coordinateur·rice")
    PARTNER = "partner", _("Partenaire")
    MANAGER = "manager", _("Responsable")
    ADMINISTRATOR = "administrator", _("Administrateur·rice")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: logs in by e-mail, belongs to one organisation, has one role."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organisation"),
        null=True,  # only for superusers created from the command line
        blank=True,
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # Unread notices (accompaniment.Notice), kept here so that the bell on every page costs
    # no query: request.user is loaded anyway. Changed only by accompaniment.notices.
    unread_notices = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_known"),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(is_superuser=True),
                name="user_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class AuditAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    DOWNLOAD = "download", _("Téléchargement")
    EXPORT = "export", _("Export")
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")
    BULK_CREATE = "bulk_create", _("Création en masse")
    BULK_UPDATE = "bulk_update", _("Modification en masse")
    IMPORT = "import", _("Import")


class AuditEntry(models.Model):
    """One read or one change of a file, for "who looked at or changed this file" (mia.audit).
    Objects are named by ids only, so that an entry outlives the row and holds no names; the
    user id is copied so that an entry still says who once the account is deleted."""

    at = models.DateTimeField(_("le"), default=timezone.now)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_id_value = models.PositiveBigIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    app_label = models.CharField(max_length=50)
    model = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.PositiveBigIntegerField(null=True, blank=True)
    household_id = models.PositiveBigIntegerField(null=True, blank=True)
    section = models.CharField(_("rubrique"), max_length=30, blank=True)
    # {field: [old, new]}; free text is replaced by "modifié" (settings.AUDITED_MODELS).
    changes = models.JSONField(default=dict, blank=True)
    # A list read (a search, a caseload, a site's households): every file shown, in one row.
    person_ids = IdListField(default=list, blank=True)
    household_ids = IdListField(default=list, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("trace d'accès")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["person_id", "at"], name="audit_person_at"),
            models.Index(fields=["household_id", "at"], name="audit_household_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id_value} {self.action} {self.model}"


class SecurityEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("Connexion")
    SIGN_IN_FAILED = "sign_in_failed", _("Échec de connexion")
    MFA_FAILED = "mfa_failed", _("Code de double authentification refusé")
    RATE_LIMITED = "rate_limited", _("Trop d'essais : bloqué")
    PERMISSION_DENIED = "permission_denied", _("Accès refusé")
    SESSIONS_ENDED = "sessions_ended", _("Sessions fermées par l'administration")
    ACCOUNT_DISABLED = "account_disabled", _("Compte désactivé")


class SecurityEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An association's administrator reads the events of their organisation's accounts;
        the instance's superuser (no organisation) those tied to no association: addresses
        that match no account, rate limits of visitors who had not signed in."""
        if user.organisation_id is None:
            return self.filter(organisation__isnull=True)
        return self.filter(organisation_id=user.organisation_id)


class SecurityEvent(models.Model):
    """A sign-in, a refusal, a lock-out, sessions ended (mia.security). No personal data: the
    account by id, never the address typed nor a name, the path without its query string, and
    no IP address (it would make the log a record of where each worker connects from)."""

    at = models.DateTimeField(_("le"), default=timezone.now)
    kind = models.CharField(_("événement"), max_length=30, choices=SecurityEventKind.choices)
    # The account concerned, when known; its id is copied so that the event outlives it.
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_id_value = models.PositiveBigIntegerField(null=True, blank=True)
    # The account's organisation at the time: what an administrator's page filters on.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # security_organisation_at starts with it
    )
    # Who acted, when it is someone else (an administrator ending sessions, disabling).
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    path = models.CharField(max_length=300, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("événements de sécurité")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "at"], name="security_organisation_at"),
            models.Index(fields=["at"], name="security_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.user_id_value}"
