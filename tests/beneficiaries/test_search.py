"""The search box (header and people list) finds a person by any spelling of their name, their
birth year, their phone number or their household's name."""

import pytest
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import Person
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory


def _open(by, household_name="Famille", **fields) -> Person:
    household = services.household_create(
        by=by, household=HouseholdFactory.build(name=household_name)
    )
    return services.person_create(by=by, person=PersonFactory.build(household=household, **fields))


@pytest.fixture
def people(referent):
    return {
        "shterev": _open(
            referent,
            first_name="Ștefan",
            last_name="Shterev",
            birth_year=1987,
            phone="+33 6 39 12 34 56",
        ),
        "popescu": _open(
            referent,
            first_name="Stefan",
            last_name="Popescu",
            birth_year=1990,
            phone="07 51 00 00 01",
        ),
        "ivanova": _open(
            referent, "Kostov", first_name="Maria", last_name="Ivanova", birth_year=2010
        ),
        "kovacs": _open(referent, first_name="Costel", last_name="Kovacs", birth_year=1975),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Стефан Щерев", {"shterev"}),  # Cyrillic
        ("Ştefan Shterev", {"shterev"}),  # cedilla where the file has a comma
        ("shterev stefan", {"shterev"}),  # swapped
        ("Sterev", {"shterev"}),  # another transliteration
        ("Schterew", {"shterev"}),
        ("stefan", {"shterev", "popescu"}),
        ("1987", {"shterev"}),
        ("stefan 1990", {"popescu"}),
        ("0639", {"shterev"}),  # a French number recorded as +33 6 39…
        ("06 39 12", {"shterev"}),  # typed in groups
        ("06.39.12.34.56", {"shterev"}),
        ("0751", {"popescu"}),
        ("Kostov", {"ivanova"}),  # the household's name
        ("Костов Мария", {"ivanova"}),
        ("Kovach", {"kovacs"}),  # sounds alike
        ("Stefan Ivanova", set()),
        ("1988", set()),
        # Sounds like one letter ("c"): would find every name starting with C or K.
        ("zzzq", set()),
    ],
)
def test_search_finds_every_spelling(people, query, found):
    results = set(Person.objects.search(query))

    assert results == {people[name] for name in found}


def test_search_is_one_query(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(Person.objects.search("Стефан Щерев 1987 0639"))


def test_people_list_search_stays_within_the_organisation(login_as, people, outsider):
    _open(outsider, first_name="Stefan", last_name="Shterev", birth_year=1987)

    response = login_as("coordinator").get(
        reverse("beneficiaries:person_list"), {"q": "Стефан Щерев"}
    )

    assert list(response.context["page"].object_list) == [people["shterev"]]


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("referent", True),
        ("coordinator", True),
        ("manager", True),
        ("administrator", True),
        ("partner", False),
    ],
)
def test_header_search_box_for_those_who_read_files(login_as, persona, shown):
    html = login_as(persona).get(reverse("home")).content.decode()

    box = f'action="{reverse("beneficiaries:person_list")}"'
    assert (box in html and 'id="recherche-globale"' in html) == shown
    if shown:
        assert '<label for="recherche-globale"' in html
