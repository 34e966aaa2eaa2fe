# ruff: noqa: E501 (the tables: one persona, one person a line)
"""The employment indicators (employment.indicators), for the first quarter of 2026. Every
expected figure is counted by hand from the rows built here, next to rows that must not count:
outside the period, about people outside the scope (entered after it, of another
organisation), or not what the figure counts.

    person  sex  in the programme          contracts                                  trainings
    ana     F    since 2025                CDDI 10/01/2026 → planned 30/06/2026       01/02 → 28/02/2026
    bogdan  M    since 2025                CDD 01/10/2025 → ended 15/01/2026          01/12/2025 → (ongoing)
    bea     F    left 31/03/2026           interim from 31/03/2026                    —
    dan     M    left 15/02/2026           CDI 01/06/2025 → ended 14/02/2026          —
    eva     F    left 20/02/2026           CDI from 01/02/2026                        —
    fred    M    since 2025                CDD 01/01/2025 → ended 31/12/2025          01/11 → 31/12/2025
    late    F    entered 01/04/2026        CDD from 01/03/2026                        01/03/2026 →
    other   F    another association       CDI from 01/01/2026                        —
"""

import datetime

import pytest

from beneficiaries import services
from beneficiaries.models import ExitReason, Person, Sex
from beneficiaries.scope import Scope
from employment import indicators
from employment.models import ContractType
from tests.beneficiaries.factories import PersonFactory
from tests.employment.factories import ContractFactory, EmployerFactory, TrainingFactory

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)


def day(month: int, number: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, number)


def enter(by, name: str, sex: str, *, exited_on=None, **fields) -> Person:
    fields.setdefault("entered_on", day(3, 1, 2025))
    person = PersonFactory.build(
        organisation=by.organisation,
        first_name=name,
        last_name="Test",
        sex=sex,
        exited_on=exited_on,
        exit_reason=ExitReason.OTHER if exited_on else "",
        **fields,
    )
    return services.person_create(by=by, person=person)


@pytest.fixture
def cast(association, referent, outsider):
    employer = EmployerFactory(organisation=association)
    F, M = Sex.FEMALE, Sex.MALE
    people = {
        "ana": enter(referent, "Ana", F),
        "bogdan": enter(referent, "Bogdan", M),
        "bea": enter(referent, "Bea", F, exited_on=day(3, 31)),
        "dan": enter(referent, "Dan", M, exited_on=day(2, 15)),
        "eva": enter(referent, "Eva", F, exited_on=day(2, 20)),
        "fred": enter(referent, "Fred", M),
        "late": enter(referent, "Late", F, entered_on=day(4, 1)),
        "other": enter(outsider, "Other", F),
    }

    def contract(name, kind, starts_on, **dates):
        person = people[name]
        own = (
            employer
            if person.organisation_id == association.pk
            else EmployerFactory(organisation=person.organisation)
        )
        return ContractFactory(
            person=person, employer=own, contract_type=kind, starts_on=starts_on, **dates
        )

    contracts = {
        "ana": contract("ana", ContractType.CDDI, day(1, 10), planned_end=day(6, 30)),
        "bogdan": contract(
            "bogdan",
            ContractType.CDD,
            day(10, 1, 2025),
            planned_end=day(3, 31),
            ended_on=day(1, 15),
        ),
        "bea": contract("bea", ContractType.INTERIM, day(3, 31)),
        "dan": contract("dan", ContractType.CDI, day(6, 1, 2025), ended_on=day(2, 14)),
        "eva": contract("eva", ContractType.CDI, day(2, 1)),
        "fred": contract(
            "fred",
            ContractType.CDD,
            day(1, 1, 2025),
            planned_end=day(12, 31, 2025),
            ended_on=day(12, 31, 2025),
        ),
        "late": contract("late", ContractType.CDD, day(3, 1)),
        "other": contract("other", ContractType.CDI, day(1, 1)),
    }
    trainings = {
        "ana": TrainingFactory(
            person=people["ana"], starts_on=day(2, 1), ends_on=day(2, 28), outcome="completed"
        ),
        "bogdan": TrainingFactory(person=people["bogdan"], starts_on=day(12, 1, 2025)),
        "fred": TrainingFactory(
            person=people["fred"],
            starts_on=day(11, 1, 2025),
            ends_on=day(12, 31, 2025),
            outcome="completed",
        ),
        "late": TrainingFactory(person=people["late"], starts_on=day(3, 1)),
    }
    return {"people": people, "contracts": contracts, "trainings": trainings}


