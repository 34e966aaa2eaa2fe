"""Input within every field's limit, or a tampered query string, answered with a French message or
a 404, never a 500, and nothing half saved (issue 14, points 4, 6 and 7)."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import Household, HouseholdStay, Person, ReferentAssignment, Site
from tests.beneficiaries.factories import SiteFactory

TODAY = timezone.localdate()
NOT_IDS = ["²", "٣", "1" * 5000, "-1", "1.5"]


@pytest.fixture(autouse=True)
def errors_as_responses(client):
    # A server error is a 500 page here, as a user sees it, not an exception in the test.
    client.raise_request_exception = False


def _person_data(person: Person, **changes) -> dict:
    """The edit form of `person` as it is shown, with `changes`."""
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "other_names": person.other_names,
        "sex": person.sex,
        "birth_year": person.birth_year or "",
        "nationality": person.nationality,
        "relationship": person.relationship,
        "entered_on": person.entered_on.isoformat(),
        "version": person.version,
    }
    return {**data, **changes}


def _new_person(site: Site, **changes) -> dict:
    return {
        "first_name": "Ana",
        "last_name": "Munteanu",
        "sex": "F",
        "birth_year": "1994",
        "nationality": "eu",
        "relationship": "head",
        "entered_on": TODAY.isoformat(),
        "site": site.pk,
        "confirm_not_duplicate": "on",
        **changes,
    }


# --- Point 4: dates that a database constraint would refuse -----------------------------------


def test_an_entry_after_the_exit_is_a_form_error(login_as, referent, person):
    services.person_exit(
        person=person, on=datetime.date(2025, 6, 1), reason="returned", by=referent
    )
    person.refresh_from_db()

    response = login_as("referent").post(
        reverse("beneficiaries:person_edit", args=[person.pk]),
        _person_data(person, entered_on="2025-07-01", first_name="Ștefana"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["entered_on"] == [
        "L'entrée dans le programme ne peut pas suivre la sortie (le 01/06/2025)."
    ]
    person.refresh_from_db()
    assert (person.entered_on, person.first_name) == (datetime.date(2025, 3, 1), "Ștefan")


def test_a_birth_date_before_1900_is_a_form_error(login_as, person):
    response = login_as("referent").post(
        reverse("beneficiaries:person_edit", args=[person.pk]),
        _person_data(person, birth_date="1850-01-01", birth_year=""),
    )

    assert response.context["form"].errors == {"birth_date": ["Date de naissance invraisemblable."]}
    person.refresh_from_db()
    assert person.birth_date is None


@pytest.fixture
def entering_ahead(login_as, site):
    """A file opened today with an entry next month, as the form allows: its referent and its
    household's stay start next month."""
    ahead = TODAY + datetime.timedelta(days=30)
    response = login_as("referent").post(
        reverse("beneficiaries:person_create"),
        _new_person(site, last_name="Petrova", entered_on=ahead.isoformat()),
    )
    assert response.status_code == 302
    return Person.objects.get(last_name="Petrova")


def test_a_new_referent_for_an_entry_ahead_is_saved(login_as, entering_ahead, colleague):
    ahead = entering_ahead.entered_on

    response = login_as("coordinator").post(
        reverse("beneficiaries:person_edit", args=[entering_ahead.pk]),
        _person_data(entering_ahead, referent=colleague.pk),
    )

    assert response.status_code == 302
    history = ReferentAssignment.objects.filter(person=entering_ahead).order_by("pk")
    assert [(row.started_on, row.ended_on) for row in history] == [(ahead, ahead), (TODAY, None)]


def test_a_move_of_a_household_entering_ahead_is_saved(login_as, entering_ahead, association):
    household, ahead = entering_ahead.household, entering_ahead.entered_on
    elsewhere = SiteFactory(organisation=association, name="Squat du Canal")

    response = login_as("coordinator").post(
        reverse("beneficiaries:household_edit", args=[household.pk]),
        {"name": household.name, "site": elsewhere.pk, "version": household.version},
    )

    assert response.status_code == 302
    stays = HouseholdStay.objects.filter(household=household).order_by("pk")
    assert [(row.site_id, row.started_on, row.ended_on) for row in stays] == [
        (household.site_id, ahead, ahead),
        (elsewhere.pk, TODAY, None),
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "95", "Assurez-vous que cette valeur est inférieure ou égale à 90."),
        ("longitude", "-181", "Assurez-vous que cette valeur est supérieure ou égale à -180."),
    ],
)
def test_coordinates_off_the_globe_are_a_field_error(login_as, field, value, message):
    data = {
        "name": "Terrain du Moulin",
        "kind": "bidonville",
        "commune": "93066",
        "owner_kind": "unknown",
        "status": "open",
        field: value,
    }

    response = login_as("coordinator").post(reverse("beneficiaries:site_create"), data)

    assert response.context["form"].errors == {field: [message]}
    assert not Site.objects.filter(name="Terrain du Moulin").exists()


