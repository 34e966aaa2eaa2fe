"""Merging two files, as the coordinator decides it: the fields the two files tell differently
are highlighted, the coordinator chooses which value to keep (the survivor's by default), the
page says the merge is final; and the queue of likely duplicates that leads there."""

import datetime
import time
from html import unescape

import pytest
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import (
    DistinctPair,
    DuplicateScan,
    Nationality,
    Person,
    PersonMerge,
    Sex,
)
from mia.models import AuditEntry, Role
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.conftest import PERSONAS
from tests.mia.factories import UserFactory

QUEUE = reverse("beneficiaries:merge_queue")
FINAL = "La fusion est définitive : elle ne peut pas être annulée."


def _open(by, **fields) -> Person:
    household = services.household_create(by=by, household=HouseholdFactory.build())
    return services.person_create(by=by, person=PersonFactory.build(household=household, **fields))


@pytest.fixture
def duplicate(colleague):
    """`person` (Ștefan Ionescu, F, born 1990, no phone) opened again: the first name without
    its accent, another sex, the full date of that year, a phone and a nationality."""
    return _open(
        colleague,
        first_name="Stefan",
        last_name="Ionescu",
        sex=Sex.MALE,
        birth_date=datetime.date(1990, 5, 3),
        phone="06 39 12 34 56",
        nationality=Nationality.EU,
    )


def _url(person, other) -> str:
    return reverse("beneficiaries:merge", args=[person.pk]) + f"?autre={other.pk}"


def _posted(person, duplicate, **extra) -> dict:
    return {
        "survivor": person.pk,
        "confirm": "on",
        f"version_{person.pk}": person.version,
        f"version_{duplicate.pk}": duplicate.version,
    } | extra


def _rows(response) -> dict:
    return {row.label: row for row in response.context["rows"]}


def test_the_fields_that_differ_are_highlighted(login_as, person, duplicate):
    response = login_as("coordinator").get(_url(person, duplicate))

    rows = _rows(response)
    differing = {label for label, row in rows.items() if row.differs}
    assert {"Prénom", "Sexe", "Naissance", "Téléphone", "Nationalité"} <= differing
    assert "Nom" not in differing
    html = " ".join(response.content.decode().split())
    assert html.count('<tr class="differs">') == len(differing)
    # A mark that does not rest on colour alone, and words for screen readers.
    assert '<span class="badge differs"><span aria-hidden="true">≠</span> différent</span>' in html


def test_a_choice_is_offered_only_where_both_files_say_something(login_as, person, duplicate):
    response = login_as("coordinator").get(_url(person, duplicate))

    form = response.context["form"]
    # Both files tell the first name and the sex; a bare year and a date of that year agree;
    # the phone and nationality are known of one file only, which the merge keeps.
    assert sorted(name for name in form.fields if name.startswith("keep_")) == [
        "keep_first_name",
        "keep_sex",
    ]
    html = response.content.decode()
    assert f'name="keep_first_name" value="{person.pk}"' in html
    assert f'name="keep_first_name" value="{duplicate.pk}"' in html
    # The survivor's value is chosen by default.
    assert form["keep_first_name"].value() == person.pk
    assert "Garder :" in html


def test_the_page_says_the_merge_is_final(login_as, person, duplicate):
    html = login_as("coordinator").get(_url(person, duplicate)).content.decode()

    assert FINAL in html
    assert "Fusionner définitivement" in html


def test_by_default_the_survivor_s_values_are_kept(login_as, person, duplicate):
    client = login_as("coordinator")

    response = client.post(_url(person, duplicate), _posted(person, duplicate))

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.sex) == ("Ștefan", Sex.FEMALE)
    # What only the duplicate knew completes the file, as before.
    assert person.phone == "06 39 12 34 56"
    assert person.birth_date == datetime.date(1990, 5, 3)
    assert person.nationality == Nationality.EU


def test_the_values_chosen_are_kept(login_as, person, duplicate):
    client = login_as("coordinator")

    response = client.post(
        _url(person, duplicate),
        _posted(person, duplicate, keep_first_name=duplicate.pk, keep_sex=duplicate.pk),
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.sex) == ("Stefan", "Ionescu", Sex.MALE)
    # Accents aside the names are the same: found either way, no other spelling to add.
    assert Person.objects.search("Ștefan").get() == person
    merge = PersonMerge.objects.get(survivor=person)
    assert merge.snapshot["kept_from_duplicate"] == ["first_name", "sex"]
    assert merge.snapshot["replaced_on_survivor"] == {"first_name": "Ștefan", "sex": "F"}


