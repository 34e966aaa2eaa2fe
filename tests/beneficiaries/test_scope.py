"""Who is in a period and a scope (beneficiaries.scope): the population every indicator counts.
Expected sets are written out by hand from the people built here."""

import datetime

import pytest

from beneficiaries import services
from beneficiaries.models import ExitReason, Person, Sex
from beneficiaries.scope import AgeBand, Scope, aged, in_age_band
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory, commune

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)


def enter(by, name: str, *, household=None, exited_on=None, **fields) -> Person:
    """A person who entered the programme through the service (which records the Enrolment)."""
    fields.setdefault("entered_on", datetime.date(2025, 3, 1))
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


def family(by, name: str, site, *, on=datetime.date(2025, 1, 1)):
    return services.household_create(
        by=by, household=HouseholdFactory.build(name=name, site=site), on=on
    )


@pytest.fixture
def world(association, site, referent, outsider):
    """`site` (Saint-Denis, 93) and three more sites of the association, households moving
    between them, and people around the period's edges."""
    montreuil = SiteFactory(organisation=association, commune=commune("93048"))
    boulogne = SiteFactory(organisation=association, commune=commune("92012"))
    creteil = SiteFactory(organisation=association, commune=commune("94028"))
    acacias = family(referent, "Acacias", site)
    moved_in = family(referent, "Arrivés", boulogne)
    services.household_move(household=moved_in, site=site, on=datetime.date(2026, 2, 1))
    moved_out = family(referent, "Partis", site)
    services.household_move(household=moved_out, site=boulogne, on=datetime.date(2026, 2, 15))
    moved_later = family(referent, "Plus tard", site)
    services.household_move(household=moved_later, site=creteil, on=datetime.date(2026, 5, 1))
    left = family(referent, "Sans lieu", site)
    services.household_move(household=left, site=None, on=datetime.date(2025, 12, 1))
    # Recorded today (its stay starts today), with members who entered in 2025.
    recorded_late = services.household_create(
        by=referent, household=HouseholdFactory.build(name="Récents", site=montreuil)
    )
    # Made without the service: no stay recorded, read at its current site.
    no_history = HouseholdFactory(organisation=association, site=site)
    people = {
        "ana": enter(referent, "Ana", household=acacias, birth_date=datetime.date(1990, 5, 10)),
        "bogdan": enter(referent, "Bogdan", household=acacias, sex=Sex.MALE, birth_year=2000),
        "kid": enter(referent, "Kid", household=acacias, birth_date=datetime.date(2015, 6, 1)),
        "montreuil": enter(
            referent, "Mia", household=family(referent, "Montreuil", montreuil), birth_year=1970
        ),
        "boulogne": enter(referent, "Bea", household=family(referent, "Boulogne", boulogne)),
        "creteil": enter(referent, "Cris", household=family(referent, "Créteil", creteil)),
        "moved_in": enter(referent, "Ion", household=moved_in, sex=Sex.MALE),
        "moved_out": enter(referent, "Oana", household=moved_out),
        "moved_later": enter(referent, "Lia", household=moved_later),
        "left": enter(referent, "Lena", household=left),
        "no_history": enter(referent, "Nora", household=no_history),
        "recorded_late": enter(referent, "Rita", household=recorded_late),
        "alone": enter(referent, "Alina", sex=Sex.UNKNOWN, birth_year=None),
        # At the period's edges: exited on its first day, entered on its last.
        "exits_on_start": enter(
            referent,
            "Edi",
            household=acacias,
            exited_on=START,
            entered_on=datetime.date(2025, 1, 1),
        ),
        "enters_on_end": enter(referent, "Ema", household=acacias, entered_on=END),
        # Not in the programme during the period.
        "exited_before": enter(
            referent,
            "Ex",
            household=acacias,
            entered_on=datetime.date(2024, 1, 1),
            exited_on=datetime.date(2025, 12, 31),
        ),
        "entered_after": enter(
            referent, "After", household=acacias, entered_on=datetime.date(2026, 4, 1)
        ),
        "outsider": enter(
            outsider,
            "Out",
            household=family(outsider, "Ailleurs", SiteFactory(organisation=outsider.organisation)),
        ),
    }
    # Left during the period and came back after it: in the scope by the first stay, though
    # Person.entered_on now says 2026-05-01.
    back = enter(referent, "Back", household=acacias, entered_on=datetime.date(2025, 1, 1))
    services.person_exit(
        person=back, on=datetime.date(2026, 2, 1), reason=ExitReason.OTHER, by=referent
    )
    services.person_reenter(person=back, on=datetime.date(2026, 5, 1), by=referent)
    people["back"] = back
    return {
        "people": people,
        "sites": {"acacias": site, "montreuil": montreuil, "boulogne": boulogne},
    }


