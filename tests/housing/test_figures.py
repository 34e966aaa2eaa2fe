"""A site's resorption and housing's indicators, on a hand-built world whose figures are worked
out by hand below (every member entered the programme on 1 March 2025).

Site « Acacias » (evacuated on 15 June 2025, court decision of 1 May 2025):
  A, 3 people: CHU 1 June → 1 September 2025, then a social lease from 1 September (184 days
     after entry)                                               → permanent housing
  B, 2 people: CHRS from 1 July 2025                           → lasting (insertion shelter)
  C, 4 people: hotel via the 115 from 1 July 2025              → temporary shelter
  D, 1 person: nothing                                          → none
  E, 2 people: a CHRS in 2024, before they came (1 January 2025) → none
  F, 3 people: private lease from 1 May 2025 (61 days after entry) → permanent housing
  G, 2 people: nothing, both went back to their country        → other
  17 people, 8 with a lasting solution (A, B, F): 47 % < 66 %: not resorbed.
Site « Tilleuls » (closed on 1 August 2025): X, 2 people, social lease; Y, 1 person, nothing:
  2 of 3 people = 66.7 % ≥ 66 %: resorbed.

Board of the Acacias evacuation: A offered a CHU (accepted); C offered a CHU (refused: too far)
then a hotel (accepted); B wishes shelter, no offer yet; D does not wish any."""

import datetime

import pytest

from beneficiaries.models import Person, Site, SiteStatus
from beneficiaries.scope import Scope
from housing import indicators, resorption
from tests.beneficiaries.factories import SiteFactory
from tests.housing.factories import (
    BoardRowFactory,
    EvacuationFactory,
    OfferFactory,
    PlacementFactory,
)
from tests.housing.world import new_household

D = datetime.date


@pytest.fixture
def world(association, referent):
    acacias = SiteFactory(organisation=association, name="Acacias")
    tilleuls = SiteFactory(organisation=association, name="Tilleuls")
    early = D(2024, 1, 1)
    h = {
        name: new_household(referent, acacias, name, members=size, on=early)
        for name, size in [("A", 3), ("B", 2), ("C", 4), ("D", 1), ("F", 3), ("G", 2)]
    }
    h["E"] = new_household(referent, acacias, "E", members=2, on=D(2025, 1, 1))
    h["X"] = new_household(referent, tilleuls, "X", members=2, on=early)
    h["Y"] = new_household(referent, tilleuls, "Y", members=1, on=early)
    Person.objects.filter(household=h["G"]).update(exited_on=D(2025, 7, 1), exit_reason="returned")
    placements = [
        ("A", "chu", D(2025, 6, 1), D(2025, 9, 1)),
        ("A", "social_lease", D(2025, 9, 1), None),
        ("B", "chrs", D(2025, 7, 1), None),
        ("C", "hotel_115", D(2025, 7, 1), None),
        ("E", "chrs", D(2024, 6, 1), D(2024, 12, 31)),
        ("F", "private_lease", D(2025, 5, 1), None),
        ("X", "social_lease", D(2025, 8, 1), None),
    ]
    for name, kind, start, end in placements:
        PlacementFactory(household=h[name], type=kind, started_on=start, ended_on=end)
    Site.objects.filter(pk=acacias.pk).update(
        status=SiteStatus.EVACUATED_COURT, closed_on=D(2025, 6, 15)
    )
    Site.objects.filter(pk=tilleuls.pk).update(status=SiteStatus.CLOSED, closed_on=D(2025, 8, 1))
    evacuation = EvacuationFactory(
        site=acacias, decided_on=D(2025, 5, 1), carried_out_on=D(2025, 6, 15)
    )
    for name, wish in [("A", "yes"), ("B", "yes"), ("C", "yes"), ("D", "no")]:
        BoardRowFactory(evacuation=evacuation, household=h[name], wish=wish)
    offered = D(2025, 5, 20)
    OfferFactory(
        evacuation=evacuation,
        household=h["A"],
        type="chu",
        offered_on=offered,
        answer="accepted",
        answered_on=D(2025, 5, 25),
    )
    OfferFactory(
        evacuation=evacuation,
        household=h["C"],
        type="chu",
        offered_on=offered,
        answer="refused",
        answered_on=D(2025, 5, 21),
        refusal_reason="too_far",
    )
    OfferFactory(
        evacuation=evacuation,
        household=h["C"],
        type="hotel_115",
        offered_on=D(2025, 6, 1),
        answer="accepted",
        answered_on=D(2025, 6, 1),
    )
    return {"acacias": acacias, "tilleuls": tilleuls, "households": h, "evacuation": evacuation}


