"""A transfer carries the work (issue 9): the people's open tasks and future appointments held by
their former referent go to the new one, the preview says how many, a reason and a date are
recorded, the new referent gets one notice and each file's timeline shows the transfer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment import transfers
from accompaniment.models import Appointment, Notice, NoticeKind, Task, Transfer
from beneficiaries import services
from beneficiaries.models import Person, ReferentAssignment
from tests.accompaniment.factories import TaskFactory
from tests.beneficiaries.factories import PersonFactory

TRANSFER = reverse("accompaniment:transfer")
TODAY = timezone.localdate()
CONFIRM = {"motif": "Départ en congé maternité", "le": TODAY.isoformat()}


def _appointment(person, worker, *, days: int, status: str = "planned") -> Appointment:
    return Appointment.objects.create(
        organisation=person.organisation,
        person=person,
        worker=worker,
        date=TODAY + datetime.timedelta(days=days),
        time=datetime.time(14, 30),
        place="office",
        status=status,
    )


@pytest.fixture
def work(person, referent, colleague):
    """What `person` (followed by `referent`) has going: tasks and appointments of several
    kinds, only some of which should move."""
    return {
        "open": TaskFactory(person=person, assigned_to=referent, due_on=TODAY),
        "overdue": TaskFactory(
            person=person, assigned_to=referent, due_on=TODAY - datetime.timedelta(days=9)
        ),
        "done": TaskFactory(person=person, assigned_to=referent, done_on=TODAY),
        "colleague_s": TaskFactory(person=person, assigned_to=colleague, due_on=TODAY),
        "today": _appointment(person, referent, days=0),
        "next_week": _appointment(person, referent, days=7),
        "past": _appointment(person, referent, days=-1),
        "cancelled": _appointment(person, referent, days=3, status="cancelled"),
        "colleague_appointment": _appointment(person, colleague, days=2),
    }


MOVES = {"open", "overdue", "today", "next_week"}


def _holder(row) -> int | None:
    row.refresh_from_db()
    return row.assigned_to_id if isinstance(row, Task) else row.worker_id


def _query(person, target) -> dict:
    return {"portee": "personne", "id": person.pk, "vers": target.pk}


def test_preview_counts_the_tasks_and_appointments_that_move(login_as, person, coordinator, work):
    response = login_as("coordinator").get(TRANSFER, _query(person, coordinator))

    assert (response.context["tasks"], response.context["appointments"]) == (2, 2)
    assert "Travail transmis : 2 tâches ouvertes et 2 rendez-vous à venir." in (
        response.content.decode()
    )


def test_preview_in_the_singular_and_when_nothing_moves(login_as, person, referent, coordinator):
    client = login_as("coordinator")

    assert "Aucune tâche ouverte ni rendez-vous à venir" in (
        client.get(TRANSFER, _query(person, coordinator)).content.decode()
    )
    TaskFactory(person=person, assigned_to=referent, due_on=TODAY)
    _appointment(person, referent, days=1)
    page = client.get(TRANSFER, _query(person, coordinator)).content.decode()

    assert "Travail transmis : 1 tâche ouverte et 1 rendez-vous à venir." in page


def test_confirmation_moves_open_tasks_and_future_appointments_only(
    login_as, person, referent, colleague, coordinator, work
):
    client = login_as("coordinator")
    response = client.post(
        TRANSFER, {**_query(person, colleague), "attendu": 1, **CONFIRM}, follow=True
    )

    assert response.redirect_chain == [(reverse("accompaniment:board"), 302)]
    assert "Travail transmis : 2 tâches ouvertes et 2 rendez-vous à venir." in (
        response.content.decode()
    )
    for name, row in work.items():
        expected = colleague.pk if name in MOVES or name.startswith("colleague") else referent.pk
        assert _holder(row) == expected, name
    transfer = Transfer.objects.get()
    assert (transfer.scope, transfer.from_referent, transfer.to_referent) == (
        Transfer.Scope.PERSON,
        referent,
        colleague,
    )
    assert (transfer.on, transfer.reason, transfer.by) == (TODAY, CONFIRM["motif"], coordinator)
    assert (transfer.tasks_moved, transfer.appointments_moved) == (2, 2)
    assert list(transfer.people.all()) == [person]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(login_as, person, referent, colleague, work, reason):
    response = login_as("coordinator").post(
        TRANSFER, {**_query(person, colleague), "attendu": 1, **CONFIRM, "motif": reason}
    )

    assert response.status_code == 200
    assert response.context["confirm"].errors["motif"] == ["Indiquez le motif du transfert."]
    assert Person.objects.get(pk=person.pk).referent == referent
    assert _holder(work["open"]) == referent.pk
    assert not Transfer.objects.exists()


def test_the_date_cannot_be_in_the_future_and_is_recorded(login_as, person, colleague):
    client = login_as("coordinator")
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()

    refused = client.post(
        TRANSFER, {**_query(person, colleague), "attendu": 1, **CONFIRM, "le": tomorrow}
    )
    assert "ne peut pas être dans le futur" in refused.content.decode()
    last_week = TODAY - datetime.timedelta(days=7)
    client.post(
        TRANSFER,
        {**_query(person, colleague), "attendu": 1, **CONFIRM, "le": last_week.isoformat()},
    )

    assert Transfer.objects.get().on == last_week
    assert person.assignments.get(ended_on=None).referent == colleague


def test_the_new_referent_gets_one_notice_per_transfer(
    login_as, household, referent, colleague, person
):
    partner = services.person_create(by=referent, person=PersonFactory.build(household=household))
    client = login_as("coordinator")
    query = {"portee": "menage", "id": household.pk, "vers": colleague.pk}

    client.post(TRANSFER, {**query, "attendu": 2, **CONFIRM})

    notice = Notice.objects.get(user=colleague)
    assert (notice.kind, notice.count, notice.person, notice.url) == (
        NoticeKind.TRANSFER,
        2,
        None,
        reverse("home"),
    )
    colleague.refresh_from_db()
    assert colleague.unread_notices == 1
    assert not Notice.objects.filter(user=referent).exists()
    assert {p.pk for p in Transfer.objects.get().people.all()} == {person.pk, partner.pk}


def test_a_single_person_s_notice_opens_their_file(login_as, person, colleague):
    login_as("coordinator").post(TRANSFER, {**_query(person, colleague), "attendu": 1, **CONFIRM})

    notice = Notice.objects.get(user=colleague)
    assert (notice.person, notice.count) == (person, 1)
    assert notice.url == reverse("beneficiaries:person_detail", args=[person.pk])


def test_the_transfer_shows_in_the_timeline_with_its_reason(login_as, person, referent, colleague):
    login_as("coordinator").post(TRANSFER, {**_query(person, colleague), "attendu": 1, **CONFIRM})
    url = reverse("beneficiaries:person_timeline", args=[person.pk])

    worker_view = login_as("referent").get(url).content.decode()
    assert f"Transfert de {referent} à {colleague} — {CONFIRM['motif']}" in worker_view
    # Managers read the file without the team's own words.
    manager_view = login_as("manager").get(url).content.decode()
    assert f"Transfert de {referent} à {colleague}" in manager_view
    assert CONFIRM["motif"] not in manager_view


def test_a_site_transfer_from_several_referents_moves_each_one_s_work(
    association, site, household, person, referent, colleague, coordinator
):
    followed_by_colleague = services.person_create(
        by=colleague, person=PersonFactory.build(household=household)
    )
    mine = TaskFactory(person=person, assigned_to=referent, due_on=TODAY)
    theirs = TaskFactory(person=followed_by_colleague, assigned_to=colleague, due_on=TODAY)
    # The referent's task for a person the colleague follows is not the colleague's to give.
    crossed = TaskFactory(person=followed_by_colleague, assigned_to=referent, due_on=TODAY)

    transfer = transfers.transfer_work(
        people=Person.objects.filter(household__site=site),
        to_referent=coordinator,
        reason="Réorganisation des secteurs",
        on=TODAY,
        scope=Transfer.Scope.SITE,
        by=coordinator,
    )

    assert (_holder(mine), _holder(theirs), _holder(crossed)) == (
        coordinator.pk,
        coordinator.pk,
        referent.pk,
    )
    assert transfer.from_referent is None and transfer.tasks_moved == 2
    assert Notice.objects.filter(user=coordinator).count() == 1


def test_nobody_to_move_is_refused_by_the_service(person, referent, coordinator):
    with pytest.raises(transfers.NothingToTransfer):
        transfers.transfer_work(
            people=Person.objects.filter(pk=person.pk),
            to_referent=referent,
            reason="Rien",
            on=TODAY,
            scope=Transfer.Scope.PERSON,
            by=coordinator,
        )
    assert not Transfer.objects.exists() and not Notice.objects.exists()


def test_a_transfer_larger_than_one_chunk_carries_all_the_work(
    association, referent, colleague, coordinator
):
    """People, tasks and appointments are written a chunk of ids at a time (SQLite's limit on
    parameters): the work of the people after the first chunk moves too."""
    size = transfers.CHUNK + 5
    people = Person.objects.bulk_create(
        PersonFactory.build(organisation=association, referent=referent) for _ in range(size)
    )
    ReferentAssignment.objects.bulk_create(
        ReferentAssignment(
            person=p, referent=referent, started_on=datetime.date(2026, 1, 5), assigned_by=referent
        )
        for p in people
    )
    Task.objects.bulk_create(
        Task(
            organisation=association, person=p, title="Appeler", due_on=TODAY, assigned_to=referent
        )
        for p in people
    )
    Appointment.objects.bulk_create(
        Appointment(
            organisation=association,
            person=p,
            worker=referent,
            date=TODAY + datetime.timedelta(days=2),
            time=datetime.time(9, 0),
            place="office",
        )
        for p in people[-3:]
    )

    transfer = transfers.transfer_work(
        people=Person.objects.filter(referent=referent),
        to_referent=colleague,
        reason="Départ de la référente",
        on=TODAY,
        scope=Transfer.Scope.REFERENT,
        by=coordinator,
    )

    assert Person.objects.filter(referent=colleague).count() == size
    assert Task.objects.filter(assigned_to=colleague).count() == size
    assert Appointment.objects.filter(worker=colleague).count() == 3
    assert (transfer.tasks_moved, transfer.appointments_moved) == (size, 3)
    assert transfer.people.count() == size
    assert transfer.from_referent == referent
    notice = Notice.objects.get(user=colleague)
    assert notice.count == size
