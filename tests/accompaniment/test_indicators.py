"""The rights, school and French indicators (accompaniment.indicators), for the first quarter
of 2026. Every expected figure is counted by hand from the rows built in the test, next to
rows that must not count: outside the period, about people outside the scope (entered after
it, gone before it, of another organisation), or not what the figure counts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accompaniment import indicators
from accompaniment.indicators import ChildAgeBand
from accompaniment.models import (
    CefrLevel,
    CertificationKind,
    CertificationResult,
    CourseKind,
    DropReason,
    LearnerStatus,
    ObstacleKind,
    ProcedureCategory,
    ProcedureChange,
    ProcedureStatus,
    ProcedureType,
    SchoolLevel,
    Skill,
)
from beneficiaries import services
from beneficiaries.models import ExitReason, Person, Sex
from beneficiaries.scope import Scope
from tests.accompaniment.factories_pathways import (
    AssessmentFactory,
    AttendanceFactory,
    CertificationFactory,
    ClassSessionFactory,
    CourseFactory,
    LearnerFactory,
    ObstacleFactory,
    ProcedureFactory,
    SchoolingFactory,
    default_type,
)
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory, commune

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)


def day(month: int, number: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, number)


def enter(by, name: str, *, household=None, exited_on=None, **fields) -> Person:
    fields.setdefault("entered_on", day(3, 1, 2025))
    person = PersonFactory.build(
        organisation=by.organisation,
        first_name=name,
        last_name="Test",
        household=household,
        exited_on=exited_on,
        exit_reason=ExitReason.OTHER if exited_on else "",
        **fields,
    )
    return services.person_create(by=by, person=person)


@pytest.fixture
def people(association, site, referent, outsider):
    """Adults and children in the programme during the quarter, on `site` (Saint-Denis, 93),
    one on a site of the 92, and the people next to the scope: `late` entered after it, `gone`
    left before it, `other` belongs to another association."""
    acacias = services.household_create(
        by=referent, household=HouseholdFactory.build(name="Acacias", site=site)
    )
    boulogne = SiteFactory(organisation=association, commune=commune("92012"))
    in_92 = services.household_create(
        by=referent, household=HouseholdFactory.build(name="Boulogne", site=boulogne)
    )
    cast = {
        "ana": enter(referent, "Ana", household=acacias, birth_year=1990),
        "bogdan": enter(
            referent,
            "Bogdan",
            household=acacias,
            sex=Sex.MALE,
            birth_year=2000,
            entered_on=day(6, 1, 2025),
        ),
        "bea": enter(referent, "Bea", household=in_92, birth_year=1985),
        "late": enter(referent, "Late", household=acacias, entered_on=day(4, 1)),
        "gone": enter(
            referent,
            "Gone",
            household=acacias,
            entered_on=day(1, 1, 2024),
            exited_on=day(12, 31, 2025),
        ),
        "other": enter(outsider, "Other", birth_year=1990),
    }
    return cast


def scope_of(association, **filters) -> Scope:
    return Scope(start=START, end=END, organisation=association, **filters)


def names(queryset) -> set[str]:
    return {row.first_name for row in queryset}


def assert_reproducible(figures: dict) -> None:
    """Each figure of a breakdown counts its records, and its people are theirs."""
    for figure in figures.values():
        records = list(figure.records)
        assert figure.value == len(records)
        assert set(figure.people) == {record.person for record in records}


# --- Access to rights ------------------------------------------------------------------------


def procedure(person, code: str = "ame", **fields):
    # No filing date unless given: the factory's would come after most decisions here.
    fields.setdefault("filed_on", None)
    fields.setdefault("type", default_type(code))
    return ProcedureFactory(person=person, **fields)


def created(procedure, at: datetime.datetime):
    """Procedures are dated by their recording, which auto_now_add sets to now."""
    type(procedure).objects.filter(pk=procedure.pk).update(created_at=timezone.make_aware(at))
    return procedure


def test_procedures_opened_by_type(people, association, outsider, django_assert_num_queries):
    ana, bogdan, bea = people["ana"], people["bogdan"], people["bea"]
    # The association's own AME type replaces the default: both count under "ame".
    own_ame = ProcedureType.objects.create(
        organisation=association, code="ame", name="AME (90)", category=ProcedureCategory.HEALTH
    )
    ProcedureType.objects.create(
        organisation=association, code="cantine", name="Cantine", category="other"
    )
    opened = [
        created(procedure(ana), datetime.datetime(2026, 1, 15, 10)),
        created(
            procedure(bea, type=own_ame, status=ProcedureStatus.TO_START),
            datetime.datetime(2026, 3, 2, 9),
        ),
        # A quarter past midnight in Paris on 1 January: still 2025 in UTC, 2026 here.
        created(
            procedure(bogdan, type=default_type("css")),
            datetime.datetime(2026, 1, 1, 0, 15),
        ),
    ]
    # Half past midnight on 1 April in Paris: the next quarter, though 31 March in UTC.
    created(
        procedure(ana, type=default_type("domiciliation")),
        datetime.datetime(2026, 4, 1, 0, 30),
    )
    created(procedure(bogdan), datetime.datetime(2025, 12, 15, 12))
    for outside in (people["late"], people["gone"], people["other"]):
        created(procedure(outside), datetime.datetime(2026, 2, 1, 12))

    with django_assert_num_queries(2):  # the counts by code; the association's types
        result = indicators.procedures_opened(scope_of(association))

    codes = list(ProcedureType.objects.for_organisation(association.pk).values_list("code"))
    assert list(result) == [code for (code,) in codes]
    assert "cantine" in result
    assert {code: figure.value for code, figure in result.items() if figure.value} == {
        "ame": 2,
        "css": 1,
    }
    assert names(result["ame"].people) == {"Ana", "Bea"}
    assert names(result["css"].people) == {"Bogdan"}
    assert set(result["ame"].records) | set(result["css"].records) == set(opened)
    assert names(result["domiciliation"].people) == set()
    # Another association's figures are its own.
    theirs = indicators.procedures_opened(scope_of(outsider.organisation))
    assert theirs["ame"].value == 1
    assert names(theirs["ame"].people) == {"Other"}
    assert_reproducible(result)


def history(procedure, *changes: tuple[str, datetime.date]):
    previous = ""
    for status, on in changes:
        ProcedureChange.objects.create(procedure=procedure, status=status, previous=previous, on=on)
        previous = status
    return procedure


def test_procedures_obtained_and_refused_by_type(people, association, django_assert_num_queries):
    ana, bogdan = people["ana"], people["bogdan"]
    obtained = [
        # Obtained in February by its history.
        history(
            procedure(ana, status=ProcedureStatus.OBTAINED, decided_on=day(2, 10)),
            ("filed", day(1, 5)),
            ("obtained", day(2, 10)),
        ),
        # Obtained in January, expired since: still obtained in the quarter.
        history(
            procedure(
                bogdan,
                "css",
                status=ProcedureStatus.EXPIRED,
                decided_on=day(1, 20),
            ),
            ("obtained", day(1, 20)),
            ("expired", day(3, 1)),
        ),
        # Recorded directly as obtained, no history: its decision date.
        procedure(
            ana,
            "domiciliation",
            status=ProcedureStatus.OBTAINED,
            decided_on=day(3, 5),
        ),
    ]
    # Decided before the quarter.
    procedure(
        ana,
        "caf",
        status=ProcedureStatus.OBTAINED,
        decided_on=day(12, 20, 2025),
    )
    # The history says December, whatever the decision date says: the history counts.
    history(
        procedure(
            bogdan,
            "puma",
            status=ProcedureStatus.OBTAINED,
            decided_on=day(1, 5),
        ),
        ("obtained", day(12, 30, 2025)),
    )
    refused = [
        history(
            procedure(
                bogdan,
                "compte",
                status=ProcedureStatus.REFUSED,
                decided_on=day(2, 2),
            ),
            ("refused", day(2, 2)),
        ),
        procedure(
            ana,
            "compte",
            status=ProcedureStatus.REFUSED,
            decided_on=END,
        ),
    ]
    procedure(ana, "rsa", status=ProcedureStatus.PENDING)
    for outside in (people["late"], people["gone"], people["other"]):
        history(
            procedure(outside, status=ProcedureStatus.OBTAINED),
            ("obtained", day(2, 10)),
        )
        procedure(
            outside,
            "compte",
            status=ProcedureStatus.REFUSED,
            decided_on=day(2, 2),
        )

    scope = scope_of(association)
    with django_assert_num_queries(2):  # the counts by code; the association's types
        got = indicators.procedures_obtained(scope)
    with django_assert_num_queries(2):
        lost = indicators.procedures_refused(scope)

    assert {code: figure.value for code, figure in got.items() if figure.value} == {
        "ame": 1,
        "css": 1,
        "domiciliation": 1,
    }
    assert names(got["ame"].people) == {"Ana"}
    assert names(got["css"].people) == {"Bogdan"}
    assert {row for figure in got.values() for row in figure.records} == set(obtained)
    assert {code: figure.value for code, figure in lost.items() if figure.value} == {"compte": 2}
    assert names(lost["compte"].people) == {"Ana", "Bogdan"}
    assert set(lost["compte"].records) == set(refused)
    # By sex: Bogdan's only.
    men = indicators.procedures_obtained(scope_of(association, sex=Sex.MALE))
    assert {code: figure.value for code, figure in men.items() if figure.value} == {"css": 1}
    assert_reproducible(got)
    assert_reproducible(lost)


def test_health_cover_at_entry_and_now(people, association, referent, django_assert_num_queries):
    ana, bogdan = people["ana"], people["bogdan"]  # entered on 1 March and 1 June 2025
    kid = enter(referent, "Kid", birth_date=day(5, 1, 2019))  # entered on 1 March 2025
    teen = enter(referent, "Teen", birth_year=2010)
    minor = enter(referent, "Minor", birth_year=2012)
    back = enter(referent, "Back", entered_on=day(1, 1, 2025))
    services.person_exit(person=back, on=day(2, 1), reason=ExitReason.OTHER, by=referent)
    services.person_reenter(person=back, on=day(5, 1), by=referent)

    def cover(person, code="ame", status=ProcedureStatus.OBTAINED, **dates):
        return procedure(person, code, status=status, **dates)

    at_entry = [
        # Valid when Ana entered, expired since.
        cover(
            ana,
            status=ProcedureStatus.EXPIRED,
            valid_from=day(1, 1, 2025),
            valid_until=day(12, 31, 2025),
        ),
        # No date at all: valid since always.
        cover(kid, "puma"),
        # Valid when Back entered his first period (the one in the quarter).
        cover(
            back,
            status=ProcedureStatus.EXPIRED,
            valid_from=day(6, 1, 2024),
            valid_until=day(5, 31, 2025),
        ),
    ]
    now = [
        cover(bogdan, "css", valid_from=day(1, 15), valid_until=day(1, 14, 2027)),
        at_entry[1],
        # Decided after Teen's entry, valid on 31 March.
        cover(teen, decided_on=day(9, 1, 2025), valid_until=day(8, 31)),
        # Its last day is the quarter's.
        cover(minor, valid_from=day(4, 1, 2025), valid_until=END),
    ]
    # Ended the day before the quarter's end, though not marked expired yet.
    cover(ana, "puma", valid_from=day(6, 1, 2025), valid_until=day(3, 30))
    # Under way; not a health cover; expired on an unknown day.
    cover(minor, "css", status=ProcedureStatus.PENDING)
    cover(ana, "domiciliation")
    cover(bogdan, "ame", status=ProcedureStatus.EXPIRED)
    for outside in (people["late"], people["gone"], people["other"]):
        cover(outside)

    scope = scope_of(association)
    with django_assert_num_queries(1):
        entry = indicators.health_cover_at_entry(scope)
    with django_assert_num_queries(1):
        current = indicators.health_cover_now(scope)

    assert entry.value == 3
    assert names(entry.people) == {"Ana", "Kid", "Back"}
    assert set(entry.records) == set(at_entry)
    assert current.value == 4
    assert names(current.people) == {"Bogdan", "Kid", "Teen", "Minor"}
    assert set(current.records) == set(now)
    # In the 93: Ana's and Bogdan's household; Bea's is in the 92, the others have none.
    saint_denis = scope_of(association, departement="93")
    assert names(indicators.health_cover_at_entry(saint_denis).people) == {"Ana"}


def test_refusals_by_kind(people, association, django_assert_num_queries):
    ana, bogdan = people["ana"], people["bogdan"]
    counted = [
        ObstacleFactory(person=ana, occurred_on=START),
        ObstacleFactory(person=ana, occurred_on=day(2, 10)),
        ObstacleFactory(person=bogdan, kind=ObstacleKind.SCHOOL_REFUSED, occurred_on=END),
    ]
    ObstacleFactory(person=bogdan, kind=ObstacleKind.BANK_REFUSED, occurred_on=day(12, 31, 2025))
    ObstacleFactory(person=bogdan, kind=ObstacleKind.BANK_REFUSED, occurred_on=day(4, 1))
    for outside in (people["late"], people["gone"], people["other"]):
        ObstacleFactory(person=outside, kind=ObstacleKind.SCHOOL_REFUSED, occurred_on=day(2, 1))

    with django_assert_num_queries(1):
        result = indicators.refusals_by_kind(scope_of(association))

    assert list(result) == list(ObstacleKind)
    assert {kind: figure.value for kind, figure in result.items()} == {
        ObstacleKind.DOMICILIATION_REFUSED: 2,
        ObstacleKind.SCHOOL_REFUSED: 1,
        ObstacleKind.BANK_REFUSED: 0,
        ObstacleKind.HEALTH_REFUSED: 0,
        ObstacleKind.OTHER: 0,
    }
    assert names(result[ObstacleKind.DOMICILIATION_REFUSED].people) == {"Ana"}
    assert names(result[ObstacleKind.SCHOOL_REFUSED].people) == {"Bogdan"}
    assert {row for figure in result.values() for row in figure.records} == set(counted)
    men = indicators.refusals_by_kind(scope_of(association, sex=Sex.MALE))
    assert men[ObstacleKind.DOMICILIATION_REFUSED].value == 0
    assert men[ObstacleKind.SCHOOL_REFUSED].value == 1
    assert_reproducible(result)


# --- School ----------------------------------------------------------------------------------


@pytest.fixture
def children(people, referent, outsider):
    """Ages on 31 March 2026, the quarter's last day."""
    born = {
        "Baby": {"birth_date": day(2, 1, 2024)},  # 2
        "Almost": {"birth_date": day(4, 1, 2023)},  # 2, 3 the next day
        "Three": {"birth_date": day(3, 31, 2023)},  # 3 that day
        "Ten": {"birth_year": 2016},  # 10
        "Teen": {"birth_date": day(4, 1, 2008)},  # 17
        # 18 in 2026: an adult, by the year alone.
        "Adult": {"birth_year": 2008},
        "Unknown": {"birth_year": None},
        "After": {"birth_year": 2016, "entered_on": day(4, 1)},
    }
    cast = {name: enter(referent, name, **fields) for name, fields in born.items()}
    cast["Elsewhere"] = enter(outsider, "Elsewhere", birth_year=2016)
    return cast


