"""The writes of the access to rights (accompaniment/services_rights.py): a procedure's history
of states, its validity computed from its type, its next step as a task, bad dates refused
with a French message on the field, refusals, and the nightly renewals run twice."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment import services_rights as services
from accompaniment import tasks
from accompaniment.models import (
    Obstacle,
    Procedure,
    ProcedureChange,
    ProcedureStatus,
    ProcedureType,
    Task,
)
from accompaniment.rights_grid import State, grid
from beneficiaries import services as beneficiaries_services
from tests.accompaniment.factories_pathways import ProcedureFactory, default_type
from tests.beneficiaries.factories import PersonFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def obtained(person, code="ame", *, until, by=None, **fields) -> Procedure:
    return ProcedureFactory(
        person=person,
        type=default_type(code),
        status=ProcedureStatus.OBTAINED,
        filed_on=until - 400 * DAY,
        decided_on=until - 364 * DAY,
        valid_from=until - 364 * DAY,
        valid_until=until,
        created_by=by,
        **fields,
    )


# --- Procedures ----------------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert services.add_months(datetime.date(2026, 5, 12), 12) == datetime.date(2027, 5, 12)
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2027, 12, 15), 2) == datetime.date(2028, 2, 15)


def test_a_procedure_opened_keeps_its_first_state_with_who_and_when(person, referent):
    procedure = services.procedure_create(
        person=person,
        type=default_type("ame"),
        by=referent,
        status=ProcedureStatus.FILED,
        filed_on=TODAY - 3 * DAY,
    )

    change = procedure.changes.get()
    assert (change.previous, change.status, change.on, change.by) == (
        "",
        ProcedureStatus.FILED,
        TODAY - 3 * DAY,
        referent,
    )
    assert procedure.organisation_id == person.organisation_id
    assert procedure.created_by == referent


def test_obtained_gets_its_validity_from_the_type(person, referent):
    """AME: a year from the decision; the decision defaults to today."""
    procedure = services.procedure_create(
        person=person, type=default_type("ame"), by=referent, status=ProcedureStatus.FILED
    )
    assert procedure.filed_on == TODAY

    services.procedure_update(
        procedure=procedure, by=referent, status=ProcedureStatus.OBTAINED, decided_on=None
    )

    procedure.refresh_from_db()
    assert procedure.decided_on == TODAY
    assert procedure.valid_from == TODAY
    assert procedure.valid_until == services.add_months(TODAY, 12) - DAY
    change = procedure.changes.order_by("-pk").first()
    assert (change.previous, change.status, change.on, change.by) == (
        ProcedureStatus.FILED,
        ProcedureStatus.OBTAINED,
        TODAY,
        referent,
    )
    assert procedure.version == 2


def test_a_validity_given_is_kept(person, referent):
    procedure = services.procedure_create(
        person=person,
        type=default_type("css"),
        by=referent,
        status=ProcedureStatus.OBTAINED,
        decided_on=datetime.date(2026, 1, 10),
        valid_from=datetime.date(2026, 2, 1),
        valid_until=datetime.date(2026, 12, 31),
    )
    assert (procedure.valid_from, procedure.valid_until) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 12, 31),
    )


def test_a_right_without_a_known_end_stays_open_ended(person, referent):
    procedure = services.procedure_create(
        person=person, type=default_type("puma"), by=referent, status=ProcedureStatus.OBTAINED
    )
    assert procedure.valid_from == TODAY and procedure.valid_until is None


def test_no_change_of_state_no_history_line(person, referent):
    procedure = services.procedure_create(
        person=person, type=default_type("caf"), by=referent, status=ProcedureStatus.FILED
    )
    services.procedure_update(procedure=procedure, by=referent, handler_name="CAF de Bobigny")
    assert procedure.changes.count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"status": "obtained", "filed_on": TODAY - DAY, "decided_on": TODAY - 5 * DAY},
            "decided_on",
            "La décision ne peut pas précéder le dépôt de la demande",
        ),
        (
            {
                "status": "obtained",
                "decided_on": TODAY - 5 * DAY,
                "valid_from": TODAY - 5 * DAY,
                "valid_until": TODAY - 10 * DAY,
            },
            "valid_until",
            "La fin de validité ne peut pas précéder son début",
        ),
        # The start comes from the decision when it is not typed.
        (
            {"status": "obtained", "decided_on": TODAY - DAY, "valid_until": TODAY - 3 * DAY},
            "valid_until",
            "La fin de validité ne peut pas précéder son début",
        ),
        ({"status": "filed", "filed_on": TODAY + DAY}, "filed_on", "dans le futur"),
        ({"status": "refused", "decided_on": TODAY + DAY}, "decided_on", "dans le futur"),
        ({"status": "bogus"}, "status", "Choisissez l'état"),
    ],
)
def test_bad_dates_are_refused_on_their_field_and_nothing_is_saved(
    person, referent, fields, field, message
):
    with pytest.raises(ValidationError) as raised:
        services.procedure_create(person=person, type=default_type("ame"), by=referent, **fields)

    assert message in " ".join(raised.value.message_dict[field])
    assert not Procedure.objects.exists() and not ProcedureChange.objects.exists()


def test_a_bad_update_changes_nothing(person, referent):
    procedure = services.procedure_create(
        person=person,
        type=default_type("ame"),
        by=referent,
        status=ProcedureStatus.FILED,
        filed_on=TODAY - DAY,
    )

    with pytest.raises(ValidationError) as raised:
        services.procedure_update(
            procedure=procedure,
            by=referent,
            status=ProcedureStatus.OBTAINED,
            decided_on=TODAY - 10 * DAY,
        )

    assert "decided_on" in raised.value.message_dict
    stored = Procedure.objects.get()
    assert (stored.status, stored.decided_on, stored.version) == ("filed", None, 1)
    assert ProcedureChange.objects.count() == 1


def test_the_next_step_is_a_task_of_the_referent(person, referent, colleague):
    procedure = services.procedure_create(
        person=person,
        type=default_type("domiciliation"),
        by=colleague,
        status=ProcedureStatus.FILED,
        next_step="Relancer le CCAS",
        next_step_due=TODAY + 7 * DAY,
    )

    task = Task.objects.get()
    assert (task.procedure, task.title, task.due_on) == (
        procedure,
        "Relancer le CCAS",
        TODAY + 7 * DAY,
    )
    assert task.assigned_to == referent, "the person's referent follows their procedures"
    assert (task.pathway, task.created_by) == ("rights", colleague)


def test_without_a_referent_the_next_step_is_for_whoever_records_it(person, colleague):
    person.referent = None
    procedure = services.procedure_create(
        person=person,
        type=default_type("caf"),
        by=colleague,
        next_step="Envoyer les pièces",
        next_step_due=TODAY,
    )
    assert procedure.tasks.get().assigned_to == colleague


def test_a_next_step_needs_its_date(person, referent):
    with pytest.raises(ValidationError) as raised:
        services.procedure_create(
            person=person, type=default_type("caf"), by=referent, next_step="Relancer"
        )
    assert "next_step_due" in raised.value.message_dict
    assert not Procedure.objects.exists()


def test_another_organisations_type_is_refused(person, referent, other_association):
    theirs = ProcedureType.objects.create(
        organisation=other_association, code="ame", name="AME (autre)", category="health"
    )
    with pytest.raises(ValidationError):
        services.procedure_create(person=person, type=theirs, by=referent)


def test_a_renewal_answers_the_reminder(person, referent):
    old = obtained(person, until=TODAY + 20 * DAY)
    services.renewals_due(TODAY)
    old.refresh_from_db()
    assert old.renewal_task.done_on is None

    services.procedure_create(
        person=person, type=old.type, by=referent, renewal_of=old, status=ProcedureStatus.FILED
    )

    old.renewal_task.refresh_from_db()
    assert old.renewal_task.done_on == TODAY


# --- Obstacles -----------------------------------------------------------------------------------


def test_a_refusal_is_recorded_with_its_procedure(person, referent):
    procedure = ProcedureFactory(
        person=person, type=default_type("scolarite"), status=ProcedureStatus.REFUSED
    )
    obstacle = services.obstacle_record(
        person=person,
        by=referent,
        procedure=procedure,
        kind="school_refused",
        body="Mairie de Montreuil",
        occurred_on=TODAY - DAY,
        follow_up="defender",
        follow_up_on=TODAY,
        details="Refus oral au guichet.",
    )
    assert (obstacle.organisation_id, obstacle.recorded_by) == (person.organisation_id, referent)
    assert services.refusal_kind(procedure.type) == "school_refused"
    assert services.refusal_kind(default_type("compte")) == "bank_refused"
    assert services.refusal_kind(default_type("rsa")) == "other"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_on": TODAY + DAY}, "occurred_on"),
        ({"follow_up": "appeal", "follow_up_on": TODAY - 10 * DAY}, "follow_up_on"),
        ({"follow_up_on": TODAY}, "follow_up"),
        ({"body": "  "}, "body"),
        ({"kind": "nope"}, "kind"),
    ],
)
def test_a_bad_refusal_is_refused_on_its_field(person, referent, fields, field):
    data = {"kind": "bank_refused", "body": "Banque", "occurred_on": TODAY - 2 * DAY, **fields}
    with pytest.raises(ValidationError) as raised:
        services.obstacle_record(person=person, by=referent, **data)
    assert field in raised.value.message_dict
    assert not Obstacle.objects.exists()


def test_a_refusal_of_another_persons_procedure_is_refused(person, referent):
    other = ProcedureFactory()
    with pytest.raises(ValidationError):
        services.obstacle_record(
            person=person,
            by=referent,
            procedure=other,
            kind="other",
            body="X",
            occurred_on=TODAY,
        )


# --- Renewals ------------------------------------------------------------------------------------


def test_the_reminder_comes_the_configured_days_before_and_once(person, referent):
    """AME: renew 60 days before its end. Run twice, one reminder."""
    due = obtained(person, until=TODAY + 60 * DAY)
    later = obtained(person, "css", until=TODAY + 200 * DAY)

    first = tasks.procedure_renewals()
    second = tasks.procedure_renewals()

    assert first == {"expired": 0, "reminders": 1}
    assert second == {"expired": 0, "reminders": 0}
    due.refresh_from_db()
    later.refresh_from_db()
    task = Task.objects.get()
    assert due.renewal_task == task and later.renewal_task is None
    assert (task.title, task.due_on, task.assigned_to, task.procedure) == (
        "Renouveler : Aide médicale de l'État (AME)",
        TODAY,
        referent,
        due,
    )


def test_a_late_reminder_is_due_today(person, referent):
    obtained(person, until=TODAY + 10 * DAY)
    services.renewals_due(TODAY)
    assert Task.objects.get().due_on == TODAY


def test_no_reminder_when_a_renewal_is_under_way_or_the_person_left(person, referent, household):
    old = obtained(person, until=TODAY + 5 * DAY)
    ProcedureFactory(person=person, type=old.type, renewal_of=old, status="filed")
    gone = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(household=household)
    )
    beneficiaries_services.person_exit(person=gone, on=TODAY, reason="moved_away", by=referent)
    left = obtained(gone, until=TODAY + 5 * DAY)

    assert services.renewals_due(TODAY) == {"expired": 0, "reminders": 0}
    left.refresh_from_db()
    assert left.renewal_task is None


def test_an_ended_right_is_marked_expired_once_by_the_night(person, referent):
    ended = obtained(person, until=TODAY - DAY)

    assert services.renewals_due(TODAY) == {"expired": 1, "reminders": 0}
    assert services.renewals_due(TODAY) == {"expired": 0, "reminders": 0}

    ended.refresh_from_db()
    assert ended.status == ProcedureStatus.EXPIRED
    change = ended.changes.get()
    assert (change.previous, change.status, change.on, change.by) == (
        "obtained",
        "expired",
        TODAY,
        None,
    )


def test_an_ended_right_reads_expired_the_day_after_before_the_night_runs(person, referent):
    """Valid on its last day, expired the next morning even if the task has not run."""
    procedure = obtained(person, until=TODAY)
    ame = default_type("ame")

    on_last_day = grid(essential=[ame], procedures=[procedure], today=TODAY)[0]
    next_day = grid(essential=[ame], procedures=[procedure], today=TODAY + DAY)[0]

    assert on_last_day.state == State.EXPIRING
    assert next_day.state == State.EXPIRED
    assert Procedure.objects.get().status == ProcedureStatus.OBTAINED


def test_the_reminder_shows_in_my_week(login_as, person, referent):
    obtained(person, until=TODAY + 30 * DAY)
    services.renewals_due(TODAY)

    html = login_as("referent").get(reverse("home")).content.decode()

    assert "Renouveler : Aide médicale de l&#x27;État (AME)" in html


def test_a_corrected_end_makes_the_reminder_again(person, referent):
    procedure = obtained(person, until=TODAY + 10 * DAY)
    services.renewals_due(TODAY)
    procedure.refresh_from_db()

    services.procedure_update(procedure=procedure, by=referent, valid_until=TODAY + 300 * DAY)

    procedure.refresh_from_db()
    assert procedure.renewal_task is None and not Task.objects.exists()
    assert services.renewals_due(TODAY) == {"expired": 0, "reminders": 0}


def test_the_task_is_in_the_beat_schedule(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accompaniment.tasks.procedure_renewals" in scheduled