def names(queryset) -> set[str]:
    return {person.first_name for person in queryset}


IN_PROGRAMME = {
    *("Ana", "Bogdan", "Kid", "Mia", "Bea", "Cris", "Ion", "Oana", "Lia", "Lena", "Nora"),
    *("Alina", "Edi", "Ema", "Back", "Rita"),
}


def test_the_organisations_people_in_the_programme_during_the_period(
    world, association, django_assert_num_queries
):
    scope = Scope(start=START, end=END, organisation=association)
    with django_assert_num_queries(1):
        people = list(scope.people())
    assert names(people) == IN_PROGRAMME
    # An id does as well as the organisation.
    assert names(Scope(start=START, end=END, organisation=association.pk).people()) == (
        IN_PROGRAMME
    )


def test_a_later_period_has_the_people_entered_since_and_not_those_gone(world, association):
    scope = Scope(
        start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30), organisation=association
    )
    assert names(scope.people()) == IN_PROGRAMME - {"Edi"} | {"After"}


def test_the_site_is_where_the_household_lived_last_during_the_period(world, association):
    acacias = world["sites"]["acacias"]
    scope = Scope(start=START, end=END, organisation=association, site=acacias)
    # Ion's household came in February, Oana's left for Boulogne in February, Lia's leaves in
    # May; Lena's had left in December; Nora's has no recorded stay: its current site.
    expected = {"Ana", "Bogdan", "Kid", "Ion", "Lia", "Nora", "Edi", "Ema", "Back"}
    assert names(scope.people()) == expected
    assert names(Scope(start=START, end=END, organisation=association, site=acacias.pk).people())
    boulogne = Scope(
        start=START, end=END, organisation=association, site=world["sites"]["boulogne"]
    )
    assert names(boulogne.people()) == {"Bea", "Oana"}
    # Before Ion's household came: Boulogne.
    january = Scope(
        start=START, end=datetime.date(2026, 1, 31), organisation=association, site=acacias
    )
    assert "Ion" not in names(january.people())
    assert "Oana" in names(january.people())


def test_the_departement_of_the_site_during_the_period(world, association):
    def departement(code: str) -> set[str]:
        return names(
            Scope(start=START, end=END, organisation=association, departement=code).people()
        )

    saint_denis = {"Ana", "Bogdan", "Kid", "Ion", "Lia", "Nora", "Edi", "Ema", "Back"}
    # Rita's household, recorded today in Montreuil: read there before its first stay.
    assert departement("93") == saint_denis | {"Mia", "Rita"}
    assert departement("92") == {"Bea", "Oana"}
    assert departement("94") == {"Cris"}
    # The figures by département add up to those with a site; the others have none.
    assert IN_PROGRAMME - departement("93") - departement("92") - departement("94") == {
        "Lena",
        "Alina",
    }


def test_sex_and_age_band_on_the_periods_last_day(world, association):
    def scope(**filters) -> set[str]:
        return names(Scope(start=START, end=END, organisation=association, **filters).people())

    assert scope(sex=Sex.MALE) == {"Bogdan", "Ion"}
    assert scope(sex=Sex.UNKNOWN) == {"Alina"}
    # Bogdan, born in 2000 (the year only): 26 in 2026. Ana, born 10 May 1990: 35.
    assert scope(age_band=AgeBand.FROM_26_TO_49) == IN_PROGRAMME - {"Kid", "Mia", "Alina"}
    assert scope(age_band=AgeBand.UNDER_16) == {"Kid"}
    assert scope(age_band=AgeBand.FROM_50) == {"Mia"}
    assert scope(age_band=AgeBand.FROM_16_TO_25) == set()
    assert scope(age_band=AgeBand.UNKNOWN) == {"Alina"}
    assert scope(sex=Sex.MALE, age_band=AgeBand.FROM_26_TO_49, site=world["sites"]["acacias"]) == {
        "Bogdan",
        "Ion",
    }