def test_a_closed_site_without_a_date_is_a_form_error(login_as, site):
    data = {
        "name": site.name,
        "kind": site.kind,
        "commune": site.commune_id,
        "owner_kind": site.owner_kind,
        "status": "evacuated_court",
    }

    response = login_as("coordinator").post(
        reverse("beneficiaries:site_edit", args=[site.pk]), data
    )

    assert response.context["form"].non_field_errors() == [
        "Un lieu évacué ou fermé a une date de fermeture, un lieu occupé n'en a pas."
    ]
    site.refresh_from_db()
    assert site.status == "open"


# --- Point 6: names that fold longer than they are typed -------------------------------------

# Each letter folds into two or three (щ -> sht, ю -> yu, я -> ya, ж -> zh); Romanian letters
# into one. The longest names every field accepts.
LONG_NAMES = {
    "first_name": "ж" * 50 + "ю" * 50,
    "last_name": "щ" * 100,
    "other_names": ("я" * 99 + ",") * 2 + "ș" * 50 + "ț" * 49 + "ă",
}


def test_the_longest_cyrillic_names_open_a_file_that_search_finds(login_as, site):
    client = login_as("referent")

    response = client.post(reverse("beneficiaries:person_create"), _new_person(site, **LONG_NAMES))

    assert response.status_code == 302
    person = Person.objects.get(last_name="щ" * 100)
    # Over the former varchar(600) and varchar(200).
    assert (len(person.search_text), len(person.household.search_text)) == (1002, 300)
    found = client.get(reverse("beneficiaries:person_list"), {"q": "shtsht zhzh"})
    assert [row.pk for row in found.context["page"]] == [person.pk]


def test_the_longest_cyrillic_names_are_saved_on_a_file(login_as, person):
    response = login_as("referent").post(
        reverse("beneficiaries:person_edit", args=[person.pk]),
        _person_data(person, **LONG_NAMES),
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.other_names) == (
        LONG_NAMES["first_name"],
        LONG_NAMES["other_names"],
    )


@pytest.mark.parametrize("name", ["щ" * 200, "я" * 100 + "ș" * 100])
def test_the_longest_household_names_are_saved(login_as, person, household, site, name):
    client = login_as("referent")

    created = client.post(reverse("beneficiaries:household_create"), {"name": name})
    edited = client.post(
        reverse("beneficiaries:household_edit", args=[household.pk]),
        {"name": name, "site": site.pk, "version": household.version},
    )

    assert (created.status_code, edited.status_code) == (302, 302)
    assert Household.objects.filter(name=name).count() == 2


def test_the_search_columns_keep_their_trigram_indexes(db):
    """Text columns, and on PostgreSQL still under the trigram indexes that make the search
    fast at national scale (migrations 0004, 0006 and 0011); SQLite has none."""
    with connection.cursor() as cursor:
        indexes = {
            (table, name, tuple(details["columns"]))
            for table in ("beneficiaries_person", "beneficiaries_household")
            for name, details in connection.introspection.get_constraints(cursor, table).items()
            if name.endswith("_trgm")
        }
    expected = {
        ("beneficiaries_person", "person_search_text_trgm", ("search_text",)),
        ("beneficiaries_person", "person_name_keys_trgm", ("name_keys",)),
        ("beneficiaries_household", "household_search_text_trgm", ("search_text",)),
    }
    assert indexes == (expected if connection.vendor == "postgresql" else set())
    for model, field in [
        (Person, "search_text"),
        (Person, "name_keys"),
        (Household, "search_text"),
    ]:
        assert model._meta.get_field(field).get_internal_type() == "TextField"


# --- Point 7: ids that are not ids -------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_new_member_of_a_household_that_is_no_id_is_not_found(login_as, household, value):
    url = reverse("beneficiaries:person_create")

    assert login_as("referent").get(url, {"menage": value}).status_code == 404


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_merge_with_a_file_that_is_no_id_is_not_found(login_as, person, value):
    url = reverse("beneficiaries:merge", args=[person.pk])
    client = login_as("coordinator")

    assert client.get(url, {"autre": value}).status_code == 404
    assert client.post(url, {"autre": value, "confirm": "on"}).status_code == 404
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_arabic_digit_is_no_household_id(login_as, household):
    """int() reads '٣' as 3: the household of that id was opened by a digit no form sends."""
    arabic = "".join(chr(0x0660 + int(digit)) for digit in str(household.pk))

    response = login_as("referent").get(reverse("beneficiaries:person_create"), {"menage": arabic})

    assert response.status_code == 404


@pytest.mark.parametrize("value", [*NOT_IDS, "0", "99999"])
def test_a_timeline_length_that_is_no_number_shows_the_first_page(login_as, person, value):
    response = login_as("referent").get(
        reverse("beneficiaries:person_timeline", args=[person.pk]), {"nombre": value}
    )

    assert response.status_code == 200


@pytest.mark.parametrize("name", ["page", "site", "referent"])
@pytest.mark.parametrize("value", NOT_IDS)
def test_list_parameters_that_are_no_numbers_show_the_list(login_as, person, name, value):
    response = login_as("coordinator").get(reverse("beneficiaries:person_list"), {name: value})

    assert response.status_code == 200