def test_children_by_age(children, association, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = indicators.children_by_age(scope_of(association))

    assert list(result) == [ChildAgeBand.UNDER_3, ChildAgeBand.FROM_3]
    assert result[ChildAgeBand.UNDER_3].value == 2
    assert names(result[ChildAgeBand.UNDER_3].people) == {"Baby", "Almost"}
    assert result[ChildAgeBand.FROM_3].value == 3
    assert names(result[ChildAgeBand.FROM_3].people) == {"Three", "Ten", "Teen"}


def test_schooling_by_level_on_the_periods_last_day(
    children, association, django_assert_num_queries
):
    baby, three, ten, teen = (children[name] for name in ("Baby", "Three", "Ten", "Teen"))
    # Two facts the same day: the later recorded counts.
    SchoolingFactory(person=baby, since=day(9, 1, 2025), level=SchoolLevel.NONE, enrolled_on=None)
    SchoolingFactory(
        person=baby,
        since=day(9, 1, 2025),
        level=SchoolLevel.EARLY,
        enrolled_on=None,
        mediation=True,
        mediation_since=day(9, 1, 2025),
    )
    SchoolingFactory(person=three, since=day(9, 1, 2025), level=SchoolLevel.MATERNELLE)
    # From after the quarter: not yet.
    SchoolingFactory(person=three, since=day(4, 15), level=SchoolLevel.ELEMENTAIRE)
    SchoolingFactory(person=ten, since=day(9, 1, 2025), level=SchoolLevel.NONE, enrolled_on=None)
    started = [
        SchoolingFactory(
            person=ten,
            since=day(1, 10),
            enrolled_on=day(1, 10),
            mediation=True,
            mediation_since=day(1, 10),
        ),
        SchoolingFactory(person=teen, since=END, level=SchoolLevel.LYCEE, enrolled_on=END),
    ]
    SchoolingFactory(
        person=teen, since=day(9, 1, 2024), level=SchoolLevel.COLLEGE, enrolled_on=day(9, 2, 2024)
    )
    # Not children of the scope: an adult, one entered after, another association's.
    for name in ("Adult", "After", "Elsewhere"):
        SchoolingFactory(person=children[name], since=day(2, 1), enrolled_on=day(2, 1))

    scope = scope_of(association)
    with django_assert_num_queries(1):
        result = indicators.schooling_by_level(scope)
    with django_assert_num_queries(1):
        mediation = indicators.children_in_mediation(scope)
    with django_assert_num_queries(1):
        school_year = indicators.school_started(scope)

    assert list(result) == list(SchoolLevel)
    assert {level: figure.value for level, figure in result.items() if figure.value} == {
        SchoolLevel.EARLY: 1,
        SchoolLevel.MATERNELLE: 1,
        SchoolLevel.ELEMENTAIRE: 1,
        SchoolLevel.LYCEE: 1,
    }
    assert names(result[SchoolLevel.EARLY].people) == {"Baby"}
    assert names(result[SchoolLevel.MATERNELLE].people) == {"Three"}
    assert names(result[SchoolLevel.ELEMENTAIRE].people) == {"Ten"}
    assert names(result[SchoolLevel.LYCEE].people) == {"Teen"}
    assert names(result[SchoolLevel.NONE].people) == set()
    assert mediation.value == 2
    assert names(mediation.people) == {"Baby", "Ten"}
    assert school_year.value == 2
    assert names(school_year.people) == {"Ten", "Teen"}
    assert set(school_year.records) == set(started)
    # At the end of December, before Ten's enrolment and Teen's move to the lycée.
    december = Scope(start=day(9, 1, 2025), end=day(12, 31, 2025), organisation=association)
    before = indicators.schooling_by_level(december)
    assert names(before[SchoolLevel.NONE].people) == {"Ten"}
    assert names(before[SchoolLevel.COLLEGE].people) == {"Teen"}
    assert_reproducible(result)
    assert_reproducible(before)


# --- French ----------------------------------------------------------------------------------


@pytest.fixture
def courses(people, association, referent, outsider):
    """Two courses of the association, ten classes in the quarter or around it, the learners'
    enrolments; another association's course."""
    ana, bogdan = people["ana"], people["bogdan"]
    dropped = enter(referent, "Dropped")
    waiting = enter(referent, "Waiting")
    asl = CourseFactory(
        organisation=association, kind=CourseKind.ASL, hours_per_class=Decimal("2.00")
    )
    fle = CourseFactory(
        organisation=association, kind=CourseKind.FLE, hours_per_class=Decimal("3.00")
    )
    theirs = CourseFactory(organisation=outsider.organisation)
    learners = {
        "ana_asl": LearnerFactory(course=asl, person=ana, enrolled_on=day(1, 5)),
        "ana_fle": LearnerFactory(course=fle, person=ana, enrolled_on=day(3, 1)),
        "bogdan_asl": LearnerFactory(course=asl, person=bogdan, enrolled_on=day(2, 1)),
        "dropped_asl": LearnerFactory(
            course=asl,
            person=dropped,
            enrolled_on=day(1, 5),
            left_on=day(1, 19),
            status=LearnerStatus.DROPPED,
            drop_reason=DropReason.LOST,
        ),
    }
    LearnerFactory(course=asl, person=waiting, enrolled_on=day(1, 5), status=LearnerStatus.WAITING)
    LearnerFactory(course=asl, person=people["late"], enrolled_on=day(1, 5))
    LearnerFactory(course=theirs, person=people["other"], enrolled_on=day(1, 5))

    def session(course, date, hours=None):
        return ClassSessionFactory(course=course, date=date, hours=hours or course.hours_per_class)

    sessions = {
        "asl_0105": session(asl, day(1, 5)),
        "asl_0112": session(asl, day(1, 12)),
        "asl_0119": session(asl, day(1, 19), Decimal("1.50")),
        "asl_0126": ClassSessionFactory(course=asl, date=day(1, 26), cancelled=True),
        "asl_0202": session(asl, day(2, 2)),
        "asl_0330": session(asl, day(3, 30)),
        "asl_0406": session(asl, day(4, 6)),
        "fle_0223": session(fle, day(2, 23)),
        "fle_0302": session(fle, day(3, 2)),
        "fle_0331": session(fle, END),
        "theirs_0105": session(theirs, day(1, 5)),
    }
    return {"learners": learners, "sessions": sessions, "dropped": dropped}


def test_french_hours_scheduled(courses, association, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = indicators.french_hours_scheduled(scope_of(association))

    # Ana: the ASL's 5 classes held from 5 January (2 + 2 + 1.5 + 2 + 2), the FLE's 2 from
    # 1 March (3 + 3). Bogdan: the ASL's 2 from 1 February. Dropped: the ASL's 3 until
    # 19 January. Not: the cancelled class, the waiting list, April, the others.
    assert result.value == Decimal("9.5") + 6 + 4 + Decimal("5.5")
    assert names(result.people) == {"Ana", "Bogdan", "Dropped"}
    assert set(result.records) == set(courses["learners"].values())
    men = indicators.french_hours_scheduled(scope_of(association, sex=Sex.MALE))
    assert men.value == 4
    assert names(men.people) == {"Bogdan"}


def test_french_hours_attended(people, courses, association, django_assert_num_queries):
    ana, bogdan, dropped = people["ana"], people["bogdan"], courses["dropped"]
    sessions = courses["sessions"]
    counted = [
        AttendanceFactory(session=sessions["asl_0105"], person=ana),
        AttendanceFactory(session=sessions["asl_0112"], person=ana),
        AttendanceFactory(session=sessions["fle_0302"], person=ana),
        AttendanceFactory(session=sessions["asl_0202"], person=bogdan),
        AttendanceFactory(session=sessions["asl_0119"], person=dropped),
    ]
    AttendanceFactory(session=sessions["asl_0119"], person=ana, present=False)
    AttendanceFactory(session=sessions["asl_0406"], person=ana)
    AttendanceFactory(session=sessions["asl_0126"], person=bogdan)
    AttendanceFactory(session=sessions["asl_0105"], person=people["late"])
    AttendanceFactory(session=sessions["theirs_0105"], person=people["other"])

    with django_assert_num_queries(1):
        result = indicators.french_hours_attended(scope_of(association))

    assert result.value == 2 + 2 + 3 + 2 + Decimal("1.5")
    assert names(result.people) == {"Ana", "Bogdan", "Dropped"}
    assert set(result.records) == set(counted)
    assert indicators.french_hours_attended(scope_of(association, sex=Sex.MALE)).value == 2


def test_french_hours_by_kind_of_course(people, courses, association, django_assert_num_queries):
    sessions = courses["sessions"]
    AttendanceFactory(session=sessions["asl_0105"], person=people["ana"])
    AttendanceFactory(session=sessions["fle_0302"], person=people["ana"])
    AttendanceFactory(session=sessions["fle_0223"], person=people["ana"], present=False)

    with django_assert_num_queries(2 * len(CourseKind)):
        result = indicators.french_hours_by_kind(scope_of(association))

    assert list(result) == list(CourseKind)
    asl, fle = result[CourseKind.ASL], result[CourseKind.FLE]
    # The ASL: Ana 9.5, Bogdan 4, Dropped 5.5 (see test_french_hours_scheduled); the FLE: Ana 6.
    assert (asl["scheduled"].value, asl["attended"].value) == (19, 2)
    assert (fle["scheduled"].value, fle["attended"].value) == (6, 3)
    assert names(fle["scheduled"].people) == {"Ana"}
    assert names(asl["scheduled"].people) == {"Ana", "Bogdan", "Dropped"}
    assert result[CourseKind.LITERACY]["scheduled"].value == 0
    assert not result[CourseKind.VOCATIONAL]["attended"].people.exists()


def test_learners_who_gained_a_level(people, association, referent, django_assert_num_queries):
    ana, bogdan = people["ana"], people["bogdan"]
    others = {name: enter(referent, name) for name in ("Lost", "Once", "Skills", "April", "Same")}

    def assess(person, on, level, skill=Skill.OVERALL):
        return AssessmentFactory(person=person, assessed_on=on, level=level, skill=skill)

    assess(ana, day(10, 1, 2025), CefrLevel.A0)
    gains = [assess(ana, day(2, 1), CefrLevel.A1_1)]
    assess(bogdan, day(11, 1, 2025), CefrLevel.A1, Skill.ORAL)
    assess(bogdan, day(2, 1), CefrLevel.A1, Skill.ORAL)
    assess(bogdan, day(1, 10), CefrLevel.A1_1, Skill.WRITTEN)
    gains.append(assess(bogdan, END, CefrLevel.A2, Skill.WRITTEN))
    # A level lost then regained is no gain against the one just before.
    assess(others["Lost"], day(9, 1, 2025), CefrLevel.A0)
    assess(others["Lost"], day(12, 1, 2025), CefrLevel.A2)
    assess(others["Lost"], day(3, 1), CefrLevel.A1)
    assess(others["Once"], day(2, 1), CefrLevel.A2)
    assess(others["Skills"], day(12, 1, 2025), CefrLevel.A0, Skill.ORAL)
    assess(others["Skills"], day(2, 1), CefrLevel.A1, Skill.WRITTEN)
    assess(others["April"], day(1, 1), CefrLevel.A1)
    assess(others["April"], day(4, 1), CefrLevel.A2)
    assess(others["Same"], day(2, 1), CefrLevel.A0)
    assess(others["Same"], day(2, 1), CefrLevel.A1)
    for outside in (people["late"], people["gone"], people["other"]):
        assess(outside, day(12, 1, 2025), CefrLevel.A0)
        assess(outside, day(2, 1), CefrLevel.B1)

    with django_assert_num_queries(1):
        result = indicators.french_level_gains(scope_of(association))

    assert result.value == 2
    assert names(result.people) == {"Ana", "Bogdan"}
    assert set(result.records) == set(gains)


def test_certifications_passed_by_kind(people, association, referent, django_assert_num_queries):
    ana, bogdan = people["ana"], people["bogdan"]
    tcf_taker, pending = enter(referent, "Tcf"), enter(referent, "Pending")
    passed = CertificationResult.PASSED
    counted = [
        CertificationFactory(person=ana, taken_on=day(2, 10), result=passed),
        CertificationFactory(
            person=bogdan, kind=CertificationKind.DELF_A1, taken_on=END, result=passed
        ),
        CertificationFactory(
            person=tcf_taker,
            kind=CertificationKind.TCF,
            taken_on=START,
            result=passed,
            level=CefrLevel.A2,
        ),
    ]
    CertificationFactory(
        person=bogdan,
        kind=CertificationKind.DELF_A1,
        taken_on=day(1, 10),
        result=CertificationResult.FAILED,
    )
    CertificationFactory(person=pending, kind=CertificationKind.DELF_A2, taken_on=day(2, 1))
    CertificationFactory(
        person=ana, kind=CertificationKind.DELF_A1, taken_on=day(12, 31, 2025), result=passed
    )
    for outside in (people["late"], people["gone"], people["other"]):
        CertificationFactory(person=outside, taken_on=day(2, 10), result=passed)

    with django_assert_num_queries(1):
        result = indicators.certifications_passed(scope_of(association))

    assert list(result) == list(CertificationKind)
    assert {kind: figure.value for kind, figure in result.items() if figure.value} == {
        CertificationKind.DILF: 1,
        CertificationKind.DELF_A1: 1,
        CertificationKind.TCF: 1,
    }
    assert names(result[CertificationKind.DILF].people) == {"Ana"}
    assert names(result[CertificationKind.DELF_A1].people) == {"Bogdan"}
    assert names(result[CertificationKind.TCF].people) == {"Tcf"}
    assert {row for figure in result.values() for row in figure.records} == set(counted)
    assert_reproducible(result)
