"""A partner's search in the portal matches only what the sections shared with them show on the
person's page: the names always; birth year, phone and other spellings with the identity
section; the household (never shown to a partner) never."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries import services as beneficiaries_services
from partners import services
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory


def _shared(*, by, organisation, sections, **fields):
    household = beneficiaries_services.household_create(
        by=by, household=HouseholdFactory.build(name="Famille Kostov")
    )
    person = beneficiaries_services.person_create(
        by=by, person=PersonFactory.build(household=household, **fields)
    )
    services.consent_record(
        person=person,
        organisation=organisation,
        purpose="Inscription à France Travail",
        sections=sections,
        given_on=datetime.date(2026, 1, 5),
        by=by,
    )
    return person


@pytest.fixture
def employment_only(referent, partner):
    return _shared(
        by=referent,
        organisation=partner.organisation,
        sections=["employment"],
        first_name="Ștefan",
        last_name="Shterev",
        other_names="Stoyanov",
        birth_date=None,
        birth_year=1987,
        phone="+33 6 39 12 34 56",
    )


@pytest.fixture
def with_identity(referent, partner):
    return _shared(
        by=referent,
        organisation=partner.organisation,
        sections=["identity", "employment"],
        first_name="Elena",
        last_name="Radu",
        other_names="Elena Stoyanova",
        birth_date=None,
        birth_year=1987,
        phone="07 51 00 00 01",
    )


def _found(client, query):
    response = client.post(reverse("partners:portal"), {"q": query}, follow=True)
    assert response.status_code == 200
    return {row["person"] for row in response.context["rows"]}


@pytest.mark.parametrize("query", ["Shterev", "stefan", "Ştefan Shterev", "Щерев", "Sterev"])
def test_found_by_name_without_identity(login_as, employment_only, query):
    assert _found(login_as("partner"), query) == {employment_only}


@pytest.mark.parametrize(
    "query",
    [
        "1987",  # birth year
        "0639",  # phone, recorded as +33 6 39…
        "06 39 12 34 56",
        "Stoyanov",  # another spelling
        "stefan 1987",  # a name does not let the hidden year through
        "Kostov",  # the household's name
    ],
)
def test_not_found_by_what_is_not_shared(login_as, employment_only, query):
    assert _found(login_as("partner"), query) == set()


@pytest.mark.parametrize(
    "query", ["Radu", "1987", "0751", "07 51 00 00 01", "Stoyanova", "elena 1987"]
)
def test_found_by_identity_when_identity_is_shared(login_as, with_identity, query):
    assert _found(login_as("partner"), query) == {with_identity}


def test_each_file_matches_on_its_own_sections(login_as, employment_only, with_identity):
    client = login_as("partner")

    # Both born in 1987, both with a spelling "Stoyanov…": only the identity share shows them.
    assert _found(client, "1987") == {with_identity}
    assert _found(client, "stoyanov") == {with_identity}
    assert _found(client, "Kostov") == set()


def test_the_team_still_finds_every_field(login_as, employment_only):
    client = login_as("referent")

    for query in ["1987", "0639", "Stoyanov", "Kostov", "Shterev"]:
        response = client.post(reverse("beneficiaries:person_list"), {"q": query}, follow=True)
        assert employment_only in response.context["page"].object_list, query


@pytest.mark.parametrize(("query", "near"), [("Shterv", True), ("Shterev", False)])
def test_names_one_letter_away_are_offered_and_said_so(login_as, employment_only, query, near):
    response = login_as("partner").post(reverse("partners:portal"), {"q": query}, follow=True)

    assert {row["person"] for row in response.context["rows"]} == {employment_only}
    assert ("voici les noms à une lettre près" in response.content.decode()) is near


def test_names_one_letter_away_never_reach_the_household(login_as, employment_only):
    assert _found(login_as("partner"), "Kostv") == set()
