"""The sites' figures (beneficiaries.indicators_sites) on a hand-built world; every expected
value is counted by hand in the comments."""

import datetime

import pytest

from beneficiaries import indicators_sites
from beneficiaries.models import SitePopulation
from beneficiaries.scope import Scope
from tests.beneficiaries.factories import SiteFactory, commune

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 6, 30)


def _site(organisation, insee, **fields):
    return SiteFactory(
        organisation=organisation, commune=commune(insee), opened_on=D(2020, 1, 1), **fields
    )


def _entry(site, on, people, **counts):
    SitePopulation.objects.create(site=site, observed_on=on, people=people, **counts)


@pytest.fixture
def world(association, other_association):
    a = _site(
        association,
        "93066",
        electricity="regular",
        water_access="on_site",
        water_continuous=True,
        water_close=True,
        toilets="none",
    )
    _entry(a, D(2025, 1, 1), 30)  # older: not the latest
    _entry(
        a,
        D(2026, 3, 1),
        50,
        women=20,
        households=15,
        minors=20,
        minors_0_3=5,
        minors_3_6=5,
        minors_6_12=5,
        minors_12_16=3,
        minors_16_18=2,
        minors_in_school=10,
    )
    _entry(a, D(2026, 7, 15), 999)  # after the date
    b = _site(
        association,
        "94028",
        electricity="none",
        water_access="public_point",
        water_continuous=False,
        toilets="sufficient",
    )
    _entry(b, D(2026, 5, 1), 30, women=14, minors=8, minors_in_school=4, huts=6)
    c = _site(association, "93008", status="evacuated_court", closed_on=D(2026, 4, 10))
    _entry(c, D(2026, 2, 1), 100)  # closed before the date
    d = _site(association, "93008", status="resorbed", closed_on=D(2026, 7, 5))
    _entry(d, D(2026, 6, 1), 20, minors=5)  # open on the date: closes after it
    _site(
        association, "93008", status="closed", closed_reason="fire", closed_on=D(2025, 12, 1)
    )  # closed before the period
    _site(
        association, "92050", status="closed", closed_reason="departure", closed_on=END
    )  # closed on the period's last day: closed in it, not open on it
    other = _site(other_association, "93066")
    _entry(other, D(2026, 3, 1), 500)  # another organisation's
    return {"a": a, "b": b, "c": c, "d": d}


def test_sites_open_and_their_population(world, association, django_assert_num_queries):
    scope = Scope(start=START, end=END, organisation=association)
    with django_assert_num_queries(1):
        opened = indicators_sites.sites_open(scope)
    with django_assert_num_queries(1):
        population = indicators_sites.population_on(scope)

    # A, B and D (closes on 5 July).
    assert opened.value == 3
    assert set(opened.records) == {world["a"], world["b"], world["d"]}
    # Latest entries on or before 30 June: A 50 (1 March), B 30, D 20.
    assert population["people"].value == 50 + 30 + 20
    assert population["women"].value == 20 + 14
    assert population["households"].value == 15
    assert population["minors"].value == 20 + 8 + 5
    assert population["minors_0_3"].value == 5
    assert population["minors_16_18"].value == 2
    assert population["minors_in_school"].value == 10 + 4
    assert population["huts"].value == 6
    assert population["people"].records.count() == 3


def test_by_departement(world, association):
    scope = Scope(start=START, end=END, organisation=association, departement="93")

    # A and D are in Seine-Saint-Denis.
    assert indicators_sites.sites_open(scope).value == 2
    assert indicators_sites.population_on(scope)["people"].value == 50 + 20


def test_conditions_by_summary(world, association, django_assert_num_queries):
    scope = Scope(start=START, end=END, organisation=association)
    with django_assert_num_queries(1):
        conditions = indicators_sites.conditions_by_summary(scope)

    values = {
        key: {summary: figure.value for summary, figure in by.items()}
        for key, by in conditions.items()
    }
    # Electricity: A regular (good), B none (bad), D unknown.
    assert values["electricity"] == {"good": 1, "to_improve": 0, "bad": 1, "unknown": 1}
    # Water: A on site, continuous and close (good); B a public point, not continuous.
    assert values["water"] == {"good": 1, "to_improve": 1, "bad": 0, "unknown": 1}
    assert values["toilets"] == {"good": 1, "to_improve": 0, "bad": 1, "unknown": 1}
    assert values["pests"] == {"good": 0, "to_improve": 0, "bad": 0, "unknown": 3}
    assert list(conditions["water"]["to_improve"].records) == [world["b"]]


def test_sites_closed_in_the_period_by_cause(world, association, django_assert_num_queries):
    scope = Scope(start=START, end=END, organisation=association)
    with django_assert_num_queries(1):
        closed = indicators_sites.sites_closed(scope)

    # C evacuated on 10 April, the 92 site closed on 30 June; D closes after, the fire before.
    assert {cause: figure.value for cause, figure in closed.items()} == {
        "evacuated_court": 1,
        "evacuated_order": 0,
        "resorbed": 0,
        "closed": 1,
    }
    assert list(closed["evacuated_court"].records) == [world["c"]]
