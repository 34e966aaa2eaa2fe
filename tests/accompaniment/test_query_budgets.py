"""Query budgets of the daily pages: the same number of queries with 3 rows or with 30, so an
N+1 would show. Every budget names its queries (the first two of each page: session, user)."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services as beneficiaries_services
from tests.accompaniment.factories import FollowUpFactory, GoalFactory, StepFactory, TaskFactory
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory

SIZES = [3, 30]
TODAY = timezone.localdate()


@pytest.fixture
def caseload(request, referent, site):
    """`size` people in one household followed by `referent`, each with a task and a plan
    step due today, never seen."""
    household = beneficiaries_services.household_create(
        by=referent, household=HouseholdFactory.build(site=site)
    )
    people = []
    for _ in range(request.param):
        person = beneficiaries_services.person_create(
            by=referent, person=PersonFactory.build(household=household)
        )
        TaskFactory(person=person, assigned_to=referent, due_on=TODAY)
        StepFactory(goal__person=person, due_on=TODAY - datetime.timedelta(days=2))
        people.append(person)
    return people


# The home page ("my week", covers, the caseload): tests/accompaniment/test_home_budget.py.


@pytest.mark.parametrize("caseload", SIZES, indirect=True)
def test_plan(login_as, referent, caseload, django_assert_num_queries):
    person = caseload[0]
    for index in range(len(caseload)):
        goal = GoalFactory(person=person, pathway=["rights", "french", "housing"][index % 3])
        StepFactory(goal=goal)
        StepFactory(goal=goal, done_on=TODAY)
    client = login_as("referent")
    client.post(
        reverse("accompaniment:goal_create", args=[person.pk]),
        {"title": "Suivi", "pathway": "other", "status": "in_progress"},
    )
    # + person, goals, their steps (one prefetch), the person's open tasks (assignee joined),
    #   history rows (goal and author joined).
    # + audit entry (mia.audit.record_read).
    with django_assert_num_queries(8):
        response = client.get(reverse("accompaniment:plan", args=[person.pk]))
    shown = sum(len(goals) for _code, _label, goals in response.context["sections"])
    assert shown == person.goals.count() == len(caseload) + 2


@pytest.mark.parametrize("caseload", SIZES, indirect=True)
def test_follow_up_form(login_as, caseload, django_assert_num_queries):
    person = caseload[0]
    FollowUpFactory(person=person)
    client = login_as("referent")
    url = reverse("accompaniment:followup_create", args=[person.pk])
    # + person, household members offered, open goals offered for the next step, whether a
    #   local action under way concerns the person (none here: no field).
    # + audit entry (mia.audit.record_read).
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["form"].fields["participants"].queryset) == len(caseload)


@pytest.mark.parametrize("caseload", SIZES, indirect=True)
def test_follow_up_saved_with_every_member_present(login_as, caseload, django_assert_num_queries):
    person = caseload[0]
    client = login_as("referent")
    data = {
        "date": TODAY.isoformat(),
        "place": "on_site",
        "participants": [p.pk for p in caseload],
        "note": "Réunion de famille",
        "next_step": "Rappeler",
        "next_step_due": TODAY.isoformat(),
        "token": str(uuid.uuid4()),
    }
    # + person, open goals offered, local actions offered, members posted (validation); then
    #   in one transaction
    #   (savepoint and release):
    #   a follow-up of this form's token (a resend finds it), the follow-up (in a savepoint and
    #   release of its own: two copies at once), participants already linked, participants
    #   linked, last contact of all (one UPDATE), task; the success message.
    # + audit entries of the follow-up, of its participants and of the task (mia.audit); with
    #   the participants audited, Django reads once more which are already linked.
    with django_assert_num_queries(20):
        response = client.post(reverse("accompaniment:followup_create", args=[person.pk]), data)
    assert response.status_code == 302
