"""What each persona gets on the daily pages of the accompaniment (STYLE.md's cast).

Follow-up notes and tasks are for the people doing the accompaniment (social workers and
coordinators): managers, administrators and partners get a 404, as for a file they cannot see.
The plan is read by whoever reads the person's file, and edited by whoever edits it."""

import pytest
from django.urls import reverse

from accompaniment.models import FollowUp, Goal, Task
from tests.accompaniment.factories import FollowUpFactory, GoalFactory, StepFactory, TaskFactory


@pytest.fixture
def objects(person, referent):
    follow_up = FollowUpFactory(person=person, author=referent, note="Note confidentielle")
    goal = GoalFactory(person=person)
    return {
        "person": person,
        "follow_up": follow_up,
        "task": TaskFactory(person=person, assigned_to=referent, follow_up=follow_up),
        "goal": goal,
        "step": StepFactory(goal=goal),
    }


URLS = {
    "followup_create": lambda o: reverse("accompaniment:followup_create", args=[o["person"].pk]),
    "followup_edit": lambda o: reverse("accompaniment:followup_edit", args=[o["follow_up"].pk]),
    "task_done": lambda o: reverse("accompaniment:task_done", args=[o["task"].pk]),
    "plan": lambda o: reverse("accompaniment:plan", args=[o["person"].pk]),
    "goal_create": lambda o: reverse("accompaniment:goal_create", args=[o["person"].pk]),
    "goal_edit": lambda o: reverse("accompaniment:goal_edit", args=[o["goal"].pk]),
    "step_create": lambda o: reverse("accompaniment:step_create", args=[o["goal"].pk]),
    "step_edit": lambda o: reverse("accompaniment:step_edit", args=[o["step"].pk]),
}

# persona -> status of a GET on each URL above, in order. task_done takes POST only (405).
EXPECTED = {
    #                       fu+  fu~  task plan goal+ goal~ step+ step~
    "anonymous":             [302, 302, 302, 302, 302, 302, 302, 302],
    "referent":              [200, 200, 405, 200, 200, 200, 200, 200],
    "colleague":             [200, 403, 405, 200, 403, 403, 403, 403],
    "coordinator":           [200, 200, 405, 200, 200, 200, 200, 200],
    "manager":               [404, 404, 404, 200, 404, 404, 404, 404],
    "administrator":         [404, 404, 404, 200, 404, 404, 404, 404],
    "partner":               [404, 404, 404, 404, 404, 404, 404, 404],
    "partner_without_share": [404, 404, 404, 404, 404, 404, 404, 404],
    "outsider":              [404, 404, 405, 404, 404, 404, 404, 404],
}  # fmt: skip


@pytest.mark.parametrize("persona", EXPECTED)
def test_page_access(login_as, objects, persona):
    """Each page in turn for one persona (GETs change nothing): a failure names the page."""
    client = login_as(persona)
    for url_name, expected in zip(URLS, EXPECTED[persona], strict=True):
        response = client.get(URLS[url_name](objects))

        assert response.status_code == expected, url_name
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), url_name


TASK_DONE = {
    "anonymous": 302,
    "referent": 302,
    "colleague": 404,
    "coordinator": 302,
    "manager": 404,
    "administrator": 404,
    "partner": 404,
    "partner_without_share": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "expected"), TASK_DONE.items())
def test_task_done_by_assignee_or_coordinator_only(login_as, objects, persona, expected):
    response = login_as(persona).post(URLS["task_done"](objects))

    assert response.status_code == expected
    task = Task.objects.get(pk=objects["task"].pk)
    assert (task.done_on is not None) == (persona in {"referent", "coordinator"})


FOLLOW_UP = {
    "referent": 302,
    "colleague": 302,
    "coordinator": 302,
    "manager": 404,
    "administrator": 404,
    "partner": 404,
    "partner_without_share": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "expected"), FOLLOW_UP.items())
def test_who_may_log_a_follow_up(login_as, objects, persona, expected):
    response = login_as(persona).post(
        URLS["followup_create"](objects),
        {"date": "2026-01-05", "place": "office", "note": "Vu au bureau."},
    )

    assert response.status_code == expected
    logged = FollowUp.objects.filter(note="Vu au bureau.").exists()
    assert logged == (expected == 302)


@pytest.mark.parametrize(
    ("persona", "expected"), [("colleague", 403), ("manager", 404), ("partner", 404)]
)
def test_who_may_not_change_the_plan(login_as, objects, persona, expected):
    client = login_as(persona)

    created = client.post(
        URLS["goal_create"](objects), {"title": "Objectif ajouté", "pathway": "french"}
    )
    deleted = client.post(URLS["step_edit"](objects), {"action": "delete"})
    removed = client.post(URLS["followup_edit"](objects), {"delete": "1"})

    assert (created.status_code, deleted.status_code) == (expected, expected)
    assert removed.status_code == expected
    assert not Goal.objects.filter(title="Objectif ajouté").exists()
    assert objects["goal"].steps.count() == 1
    assert FollowUp.objects.filter(pk=objects["follow_up"].pk).exists()
