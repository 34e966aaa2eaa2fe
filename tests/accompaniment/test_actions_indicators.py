"""The local actions' indicators (accompaniment.indicators_actions) for 2026, and Scope's
`action` filter. Every expected figure is counted by hand from the rows built here, next to
rows that must not count: an action ended before the period, a member who left before it,
a follow-up outside the period or tied to an action outside the scope, another
organisation's action."""

import datetime
from decimal import Decimal

import pytest

from accompaniment import indicators_actions as indicators
from accompaniment.models import Action, ActionFunding, ActionPlace
from beneficiaries import services
from beneficiaries.models import ExitReason, Person, Sex
from beneficiaries.scope import AgeBand, Scope
from tests.accompaniment.factories import FollowUpFactory
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory, commune

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def day(year: int, month: int, number: int) -> datetime.date:
    return datetime.date(year, month, number)


def enter(by, name: str, household, sex, **fields) -> Person:
    fields.setdefault("entered_on", day(2025, 3, 1))
    person = PersonFactory.build(
        organisation=by.organisation,
        first_name=name,
        last_name="Test",
        household=household,
        sex=sex,
        exit_reason=ExitReason.OTHER if fields.get("exited_on") else "",
        **fields,
    )
    return services.person_create(by=by, person=person)


def family(by, name: str, site):
    return services.household_create(
        by=by, household=HouseholdFactory.build(name=name, site=site), on=day(2025, 1, 1)
    )


def new_action(organisation, name, *, starts_on, ends_on, departement):
    return Action.objects.create(
        organisation=organisation,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        place=ActionPlace.SITES,
        departement=departement,
    )


@pytest.fixture
def world(association, referent, outsider):
    saint_denis = SiteFactory(organisation=association, commune=commune("93066"))
    creteil = SiteFactory(organisation=association, commune=commune("94028"))
    a, b, c = (
        family(referent, name, site)
        for name, site in (("A", saint_denis), ("B", creteil), ("C", saint_denis))
    )
    people = {
        "ana": enter(referent, "Ana", a, Sex.FEMALE, birth_date=day(1990, 5, 10)),
        "bogdan": enter(referent, "Bogdan", a, Sex.MALE, birth_year=2000),
        # A member of A who left the programme before 2026: never counted.
        "eve": enter(
            referent, "Eve", a, Sex.FEMALE, entered_on=day(2024, 1, 1), exited_on=day(2025, 6, 1)
        ),
        "cris": enter(referent, "Cris", b, Sex.FEMALE, birth_year=1960),
        "dana": enter(referent, "Dana", c, Sex.FEMALE, birth_year=2012),
    }
    health = new_action(
        association, "Santé", starts_on=day(2026, 3, 1), ends_on=day(2026, 9, 30), departement="93"
    )
    health.sites.add(saint_denis)
    health.households.add(a)
    health.people.add(people["dana"])
    ended = new_action(
        association,
        "Emploi",
        starts_on=day(2025, 1, 1),
        ends_on=day(2025, 12, 31),
        departement="93",
    )
    ended.people.add(people["cris"], people["ana"])
    housing = new_action(
        association, "Logement", starts_on=day(2025, 6, 1), ends_on=None, departement="94"
    )
    housing.sites.add(creteil)
    housing.people.add(people["cris"])
    theirs = new_action(
        outsider.organisation, "Ailleurs", starts_on=START, ends_on=None, departement="93"
    )
    # Follow-ups: one counts (Ana, Santé, in 2026); before the period, tied to the ended
    # action, not tied: none of them.
    FollowUpFactory(person=people["ana"], action=health, date=day(2026, 4, 1))
    FollowUpFactory(person=people["ana"], action=health, date=day(2025, 12, 1))
    FollowUpFactory(person=people["cris"], action=ended, date=day(2026, 1, 5))
    FollowUpFactory(person=people["cris"], date=day(2026, 2, 1))
    fund = ActionFunding.objects.create
    fund(action=health, year=2026, source="resorption", budget=10000, spent=4000)
    fund(action=health, year=2026, source="state", budget=2000)
    fund(action=health, year=2025, source="resorption", budget=8000, spent=8000)
    fund(action=housing, year=2026, source="resorption", budget=5000, spent=6000)
    fund(action=ended, year=2026, source="european", budget=1000)
    fund(action=theirs, year=2026, source="state", budget=99999)
    return {
        **people,
        "health": health,
        "housing": housing,
        "ended": ended,
        "saint_denis": saint_denis,
        "creteil": creteil,
        "a": a,
        "b": b,
        "c": c,
    }