def test_a_name_replaced_becomes_another_spelling(coordinator, person, colleague):
    other = _open(colleague, first_name="Stefan", last_name="Ionesco", birth_year=1990)

    services.person_merge(
        survivor=person, duplicate=other, by=coordinator, keep={"last_name": other.pk}
    )

    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Ștefan", "Ionesco")
    assert person.other_names == "Ștefan Ionescu"
    assert Person.objects.search("Ionescu").get() == person


def test_the_values_follow_the_survivor_when_the_other_file_is_kept(login_as, person, duplicate):
    client = login_as("coordinator")

    client.post(
        _url(person, duplicate),
        _posted(person, duplicate, survivor=duplicate.pk, keep_first_name=person.pk),
    )

    duplicate.refresh_from_db()
    assert not Person.objects.filter(pk=person.pk).exists()
    # The first name chosen from the deleted file; the sex left out: the survivor's.
    assert (duplicate.first_name, duplicate.sex) == ("Ștefan", Sex.MALE)


def test_a_different_birth_is_chosen_with_its_year(coordinator, person, colleague):
    other = _open(colleague, first_name="Ștefan", last_name="Ionescu", birth_year=1991)
    Person.objects.filter(pk=person.pk).update(birth_date=datetime.date(1990, 2, 1))
    person.refresh_from_db()

    services.person_merge(
        survivor=person, duplicate=other, by=coordinator, keep={"birth_date": other.pk}
    )

    person.refresh_from_db()
    assert (person.birth_date, person.birth_year) == (None, 1991)


def test_phones_with_the_same_digits_are_not_a_choice(login_as, person, colleague):
    Person.objects.filter(pk=person.pk).update(phone="0639123456")
    other = _open(colleague, first_name="Ștefan", last_name="Ionescu", phone="06 39 12 34 56")

    form = login_as("coordinator").get(_url(person, other)).context["form"]

    assert "keep_phone" not in form.fields


