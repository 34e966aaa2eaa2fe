"""Children's schooling: each change is a new dated row (Schooling), so that the figures of any
past date can be read again (the State platform's school figures are computed from these rows,
never typed as counts). A correction of a row recorded wrong edits that row.

The rules of a row live in `schooling_errors`, which the form and the writes below both apply:
the form says them on its fields, imports and the demo that bypass it get the same refusals."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import (
    Procedure,
    ProcedureCategory,
    Schooling,
    SchoolLevel,
)
from beneficiaries.models import Commune, Person, Relationship

# The page says when the person is of age, and records their schooling all the same (young
# adults in an insertion scheme, a lycée).
ADULT_AGE = 18
# What a caller may set on a row; the organisation, the child and who recorded it are the
# service's to set.
FIELDS = (
    "since",
    "level",
    "school",
    "commune",
    "enrolled_on",
    "mediation",
    "mediation_since",
    "attendance_concern",
    "procedure",
)
_DEFAULTS = {
    "school": "",
    "commune": None,
    "enrolled_on": None,
    "mediation": False,
    "mediation_since": None,
    "attendance_concern": False,
    "procedure": None,
}


# --- Reads -------------------------------------------------------------------------------------


def schoolings_in_force(on: datetime.date) -> QuerySet[Schooling]:
    """Each child's Schooling in force on `on`: the one with the latest `since` on or before
    that day (of two on the same day, the last recorded). One query whatever is chained after
    (a filter on people, an organisation, a level): the rows that no later row of the same
    child replaced by then, an anti-join the database runs in one pass over (person, since)
    rather than a subquery per row."""
    replaced_by_then = Schooling.objects.filter(person=OuterRef("person"), since__lte=on).filter(
        Q(since__gt=OuterRef("since")) | Q(since=OuterRef("since"), pk__gt=OuterRef("pk"))
    )
    return Schooling.objects.filter(since__lte=on).exclude(Exists(replaced_by_then))


def current_schooling(people, *, on: datetime.date | None = None) -> dict[int, Schooling]:
    """{person id: their Schooling in force on `on` (today by default)} for `people`, a
    queryset of Person or a list of ids, in one query; people without one are left out."""
    on = on or timezone.localdate()
    rows = schoolings_in_force(on).filter(person__in=people).select_related("commune")
    return {row.person_id: row for row in rows}


def school_procedures(person: Person) -> QuerySet[Procedure]:
    """The child's enrolment procedures (procedure types of the "school" category), newest
    first: a row of schooling may point to the one it followed."""
    return (
        Procedure.objects.filter(person=person, type__category=ProcedureCategory.SCHOOL)
        .select_related("type")
        .order_by("-created_at", "-pk")
    )


def is_child(person: Person) -> bool:
    """A minor by their age (from the birth date or year), or, with no birth recorded, a child
    or grandchild of the household."""
    age = person.age
    if age is None:
        return person.relationship in (Relationship.CHILD, Relationship.GRANDCHILD)
    return age < ADULT_AGE


# --- Rules -------------------------------------------------------------------------------------


def schooling_errors(person: Person, data: dict, *, today: datetime.date) -> dict[str, str]:
    """What is wrong with a row of `person`'s schooling, by field, in French. The model's
    CheckConstraints say two of these rules too, as a last guard: said here first, on the field."""
    errors = {}
    level = data.get("level")
    if level not in SchoolLevel.values:
        errors["level"] = _("Choisissez le niveau.")
    since = data.get("since")
    if since is None:
        errors["since"] = _("Indiquez depuis quand.")
    elif since > today:
        errors["since"] = _("La date ne peut pas être dans le futur.")
    elif (person.birth_date and since < person.birth_date) or (
        person.birth_year and since.year < person.birth_year
    ):
        errors["since"] = _("La date précède la naissance de l'enfant.")
    enrolled_on = data.get("enrolled_on")
    if enrolled_on and level == SchoolLevel.NONE:
        errors["enrolled_on"] = _(
            "Un enfant non scolarisé n'a pas de date d'inscription : videz la date, ou "
            "choisissez le niveau où l'enfant est inscrit."
        )
    elif enrolled_on and enrolled_on > today:
        errors["enrolled_on"] = _("L'inscription ne peut pas être datée d'un jour à venir.")
    mediation_since = data.get("mediation_since")
    if mediation_since and not data.get("mediation"):
        errors["mediation_since"] = _(
            "Une date de médiation va avec l'accompagnement par la médiation scolaire : "
            "cochez-le, ou videz la date."
        )
    elif mediation_since and mediation_since > today:
        errors["mediation_since"] = _("La date ne peut pas être dans le futur.")
    procedure = data.get("procedure")
    if procedure is not None and (
        procedure.person_id != person.pk or procedure.type.category != ProcedureCategory.SCHOOL
    ):
        errors["procedure"] = _("Choisissez une démarche d'inscription scolaire de l'enfant.")
    commune = data.get("commune")
    if commune is not None and not isinstance(commune, Commune):
        errors["commune"] = _("Choisissez une commune de la liste.")
    return errors


def _validated(schooling: Schooling, person: Person) -> None:
    data = {name: getattr(schooling, name) for name in FIELDS}
    errors = schooling_errors(person, data, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    # Lengths and codes, for callers that bypass the form. Links are the caller's (a query
    # each); the constraints' two rules were checked above, and the database keeps them.
    checked = set(FIELDS) - {"commune", "procedure"}
    schooling.full_clean(
        exclude=[field.name for field in Schooling._meta.fields if field.name not in checked],
        validate_constraints=False,
    )


def _unknown(fields: dict) -> None:
    if unknown := set(fields) - set(FIELDS):
        raise TypeError(f"unknown schooling fields: {sorted(unknown)}")


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def schooling_record(*, person: Person, by, **fields) -> Schooling:
    """Record `person`'s schooling as it is from `since` on: a new row, the earlier ones kept
    (the history, and the figures of past dates)."""
    _unknown(fields)
    if person.organisation_id != by.organisation_id:
        raise ValidationError(_("Cet enfant n'est pas suivi par votre association."))
    schooling = Schooling(
        organisation_id=person.organisation_id,
        person=person,
        recorded_by=by,
        **(_DEFAULTS | fields),
    )
    _validated(schooling, person)
    schooling.save()
    return schooling


@transaction.atomic
def schooling_update(*, schooling: Schooling, by, **fields) -> Schooling:
    """Correct a row recorded wrong (a typo, a wrong date): the row itself changes, and the
    audit trail keeps who changed what. A change of schooling is a new row (schooling_record)."""
    _unknown(fields)
    if schooling.organisation_id != by.organisation_id:
        raise ValidationError(_("Cet enfant n'est pas suivi par votre association."))
    for name, value in fields.items():
        setattr(schooling, name, value)
    _validated(schooling, schooling.person)
    schooling.save(update_fields=[*fields, "updated_at"])
    return schooling
