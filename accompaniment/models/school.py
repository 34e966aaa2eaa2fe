"""School, for every child: dated facts about each minor's schooling (the State platform's
school figures are computed from them, never typed as counts). Enrolment itself is a procedure
(accompaniment.models.rights) like the others; a refusal is an Obstacle."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accompaniment.models.daily import PlanQuerySet
from accompaniment.models.rights import Procedure
from beneficiaries.models import Commune, Person
from mia.models import Organisation


class SchoolLevel(models.TextChoices):
    NONE = "none", _("Non scolarisé·e")
    EARLY = "early", _("Crèche ou médiation des moins de 3 ans")
    MATERNELLE = "maternelle", _("Maternelle")
    ELEMENTAIRE = "elementaire", _("Élémentaire")
    COLLEGE = "college", _("Collège")
    LYCEE = "lycee", _("Lycée ou formation professionnelle")
    OTHER = "other", _("Autre ou dispositif d'insertion")


# Levels that mean the child goes to school (the others: not, or not yet).
IN_SCHOOL = (
    SchoolLevel.MATERNELLE,
    SchoolLevel.ELEMENTAIRE,
    SchoolLevel.COLLEGE,
    SchoolLevel.LYCEE,
    SchoolLevel.OTHER,
)


class Schooling(models.Model):
    """What a child's schooling is from `since` on; a change is a new row, so that the figures
    of any past date can be read again. The child's current schooling is the latest."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="schoolings", verbose_name=_("enfant")
    )
    since = models.DateField(_("depuis le"))
    level = models.CharField(_("niveau"), max_length=20, choices=SchoolLevel.choices)
    school = models.CharField(_("établissement"), max_length=150, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    enrolled_on = models.DateField(_("inscrit·e le"), null=True, blank=True)
    mediation = models.BooleanField(_("accompagnement par la médiation scolaire"), default=False)
    mediation_since = models.DateField(_("médiation depuis le"), null=True, blank=True)
    attendance_concern = models.BooleanField(_("assiduité préoccupante"), default=False)
    # The enrolment procedure (status, dates, next step), when there is one.
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schoolings",
        verbose_name=_("démarche d'inscription"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("scolarité")
        verbose_name_plural = _("scolarités")
        ordering = ["-since", "-pk"]
        indexes = [
            models.Index(fields=["person", "since"]),
            models.Index(fields=["organisation", "since"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mediation=True) | Q(mediation_since__isnull=True),
                name="schooling_mediation_date_only_with_mediation",
            ),
            models.CheckConstraint(
                condition=~Q(level=SchoolLevel.NONE) | Q(enrolled_on__isnull=True),
                name="schooling_no_enrolment_date_when_not_in_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.level} ({self.since})"

    @property
    def in_school(self) -> bool:
        return self.level in IN_SCHOOL
