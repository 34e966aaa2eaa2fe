"""The figures of the rights, school and French pathways, for a period and a scope
(beneficiaries.scope.Scope): the Préfecture's report, the State platform's yearly figures and
the dashboards read them, never a count typed by someone.

Each indicator is one function of a `Scope` returning an `Indicator` (the figure, the people
behind it, and the rows counted when they are not people), or, for a breakdown, a dict of them
keyed by the classification, with every key present (zeros included) in the order a table
shows them. What every indicator shares (who is in the scope, site, age) is in
beneficiaries.scope's docstring; what each counts is in its own docstring. All of them:

- count only rows of the scope's organisation, about people of `scope.people()`;
- cost a fixed number of queries whatever the data (said in each docstring), the aggregation
  done in SQL; the `people` and `records` querysets are lazy and not part of that cost;
- read dates as days: a period's both ends are included.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import (
    CEFR_RANK,
    IN_SCHOOL,
    Assessment,
    Attendance,
    Certification,
    CertificationKind,
    CertificationResult,
    CourseKind,
    Learner,
    LearnerStatus,
    Obstacle,
    ObstacleKind,
    Procedure,
    ProcedureCategory,
    ProcedureChange,
    ProcedureStatus,
    ProcedureType,
    Schooling,
    SchoolLevel,
)
from beneficiaries.models import Person
from beneficiaries.scope import Indicator, Scope, aged

__all__ = [
    "ChildAgeBand",
    "Indicator",
    "certifications_passed",
    "children_by_age",
    "children_in_mediation",
    "french_hours_attended",
    "french_hours_by_kind",
    "french_hours_scheduled",
    "french_level_gains",
    "health_cover_at_entry",
    "health_cover_now",
    "procedures_obtained",
    "procedures_opened",
    "procedures_refused",
    "refusals_by_kind",
    "school_started",
    "schooling_by_level",
]

# Under 18 on the period's last day: a child for the school figures.
ADULT_AGE = 18
# The State platform counts children under 3 apart (crèche, early-childhood mediation).
EARLY_CHILDHOOD_AGE = 3


class ChildAgeBand(TextChoices):
    UNDER_3 = "under_3", _("Moins de 3 ans")
    FROM_3 = "3_and_over", _("3 ans et plus")


def _people_of(records: QuerySet) -> QuerySet[Person]:
    """The people some rows are about: one semi-join, in the people's usual order."""
    return Person.objects.filter(pk__in=records.values("person_id"))


def _breakdown(records: QuerySet, field: str, keys) -> dict:
    """Rows counted by `field` in one GROUP BY query, every key in `keys` present (and any
    other value met, after them)."""
    counts = dict(records.order_by().values_list(field).annotate(count=Count("pk")))
    keys = [*keys, *sorted(set(counts) - set(keys))]
    result = {}
    for key in keys:
        rows = records.filter(**{field: key})
        result[key] = Indicator(value=counts.get(key, 0), people=_people_of(rows), records=rows)
    return result


