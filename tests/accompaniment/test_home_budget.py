"""Query budget of the home page (accompaniment/week.py): the same number of queries with a small
or a large caseload, week and number of covered colleagues, so that an N+1 would show. The first
two queries of each page: session, user."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Appointment, AppointmentPlace, Cover
from beneficiaries import services
from tests.accompaniment.factories import StepFactory, TaskFactory
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.mia.factories import UserFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SIZES = [(2, 1), (30, 3)]


def _caseload(worker, site, size: int) -> list:
    """`size` people followed by `worker`, each with a task, a plan step and an appointment due
    today or late, and one of each later this week (today on a Sunday); never seen."""
    later = min(TODAY + DAY, TODAY + (6 - TODAY.weekday()) * DAY)
    household = services.household_create(by=worker, household=HouseholdFactory.build(site=site))
    people = []
    for _ in range(size):
        person = services.person_create(by=worker, person=PersonFactory.build(household=household))
        for due in (TODAY - DAY, later):
            TaskFactory(person=person, assigned_to=worker, due_on=due)
            StepFactory(goal__person=person, due_on=due)
            Appointment.objects.create(
                organisation=person.organisation,
                person=person,
                worker=worker,
                date=due,
                time=datetime.time(9, 0),
                place=AppointmentPlace.OFFICE,
            )
        people.append(person)
    return people


@pytest.fixture
def world(request, referent, association, site):
    """The referent's caseload, and as many absent colleagues they cover, each with theirs."""
    size, colleagues = request.param
    people = _caseload(referent, site, size)
    for index in range(colleagues):
        absent = UserFactory(email=f"absent{index}@test.mia", organisation=association)
        people += _caseload(absent, site, size)
        Cover.objects.create(
            organisation=association,
            absent=absent,
            covering=referent,
            starts_on=TODAY,
            ends_on=TODAY + 7 * DAY,
        )
    return size, colleagues, people


@pytest.mark.parametrize("world", SIZES, indirect=True)
def test_home(login_as, world, django_assert_num_queries):
    size, colleagues, _people = world
    client = login_as("referent")
    # + the organisation's alert delay; caseload count and page (household, site, commune
    #   joined); the covered colleagues (with the end of each cover); for all workers at once:
    #   appointments (person, partner joined), tasks (person), plan steps (goal, person),
    #   people not seen (each kind ranked per worker and section by a window function).
    # + one audit entry naming every person shown (mia.audit.record_list).
    with django_assert_num_queries(11):
        response = client.get(reverse("home"))
    week, covering = response.context["week"], response.context["covering"]
    assert len(covering) == colleagues
    shown = min(size, 20)
    for each in (week, *covering):
        assert (each.today.appointments, each.today.tasks, each.today.steps) == (size,) * 3
        assert len(each.today.rows) == 3 * shown
        assert len(each.not_seen) == shown


@pytest.mark.parametrize("world", SIZES, indirect=True)
def test_caseload_search_as_typed(login_as, world, django_assert_num_queries):
    _size, _colleagues, people = world
    client = login_as("referent")
    # + the organisation's alert delay; caseload count and page; one audit entry; the session
    #   saved with the typed text's key (in a savepoint and its release).
    with django_assert_num_queries(9):
        response = client.post(
            reverse("home"), {"portefeuille": people[0].last_name}, headers={"HX-Request": "true"}
        )
    assert response.context["caseload"]["page"].paginator.count >= 1


@pytest.mark.parametrize("world", SIZES, indirect=True)
def test_manager_figures(login_as, world, django_assert_num_queries):
    client = login_as("manager")
    # + the organisation's alert delay, people counted (one aggregate), open sites.
    with django_assert_num_queries(5):
        response = client.get(reverse("home"))
    assert response.context["figures"]["main"][0]["count"] == len(world[2])
