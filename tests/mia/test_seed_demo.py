"""`manage.py seed_demo`: the demo data every newcomer, browser test and benchmark starts from."""

import datetime
from collections import Counter, defaultdict
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Q

from accompaniment.models import Appointment, FollowUp, Goal, GoalStatus, PlanChange, Step, Task
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
from mia import demo
from mia.models import Organisation, Role, User
from mia.text import fold, sound_keys

TODAY = demo.REFERENCE_DATE
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


@pytest.fixture
def seeded(db, settings) -> str:
    settings.DEBUG = True  # as under `make run`; pytest-django turns it off
    return seed()


def test_refuses_to_load_demo_accounts_in_production_mode(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed()

    assert not Organisation.objects.exists()


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
    ]


def test_two_runs_on_empty_databases_give_the_same_data(seeded):
    first = snapshot()
    for model in (
        PlanChange, Step, Goal, Task, FollowUp, Enrolment, ReferentAssignment, Person,
        HouseholdStay, Household, Site, User, Organisation,
    ):  # fmt: skip
        model.objects.all().delete()
    seed()
    assert snapshot() == first


def test_the_demo_is_seen_from_the_day_it_is_loaded(db, settings):
    settings.DEBUG = True
    later = TODAY + datetime.timedelta(days=45)

    seed(date=later)

    latest = FollowUp.objects.order_by("-date").values_list("date", flat=True).first()
    assert TODAY < latest <= later
    assert Task.objects.filter(done_on__isnull=True, due_on__gt=later).exists()
