"""`manage.py seed_demo`: the demo data every newcomer, browser test and benchmark starts from."""

import datetime
import importlib.util
from collections import Counter, defaultdict
from io import StringIO
from itertools import pairwise
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max, Q
from django.test import override_settings

from accompaniment.demo_pathways import TRAINER, add_months, level_for, school_year
from accompaniment.models import (
    CEFR_RANK,
    Action,
    Appointment,
    Assessment,
    Attendance,
    CefrLevel,
    Certification,
    ClassSession,
    Course,
    CourseKind,
    FollowUp,
    Goal,
    GoalStatus,
    Learner,
    LearnerStatus,
    Obstacle,
    ObstacleFollowUp,
    ObstacleKind,
    PlanChange,
    Procedure,
    ProcedureCategory,
    ProcedureStatus,
    Schooling,
    SchoolLevel,
    Step,
    Task,
)
from beneficiaries.models import (
    Enrolment,
    Household,
    HouseholdStay,
    Person,
    ReferentAssignment,
    Relationship,
    Site,
    SitePopulation,
)
from employment.models import Candidacy, Contract, Employer, JobOffer, Training, Workshop
from housing.models import Evacuation, Placement, ShelterOffer
from mia import demo
from mia.models import Organisation, OrganisationKind, Role, User
from mia.permissions import takes_attendance
from mia.text import fold, sound_keys

TODAY = demo.REFERENCE_DATE
BENCH = Path(__file__).resolve().parents[2] / "bench" / "pages.py"
# Levels a child's age decides (the others: not in school, under 3, an insertion scheme).
GRADED_LEVELS = ("maternelle", "elementaire", "college", "lycee")
WEEK_END = TODAY + datetime.timedelta(days=6)

ACCOUNTS = {
    "travailleur@demo.mia": (Role.SOCIAL_WORKER, "ACINA (démo)"),
    "travailleur2@demo.mia": (Role.SOCIAL_WORKER, "ACINA (démo)"),
    "coordination@demo.mia": (Role.COORDINATOR, "ACINA (démo)"),
    "direction@demo.mia": (Role.MANAGER, "ACINA (démo)"),
    "admin@demo.mia": (Role.ADMINISTRATOR, "ACINA (démo)"),
    "partenaire@demo.mia": (Role.PARTNER, "France Travail — agence de Saint-Denis (démo)"),
    "partenaire2@demo.mia": (Role.PARTNER, "CCAS de Montreuil (démo)"),
    "autre-asso@demo.mia": (Role.SOCIAL_WORKER, "Association Horizon (démo)"),
}