def _day_starts(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Access to rights ------------------------------------------------------------------------


def _procedures(scope: Scope) -> QuerySet[Procedure]:
    return Procedure.objects.filter(
        organisation_id=scope.organisation_id, person__in=scope.people()
    )


def _by_type(scope: Scope, records: QuerySet[Procedure]) -> dict[str, Indicator]:
    """Procedures counted by their type's code: an organisation's own type that replaces a
    default has its code, so both count together. Keys: the organisation's types, in the order
    of its grid. Two queries: the counts, the types."""
    types = ProcedureType.objects.for_organisation(scope.organisation_id)
    return _breakdown(records, "type__code", list(types.values_list("code", flat=True)))


def procedures_opened(scope: Scope) -> dict[str, Indicator]:
    """Procedures opened in the period, by type code: recorded in MIA during it (`created_at`,
    read in Paris time, settings.TIME_ZONE). The recording day, not the filing date: a procedure
    "to start" has none, and a figure read again later must not change when one is filed.
    Value: procedures; records: the procedures. Two queries."""
    records = _procedures(scope).filter(
        created_at__gte=_day_starts(scope.start),
        created_at__lt=_day_starts(scope.end + datetime.timedelta(days=1)),
    )
    return _by_type(scope, records)


def _decided(scope: Scope, status: str, *, later: tuple[str, ...] = ()) -> QuerySet[Procedure]:
    """Procedures that reached `status` during the period: their history (ProcedureChange) says
    so, the day the change took effect (`on`) in the period. A procedure whose history never
    reached `status` (recorded directly as decided, or loaded in bulk) is read from its
    decision date, if its status is `status` or one that can only follow it (`later`)."""
    changes = ProcedureChange.objects.filter(procedure=OuterRef("pk"), status=status)
    period = (scope.start, scope.end)
    return _procedures(scope).filter(
        Exists(changes.filter(on__range=period))
        | ~Exists(changes) & Q(status__in=[status, *later], decided_on__range=period)
    )


def procedures_obtained(scope: Scope) -> dict[str, Indicator]:
    """Procedures obtained in the period, by type code (see `_decided`: a right obtained in the
    period and expired since still counts). Value: procedures. Two queries."""
    obtained = _decided(scope, ProcedureStatus.OBTAINED, later=(ProcedureStatus.EXPIRED,))
    return _by_type(scope, obtained)


def procedures_refused(scope: Scope) -> dict[str, Indicator]:
    """Procedures refused in the period, by type code (see `_decided`). Value: procedures.
    Two queries."""
    return _by_type(scope, _decided(scope, ProcedureStatus.REFUSED))


def _valid_on(day) -> Q:
    """A procedure that gave its right on `day` (a date or an expression): obtained, or expired
    since, started (`valid_from`, or the decision when no start was recorded) and not ended.
    A right recorded with no date at all is valid since always, as Procedure.is_valid_on reads
    it; an expired one without an end date has no known day of validity."""
    ends_after = Q(valid_until__gte=day)
    not_ended = Q(status=ProcedureStatus.OBTAINED) & (Q(valid_until__isnull=True) | ends_after)
    not_ended |= Q(status=ProcedureStatus.EXPIRED) & ends_after
    started = Q(valid_from__lte=day) | Q(valid_from__isnull=True) & (
        Q(decided_on__isnull=True) | Q(decided_on__lte=day)
    )
    return not_ended & started


def _health(scope: Scope) -> QuerySet[Procedure]:
    return _procedures(scope).filter(type__category=ProcedureCategory.HEALTH)


def health_cover_at_entry(scope: Scope) -> Indicator:
    """People who had a health cover (a procedure of the health category: AME, PUMa,
    Complémentaire santé solidaire…) valid on the day they entered the programme: the entry of
    a period in the programme overlapping the scope (a person who came back within it has two).
    Compare with `health_cover_now` over the same people. Value: people; records: those
    procedures. One query."""
    # One filter() call: the entry compared is that of the period found to overlap (one join,
    # where a subquery per procedure took three times as long at 60,000 procedures).
    on_entry = _health(scope).filter(
        Q(person__enrolments__entered_on__lte=scope.end)
        & (
            Q(person__enrolments__exited_on__isnull=True)
            | Q(person__enrolments__exited_on__gte=scope.start)
        )
        & _valid_on(F("person__enrolments__entered_on"))
    )
    records = Procedure.objects.filter(pk__in=on_entry.values("pk"))
    people = _people_of(records)
    return Indicator(value=people.count(), people=people, records=records)


def health_cover_now(scope: Scope) -> Indicator:
    """People with a health cover valid on the period's last day. Value: people; records: the
    procedures valid that day. One query."""
    records = _health(scope).filter(_valid_on(scope.end))
    people = _people_of(records)
    return Indicator(value=people.count(), people=people, records=records)


def refusals_by_kind(scope: Scope) -> dict[ObstacleKind, Indicator]:
    """Refusals and obstacles met in the period (`occurred_on`), by kind: what the programme
    must make visible of discrimination in the access to rights. Value: refusals (a person
    refused twice counts twice); records: the obstacles. One query."""
    records = Obstacle.objects.filter(
        organisation_id=scope.organisation_id,
        person__in=scope.people(),
        occurred_on__range=(scope.start, scope.end),
    )
    return _breakdown(records, "kind", list(ObstacleKind))


# --- School ----------------------------------------------------------------------------------


def _children(scope: Scope) -> QuerySet[Person]:
    """The scope's minors: under 18 on the period's last day (a person of unknown age is not
    counted a child)."""
    return scope.people().filter(aged(scope.end, under=ADULT_AGE))


def children_by_age(scope: Scope) -> dict[ChildAgeBand, Indicator]:
    """Children identified (the scope's minors), under 3 and 3 or over on the period's last
    day, as the State platform counts them. Value: children. One query."""
    children = _children(scope)
    bands = {
        ChildAgeBand.UNDER_3: aged(scope.end, under=EARLY_CHILDHOOD_AGE),
        ChildAgeBand.FROM_3: aged(scope.end, at_least=EARLY_CHILDHOOD_AGE),
    }
    counts = children.aggregate(
        **{band.value: Count("pk", filter=condition) for band, condition in bands.items()}
    )
    return {
        band: Indicator(value=counts[band.value], people=children.filter(condition))
        for band, condition in bands.items()
    }


def _schoolings_in_force(scope: Scope) -> QuerySet[Schooling]:
    """The schooling of each of the scope's children in force on the period's last day: the
    latest dated on or before it (a change of schooling is a new row; two the same day, the
    later recorded). One anti-join, not a subquery per child."""
    until_end = Schooling.objects.filter(
        organisation_id=scope.organisation_id, since__lte=scope.end
    )
    later = until_end.filter(person=OuterRef("person_id")).filter(
        Q(since__gt=OuterRef("since")) | Q(since=OuterRef("since"), pk__gt=OuterRef("pk"))
    )
    return until_end.filter(person__in=_children(scope)).exclude(Exists(later))


def schooling_by_level(scope: Scope) -> dict[SchoolLevel, Indicator]:
    """The scope's children by the level of their schooling in force on the period's last day,
    every level present: in school are those of IN_SCHOOL; NONE and EARLY (crèche, mediation of
    the under-3s) are children known not to be at school (yet). A child without any schooling
    recorded by then is in none: the levels may add up to fewer than `children_by_age`.
    Value: children; records: their schoolings in force. One query."""
    return _breakdown(_schoolings_in_force(scope), "level", list(SchoolLevel))


def children_in_mediation(scope: Scope) -> Indicator:
    """The scope's children followed by school mediation on the period's last day (their
    schooling in force then says so). Value: children; records: those schoolings. One query."""
    records = _schoolings_in_force(scope).filter(mediation=True)
    people = _people_of(records)
    return Indicator(value=people.count(), people=people, records=records)


def school_started(scope: Scope) -> Indicator:
    """The scope's children enrolled at school during the period (a schooling at a level of
    IN_SCHOOL whose enrolment date falls in it): with the school year as the period, "school
    started this year". Value: children; records: those schoolings. One query."""
    records = Schooling.objects.filter(
        organisation_id=scope.organisation_id,
        person__in=_children(scope),
        level__in=IN_SCHOOL,
        enrolled_on__range=(scope.start, scope.end),
    )
    people = _people_of(records)
    return Indicator(value=people.count(), people=people, records=records)


# --- French ----------------------------------------------------------------------------------


def french_hours_scheduled(scope: Scope, *, kind: CourseKind | None = None) -> Indicator:
    """Hours of French offered to the scope's learners in the period: for each enrolment in one
    of the organisation's courses (of `kind`, if given: ASL, FLE, literacy, vocational French;
    not on the waiting list), the hours of the course's classes
    held in the period (not cancelled) while the learner was enrolled (from `enrolled_on`,
    until `left_on` when they left), summed over learners: two learners in one 2-hour class
    make 4 hours. The attendance rate is `french_hours_attended` over this. Value: hours
    (Decimal); records: the enrolments with at least one class. One query."""
    held = Q(
        course__sessions__cancelled=False,
        course__sessions__date__range=(scope.start, scope.end),
        course__sessions__date__gte=F("enrolled_on"),
    ) & (Q(left_on__isnull=True) | Q(course__sessions__date__lte=F("left_on")))
    # One filter() call: every condition on the course's sessions is on the same joined row,
    # so the sum below adds each (enrolment, class) pair once.
    pairs = (
        Learner.objects.filter(
            course__organisation_id=scope.organisation_id, person__in=scope.people()
        )
        .exclude(status=LearnerStatus.WAITING)
        .filter(held)
    )
    if kind is not None:
        pairs = pairs.filter(course__kind=kind)
    hours = pairs.aggregate(hours=Sum("course__sessions__hours"))["hours"]
    return Indicator(
        value=hours or Decimal("0.00"),
        people=_people_of(pairs),
        records=Learner.objects.filter(pk__in=pairs.values("pk")),
    )


def french_hours_attended(scope: Scope, *, kind: CourseKind | None = None) -> Indicator:
    """Hours of French the scope's people attended in the period: the hours of each class of
    the organisation's courses (of `kind`, if given; held in the period, not cancelled) where
    they were ticked present. Value: hours (Decimal); records: the attendances counted. One
    query."""
    records = Attendance.objects.filter(
        present=True,
        person__in=scope.people(),
        session__course__organisation_id=scope.organisation_id,
        session__cancelled=False,
        session__date__range=(scope.start, scope.end),
    )
    if kind is not None:
        records = records.filter(session__course__kind=kind)
    hours = records.aggregate(hours=Sum("session__hours"))["hours"]
    return Indicator(value=hours or Decimal("0.00"), people=_people_of(records), records=records)


def french_hours_by_kind(scope: Scope) -> dict[CourseKind, dict[str, Indicator]]:
    """For each kind of course (ASL, FLE, literacy, vocational French), in this order, the
    hours scheduled and attended as above: {"scheduled": …, "attended": …}. Two queries a
    kind."""
    return {
        kind: {
            "scheduled": french_hours_scheduled(scope, kind=kind),
            "attended": french_hours_attended(scope, kind=kind),
        }
        for kind in CourseKind
    }


def _cefr_rank() -> Case:
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in CEFR_RANK.items()),
        output_field=IntegerField(),
    )


