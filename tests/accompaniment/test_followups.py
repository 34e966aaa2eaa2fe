"""Logging and correcting follow-ups: what the social worker and the people concerned notice."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment import services
from accompaniment.models import FollowUp, Task
from beneficiaries import services as beneficiaries_services
from beneficiaries.models import Person
from tests.accompaniment.factories import FollowUpFactory
from tests.beneficiaries.factories import PersonFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def sister(person, household, referent):
    return beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Ioana", last_name="Ionescu", household=household, relationship="sibling"
        ),
    )


@pytest.fixture
def stranger(association, referent):
    """Someone of the same association, in another household."""
    return beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(first_name="Maria", last_name="Popescu")
    )


def _post(client, person, **data):
    data = {"date": TODAY.isoformat(), "place": "on_site", **data}
    return client.post(reverse("accompaniment:followup_create", args=[person.pk]), data)


def test_form_offers_the_household_with_the_person_ticked_for_good(login_as, person, sister):
    html = (
        login_as("referent")
        .get(reverse("accompaniment:followup_create", args=[person.pk]))
        .content.decode()
    )

    assert f'value="{TODAY.isoformat()}"' in html
    assert "Ioana Ionescu (Frère ou sœur)" in html
    person_box = html.split(f'value="{person.pk}"')[1].split(">")[0]
    assert "checked" in person_box and "disabled" in person_box
    sister_box = html.split(f'value="{sister.pk}"')[1].split(">")[0]
    assert "checked" not in sister_box
    assert "Sur le lieu de vie" in html and "Hébergement et logement" in html


def test_follow_up_with_next_step_makes_a_task_and_dates_everyone_present(
    login_as, referent, person, sister
):
    Person.objects.filter(pk=sister.pk).update(last_contact_on=TODAY - 20 * DAY)
    client = login_as("referent")

    response = _post(
        client,
        person,
        date=(TODAY - 2 * DAY).isoformat(),
        participants=[sister.pk],
        pathways=["rights"],
        note="Dossier CSS déposé avec Ioana.",
        next_step="Rappeler la CPAM",
        next_step_due=(TODAY + 3 * DAY).isoformat(),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person_detail", args=[person.pk])
    follow_up = FollowUp.objects.get()
    assert follow_up.author == referent
    assert follow_up.place == "on_site"
    assert follow_up.pathways == ["rights"]
    assert set(follow_up.participants.all()) == {person, sister}
    task = Task.objects.get()
    assert (task.title, task.due_on, task.assigned_to) == (
        "Rappeler la CPAM",
        TODAY + 3 * DAY,
        referent,
    )
    assert (task.follow_up, task.person, task.pathway) == (follow_up, person, "rights")
    person.refresh_from_db()
    sister.refresh_from_db()
    assert person.last_contact_on == TODAY - 2 * DAY
    assert sister.last_contact_on == TODAY - 2 * DAY


def test_an_older_follow_up_does_not_move_last_contact_back(referent, person, sister):
    Person.objects.filter(pk=person.pk).update(last_contact_on=TODAY)

    with CaptureQueriesContext(connection) as queries:
        services.follow_up_create(
            person=person,
            by=referent,
            date=TODAY - 10 * DAY,
            place="phone",
            pathways=[],
            note="",
            participants=[person, sister],
        )

    person.refresh_from_db()
    sister.refresh_from_db()
    assert person.last_contact_on == TODAY
    assert sister.last_contact_on == TODAY - 10 * DAY
    person_updates = [q for q in queries if q["sql"].startswith('UPDATE "beneficiaries_person"')]
    assert len(person_updates) == 1, "one UPDATE for every participant, not a save each"


def test_the_person_is_always_present_even_if_not_posted(login_as, person, sister):
    _post(login_as("referent"), person, participants=[sister.pk])

    assert set(FollowUp.objects.get().participants.all()) == {person, sister}


@pytest.mark.parametrize("who", ["stranger", "outsider_person"])
def test_only_household_members_can_be_recorded_present(
    login_as, person, stranger, other_association, who
):
    someone = stranger
    if who == "outsider_person":
        someone = PersonFactory(organisation=other_association)

    response = _post(login_as("referent"), person, participants=[someone.pk], note="Gardé")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert "Gardé" in html
    assert not FollowUp.objects.exists()
    someone.refresh_from_db()
    assert someone.last_contact_on is None


def test_the_service_refuses_someone_of_another_household(referent, person, stranger):
    with pytest.raises(services.ValidationError):
        services.follow_up_create(
            person=person,
            by=referent,
            date=TODAY,
            place="office",
            pathways=[],
            note="",
            participants=[stranger],
        )
    assert not FollowUp.objects.exists()


def test_future_date_and_incomplete_next_step_are_refused_in_french(login_as, person):
    response = _post(
        login_as("referent"),
        person,
        date=(TODAY + DAY).isoformat(),
        note="Texte à garder",
        next_step="Accompagner à la CAF",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "La date ne peut pas être dans le futur." in html
    assert "Indiquez pour quand est la prochaine étape." in html
    assert "Texte à garder" in html and 'value="Accompagner à la CAF"' in html
    assert not FollowUp.objects.exists() and not Task.objects.exists()


def test_missing_place_is_refused(login_as, person):
    response = _post(login_as("referent"), person, place="")

    assert response.status_code == 200
    assert "Choisissez le lieu." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_back_to_the_caseload_and_the_draft_is_named_for_clearing(login_as, person):
    client = login_as("referent")

    response = _post(client, person, next=reverse("home"), note="Vu")
    assert response["Location"] == reverse("home")

    page = client.get(response["Location"]).content.decode()
    assert f'data-draft-saved="followup:{person.pk}"' in page
    assert "L&#x27;entretien est enregistré." in page


def test_next_elsewhere_is_ignored(login_as, person):
    response = _post(login_as("referent"), person, next="https://example.org/")

    assert response["Location"] == reverse("beneficiaries:person_detail", args=[person.pk])


def test_notes_reach_social_workers_but_never_managers(login_as, referent, person):
    FollowUpFactory(person=person, author=referent, note="Inquiète pour sa fille.")
    url = reverse("beneficiaries:person_timeline", args=[person.pk])

    seen_by_colleague = login_as("colleague").get(url).content.decode()
    seen_by_manager = login_as("manager").get(url).content.decode()

    assert "Inquiète pour sa fille." in seen_by_colleague
    assert "Entretien" in seen_by_manager
    assert "Inquiète pour sa fille." not in seen_by_manager


def test_author_moves_a_follow_up_and_last_contact_follows(login_as, referent, person, sister):
    older = FollowUpFactory(person=person, author=referent, date=TODAY - 30 * DAY)
    follow_up = services.follow_up_create(
        person=person,
        by=referent,
        date=TODAY - DAY,
        place="office",
        pathways=["french"],
        note="Inscription au cours",
        participants=[person, sister],
    )
    assert older.date < follow_up.date

    response = login_as("referent").post(
        reverse("accompaniment:followup_edit", args=[follow_up.pk]),
        {
            "date": (TODAY - 40 * DAY).isoformat(),
            "place": "phone",
            "pathways": ["french"],
            "note": "Inscription au cours (par téléphone)",
        },
    )

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.place, follow_up.note) == ("phone", "Inscription au cours (par téléphone)")
    assert list(follow_up.participants.all()) == [person], "Ioana unticked"
    person.refresh_from_db()
    sister.refresh_from_db()
    assert person.last_contact_on == TODAY - 30 * DAY, "the older follow-up is now the latest"
    assert sister.last_contact_on is None


def test_coordinator_deletes_a_follow_up_and_last_contact_is_recomputed(login_as, referent, person):
    FollowUpFactory(person=person, author=referent, date=TODAY - 9 * DAY)
    mistake = services.follow_up_create(
        person=person,
        by=referent,
        date=TODAY,
        place="office",
        pathways=[],
        note="Mauvais dossier",
        participants=[person],
        next_step="Appeler",
        next_step_due=TODAY + DAY,
    )

    response = login_as("coordinator").post(
        reverse("accompaniment:followup_edit", args=[mistake.pk]), {"delete": "1"}
    )

    assert response.status_code == 302
    assert not FollowUp.objects.filter(pk=mistake.pk).exists()
    assert Task.objects.get().follow_up is None, "the next step stays a task"
    person.refresh_from_db()
    assert person.last_contact_on == TODAY - 9 * DAY


def test_a_colleague_cannot_correct_someone_elses_follow_up(login_as, referent, person):
    follow_up = FollowUpFactory(person=person, author=referent, note="Original")

    response = login_as("colleague").post(
        reverse("accompaniment:followup_edit", args=[follow_up.pk]),
        {"date": TODAY.isoformat(), "place": "office", "note": "Changé"},
    )

    assert response.status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.note == "Original"


def test_person_without_household_can_be_seen_alone(login_as, association, referent):
    alone = PersonFactory(organisation=association, referent=referent, household=None)

    response = _post(login_as("referent"), alone, note="Seul")

    assert response.status_code == 302
    assert list(FollowUp.objects.get().participants.all()) == [alone]


def test_exited_household_members_are_not_offered(login_as, referent, person, household):
    gone = beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Gheorghe",
            household=household,
            exited_on=datetime.date(2025, 6, 1),
            exit_reason="moved_away",
        ),
    )
    present = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(first_name="Ioana", household=household)
    )

    html = (
        login_as("referent")
        .get(reverse("accompaniment:followup_create", args=[person.pk]))
        .content.decode()
    )

    assert gone.household_id == present.household_id == person.household_id
    assert f'value="{present.pk}"' in html
    assert f'value="{gone.pk}"' not in html


@pytest.mark.parametrize(("place", "pathways"), [("pub", []), ("office", ["astrology"])])
def test_the_service_checks_codes_for_imports(referent, person, place, pathways):
    with pytest.raises(services.ValidationError):
        services.follow_up_create(
            person=person,
            by=referent,
            date=TODAY,
            place=place,
            pathways=pathways,
            note="",
            participants=[person],
        )
    assert not FollowUp.objects.exists()