def seed(**options) -> str:
    out = StringIO()
    options.setdefault("date", TODAY)
    call_command("seed_demo", scale="small", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The demo loaded once for the module's tests, in a transaction rolled back at the end
    (as Django's TestCase.setUpTestData): each test runs in a savepoint of it, so what one
    test writes (a second run, a wipe and reload) is gone for the next."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db, settings) -> str:
    settings.DEBUG = True  # as under `make run`; pytest-django turns it off
    return seeded_once


def test_accounts_have_their_role_organisation_and_the_demo_password(seeded):
    users = {u.email: u for u in User.objects.select_related("organisation")}
    for email, (role, organisation) in ACCOUNTS.items():
        assert (users[email].role, users[email].organisation.name) == (role, organisation)
    assert users["admin@demo.mia"].is_staff and users["admin@demo.mia"].is_superuser
    assert not any(u.is_superuser for e, u in users.items() if e != "admin@demo.mia")
    # One hash is shared by every account: checking it once checks them all.
    assert {u.password for u in users.values()} == {users["travailleur@demo.mia"].password}
    assert check_password(demo.PASSWORD, users["travailleur@demo.mia"].password)
    for email in ACCOUNTS:
        assert email in seeded  # the logins table


def test_horizon_keeps_its_own_files(seeded):
    horizon = Organisation.objects.get(name="Association Horizon (démo)")
    worker = User.objects.get(email="autre-asso@demo.mia")
    persons = Person.objects.filter(organisation=horizon)
    assert persons.exists()
    assert set(persons.exclude(referent=None).values_list("referent", flat=True)) == {worker.pk}
    assert not Person.objects.exclude(organisation=horizon).filter(referent=worker).exists()
    assert not Site.objects.filter(households__organisation=horizon).exclude(organisation=horizon)


def test_both_stefans_are_in_the_referents_active_caseload(seeded):
    caseload = Person.objects.filter(referent__email="travailleur@demo.mia", exited_on=None)
    comma = set(caseload.filter(first_name="Ștefan"))  # U+0219, comma below
    cedilla = set(caseload.filter(first_name="Ştefan"))  # U+015F, cedilla
    assert comma and cedilla
    assert comma | cedilla <= set(caseload.search("stefan"))
    assert comma | cedilla <= set(caseload.search("ștefan"))


def test_search_columns_and_birth_year_are_derived_as_save_does(seeded):
    persons = list(Person.objects.all())
    for person in persons:
        # The names, then the other spellings after a mark (beneficiaries.models.OTHER_NAMES_MARK).
        names, keys = f"{person.first_name} {person.last_name}", sound_keys(person.other_names)
        if person.other_names:
            assert person.search_text == f"{fold(names)} | {fold(person.other_names)}"
            assert person.name_keys == f"{sound_keys(names)}|{keys}"
        else:
            assert person.search_text == fold(names)
            assert person.name_keys == sound_keys(names)
        assert person.phone_digits == "".join(c for c in person.phone if c.isdigit())
        if person.birth_date:
            assert person.birth_year == person.birth_date.year
    assert any(p.phone_digits for p in persons)
    for household in Household.objects.all():
        assert household.search_text == fold(household.name)
    # What the search box relies on: a Cyrillic spelling and a household name find people.
    assert Person.objects.search("Стефан").exists()
    assert Person.objects.search(Household.objects.first().name).exists()
    assert any("ş" in p.first_name + p.last_name for p in persons)  # cedilla spellings
    assert any(any("\u0400" <= c <= "\u04ff" for c in p.other_names) for p in persons)


def test_households_have_one_to_eight_members_and_children_younger_than_the_head(seeded):
    sizes = Household.objects.annotate(size=Count("members")).values_list("size", flat=True)
    assert min(sizes) >= 1 and max(sizes) <= 8
    for household in Household.objects.prefetch_related("members"):
        members = list(household.members.all())
        heads = [m for m in members if m.relationship == Relationship.HEAD]
        assert len(heads) == 1
        head_year = heads[0].birth_year
        for child in (m for m in members if m.relationship == Relationship.CHILD):
            if head_year and child.birth_year:
                assert child.birth_year > head_year


def test_current_site_and_referent_match_their_histories(seeded):
    for household in Household.objects.prefetch_related("stays"):
        open_stays = [s.site_id for s in household.stays.all() if s.ended_on is None]
        assert open_stays == ([household.site_id] if household.site_id else [])
    open_assignments = dict(
        ReferentAssignment.objects.filter(ended_on=None).values_list("person", "referent")
    )
    for person_id, referent_id in Person.objects.values_list("pk", "referent"):
        assert open_assignments.get(person_id) == referent_id
    assert Person.objects.filter(referent=None).exists()  # a few unassigned files
    assert ReferentAssignment.objects.exclude(ended_on=None).exists()  # and past referents
    assert HouseholdStay.objects.exclude(ended_on=None).exists()  # households that moved
    assert not SitePopulation.objects.values("site").annotate(n=Count("pk")).filter(n__gt=4)
    assert not Site.objects.filter(
        Q(latitude__lt=48.7) | Q(latitude__gt=49.0) | Q(longitude__lt=2.2) | Q(longitude__gt=2.6)
    )


def test_a_second_run_refuses_unless_if_empty(seeded):
    counts = (Person.objects.count(), User.objects.count(), Site.objects.count())
    with pytest.raises(CommandError, match="--if-empty"):
        seed()
    assert "base déjà remplie" in seed(if_empty=True)
    assert (Person.objects.count(), User.objects.count(), Site.objects.count()) == counts


def test_every_person_has_the_enrolments_their_file_describes(seeded):
    periods = defaultdict(list)
    for enrolment in Enrolment.objects.order_by("entered_on"):
        periods[enrolment.person_id].append(enrolment)
    for person in Person.objects.all():
        rows = periods[person.pk]
        latest = rows[-1]
        assert (latest.entered_on, latest.exited_on, latest.exit_reason) == (
            person.entered_on,
            person.exited_on,
            person.exit_reason,
        )
        for before, after in pairwise(rows):
            assert before.exited_on and before.exit_reason
            assert before.exited_on < after.entered_on
    came_back = sum(len(rows) > 1 for rows in periods.values())
    assert 0 < came_back / len(periods) < 0.10  # about one in twenty, fewer on small data


def test_follow_ups_are_dated_within_an_enrolment_and_attended_by_the_household(seeded):
    periods = defaultdict(list)
    for enrolment in Enrolment.objects.all():
        periods[enrolment.person_id].append((enrolment.entered_on, enrolment.exited_on or TODAY))
    household_of = dict(Person.objects.values_list("pk", "household"))
    attendees = defaultdict(set)
    for follow_up_id, person_id in FollowUp.participants.through.objects.values_list(
        "followup_id", "person_id"
    ):
        attendees[follow_up_id].add(person_id)
    follow_ups = list(FollowUp.objects.select_related("author"))
    for row in follow_ups:
        assert row.person_id in attendees[row.pk]
        assert {household_of[pk] for pk in attendees[row.pk]} == {household_of[row.person_id]}
        for pk in attendees[row.pk]:
            assert any(start <= row.date <= end for start, end in periods[pk])
        assert row.author.role == Role.SOCIAL_WORKER
        assert row.author.organisation_id == row.organisation_id
        assert row.note and row.pathways
    # About ten per person at small scale, some with several household members present.
    assert 6 < len(follow_ups) / len(household_of) < 15
    assert any(len(pks) > 1 for pks in attendees.values())
    assert len({row.place for row in follow_ups}) == 5
    assert len({code for row in follow_ups for code in row.pathways}) == 7


def test_last_contact_is_the_latest_follow_up_attended(seeded):
    latest = dict(
        Person.objects.annotate(seen=Max("follow_ups_attended__date")).values_list("pk", "seen")
    )
    assert dict(Person.objects.values_list("pk", "last_contact_on")) == latest
    assert any(latest.values())


def test_the_referents_week_is_never_empty(seeded):
    worker = User.objects.get(email="travailleur@demo.mia")
    open_tasks = Task.objects.filter(assigned_to=worker, done_on=None)
    assert open_tasks.filter(due_on__lt=TODAY).exists()  # overdue
    assert open_tasks.filter(due_on__gte=TODAY, due_on__lte=WEEK_END).exists()
    caseload = Person.objects.filter(referent=worker, exited_on=None)
    alert = TODAY - datetime.timedelta(weeks=4)
    assert caseload.filter(last_contact_on__lt=alert).count() >= 3
    assert caseload.filter(last_contact_on__gte=alert).exists()
    # Every task of a person who left is closed: nobody's week shows them.
    assert not Task.objects.filter(done_on=None, person__exited_on__isnull=False).exists()
    assert Task.objects.exclude(done_on=None).exists()


def test_the_referents_week_holds_appointments_of_their_own_people(seeded):
    worker = User.objects.get(email="travailleur@demo.mia")
    mine = Appointment.objects.filter(worker=worker, status="planned")

    assert mine.filter(date=TODAY).count() >= 2
    assert mine.filter(date__gt=TODAY, date__lte=TODAY + datetime.timedelta(days=3)).exists()
    # Booked for people of the worker's own caseload, adults still followed, never in the past.
    assert not mine.exclude(person__referent=worker).exists()
    assert not Appointment.objects.filter(person__exited_on__isnull=False).exists()
    assert not Appointment.objects.filter(date__lt=TODAY).exists()
    assert Appointment.objects.exclude(to_bring=[]).exists()


def test_one_large_household_has_a_long_history(seeded):
    household = (
        Household.objects.annotate(follow_ups=Count("members__follow_ups"))
        .order_by("-follow_ups")
        .first()
    )
    assert household.members.count() >= 4
    assert household.follow_ups >= 100
    assert set(household.members.values_list("referent__email", flat=True)) == {
        "travailleur@demo.mia"
    }


def test_active_adults_have_a_plan_with_steps_and_its_history(seeded):
    goals = list(Goal.objects.select_related("person"))
    per_person = Counter(goal.person_id for goal in goals)
    assert set(per_person.values()) <= {1, 2, 3, 4}
    assert all(not goal.person.exited_on for goal in goals)
    assert len({goal.status for goal in goals}) == 4
    assert len({goal.pathway for goal in goals}) >= 5
    for goal in goals:
        closed = goal.status in (GoalStatus.ACHIEVED, GoalStatus.ABANDONED)
        assert (goal.closed_on is not None) == closed
    steps_per_goal = Counter(Step.objects.values_list("goal", flat=True))
    assert set(steps_per_goal) == {goal.pk for goal in goals}
    assert set(steps_per_goal.values()) <= {1, 2, 3, 4}
    assert Step.objects.exclude(done_on=None).exists()
    assert Step.objects.filter(done_on=None, due_on__gte=TODAY, due_on__lte=WEEK_END).exists()
    created = PlanChange.objects.filter(action=PlanChange.Action.CREATED)
    assert created.filter(step_id_value=None).count() == len(goals)
    assert created.exclude(step_id_value=None).count() == sum(steps_per_goal.values())


def snapshot() -> list[list[tuple]]:
    return [
        list(
            Person.objects.order_by("pk").values_list(
                "first_name",
                "last_name",
                "other_names",
                "birth_date",
                "birth_year",
                "entered_on",
                "exited_on",
                "last_contact_on",
                "household__name",
                "household__site__name",
                "referent__email",
            )
        ),
        list(Enrolment.objects.order_by("pk").values_list("person__last_name", "entered_on")),
        list(
            FollowUp.objects.order_by("pk").values_list(
                "person__first_name", "author__email", "date", "place", "pathways", "note"
            )
        ),
        list(Task.objects.order_by("pk").values_list("title", "due_on", "done_on")),
        list(Goal.objects.order_by("pk").values_list("title", "status", "closed_on")),
        list(Step.objects.order_by("pk").values_list("title", "who", "due_on", "done_on")),
        list(
            Procedure.objects.order_by("pk").values_list(
                "person__first_name", "type__code", "status", "filed_on", "valid_until"
            )
        ),
        list(Schooling.objects.order_by("pk").values_list("person__first_name", "since", "level")),
        list(Course.objects.order_by("pk").values_list("name", "starts_on", "ends_on")),
        list(
            Attendance.objects.order_by("pk").values_list(
                "session__date", "person__first_name", "present"
            )
        ),
        list(Assessment.objects.order_by("pk").values_list("assessed_on", "skill", "level")),
    ]


def test_two_runs_on_empty_databases_give_the_same_data(seeded):
    first = snapshot()
    # The pathways of issue 11 first: their rows protect sites, employers and organisations.
    for model in (
        ShelterOffer, Placement, Evacuation, Contract, Candidacy, JobOffer, Training, Workshop,
        Employer, Action,
    ):  # fmt: skip
        model.objects.all().delete()
    for model in (
        PlanChange, Step, Goal, Task, Course, FollowUp, Enrolment, ReferentAssignment, Person,
        HouseholdStay, Household, Site, User, Organisation,
    ):  # fmt: skip
        model.objects.all().delete()
    seed()
    assert snapshot() == first


# --- Pathways: rights, school, French (accompaniment/demo_pathways.py) --------------------------


def age_on(person: Person, day: datetime.date) -> int | None:
    if person.birth_date:
        before = (day.month, day.day) < (person.birth_date.month, person.birth_date.day)
        return day.year - person.birth_date.year - before
    return day.year - person.birth_year if person.birth_year else None


def first_of_caseload() -> Person:
    """The bench's `{person}`: the first person of travailleur@demo.mia's active caseload."""
    return Person.objects.filter(referent__email="travailleur@demo.mia", exited_on=None).order_by(
        "pk"
    )[0]


def test_about_three_procedures_a_person_each_with_its_history(seeded):
    procedures = list(Procedure.objects.select_related("type").prefetch_related("changes"))
    assert 2.5 <= len(procedures) / Person.objects.count() <= 4
    assert {p.status for p in procedures} == set(ProcedureStatus.values)
    assert {p.type.code for p in procedures} >= {
        "domiciliation", "ame", "css", "puma", "caf", "compte", "france_travail", "rsa",
        "navigo", "scolarite",
    }  # fmt: skip
    for procedure in procedures:
        changes = sorted(procedure.changes.all(), key=lambda c: (c.on, c.pk))
        # Each state it went through, chained, the last one its state now.
        assert changes and changes[0].previous == ""
        assert [c.previous for c in changes[1:]] == [c.status for c in changes[:-1]]
        assert changes[-1].status == procedure.status
        assert procedure.version == len(changes)
        for day in (procedure.filed_on, procedure.decided_on, changes[-1].on):
            assert day is None or day <= TODAY
        if procedure.status in (ProcedureStatus.OBTAINED, ProcedureStatus.EXPIRED):
            assert procedure.valid_from == procedure.decided_on
            validity = procedure.type.validity_months
            if validity and procedure.person != first_of_caseload():
                end = add_months(procedure.valid_from, validity) - datetime.timedelta(days=1)
                assert procedure.valid_until == end
            # Expired the day after its last day, as the nightly task marks it.
            ended = procedure.valid_until is not None and procedure.valid_until < TODAY
            assert (procedure.status == ProcedureStatus.EXPIRED) == ended
            if ended:
                assert changes[-1].on == procedure.valid_until + datetime.timedelta(days=1)
                assert changes[-1].by_id is None
        if procedure.renewal_of_id:
            assert procedure.renewal_of.type_id == procedure.type_id
            assert procedure.renewal_of.person_id == procedure.person_id
    # Among the rights of the people followed: some end within 30 days, some have ended.
    followed = [p for p in procedures if p.person.exited_on is None]
    ending = [
        p
        for p in followed
        if p.status == ProcedureStatus.OBTAINED
        and p.valid_until
        and p.valid_until <= TODAY + datetime.timedelta(days=30)
    ]
    assert len(ending) >= 5
    assert sum(p.status == ProcedureStatus.EXPIRED for p in followed) >= 5


def test_renewal_reminders_are_those_the_nightly_task_would_have_made(seeded, settings):
    from accompaniment.services_rights import renewals_due

    reminders = Task.objects.filter(procedure__isnull=False, title__startswith="Renouveler :")
    assert reminders.filter(done_on=None).exists()
    assert reminders.exclude(done_on=None).exists()  # answered by a renewal
    for task in reminders.select_related("procedure__type"):
        procedure = task.procedure
        assert procedure.renewal_task_id == task.pk
        renew_on = procedure.valid_until - datetime.timedelta(days=procedure.type.renew_before_days)
        assert task.due_on == renew_on <= TODAY
    # Run on the demo's day, the nightly task finds nothing left to do.
    with freeze(TODAY):
        assert renewals_due(TODAY) == {"expired": 0, "reminders": 0}


def freeze(day: datetime.date):
    from unittest import mock

    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_the_referents_first_person_shows_every_state_of_the_rights_grid(seeded):
    person = first_of_caseload()
    worker = User.objects.get(email="travailleur@demo.mia")
    by_type = {p.type.code: p for p in person.procedures.select_related("type", "renewal_task")}

    domiciliation = by_type["domiciliation"]
    assert domiciliation.status == ProcedureStatus.OBTAINED
    assert domiciliation.valid_until == TODAY + datetime.timedelta(days=14)
    # Its renewal reminder is in the worker's week, late.
    reminder = domiciliation.renewal_task
    assert (reminder.assigned_to, reminder.done_on) == (worker, None)
    assert reminder.due_on == TODAY - datetime.timedelta(days=16)
    assert by_type["ame"].status == ProcedureStatus.EXPIRED
    assert by_type["ame"].valid_until < TODAY
    assert by_type["caf"].status == ProcedureStatus.PENDING
    assert by_type["caf"].tasks.filter(done_on=None).exists()  # its next step
    bank = by_type["compte"]
    assert bank.status == ProcedureStatus.REFUSED
    assert list(bank.obstacles.values_list("kind", "follow_up")) == [
        (ObstacleKind.BANK_REFUSED, ObstacleFollowUp.NONE)
    ]
    # "Without health cover": nothing valid today, the AME has ended.
    health = person.procedures.filter(type__category=ProcedureCategory.HEALTH)
    assert not any(p.is_valid_on(TODAY) for p in health)


def test_refusals_are_recorded_as_obstacles_with_what_was_done(seeded):
    obstacles = list(Obstacle.objects.select_related("procedure__type", "person"))
    assert {o.kind for o in obstacles} >= {
        ObstacleKind.DOMICILIATION_REFUSED,
        ObstacleKind.BANK_REFUSED,
        ObstacleKind.HEALTH_REFUSED,
        ObstacleKind.SCHOOL_REFUSED,
    }
    assert len({o.follow_up for o in obstacles}) >= 4
    for obstacle in obstacles:
        assert obstacle.procedure.status == ProcedureStatus.REFUSED
        assert obstacle.procedure.person_id == obstacle.person_id
        assert obstacle.occurred_on == obstacle.procedure.decided_on
        assert obstacle.body and obstacle.details
        assert (obstacle.follow_up_on is None) == (obstacle.follow_up == ObstacleFollowUp.NONE)
        if obstacle.kind == ObstacleKind.SCHOOL_REFUSED:
            assert age_on(obstacle.person, obstacle.occurred_on) < 18
    # A few percent of the people: refusals are met, not the rule.
    people = {o.person_id for o in obstacles}
    assert 0.02 <= len(people) / Person.objects.count() <= 0.15


def test_every_minor_has_a_dated_schooling_consistent_with_age(seeded):
    schoolings = defaultdict(list)
    for schooling in Schooling.objects.order_by("since", "pk"):
        schoolings[schooling.person_id].append(schooling)
    latest = {}
    for person in Person.objects.all():
        age = age_on(person, person.exited_on or TODAY)
        if age is None:
            continue
        facts = schoolings[person.pk]
        assert bool(facts) == (age < 18), person.pk
        born = person.birth_date.year if person.birth_date else person.birth_year
        for fact in facts:
            assert fact.since >= person.entered_on
            if fact.level in GRADED_LEVELS:
                assert fact.level == level_for(school_year(fact.since) - born)
                assert fact.school and fact.commune_id and fact.enrolled_on
            if fact.level == SchoolLevel.NONE:
                assert not fact.school and fact.enrolled_on is None
        if facts:
            latest[person.pk] = facts[-1]
    levels = Counter(fact.level for fact in latest.values())
    assert levels[SchoolLevel.NONE] and levels[SchoolLevel.ELEMENTAIRE]
    assert levels[SchoolLevel.MATERNELLE] and levels[SchoolLevel.COLLEGE]
    assert any(fact.mediation and fact.mediation_since for fact in latest.values())
    # Enrolments are procedures, some refused by the town hall.
    assert any(fact.procedure_id for fact in latest.values())
    # In travailleur@demo.mia's caseload: a child refused, in mediation, not in school.
    refused = Obstacle.objects.filter(
        kind=ObstacleKind.SCHOOL_REFUSED, person__referent__email="travailleur@demo.mia"
    ).first()
    assert refused is not None
    child = latest[refused.person_id]
    assert (child.level, child.mediation) == (SchoolLevel.NONE, True)
    assert child.procedure_id == refused.procedure_id


def test_a_course_of_thirty_meets_this_week_and_its_trainer_can_take_attendance(seeded):
    trainer = User.objects.select_related("organisation").get(email=TRAINER)
    acina = Organisation.objects.get(name="ACINA (démo)")
    enrolled = Count("learners", filter=Q(learners__status=LearnerStatus.ENROLLED))
    course = Course.objects.annotate(enrolled=enrolled).get(organisation=acina, enrolled=30)

    assert trainer.role == Role.PARTNER
    assert course.provider == trainer.organisation
    assert takes_attendance(trainer, course)
    assert TRAINER in seeded  # in the logins table
    assert course.learners.filter(person__referent__email="travailleur@demo.mia").exists()
    sheet = course.sessions.order_by("-date").first()
    assert TODAY - datetime.timedelta(days=1) <= sheet.date <= TODAY
    assert not sheet.attendances.exists() and not sheet.cancelled  # to be taken
    assert sheet.date.weekday() in set(course.slots.values_list("weekday", flat=True))
    # A long history before it, about three learners in four at each class.
    ticks = Attendance.objects.filter(session__course=course)
    assert course.sessions.count() >= 40
    assert 0.65 <= ticks.filter(present=True).count() / ticks.count() <= 0.85
    # Two learners in three shared their French section with the provider: the trainer's
    # sheet names them, and only them.
    named = set(
        Person.objects.visible_to(trainer)
        .filter(course_enrolments__course=course)
        .values_list("pk", flat=True)
    )
    learners = set(course.learners.values_list("person_id", flat=True))
    assert named < learners and 0.5 <= len(named) / len(learners) <= 0.8


def test_courses_are_given_by_partners_and_attended_by_their_learners(seeded):
    courses = list(Course.objects.select_related("provider").prefetch_related("slots"))
    assert len(courses) == 4
    assert {c.provider.kind for c in courses} <= {
        OrganisationKind.TRAINING,
        OrganisationKind.ASSOCIATION,
    }
    assert {c.kind for c in courses} <= set(CourseKind.values)
    learners = {(row.course_id, row.person_id): row for row in Learner.objects.all()}
    for tick in Attendance.objects.select_related("session__course"):
        session, course = tick.session, tick.session.course
        assert course.starts_on <= session.date <= min(course.ends_on, TODAY)
        learner = learners[(course.pk, tick.person_id)]
        assert learner.status != LearnerStatus.WAITING
        assert learner.enrolled_on <= session.date <= (learner.left_on or TODAY)
    weekdays = {c.pk: {s.weekday for s in c.slots.all()} for c in courses}
    for session in ClassSession.objects.all():
        assert session.date.weekday() in weekdays[session.course_id]
    statuses = {row.status for row in learners.values()}
    assert {LearnerStatus.ENROLLED, LearnerStatus.COMPLETED, LearnerStatus.DROPPED} <= statuses
    for row in learners.values():
        assert bool(row.drop_reason) == (row.status == LearnerStatus.DROPPED)


def test_levels_only_rise_and_some_learners_gained_one(seeded):
    by_person = defaultdict(list)
    for row in Assessment.objects.order_by("assessed_on", "pk"):
        assert row.assessed_on < TODAY
        by_person[(row.person_id, row.skill)].append(CEFR_RANK[row.level])
    assert all(ranks == sorted(ranks) for ranks in by_person.values())
    gained = {person for (person, _skill), ranks in by_person.items() if ranks[-1] > ranks[0]}
    assert len(gained) >= 5
    # In the referent's caseload, the first person went from A0 to A1.1 (the bench's `{person}`).
    first = first_of_caseload()
    assert list(first.assessments.order_by("assessed_on").values_list("level", flat=True)) == [
        CefrLevel.A0,
        CefrLevel.A1_1,
    ]
    assert Certification.objects.exists() or len(by_person) < 40


def test_seeding_again_with_if_empty_adds_no_pathway(seeded):
    models = (Procedure, Obstacle, Schooling, Course, ClassSession, Attendance, Assessment, User)
    before = [model.objects.count() for model in models]

    assert "base déjà remplie" in seed(if_empty=True)

    assert [model.objects.count() for model in models] == before


def test_the_bench_finds_its_pages_on_the_small_data(seeded):
    """bench/pages.py compares query counts at both scales: the small data has the same
    objects (a course of 30, a household with children)."""
    spec = importlib.util.spec_from_file_location("bench_pages", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    with freeze(TODAY):
        ids = bench.placeholders()

    session = ClassSession.objects.get(pk=ids["session"])
    assert session.course.learners.filter(status=LearnerStatus.ENROLLED).count() == 30
    household = Household.objects.get(pk=ids["household_children"])
    assert sum(1 for m in household.members.all() if (age_on(m, TODAY) or 99) < 18) >= 2
    assert ids["person"] == first_of_caseload().pk