def french_level_gains(scope: Scope) -> Indicator:
    """Learners who gained at least one level in the period: an assessment dated in the period
    ranks higher on the CEFR scale than the assessment of the same skill just before it (on an
    earlier day, in the period or not). Against the one just before, not any earlier one: a
    level lost then regained is no gain. Value: people; records: the assessments that show a
    gain. One query."""
    previous = (
        Assessment.objects.filter(
            organisation_id=scope.organisation_id,
            person=OuterRef("person_id"),
            skill=OuterRef("skill"),
            assessed_on__lt=OuterRef("assessed_on"),
        )
        .order_by("-assessed_on", "-pk")
        .annotate(rank=_cefr_rank())
        .values("rank")[:1]
    )
    records = (
        Assessment.objects.filter(
            organisation_id=scope.organisation_id,
            person__in=scope.people(),
            assessed_on__range=(scope.start, scope.end),
        )
        .alias(rank=_cefr_rank(), previous_rank=Subquery(previous))
        .filter(rank__gt=F("previous_rank"))
    )
    people = _people_of(records)
    return Indicator(value=people.count(), people=people, records=records)


def certifications_passed(scope: Scope) -> dict[CertificationKind, Indicator]:
    """Certifications passed in the period (`taken_on` in it, result passed), by kind: DILF,
    DELF A1 to B2, TCF (a TCF counts once its result is recorded as passed). Value:
    certifications; records: the certifications. One query."""
    records = Certification.objects.filter(
        organisation_id=scope.organisation_id,
        person__in=scope.people(),
        result=CertificationResult.PASSED,
        taken_on__range=(scope.start, scope.end),
    )
    return _breakdown(records, "kind", list(CertificationKind))
