"""Merging two files of one person: every related row moves, in every app, history is kept and
the duplicate disappears; only a coordinator merges, within their organisation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import FollowUp, Goal, Step, Task
from beneficiaries import services
from beneficiaries.models import Enrolment, ExitReason, Person, PersonMerge
from tests.accompaniment.factories import FollowUpFactory, GoalFactory, StepFactory, TaskFactory
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.conftest import PERSONAS
from tests.mia.factories import UserFactory


def _open(by, *, household=None, referent=None, **fields) -> Person:
    household = household or services.household_create(by=by, household=HouseholdFactory.build())
    return services.person_create(
        by=by,
        person=PersonFactory.build(household=household, **fields),
        referent=referent,
    )


@pytest.fixture
def duplicate(referent, colleague, household):
    """The same man as `person` (Ștefan Ionescu), opened again in Cyrillic by a colleague."""
    return _open(
        colleague,
        household=household,
        first_name="Стефан",
        last_name="Йонеску",
        other_names="Stefan Ionesco",
        phone="06 39 12 34 56",
        birth_date=datetime.date(1990, 5, 3),
        entered_on=datetime.date(2024, 9, 1),
    )


def test_merge_moves_every_related_row(coordinator, referent, person, duplicate):
    relative = _open(referent, household=person.household, first_name="Maria")
    own = FollowUpFactory(person=duplicate, author=referent, participants=[relative])
    attended = FollowUpFactory(person=relative, participants=[duplicate])
    both = FollowUpFactory(person=person, participants=[duplicate])
    task = TaskFactory(person=duplicate)
    goal = GoalFactory(person=duplicate)
    step = StepFactory(goal=goal)

    merge = services.person_merge(survivor=person, duplicate=duplicate, by=coordinator)

    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert FollowUp.objects.get(pk=own.pk).person == person
    assert set(FollowUp.objects.get(pk=own.pk).participants.all()) == {person, relative}
    assert set(FollowUp.objects.get(pk=attended.pk).participants.all()) == {person, relative}
    # Both were present: the survivor is listed once.
    assert list(FollowUp.objects.get(pk=both.pk).participants.all()) == [person]
    assert Task.objects.get(pk=task.pk).person == person
    assert Goal.objects.get(pk=goal.pk).person == person
    assert Step.objects.get(pk=step.pk).goal_id == goal.pk
    assert merge.moved == {
        "follow_ups": 1,
        "follow_ups_attended": 2,  # the link of `both` was dropped, not moved
        "tasks": 1,
        "goals": 1,
        "assignments": 1,
    }
    assert merge.merged_by == coordinator


def test_merge_keeps_history_and_what_the_duplicate_said(
    coordinator, referent, colleague, person, duplicate
):
    today = timezone.localdate()

    merge = services.person_merge(survivor=person, duplicate=duplicate, by=coordinator)

    person.refresh_from_db()
    # The survivor's referent stays; the colleague's assignment of the duplicate ends today.
    assert person.referent == referent
    history = {(a.referent_id, a.ended_on) for a in person.assignments.all()}
    assert history == {(referent.pk, None), (colleague.pk, today)}
    # One open period, from the earlier entry of the two files.
    assert person.enrolments.filter(exited_on__isnull=True).count() == 1
    assert person.entered_on == datetime.date(2024, 9, 1)
    # Blanks filled from the duplicate, names kept as other spellings (folded duplicates out).
    assert person.phone == "06 39 12 34 56"
    assert person.birth_date == datetime.date(1990, 5, 3)  # completes the bare year
    assert person.other_names == "Стефан Йонеску, Stefan Ionesco"
    assert person.version == 2
    assert merge.merged_person_id == duplicate.pk
    assert merge.snapshot["first_name"] == "Стефан"
    assert merge.snapshot["birth_date"] == "1990-05-03"
    assert merge.snapshot["dropped_open_enrolment"]["entered_on"] == "2024-09-01"
    assert Person.objects.search("Йонеску").get() == person


def test_an_unassigned_survivor_takes_the_duplicates_referent(
    coordinator, manager, colleague, duplicate
):
    alone = services.person_create(
        by=manager,
        person=PersonFactory.build(first_name="Stefan", last_name="Ionescu", birth_year=None),
    )
    assert alone.referent is None
    FollowUpFactory(person=alone, date=datetime.date(2026, 5, 2))
    Person.objects.filter(pk=alone.pk).update(last_contact_on=datetime.date(2026, 5, 2))
    Person.objects.filter(pk=duplicate.pk).update(last_contact_on=datetime.date(2026, 6, 1))

    services.person_merge(survivor=alone, duplicate=duplicate, by=coordinator)

    alone.refresh_from_db()
    assert alone.referent == colleague
    assert alone.assignments.get(ended_on__isnull=True).referent == colleague
    assert alone.birth_date == datetime.date(1990, 5, 3)
    assert alone.birth_year == 1990
    assert alone.last_contact_on == datetime.date(2026, 6, 1)
    assert alone.household_id == duplicate.household_id


def test_closed_periods_move_and_the_latest_one_shows(coordinator, referent, person, duplicate):
    services.person_exit(
        person=duplicate, on=datetime.date(2025, 1, 10), reason=ExitReason.LOST_CONTACT, by=referent
    )

    services.person_merge(survivor=person, duplicate=duplicate, by=coordinator)

    periods = Enrolment.objects.filter(person=person).order_by("entered_on")
    assert [(p.entered_on, p.exited_on) for p in periods] == [
        (datetime.date(2024, 9, 1), datetime.date(2025, 1, 10)),
        (person.entered_on, None),
    ]
    person.refresh_from_db()
    assert person.exited_on is None


def test_earlier_merges_of_the_duplicate_follow_it(coordinator, referent, person, duplicate):
    third = _open(referent, first_name="Stefan", last_name="Ionesku")
    earlier = services.person_merge(survivor=duplicate, duplicate=third, by=coordinator)

    merge = services.person_merge(survivor=person, duplicate=duplicate, by=coordinator)

    assert set(person.merges.all()) == {earlier, merge}
    assert merge.moved["merges"] == 1


def test_self_and_cross_organisation_merges_are_refused(coordinator, person, outsider):
    stranger = _open(outsider, first_name="Stefan", last_name="Ionescu")

    with pytest.raises(services.MergeRefused):
        services.person_merge(survivor=person, duplicate=person, by=coordinator)
    with pytest.raises(services.MergeRefused):
        services.person_merge(survivor=person, duplicate=stranger, by=coordinator)

    assert Person.objects.filter(pk__in=[person.pk, stranger.pk]).count() == 2
    assert not PersonMerge.objects.exists()


def test_a_file_saved_since_the_preview_is_not_merged(coordinator, person, duplicate):
    versions = {person.pk: person.version, duplicate.pk: duplicate.version}
    Person.objects.filter(pk=duplicate.pk).update(version=duplicate.version + 1)

    with pytest.raises(services.MergeRefused):
        services.person_merge(
            survivor=person, duplicate=duplicate, by=coordinator, expected_versions=versions
        )

    assert Person.objects.filter(pk=duplicate.pk).exists()


# --- Pages -------------------------------------------------------------------------------------


def _merge_url(person, other=None):
    url = reverse("beneficiaries:merge", args=[person.pk])
    return f"{url}?autre={other.pk}" if other else url


# Only coordinators merge; to everyone else the page does not exist (it names a person).
ALLOWED = {"coordinator"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", ["choose", "preview"])
def test_merge_pages_access(login_as, person, duplicate, persona, step):
    url = _merge_url(person, duplicate if step == "preview" else None)

    response = login_as(persona).get(url)

    expected = 302 if persona == "anonymous" else 200 if persona in ALLOWED else 404
    assert response.status_code == expected


@pytest.mark.parametrize("persona", ["referent", "manager", "outsider"])
def test_others_cannot_post_a_merge(login_as, person, duplicate, persona):
    response = login_as(persona).post(
        _merge_url(person, duplicate), {"survivor": person.pk, "confirm": "on"}
    )

    assert response.status_code == 404
    assert Person.objects.filter(pk=duplicate.pk).exists()


def test_the_merge_page_offers_likely_duplicates_and_a_search(login_as, person, duplicate):
    client = login_as("coordinator")

    html = client.get(_merge_url(person)).content.decode()
    assert _merge_url(person, duplicate) in html
    assert "même nom translittéré" in html

    response = client.post(_merge_url(person), {"q": "06 39 12"}, HTTP_HX_REQUEST="true")
    assert _merge_url(person, duplicate) in response.content.decode()
    response = client.post(_merge_url(person), {"q": "Vasile"}, HTTP_HX_REQUEST="true")
    assert "Aucun autre dossier" in response.content.decode()


def test_other_organisations_files_cannot_be_picked(login_as, person, other_association):
    coordinator = UserFactory(organisation=other_association, role="coordinator")
    stranger = _open(coordinator, first_name="Stefan", last_name="Ionescu")
    client = login_as("coordinator")

    assert client.get(_merge_url(person, stranger)).status_code == 404
    assert client.get(_merge_url(person, person)).status_code == 404
    html = client.post(_merge_url(person), {"q": "Ionescu"}).content.decode()
    assert f"autre={stranger.pk}" not in html


def test_coordinator_merges_from_the_preview(login_as, person, duplicate):
    client = login_as("coordinator")
    preview = client.get(_merge_url(person, duplicate))
    assert "Стефан" in preview.content.decode()

    refused = client.post(_merge_url(person, duplicate), {"survivor": duplicate.pk})
    assert refused.status_code == 200
    assert "Cochez la case pour confirmer la fusion." in refused.content.decode()

    response = client.post(
        _merge_url(person, duplicate),
        {
            "survivor": duplicate.pk,
            "confirm": "on",
            f"version_{person.pk}": person.version,
            f"version_{duplicate.pk}": duplicate.version,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person_detail", args=[duplicate.pk])
    assert not Person.objects.filter(pk=person.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert f"Fusionné avec le dossier n° {person.pk} le" in page


def test_a_stale_preview_shows_why_nothing_merged(login_as, person, duplicate):
    client = login_as("coordinator")
    Person.objects.filter(pk=person.pk).update(version=5)

    response = client.post(
        _merge_url(person, duplicate),
        {
            "survivor": person.pk,
            "confirm": "on",
            f"version_{person.pk}": 1,
            f"version_{duplicate.pk}": duplicate.version,
        },
    )

    assert response.status_code == 200
    assert "modifié entre-temps" in response.content.decode()
    assert Person.objects.filter(pk=duplicate.pk).exists()


@pytest.mark.parametrize("size", [3, 30])
def test_merge_preview_query_budget(
    login_as, referent, person, duplicate, size, django_assert_num_queries
):
    for _ in range(size):
        FollowUpFactory(person=duplicate, participants=[person])
        TaskFactory(person=person)
        StepFactory(goal=GoalFactory(person=duplicate))
    client = login_as("coordinator")

    # Session, user, both files with household, site, referent and a count per related table;
    # one audit entry naming both (mia.audit.record_list).
    with django_assert_num_queries(4):
        response = client.get(_merge_url(person, duplicate))
    assert ("Entretiens", 0, size) in response.context["counts"]
    assert ("Tâches", size, 0) in response.context["counts"]


@pytest.mark.parametrize("size", [3, 30])
def test_merge_choice_query_budget(login_as, referent, person, size, django_assert_num_queries):
    for index in range(size):
        _open(referent, first_name="Stefan", last_name="Ionescu", birth_year=1990 + index % 2)
    client = login_as("coordinator")

    # Session, user, the person, then the likely duplicates with household, site and referent;
    # one audit entry naming the person and the candidates (mia.audit.record_list).
    with django_assert_num_queries(5):
        response = client.get(_merge_url(person))
    assert len(response.context["candidates"]) == min(size, 8)
