"""Learning French: the writes (courses and their weekly slots, enrolments, class sessions and
attendance ticks, level assessments, certifications) and the figures derived from the ticks
(hours attended, attendance rates). Views, the demo and imports call these; the checks hold
for callers that bypass the forms too.

Hours attended are never typed: they are the sum of the hours of the classes a learner was
ticked present at, within their enrolment. A learner's rate is the classes attended over the
classes held (not cancelled) since they were enrolled, until they left."""

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accompaniment.models import (
    Assessment,
    Attendance,
    CefrLevel,
    Certification,
    CertificationKind,
    CertificationResult,
    ClassSession,
    Course,
    CourseKind,
    CourseSlot,
    DropReason,
    Learner,
    LearnerStatus,
    Skill,
)
from accompaniment.services_appointments import partner_organisations
from beneficiaries import sharing
from beneficiaries.models import Person
from mia import permissions
from mia.models import Organisation, OrganisationKind

# A class lasts a quarter of an hour to a working day.
MIN_HOURS, MAX_HOURS = Decimal("0.25"), Decimal("12")
# Statuses of the learners a class's sheet lists (on the dates they were enrolled).
ON_SHEET = [LearnerStatus.ENROLLED, LearnerStatus.COMPLETED, LearnerStatus.DROPPED]
LEFT = [LearnerStatus.COMPLETED, LearnerStatus.DROPPED]
# Far enough in the future to stand for "has not left".
NOT_LEFT = datetime.date(9999, 12, 31)


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def hours_label(value) -> str:
    """ "2", "1,5", "1,25": hours as people write them, in the active language's format."""
    value = Decimal(value or 0).quantize(Decimal("0.01")).normalize()
    places = max(0, -value.as_tuple().exponent)
    return formats.number_format(value.quantize(Decimal(1).scaleb(-places)), decimal_pos=places)


def course_providers() -> QuerySet[Organisation]:
    """Who may give a course: the partner organisations (every kind but the operators)."""
    return partner_organisations()


def courses_of(user) -> QuerySet[Course]:
    return Course.objects.visible_to(user)


def sessions_of(user) -> QuerySet[ClassSession]:
    """The classes of the courses this user reaches (CourseQuerySet.visible_to), one query."""
    return ClassSession.objects.filter(course__in=courses_of(user).values("pk"))


def learners_of(user) -> QuerySet[Learner]:
    """Enrolments of the organisation's courses, for the staff who record them."""
    if not permissions.records_pathways(user):
        return Learner.objects.none()
    return Learner.objects.filter(
        course__organisation_id=user.organisation_id,
        person__organisation_id=user.organisation_id,
    )


# --- Courses -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, order=True)
class Slot:
    """One weekly meeting of a course: a weekday (0 = Monday) and its times."""

    weekday: int
    starts_at: datetime.time
    ends_at: datetime.time


