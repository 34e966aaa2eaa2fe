# ruff: noqa: F811 (the fixtures of actions_world, imported, are the tests' arguments)
"""Local actions' services (accompaniment.services_actions): an action and its relations,
the people and households it concerns, its financing per year; bad input gives a French
message on the field and saves nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accompaniment import services_actions as services
from accompaniment.models import Action, ActionFunding, ActionPlace, FundingSource
from beneficiaries import services as beneficiaries_services
from beneficiaries.models import ExitReason
from mia.concurrency import ConflictError
from tests.accompaniment.actions_world import (  # noqa: F401 (fixtures)
    DAY,
    TODAY,
    action,
    funding,
    make_action,
    prefecture,
)
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory


def fields(site, **changes) -> dict:
    return {
        "name": "  Scolarisation aux Acacias ",
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "goals": "Inscrire tous les enfants.",
        "topics": ["school", "health"],
        "place": ActionPlace.SITES,
        "place_details": "",
        "departement": "93",
        "sites": [site],
        **changes,
    }


def test_create_an_action_with_its_sites_pilots_and_operators(
    coordinator, site, prefecture, association
):
    action = services.action_create(
        by=coordinator, pilots=[prefecture], operators=[association], **fields(site)
    )

    action.refresh_from_db()
    assert action.organisation == association
    assert action.name == "Scolarisation aux Acacias"
    # Topics in the order of the list, whatever the order ticked.
    assert action.topics == ["health", "school"]
    assert list(action.sites.all()) == [site]
    assert list(action.pilots.all()) == [prefecture]
    assert list(action.operators.all()) == [association]
    assert action.version == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"ends_on": datetime.date(2025, 12, 31)},
            "ends_on",
            "La fin de l'action ne peut pas précéder son début.",
        ),
        ({"name": "   "}, "name", "Donnez un intitulé à l'action."),
        ({"sites": []}, "sites", "Choisissez le ou les lieux de vie où l'action a lieu."),
        ({"departement": "75"}, "departement", "Choisissez le département."),
        ({"place": "moon"}, "place", "Choisissez où l'action a lieu."),
        ({"topics": ["cooking"]}, "topics", "Choisissez des thématiques de la liste."),
    ],
)
def test_bad_input_for_an_action_saves_nothing(coordinator, site, changes, field, message):
    with pytest.raises(ValidationError) as error:
        services.action_create(by=coordinator, **fields(site, **changes))

    assert error.value.message_dict[field] == [message]
    assert Action.objects.count() == 0


def test_a_site_of_another_organisation_is_refused(coordinator, outsider):
    theirs = SiteFactory(organisation=outsider.organisation)

    with pytest.raises(ValidationError) as error:
        services.action_create(by=coordinator, **fields(theirs))

    assert "sites" in error.value.message_dict
    assert Action.objects.count() == 0


def test_update_bumps_the_version_and_refuses_a_stale_form(coordinator, action):
    services.action_update(action=action, by=coordinator, expected_version=1, name="Santé, phase 2")
    action.refresh_from_db()
    assert (action.name, action.version) == ("Santé, phase 2", 2)

    with pytest.raises(ConflictError) as conflict:
        services.action_update(
            action=Action.objects.get(pk=action.pk),
            by=coordinator,
            expected_version=1,
            name="Écrasé",
        )
    assert conflict.value.current == 2
    action.refresh_from_db()
    assert action.name == "Santé, phase 2"


def test_update_checks_the_dates_against_the_stored_ones(coordinator, action):
    with pytest.raises(ValidationError) as error:
        services.action_update(
            action=action, by=coordinator, ends_on=action.starts_on - DAY, expected_version=1
        )
    assert "ends_on" in error.value.message_dict
    assert Action.objects.get(pk=action.pk).ends_on == TODAY + 200 * DAY


def test_people_and_households_added_once_and_removed(coordinator, action, person, household):
    other = beneficiaries_services.person_create(
        by=coordinator, person=PersonFactory.build(household=household)
    )

    assert services.people_add(action=action, people=[person, other], by=coordinator) == 1
    assert services.households_add(action=action, households=[household], by=coordinator) == 1
    assert services.households_add(action=action, households=[household], by=coordinator) == 0
    assert set(action.people.all()) == {person, other}
    # Concerned: named, or members of a household named (each once).
    assert set(services.concerned(action.pk)) == {person, other}

    services.people_remove(action=action, people=[other], by=coordinator)
    services.households_remove(action=action, households=[household], by=coordinator)
    assert list(action.people.all()) == [person]
    assert list(action.households.all()) == []


def test_people_of_another_organisation_or_exited_are_refused(
    coordinator, outsider, action, household
):
    theirs = PersonFactory(organisation=outsider.organisation)
    gone = beneficiaries_services.person_create(
        by=coordinator, person=PersonFactory.build(household=household)
    )
    beneficiaries_services.person_exit(
        person=gone, on=TODAY, reason=ExitReason.OTHER, by=coordinator
    )

    for people in ([theirs], [gone]):
        with pytest.raises(ValidationError):
            services.people_add(action=action, people=people, by=coordinator)
    with pytest.raises(ValidationError):
        services.households_add(
            action=action,
            households=[HouseholdFactory(organisation=outsider.organisation)],
            by=coordinator,
        )
    assert action.people.count() == 1
    assert action.households.count() == 0


def test_current_for_a_person_reads_their_household_too(coordinator, association, person):
    ended = make_action(association, name="Finie", ends_on=TODAY - DAY, starts_on=TODAY - 9 * DAY)
    ended.people.add(person)
    through_household = make_action(association, name="Par le ménage")
    through_household.households.add(person.household)
    unrelated = make_action(association, name="Autre")

    assert list(services.current_for(person)) == [through_household]
    assert unrelated not in services.current_for(person)


# --- Financing -----------------------------------------------------------------------------------


def test_fundings_per_year_with_totals_and_overspend(coordinator, action, funding):
    services.funding_save(
        action=action,
        by=coordinator,
        year=TODAY.year,
        source=FundingSource.LOCAL_AUTHORITY,
        budget=Decimal("3000"),
        spent=Decimal("3500.50"),
    )
    services.funding_save(
        action=action,
        by=coordinator,
        year=TODAY.year + 1,
        source=FundingSource.RESORPTION,
        budget=Decimal("12000"),
    )

    years = services.finances(action.fundings.order_by("year", "source"))

    assert [(y.year, y.budget, y.spent, y.overspent) for y in years] == [
        # 10,000 + 3,000 budgeted; 2,500 + 3,500.50 spent.
        (TODAY.year, Decimal("13000"), Decimal("6000.50"), False),
        (TODAY.year + 1, Decimal("12000"), Decimal("0"), False),
    ]
    # Rows by source code: the local authority's (overspent: kept, flagged), then the
    # resorption credits'.
    assert [(row.source, row.overspent) for row in years[0].rows] == [
        (FundingSource.LOCAL_AUTHORITY, True),
        (FundingSource.RESORPTION, False),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"budget": Decimal("-1")}, "budget", "Un montant ne peut pas être négatif."),
        ({"spent": Decimal("-0.01")}, "spent", "Un montant ne peut pas être négatif."),
        ({"year": 1999}, "year", "Indiquez une année entre 2000 et 2100."),
        ({"source": "lottery"}, "source", "Choisissez le financeur."),
        (
            {"source": FundingSource.RESORPTION},
            "source",
            f"Ce financeur a déjà une ligne pour {TODAY.year} : modifiez-la.",
        ),
    ],
)
def test_bad_funding_saves_nothing(coordinator, action, funding, changes, field, message):
    values = {
        "year": TODAY.year,
        "source": FundingSource.STATE,
        "budget": Decimal("100"),
        "spent": None,
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        services.funding_save(action=action, by=coordinator, **values)

    assert error.value.message_dict[field] == [message]
    assert list(ActionFunding.objects.values_list("pk", flat=True)) == [funding.pk]


def test_a_funding_row_is_changed_in_place(coordinator, action, funding):
    services.funding_save(
        action=action,
        by=coordinator,
        funding=funding,
        year=funding.year,
        source=funding.source,
        budget=Decimal("11000"),
        spent=Decimal("12000"),
    )
    funding.refresh_from_db()
    assert (funding.budget, funding.spent) == (Decimal("11000"), Decimal("12000"))
    assert ActionFunding.objects.count() == 1


def test_counts_of_people_households_and_concerned(coordinator, action, person, household):
    other_household = beneficiaries_services.household_create(
        by=coordinator, household=HouseholdFactory.build(name="Radu", site=household.site)
    )
    for _ in range(2):
        beneficiaries_services.person_create(
            by=coordinator, person=PersonFactory.build(household=other_household)
        )
    # `person` named, and in `household`, also named: counted once.
    action.households.add(household, other_household)
    row = services.with_counts(Action.objects.filter(pk=action.pk)).get()

    assert (row.people_count, row.households_count, row.concerned_count) == (1, 2, 3)