@pytest.fixture
def scope(association):
    return Scope(start=START, end=END, organisation=association)


def names(people) -> set[str]:
    return set(people.values_list("first_name", flat=True))


def test_people_in_training(cast, scope, django_assert_num_queries):
    with django_assert_num_queries(1):
        figure = indicators.people_in_training(scope)

    # ana's training in February; bogdan's, begun in December and still going. Not fred's
    # (ended before), nor late's (not in the programme then).
    assert figure.value == 2
    assert names(figure.people) == {"Ana", "Bogdan"}
    assert set(figure.records) == {cast["trainings"]["ana"], cast["trainings"]["bogdan"]}


def test_contracts_by_type_started_in_the_period(cast, scope, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = indicators.contracts_by_type(scope)

    assert list(figures) == list(ContractType.values)
    # ana's CDDI (10/01), eva's CDI (01/02), bea's interim (31/03, the last day). Not late's
    # CDD nor the other association's CDI.
    assert {kind: figure.value for kind, figure in figures.items() if figure.value} == {
        "cddi": 1,
        "cdi": 1,
        "interim": 1,
    }
    assert names(figures["cdi"].people) == {"Eva"}
    assert list(figures["interim"].records) == [cast["contracts"]["bea"]]


def test_people_in_employment_on_a_day(cast, scope, django_assert_num_queries):
    with django_assert_num_queries(1):
        at_end = indicators.people_in_employment_on(scope)
    on_15_january = indicators.people_in_employment_on(scope, day(1, 15))

    # 31/03: ana (planned end 30/06), bea (from that day), eva (no end).
    assert at_end.value == 3
    assert names(at_end.people) == {"Ana", "Bea", "Eva"}
    # 15/01: ana (since 10/01), bogdan (his last day), dan (until 14/02).
    assert on_15_january.value == 3
    assert names(on_15_january.people) == {"Ana", "Bogdan", "Dan"}


def test_people_in_employment_at_programme_exit(cast, scope, django_assert_num_queries):
    with django_assert_num_queries(1):
        figure = indicators.people_in_employment_at_exit(scope)

    # bea left on 31/03, the day her interim began; eva left on 20/02 in her CDI. dan left on
    # 15/02, the day after his CDI ended.
    assert figure.value == 2
    assert names(figure.people) == {"Bea", "Eva"}
    assert set(figure.records) == {cast["contracts"]["bea"], cast["contracts"]["eva"]}


def test_people_with_a_contract_in_a_year_and_women_among_them(
    cast, scope, django_assert_num_queries
):
    with django_assert_num_queries(2):
        figures = indicators.people_with_a_contract_in_year(scope)
    in_2025 = indicators.people_with_a_contract_in_year(scope, 2025)

    # 2026: ana, bogdan (until 15/01), bea, dan (until 14/02), eva; not late nor other.
    assert figures["total"].value == 5
    assert figures["women"].value == 3
    assert names(figures["women"].people) == {"Ana", "Bea", "Eva"}
    # 2025: bogdan (from October), dan (from June), fred (the whole year).
    assert in_2025["total"].value == 3
    assert names(in_2025["total"].people) == {"Bogdan", "Dan", "Fred"}
    assert in_2025["women"].value == 0


def test_the_scope_s_sex_narrows_every_figure(cast, association):
    men = Scope(start=START, end=END, organisation=association, sex=Sex.MALE)

    assert indicators.people_in_training(men).value == 1  # bogdan
    assert indicators.people_in_employment_on(men, day(1, 15)).value == 2  # bogdan, dan
    assert indicators.people_in_employment_at_exit(men).value == 0