def _check_course(
    *,
    provider: Organisation,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    hours_per_class: Decimal,
    slots: Iterable[Slot],
    course: Course | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if provider is None or provider.kind == OrganisationKind.OPERATOR:
        errors["provider"] = [_("Choisissez l'organisme partenaire qui donne le cours.")]
    if kind not in CourseKind.values:
        errors["kind"] = [_("Choisissez le type de cours.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("La fin du cours ne peut pas précéder son début.")]
    if hours_per_class is None or not MIN_HOURS <= hours_per_class <= MAX_HOURS:
        errors["hours_per_class"] = [
            _("La durée d'une séance doit être comprise entre 0,25 et 12 heures.")
        ]
    for slot in slots:
        if slot.weekday not in range(7):
            errors.setdefault("__all__", []).append(_("Jour de la semaine inconnu."))
        elif slot.ends_at <= slot.starts_at:
            errors.setdefault("__all__", []).append(_("Un créneau doit finir après son début."))
    if course is not None and course.pk and ends_on >= starts_on:
        outside = (
            course.sessions.exclude(date__range=(starts_on, ends_on))
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        if outside is not None:
            errors.setdefault("__all__", []).append(
                _("Une séance a déjà eu lieu le %(date)s, en dehors de ces dates.")
                % {"date": _day(outside)}
            )
    if errors:
        raise ValidationError(errors)


def _set_slots(course: Course, slots: Iterable[Slot]) -> None:
    """The weekly schedule as given: slots no longer wanted go, new ones are added, the others
    stay as they are (so the audit trail shows only real changes)."""
    wanted = set(slots)
    kept = set()
    for slot in course.slots.all():
        key = Slot(slot.weekday, slot.starts_at, slot.ends_at)
        if key in wanted and key not in kept:
            kept.add(key)
        else:
            slot.delete()
    for key in sorted(wanted - kept):
        CourseSlot.objects.create(
            course=course, weekday=key.weekday, starts_at=key.starts_at, ends_at=key.ends_at
        )


@transaction.atomic
def course_create(
    *,
    by,
    provider: Organisation,
    kind: str,
    name: str,
    place: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date,
    hours_per_class: Decimal,
    slots: Iterable[Slot] = (),
) -> Course:
    slots = list(slots)
    _check_course(
        provider=provider,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        hours_per_class=hours_per_class,
        slots=slots,
    )
    course = Course.objects.create(
        organisation_id=by.organisation_id,
        provider=provider,
        kind=kind,
        name=name,
        place=place,
        starts_on=starts_on,
        ends_on=ends_on,
        hours_per_class=hours_per_class,
        created_by=by,
    )
    _set_slots(course, slots)
    return course


@transaction.atomic
def course_update(
    *,
    course: Course,
    by,
    provider: Organisation,
    kind: str,
    name: str,
    place: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date,
    hours_per_class: Decimal,
    slots: Iterable[Slot] = (),
) -> Course:
    """The classes already held keep their own hours: a new duration applies to the next ones."""
    slots = list(slots)
    _check_course(
        provider=provider,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        hours_per_class=hours_per_class,
        slots=slots,
        course=course,
    )
    course.provider = provider
    course.kind = kind
    course.name = name
    course.place = place
    course.starts_on = starts_on
    course.ends_on = ends_on
    course.hours_per_class = hours_per_class
    course.save(
        update_fields=[
            "provider",
            "kind",
            "name",
            "place",
            "starts_on",
            "ends_on",
            "hours_per_class",
            "updated_at",
        ]
    )
    _set_slots(course, slots)
    return course


# --- Enrolments ----------------------------------------------------------------------------------


def learner_enrol(
    *,
    course: Course,
    person: Person,
    by,
    enrolled_on: datetime.date,
    status: str = LearnerStatus.ENROLLED,
) -> Learner:
    """Enrols a person of the course's organisation, or puts them on its waiting list
    (`enrolled_on` is then the day they asked)."""
    today = timezone.localdate()
    if person.organisation_id != course.organisation_id:
        raise ValidationError(_("Cette personne n'est pas suivie par l'organisation du cours."))
    if status not in (LearnerStatus.WAITING, LearnerStatus.ENROLLED):
        raise ValidationError({"status": _("Inscrite ou sur liste d'attente, au choix.")})
    if enrolled_on > today:
        raise ValidationError({"enrolled_on": _("La date d'inscription ne peut pas être à venir.")})
    if enrolled_on > course.ends_on:
        raise ValidationError(
            {
                "enrolled_on": _("Le cours est fini depuis le %(date)s.")
                % {"date": _day(course.ends_on)}
            }
        )
    taken = _("Cette personne est déjà inscrite à ce cours (ou sur sa liste d'attente).")
    if Learner.objects.filter(course=course, person=person).exists():
        raise ValidationError(taken)
    try:
        with transaction.atomic():
            return Learner.objects.create(
                course=course,
                person=person,
                status=status,
                enrolled_on=enrolled_on,
                created_by=by,
            )
    except IntegrityError:
        # Enrolled by a colleague at the same moment: the constraint kept one row.
        raise ValidationError(taken) from None


def learner_update(
    *,
    learner: Learner,
    by,
    status: str,
    enrolled_on: datetime.date,
    left_on: datetime.date | None = None,
    drop_reason: str = "",
) -> Learner:
    """Waiting list → enrolled → completed, or dropped out with a reason. Leaving has a date;
    going back to enrolled (a correction) clears it."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if status not in LearnerStatus.values:
        errors["status"] = [_("État inconnu.")]
    if enrolled_on > today:
        errors["enrolled_on"] = [_("La date d'inscription ne peut pas être à venir.")]
    if status in LEFT:
        if left_on is None:
            errors["left_on"] = [_("Indiquez la date de sortie du cours.")]
        elif left_on < enrolled_on:
            errors["left_on"] = [_("La sortie ne peut pas précéder l'inscription.")]
        elif left_on > today:
            errors["left_on"] = [_("La date de sortie ne peut pas être à venir.")]
    else:
        left_on = None
    if status == LearnerStatus.DROPPED:
        if drop_reason not in DropReason.values:
            errors["drop_reason"] = [_("Indiquez la raison de l'abandon.")]
    else:
        drop_reason = ""
    if errors:
        raise ValidationError(errors)
    learner.status = status
    learner.enrolled_on = enrolled_on
    learner.left_on = left_on
    learner.drop_reason = drop_reason
    learner.save(update_fields=["status", "enrolled_on", "left_on", "drop_reason", "updated_at"])
    return learner


# --- Classes and attendance ----------------------------------------------------------------------


def check_class_date(course: Course, on: datetime.date) -> None:
    """A sheet is for a date of the course, and not a class still to come."""
    if not course.runs_on(on):
        raise ValidationError(
            {
                "date": _("Le %(date)s est en dehors du cours, qui a lieu du %(start)s au %(end)s.")
                % {"date": _day(on), "start": _day(course.starts_on), "end": _day(course.ends_on)}
            }
        )
    if on > timezone.localdate():
        raise ValidationError({"date": _("L'appel d'une séance se fait le jour même ou après.")})


def scheduled_on(course: Course, on: datetime.date) -> bool:
    """Whether `on` is one of the course's weekdays (True for a course without a schedule).
    Reads `course.slots.all()`: prefetch it for a list."""
    weekdays = {slot.weekday for slot in course.slots.all()}
    return not weekdays or on.weekday() in weekdays


def session_open(*, course: Course, on: datetime.date, by) -> tuple[ClassSession, bool]:
    """The class of `on`, created with the course's hours per class the first time (two people
    opening the same date at once get the same sheet: get_or_create retries on the unique
    constraint). Returns (session, created)."""
    check_class_date(course, on)
    return ClassSession.objects.get_or_create(
        course=course, date=on, defaults={"hours": course.hours_per_class}
    )


def session_update(*, session: ClassSession, by, hours: Decimal, cancelled: bool) -> ClassSession:
    if hours is None or not MIN_HOURS <= hours <= MAX_HOURS:
        raise ValidationError(
            {"hours": _("La durée d'une séance doit être comprise entre 0,25 et 12 heures.")}
        )
    session.hours = hours
    session.cancelled = cancelled
    session.save(update_fields=["hours", "cancelled"])
    return session


def sheet_learners(session: ClassSession) -> QuerySet[Learner]:
    """Who is on a class's sheet: the learners enrolled on its date (those who completed or
    dropped out since included), never the waiting list."""
    return Learner.objects.filter(
        course_id=session.course_id,
        status__in=ON_SHEET,
        enrolled_on__lte=session.date,
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=session.date))


def attendance_mark(*, session: ClassSession, person: Person, present: bool, by) -> Attendance:
    """One tick: the row of this learner and this class only, written in one upsert. Two people
    ticking the same sheet at once each keep their ticks, as nothing else is read or written."""
    if session.cancelled:
        raise ValidationError(_("Cette séance est annulée : rétablissez-la pour faire l'appel."))
    if not sheet_learners(session).filter(person_id=person.pk).exists():
        raise ValidationError(_("Cette personne n'était pas inscrite au cours à cette date."))
    attendance, _created = Attendance.objects.update_or_create(
        session=session, person=person, defaults={"present": present, "marked_by": by}
    )
    return attendance


def present_count(session: ClassSession) -> int:
    return Attendance.objects.filter(
        session=session,
        present=True,
        person_id__in=sheet_learners(session).values("person_id"),
    ).count()


# --- Figures derived from the ticks --------------------------------------------------------------


def with_attendance(learners: QuerySet[Learner], *, today: datetime.date) -> QuerySet[Learner]:
    """Each learner with `attended` (classes ticked present), `hours` (their hours) and `held`
    (classes held, not cancelled, from enrolment until they left or today), in the same query
    (correlated subqueries, whatever the number of learners)."""
    window = {
        "session__course_id": OuterRef("course_id"),
        "session__cancelled": False,
        "session__date__gte": OuterRef("enrolled_on"),
        "session__date__lte": Coalesce(OuterRef("left_on"), Value(NOT_LEFT)),
    }
    present = (
        Attendance.objects.filter(person_id=OuterRef("person_id"), present=True, **window)
        .order_by()
        .values("person_id")
    )
    held = (
        ClassSession.objects.filter(
            course_id=OuterRef("course_id"),
            cancelled=False,
            date__gte=OuterRef("enrolled_on"),
            date__lte=Coalesce(OuterRef("left_on"), Value(today)),
        )
        .filter(date__lte=today)
        .order_by()
        .values("course_id")
    )
    hours_field = DecimalField(max_digits=8, decimal_places=2)
    return learners.annotate(
        attended=Coalesce(
            Subquery(present.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            0,
        ),
        hours=Coalesce(
            Subquery(
                present.annotate(total=Sum("session__hours")).values("total"),
                output_field=hours_field,
            ),
            Value(Decimal("0")),
            output_field=hours_field,
        ),
        held=Coalesce(
            Subquery(held.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
        ),
    )


def rate(attended: int, held: int) -> int | None:
    """A percentage, rounded; None before any class was held."""
    if not held:
        return None
    return round(100 * attended / held)


def course_figures(course_ids: Iterable[int], *, today: datetime.date) -> dict[int, dict]:
    """Per course: learners enrolled now, on the waiting list, and the course's attendance rate
    (classes attended over classes held, summed over its learners): one query for any number
    of courses."""
    figures = {
        pk: {"enrolled": 0, "waiting": 0, "attended": 0, "held": 0, "rate": None}
        for pk in course_ids
    }
    rows = with_attendance(
        Learner.objects.filter(course_id__in=list(figures)).order_by(), today=today
    ).values("course_id", "status", "attended", "held")
    for row in rows:
        course = figures[row["course_id"]]
        if row["status"] == LearnerStatus.WAITING:
            course["waiting"] += 1
            continue
        if row["status"] == LearnerStatus.ENROLLED:
            course["enrolled"] += 1
        course["attended"] += row["attended"]
        course["held"] += row["held"]
    for course in figures.values():
        course["rate"] = rate(course["attended"], course["held"])
    return figures


def names_shown(user):
    """An expression on Learner: whether `user` may read the learner's name. The team reads
    its people's names; a trainer (a partner account) only of the learners whose French
    section is shared with their organisation under a valid consent (beneficiaries.sharing)."""
    if not permissions.reads_shared_files(user):
        return Value(True, output_field=BooleanField())
    condition = sharing.section_filter(user, "french")
    if condition is None:
        return Value(False, output_field=BooleanField())
    return Exists(Person.objects.filter(condition, pk=OuterRef("person_id")))


def hours_in(person_ids: Iterable[int], *, start: datetime.date, end: datetime.date):
    """Hours attended by these people between two dates: the hours of the classes they were
    ticked present at (for the indicators; the summary reads them in its own query)."""
    return Attendance.objects.filter(
        person_id__in=list(person_ids),
        present=True,
        session__cancelled=False,
        session__date__range=(start, end),
    ).aggregate(total=Coalesce(Sum("session__hours"), Value(Decimal("0"))))["total"]


# --- Levels and certifications -------------------------------------------------------------------


def _check_assessment(
    *, person: Person, assessed_on: datetime.date, skill: str, level: str, course: Course | None
) -> None:
    errors: dict[str, list[str]] = {}
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = [_("Une évaluation ne peut pas être datée dans le futur.")]
    if skill not in Skill.values:
        errors["skill"] = [_("Choisissez la compétence évaluée.")]
    if level not in CefrLevel.values:
        errors["level"] = [_("Choisissez le niveau.")]
    if course is not None and course.organisation_id != person.organisation_id:
        errors["course"] = [_("Ce cours n'est pas un cours de l'organisation.")]
    if errors:
        raise ValidationError(errors)


def assessment_record(
    *,
    person: Person,
    by,
    assessed_on: datetime.date,
    skill: str,
    level: str,
    assessor: str,
    course: Course | None = None,
) -> Assessment:
    _check_assessment(
        person=person, assessed_on=assessed_on, skill=skill, level=level, course=course
    )
    return Assessment.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        assessed_on=assessed_on,
        skill=skill,
        level=level,
        assessor=assessor,
        course=course,
        recorded_by=by,
    )


def assessment_update(
    *,
    assessment: Assessment,
    by,
    assessed_on: datetime.date,
    skill: str,
    level: str,
    assessor: str,
    course: Course | None = None,
) -> Assessment:
    _check_assessment(
        person=assessment.person,
        assessed_on=assessed_on,
        skill=skill,
        level=level,
        course=course,
    )
    assessment.assessed_on = assessed_on
    assessment.skill = skill
    assessment.level = level
    assessment.assessor = assessor
    assessment.course = course
    assessment.save(update_fields=["assessed_on", "skill", "level", "assessor", "course"])
    return assessment


def _check_certification(*, kind: str, taken_on: datetime.date, result: str, level: str) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in CertificationKind.values:
        errors["kind"] = [_("Choisissez le diplôme ou le test.")]
    if result not in CertificationResult.values:
        errors["result"] = [_("Choisissez le résultat.")]
    elif result != CertificationResult.PENDING and taken_on > timezone.localdate():
        errors["result"] = [_("Le résultat d'une épreuve à venir n'est pas encore connu.")]
    if level and level not in CefrLevel.values:
        errors["level"] = [_("Choisissez le niveau.")]
    elif level and kind != CertificationKind.TCF:
        errors["level"] = [
            _("Seul le TCF donne un niveau : le DILF et le DELF sont réussis ou non.")
        ]
    elif kind == CertificationKind.TCF and result == CertificationResult.PASSED and not level:
        errors["level"] = [_("Indiquez le niveau obtenu au TCF.")]
    if errors:
        raise ValidationError(errors)


def certification_record(
    *,
    person: Person,
    by,
    kind: str,
    taken_on: datetime.date,
    result: str = CertificationResult.PENDING,
    level: str = "",
) -> Certification:
    _check_certification(kind=kind, taken_on=taken_on, result=result, level=level)
    return Certification.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        kind=kind,
        taken_on=taken_on,
        result=result,
        level=level,
        recorded_by=by,
    )


def certification_update(
    *,
    certification: Certification,
    by,
    kind: str,
    taken_on: datetime.date,
    result: str,
    level: str = "",
) -> Certification:
    _check_certification(kind=kind, taken_on=taken_on, result=result, level=level)
    certification.kind = kind
    certification.taken_on = taken_on
    certification.result = result
    certification.level = level
    certification.save(update_fields=["kind", "taken_on", "result", "level"])
    return certification