def test_tampered_field_names_are_refused(login_as, person, duplicate, coordinator, association):
    client = login_as("coordinator")
    third = _open(coordinator, first_name="Ioana", last_name="Radu")

    # A value of a third file: refused, nothing merged.
    refused = client.post(
        _url(person, duplicate), _posted(person, duplicate, keep_first_name=third.pk)
    )
    assert refused.status_code == 200
    assert "Prénom" in refused.content.decode() and "valide" in refused.content.decode()
    assert Person.objects.filter(pk=duplicate.pk).exists()

    # Fields the form does not offer are not taken, whatever is posted.
    response = client.post(
        _url(person, duplicate),
        _posted(
            person,
            duplicate,
            keep_organisation=duplicate.pk,
            keep_referent=duplicate.pk,
            keep_phone=duplicate.pk,
            keep_last_name="x",
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "Ștefan" and person.organisation == association
    assert "kept_from_duplicate" not in PersonMerge.objects.get(survivor=person).snapshot


@pytest.mark.parametrize(
    "keep",
    [{"organisation_id": 0}, {"referent": 0}, {"notes": 0}, {"first_name": "stranger"}],
)
def test_the_service_refuses_fields_or_files_outside_the_merge(
    coordinator, person, duplicate, keep
):
    keep = {name: duplicate.pk if value == 0 else value for name, value in keep.items()}
    if keep.get("first_name") == "stranger":
        keep["first_name"] = duplicate.pk + 1000

    with pytest.raises(services.MergeRefused):
        services.person_merge(survivor=person, duplicate=duplicate, by=coordinator, keep=keep)

    assert Person.objects.filter(pk=duplicate.pk).exists()


def test_a_stale_preview_still_refuses_with_choices(login_as, person, duplicate):
    Person.objects.filter(pk=duplicate.pk).update(version=7)

    response = login_as("coordinator").post(
        _url(person, duplicate), _posted(person, duplicate, keep_first_name=duplicate.pk)
    )

    assert response.status_code == 200
    assert "modifié entre-temps" in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Ștefan"


# --- The queue of likely duplicates ------------------------------------------------------------


@pytest.fixture
def queue_files(person, duplicate, referent, colleague, outsider):
    """`person` and `duplicate` (a strong pair), the same man again in Cyrillic, a namesake born
    30 years later (a son), someone else; another association's namesake."""
    return {
        "cyrillic": _open(referent, first_name="Стефан", last_name="Йонеску", birth_year=1990),
        "son": _open(referent, first_name="Stefan", last_name="Ionescu", birth_year=2020),
        "other": _open(colleague, first_name="Maria", last_name="Dumitru"),
        "stranger": _open(outsider, first_name="Stefan", last_name="Ionescu", birth_year=1990),
    }


def _pairs(response) -> set:
    return {(pair.first_id, pair.second_id) for pair in response.context["page"]}


def _scan(organisation) -> DuplicateScan:
    """The scan the night (or the button) asks for, run here as the worker runs it."""
    scan = services.duplicate_scan_request(organisation=organisation)
    services.duplicate_scan_run(scan=scan)
    return scan


def test_the_queue_lists_likely_pairs_each_with_its_merge(login_as, person, duplicate, queue_files):
    _scan(person.organisation)
    response = login_as("coordinator").get(QUEUE)

    cyrillic = queue_files["cyrillic"]
    assert _pairs(response) == {
        (person.pk, duplicate.pk),
        (person.pk, cyrillic.pk),
        (duplicate.pk, cyrillic.pk),
    }
    html = response.content.decode()
    assert f"{reverse('beneficiaries:merge', args=[person.pk])}?autre={duplicate.pk}" in html
    assert html.count("Comparer et fusionner") == 3
    assert "même nom translittéré" in html
    assert "3 paires de dossiers" in html
    # Namesakes born decades apart, and other associations' files, are not in the queue.
    shown = {pk for pair in _pairs(response) for pk in pair}
    assert queue_files["son"].pk not in shown and queue_files["stranger"].pk not in shown


def test_the_queue_records_the_people_it_showed(login_as, person, duplicate, coordinator):
    _scan(person.organisation)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    login_as("coordinator").get(QUEUE)

    entry = AuditEntry.objects.get(pk__gt=before)
    assert (entry.user, entry.section) == (coordinator, "duplicates")
    assert sorted(entry.person_ids) == sorted([person.pk, duplicate.pk])


def test_an_empty_queue_says_so(login_as, person):
    client = login_as("coordinator")
    assert "La liste n'a pas encore été établie" in unescape(client.get(QUEUE).content.decode())

    _scan(person.organisation)
    html = client.get(QUEUE).content.decode()

    assert "Aucun doublon probable" in html
    assert "en comparant 1 dossier." in html


def test_a_scan_under_way_is_said_and_asked_for_again_until_it_is_done(login_as, person):
    scan = services.duplicate_scan_request(organisation=person.organisation)
    client = login_as("coordinator")

    page = client.get(QUEUE).content.decode()
    waiting = client.get(QUEUE, {"attente": "1"}, headers={"HX-Request": "true"})
    services.duplicate_scan_run(scan=scan)
    done = client.get(QUEUE, {"attente": "1"}, headers={"HX-Request": "true"})

    assert "Recherche des doublons en cours" in page and "Mettre à jour la liste" not in page
    assert 'hx-trigger="every 4s"' in waiting.content.decode()
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")
    # Asking again while it runs adds no second scan; once done, a new one may be asked for.
    assert services.duplicate_scan_request(organisation=person.organisation) != scan
    assert DuplicateScan.objects.filter(finished_at__isnull=True).count() == 1


# transaction=True commits the rows: under `make test` the live worker runs the scan.
@pytest.mark.django_db(transaction=True)
def test_the_button_has_the_worker_make_the_list_anew(client, association, referent):
    coordinator = UserFactory(organisation=association, role=Role.COORDINATOR)
    twins = [_open(referent, first_name="Ana", last_name="Lungu") for _ in range(2)]
    client.force_login(coordinator)

    response = client.post(reverse("beneficiaries:duplicate_scan"))

    assert response.status_code == 302
    for _ in range(300):
        if DuplicateScan.objects.filter(finished_at__isnull=False).exists():
            break
        time.sleep(0.1)
    assert _pairs(client.get(QUEUE)) == {tuple(sorted(twin.pk for twin in twins))}


EXPECTED = {
    "anonymous": 302,
    "referent": 403,
    "colleague": 403,
    "coordinator": 200,
    "manager": 403,
    "administrator": 403,
    "partner": 403,
    "partner_without_share": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_coordinators_open_the_queue(login_as, person, duplicate, persona):
    _scan(person.organisation)
    response = login_as(persona).get(QUEUE)

    assert response.status_code == EXPECTED[persona]
    if response.status_code == 200:
        assert _pairs(response) == {(person.pk, duplicate.pk)}


@pytest.mark.parametrize("size", [3, 30])
def test_queue_query_budget(login_as, association, referent, size, django_assert_num_queries):
    for index in range(size):
        # Pairs of twins' files: the same name twice, and a different name each time.
        for _ in range(2):
            _open(referent, first_name=f"Ana{chr(97 + index % 26)}", last_name=f"Pop{index}")
    UserFactory(organisation=association)
    _scan(association)
    client = login_as("coordinator")

    # session, user; the latest scan done and the one under way; the count and the page of its
    # pairs; the page's people with household, site and referent; one audit entry.
    with django_assert_num_queries(8):
        response = client.get(QUEUE)

    assert response.context["page"].paginator.count == size


# --- "Ce sont deux personnes" ---------------------------------------------------------------------


def _distinct(person) -> str:
    return reverse("beneficiaries:distinct_pair", args=[person.pk])


def test_two_people_leave_the_queue_for_good(login_as, person, duplicate, coordinator):
    _scan(person.organisation)
    client = login_as("coordinator")
    page = client.get(QUEUE).content.decode()
    assert _distinct(person) in page and "Ce sont deux personnes" in page

    # Posted from either file of the pair, twice: one decision, both files untouched.
    response = client.post(_distinct(duplicate), {"autre": person.pk}, follow=True)
    client.post(_distinct(person), {"autre": duplicate.pk})

    assert response.redirect_chain == [(QUEUE, 302)]
    assert f"n° {person.pk} et n° {duplicate.pk} : deux personnes" in response.content.decode()
    (pair,) = DistinctPair.objects.all()
    assert (pair.first_id, pair.second_id, pair.decided_by) == (
        person.pk,
        duplicate.pk,
        coordinator,
    )
    assert _pairs(client.get(QUEUE)) == set()
    # Nor in the next night's list.
    _scan(person.organisation)
    assert _pairs(client.get(QUEUE)) == set()
    assert Person.objects.filter(pk__in=[person.pk, duplicate.pk]).count() == 2
    # The decision is in the trail, about the first file.
    entry = AuditEntry.objects.filter(app_label="beneficiaries", model="distinctpair").get()
    assert (entry.user, entry.person_id) == (coordinator, person.pk)


def test_other_pairs_stay_in_the_queue(login_as, person, duplicate, referent):
    twins = [_open(referent, first_name="Ana", last_name="Lungu") for _ in range(2)]
    _scan(person.organisation)
    client = login_as("coordinator")

    client.post(_distinct(person), {"autre": duplicate.pk})

    assert _pairs(client.get(QUEUE)) == {tuple(sorted(twin.pk for twin in twins))}


@pytest.mark.parametrize("other", ["", "x", "self", "elsewhere", "missing"])
def test_a_bad_pair_is_not_found(login_as, person, other, other_association):
    others = {
        "": "",
        "x": "x",
        "self": person.pk,
        "elsewhere": PersonFactory(organisation=other_association).pk,
        "missing": 10**9,
    }

    response = login_as("coordinator").post(_distinct(person), {"autre": others[other]})

    assert response.status_code == 404
    assert not DistinctPair.objects.exists()


def test_a_merged_file_takes_its_decisions_with_it(login_as, person, duplicate, referent):
    third = _open(referent, first_name="Stefan", last_name="Ionescu", birth_year=1990)
    services.pair_distinct(one=duplicate, other=third, by=referent)

    services.person_merge(survivor=person, duplicate=duplicate, by=referent)

    assert not DistinctPair.objects.exists()
    assert Person.objects.filter(pk=third.pk).exists()


def test_a_scan_run_twice_finds_its_pairs_once(person, duplicate):
    scan = services.duplicate_scan_request(organisation=person.organisation)
    stale = DuplicateScan.objects.get(pk=scan.pk)  # as a retried task holds it

    assert services.duplicate_scan_run(scan=scan) == 1
    assert services.duplicate_scan_run(scan=stale) == 1
    assert scan.found.count() == 1