@pytest.mark.parametrize(
    ("birth_date", "birth_year", "band"),
    [
        # Age on 31 March 2026: a full date counts the birthday, a year alone 2026 minus it.
        (datetime.date(2010, 3, 31), None, AgeBand.FROM_16_TO_25),
        (datetime.date(2010, 4, 1), None, AgeBand.UNDER_16),
        (None, 2010, AgeBand.FROM_16_TO_25),
        (None, 2011, AgeBand.UNDER_16),
        (datetime.date(2000, 3, 31), None, AgeBand.FROM_26_TO_49),
        (datetime.date(2000, 4, 1), None, AgeBand.FROM_16_TO_25),
        (None, 2000, AgeBand.FROM_26_TO_49),
        (None, 2001, AgeBand.FROM_16_TO_25),
        (datetime.date(1976, 3, 31), None, AgeBand.FROM_50),
        (datetime.date(1976, 4, 1), None, AgeBand.FROM_26_TO_49),
        (None, 1976, AgeBand.FROM_50),
        (None, 1977, AgeBand.FROM_26_TO_49),
        (None, None, AgeBand.UNKNOWN),
    ],
)
def test_each_person_is_in_exactly_one_age_band(association, birth_date, birth_year, band):
    person = PersonFactory(organisation=association, birth_date=birth_date, birth_year=birth_year)
    found = [
        other
        for other in AgeBand
        if Person.objects.filter(in_age_band(END, other), pk=person.pk).exists()
    ]
    assert found == [band]


def test_a_birthday_on_29_february(association):
    leap = PersonFactory(organisation=association, birth_date=datetime.date(2008, 2, 29))
    day_after = PersonFactory(organisation=association, birth_date=datetime.date(2011, 3, 1))
    on_28 = PersonFactory(organisation=association, birth_date=datetime.date(2011, 2, 28))

    def at_least(on: datetime.date, years: int) -> set[int]:
        return set(Person.objects.filter(aged(on, at_least=years)).values_list("pk", flat=True))

    # Born 29 February 2008: 16 on 29 February 2024, still 15 the day before.
    assert leap.pk in at_least(datetime.date(2024, 2, 29), 16)
    assert leap.pk not in at_least(datetime.date(2024, 2, 28), 16)
    # On 29 February 2028, 17 years back is 28 February 2011 (no 29th that year).
    assert at_least(datetime.date(2028, 2, 29), 17) & {on_28.pk, day_after.pk} == {on_28.pk}


@pytest.mark.parametrize(
    "fields",
    [
        {"start": END, "end": START},
        {"departement": "75"},
        {"sex": "Z"},
        {"age_band": "old"},
        {"organisation": None},
    ],
)
def test_a_wrong_scope_fails_loudly(fields):
    arguments = {"start": START, "end": END, "organisation": 1, **fields}
    with pytest.raises(ValueError):
        Scope(**arguments)


def test_a_site_of_another_organisation_is_refused(association, outsider):
    theirs = SiteFactory(organisation=outsider.organisation)
    with pytest.raises(ValueError):
        Scope(start=START, end=END, organisation=association, site=theirs)


def test_an_outsiders_scope_has_only_its_people(world, outsider):
    scope = Scope(start=START, end=END, organisation=outsider.organisation)
    assert names(scope.people()) == {"Out"}


def test_the_entry_date_is_that_of_the_latest_period_overlapping_the_scope(world, association):
    scope = Scope(start=START, end=END, organisation=association)
    entries = dict(
        scope.people().annotate(entry=scope.entered_on()).values_list("first_name", "entry")
    )
    assert entries["Back"] == datetime.date(2025, 1, 1)
    assert entries["Ema"] == END
    assert entries["Ana"] == datetime.date(2025, 3, 1)