def names(queryset) -> set[str]:
    return set(queryset.values_list("first_name", flat=True))


def test_scope_action_filter(world, association):
    scope = Scope(START, END, association, action=world["health"])
    # Ana and Bogdan through household A, Dana named; Eve left before 2026.
    assert names(scope.people()) == {"Ana", "Bogdan", "Dana"}
    assert names(Scope(START, END, association, action=world["housing"].pk).people()) == {"Cris"}
    women = Scope(START, END, association, action=world["health"], sex=Sex.FEMALE)
    assert names(women.people()) == {"Ana", "Dana"}
    children = Scope(START, END, association, action=world["health"], age_band=AgeBand.UNDER_16)
    assert names(children.people()) == {"Dana"}


def test_scope_refuses_another_organisation_s_action(world, association, outsider):
    theirs = Action.objects.get(organisation=outsider.organisation)
    with pytest.raises(ValueError):
        Scope(START, END, association, action=theirs)


def test_actions_people_and_households(world, association, django_assert_num_queries):
    scope = Scope(START, END, association)
    with django_assert_num_queries(1):
        running = indicators.actions_running(scope)
    # Santé and Logement; Emploi ended in 2025; Ailleurs is another association's.
    assert running.value == 2
    assert set(running.records.values_list("name", flat=True)) == {"Santé", "Logement"}

    concerned = indicators.people_concerned(scope)
    assert concerned.value == 4
    assert names(concerned.people) == {"Ana", "Bogdan", "Dana", "Cris"}

    with django_assert_num_queries(1):
        by_sex = indicators.people_concerned_by_sex(scope)
    assert {sex: row.value for sex, row in by_sex.items()} == {"F": 3, "M": 1, "X": 0}

    households = indicators.households_concerned(scope)
    # A (named on Santé), C (Dana's), B (Cris's, named on Logement).
    assert households.value == 3
    assert set(households.records.values_list("name", flat=True)) == {"A", "B", "C"}


def test_by_departement_and_site(world, association):
    in_93 = Scope(START, END, association, departement="93")
    assert indicators.actions_running(in_93).value == 1
    assert names(indicators.people_concerned(in_93).people) == {"Ana", "Bogdan", "Dana"}
    assert indicators.households_concerned(in_93).value == 2
    on_creteil = Scope(START, END, association, site=world["creteil"])
    assert indicators.actions_running(on_creteil).value == 1
    assert names(indicators.people_concerned(on_creteil).people) == {"Cris"}


def test_follow_ups_tied(world, association):
    tied = indicators.follow_ups_tied(Scope(START, END, association))
    assert tied.value == 1
    assert names(tied.people) == {"Ana"}


def test_financing_by_source(world, association, django_assert_num_queries):
    scope = Scope(START, END, association)
    with django_assert_num_queries(1):
        money = indicators.financing_by_source(scope)
    # 2026 only: resorption 10,000 + 5,000 budgeted, 4,000 + 6,000 spent; the State 2,000
    # budgeted, nothing spent; the ended action's European row is outside the scope.
    assert (money["resorption"].budget, money["resorption"].spent) == (15000, 10000)
    assert (money["state"].budget, money["state"].spent) == (2000, 0)
    assert (money["european"].budget, money["european"].spent) == (0, 0)
    assert money["resorption"].records.count() == 2
    # Over 2025-2026 the 2025 row counts too (and the ended action, running in 2025).
    both = indicators.financing_by_source(Scope(day(2025, 1, 1), END, association))
    assert both["resorption"].budget == 23000
    assert both["european"].budget == 1000


def test_yearly_figures_per_action(world, association, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = indicators.yearly_figures(Scope(START, END, association))
    assert [
        (r.action.name, r.people, r.women, r.households, r.follow_ups, r.budget, r.spent)
        for r in rows
    ] == [
        ("Logement", 1, 1, 0, 0, Decimal("5000"), Decimal("6000")),
        ("Santé", 3, 2, 1, 1, Decimal("12000"), Decimal("4000")),
    ]