@pytest.fixture
def scope(association):
    return Scope(start=D(2025, 1, 1), end=D(2025, 12, 31), organisation=association)


def _by_code(result):
    return {count.code: (count.households, count.people) for count in result.counts}


def test_a_site_s_solutions_come_from_the_placements(world, django_assert_num_queries):
    # stays, households without a stay, members, placements
    with django_assert_num_queries(4):
        result = resorption.resorption(world["acacias"])

    assert _by_code(result) == {
        "permanent": (2, 6),
        "lasting": (1, 2),
        "temporary": (1, 4),
        "none": (2, 3),
        "other": (1, 2),
    }
    assert (result.households, result.people, result.lasting_people) == (7, 17, 8)
    assert result.lasting_percent == 47
    assert not result.resorbed


def test_two_thirds_with_a_lasting_solution_is_resorbed(world):
    result = resorption.resorption(world["tilleuls"])

    assert (result.people, result.lasting_people, result.resorbed) == (3, 2, True)


def test_households_by_housing_type_at_the_period_s_end(world, scope, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = indicators.households_by_housing_type(scope)
        values = {code: figure.value for code, figure in result.items() if figure.value}

    assert values == {"social_lease": 2, "chrs": 1, "hotel_115": 1, "private_lease": 1}
    assert result["chrs"].people.count() == 2


def test_exits_to_permanent_housing_and_the_days_it_took(world, scope, django_assert_num_queries):
    with django_assert_num_queries(1):
        exits = indicators.exits_to_permanent_housing(scope)
    with django_assert_num_queries(1):
        days = indicators.days_to_permanent_housing(scope)

    # A (1 September), F (1 May), X (1 August, 153 days after entry).
    assert exits.value == 3
    assert set(exits.records.values_list("household__name", flat=True)) == {"A", "F", "X"}
    # 61, 153 and 184 days.
    assert days["median"] == 153
    assert {code: band.value for code, band in days["bands"].items()} == {
        "under_6_months": 2,
        "6_to_12_months": 1,
        "1_to_2_years": 0,
        "2_years_and_more": 0,
    }


def test_a_later_lease_is_not_a_second_exit(world, scope):
    PlacementFactory(
        household=world["households"]["F"], type="social_lease", started_on=D(2026, 1, 1)
    )
    later = Scope(start=D(2026, 1, 1), end=D(2026, 6, 30), organisation=scope.organisation)

    assert indicators.exits_to_permanent_housing(later).value == 0


def test_offers_after_the_evacuation(world, scope, django_assert_num_queries):
    with django_assert_num_queries(3):
        result = indicators.offers_after_evacuations(scope)
        figures = {
            pk: {key: figure.value for key, figure in row.items()} for pk, row in result.items()
        }

    assert figures == {world["evacuation"].pk: {"made": 3, "accepted": 2, "refused": 1, "none": 1}}
    row = result[world["evacuation"].pk]
    assert list(row["none"].records.values_list("household__name", flat=True)) == ["B"]
    assert row["refused"].people.count() == 4


def test_sites_resorbed_and_their_solutions(world, scope, django_assert_num_queries):
    # the sites closed in the period; then the resorption's four queries
    with django_assert_num_queries(5):
        result = indicators.sites_resorbed(scope)

    assert (result["closed"].value, result["resorbed"].value) == (2, 1)
    assert list(result["resorbed"].records.values_list("name", flat=True)) == ["Tilleuls"]
    assert result["solutions"] == {
        "permanent": {"households": 3, "people": 8},
        "lasting": {"households": 1, "people": 2},
        "temporary": {"households": 1, "people": 4},
        "none": {"households": 3, "people": 4},
        "other": {"households": 1, "people": 2},
    }
