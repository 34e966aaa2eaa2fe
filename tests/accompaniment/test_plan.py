"""The projet personnalisé: goals per pathway, steps, and a history of every change."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Goal, GoalStatus, PlanChange, Step
from tests.accompaniment.factories import GoalFactory, StepFactory

TODAY = timezone.localdate()


def _goal_data(goal, **changes):
    return {
        "title": goal.title,
        "pathway": goal.pathway,
        "status": goal.status,
        "version": goal.version,
        **changes,
    }


def test_plan_groups_goals_by_pathway_in_the_programme_order(login_as, person):
    GoalFactory(person=person, pathway="housing", title="Demande SIAO")
    GoalFactory(person=person, pathway="rights", title="Domiciliation")
    StepFactory(goal__person=person, goal__pathway="french", title="Test de niveau")

    response = login_as("manager").get(reverse("accompaniment:plan", args=[person.pk]))

    html = response.content.decode()
    filled = [code for code, _label, goals in response.context["sections"] if goals]
    assert filled == ["rights", "french", "housing"]
    assert html.index("Accès aux droits") < html.index("Français") < html.index("Hébergement")
    assert "Test de niveau" in html
    assert "Ajouter un objectif" not in html, "managers read the plan, they do not edit it"


def test_referent_adds_a_goal_and_a_step_and_history_keeps_them(login_as, referent, person):
    client = login_as("referent")

    response = client.post(
        reverse("accompaniment:goal_create", args=[person.pk]),
        {"title": "Obtenir la CSS", "pathway": "rights", "status": "not_started"},
    )
    goal = Goal.objects.get()
    assert response["Location"] == (
        reverse("accompaniment:plan", args=[person.pk]) + f"#objectif-{goal.pk}"
    )
    client.post(
        reverse("accompaniment:step_create", args=[goal.pk]),
        {"title": "Rassembler les justificatifs", "who": "La personne", "due_on": "2026-12-15"},
    )

    step = Step.objects.get()
    assert (step.goal, step.who, step.due_on) == (goal, "La personne", datetime.date(2026, 12, 15))
    changes = list(PlanChange.objects.order_by("pk"))
    assert [(c.action, c.step_id_value, c.by) for c in changes] == [
        ("created", None, referent),
        ("created", step.pk, referent),
        ("updated", None, referent),  # its first step puts the goal "en cours"
    ]
    assert changes[0].changes == {
        "title": [None, "Obtenir la CSS"],
        "pathway": [None, "Accès aux droits"],
        "status": [None, "Pas commencé"],
    }
    assert changes[1].changes["due_on"] == [None, "15/12/2026"]


def test_achieving_a_goal_dates_it_and_reopening_clears_the_date(login_as, person):
    goal = GoalFactory(person=person, title="Ouvrir un compte", status=GoalStatus.IN_PROGRESS)
    client = login_as("referent")
    url = reverse("accompaniment:goal_edit", args=[goal.pk])

    client.post(url, _goal_data(goal, status="achieved"))
    goal.refresh_from_db()
    assert (goal.status, goal.closed_on) == ("achieved", TODAY)

    client.post(url, _goal_data(goal, status="in_progress", title="Ouvrir un compte Nickel"))
    goal.refresh_from_db()
    assert (goal.status, goal.closed_on, goal.title) == (
        "in_progress",
        None,
        "Ouvrir un compte Nickel",
    )

    first, second = PlanChange.objects.filter(action="updated").order_by("pk")
    assert first.changes == {
        "status": ["En cours", "Atteint"],
        "closed_on": [None, TODAY.strftime("%d/%m/%Y")],
    }
    assert second.changes["title"] == ["Ouvrir un compte", "Ouvrir un compte Nickel"]
    assert second.changes["closed_on"] == [TODAY.strftime("%d/%m/%Y"), None]


def test_steps_done_edited_and_deleted_are_kept_in_history(login_as, referent, person):
    step = StepFactory(goal__person=person, title="Prendre rendez-vous à la CPAM")
    other = StepFactory(goal=step.goal, title="Envoyer le formulaire")
    client = login_as("referent")

    client.post(reverse("accompaniment:step_edit", args=[step.pk]), {"action": "done"})
    client.post(
        reverse("accompaniment:step_edit", args=[other.pk]),
        {"title": "Envoyer le formulaire S1106", "who": "Référente", "due_on": "2026-12-20"},
    )
    client.post(reverse("accompaniment:step_edit", args=[other.pk]), {"action": "delete"})

    step.refresh_from_db()
    assert step.done_on == TODAY
    assert not Step.objects.filter(pk=other.pk).exists()
    rows = list(PlanChange.objects.order_by("pk"))
    assert [(r.action, r.step_id_value) for r in rows] == [
        ("updated", step.pk),
        ("updated", other.pk),
        ("deleted", other.pk),
    ]
    assert rows[0].changes == {"done_on": [None, TODAY.strftime("%d/%m/%Y")]}
    assert rows[1].changes["who"] == ["La personne", "Référente"]
    assert rows[2].changes["title"] == ["Envoyer le formulaire S1106", None]

    html = client.get(reverse("accompaniment:plan", args=[person.pk])).content.decode()
    history = html[html.index("plan-history") :]
    assert "Historique des modifications" in history
    assert "a supprimé l'étape « Envoyer le formulaire S1106 »" in history
    assert "Qui : La personne → Référente" in history


def test_a_step_cannot_be_done_in_the_future(login_as, person):
    step = StepFactory(goal__person=person)
    tomorrow = TODAY + datetime.timedelta(days=1)

    response = login_as("referent").post(
        reverse("accompaniment:step_edit", args=[step.pk]),
        {"title": step.title, "done_on": tomorrow.isoformat()},
    )

    assert response.status_code == 200
    assert "La date ne peut pas être dans le futur." in response.content.decode()
    step.refresh_from_db()
    assert step.done_on is None
    assert not PlanChange.objects.exists()


def test_a_goal_of_another_association_is_not_found(login_as, other_association):
    foreign = GoalFactory(person__organisation=other_association)

    response = login_as("coordinator").post(
        reverse("accompaniment:goal_edit", args=[foreign.pk]), _goal_data(foreign, title="X")
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title != "X"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_people_edit_one_goal_the_second_is_refused_with_their_input_kept(
    referent, coordinator, person
):
    goal = GoalFactory(person=person, title="Inscription France Travail")
    url = reverse("accompaniment:goal_edit", args=[goal.pk])
    worker, coordination = _signed_in(referent), _signed_in(coordinator)
    opened_by_worker = worker.get(url).context["form"]["version"].value()
    opened_by_coordination = coordination.get(url).context["form"]["version"].value()

    first = worker.post(
        url, _goal_data(goal, title="Inscrite à France Travail", version=opened_by_worker)
    )
    second = coordination.post(
        url,
        _goal_data(goal, title="Inscription à refaire", status="abandoned",
                   version=opened_by_coordination),
    )  # fmt: skip

    assert first.status_code == 302
    assert second.status_code == 200
    html = second.content.decode()
    assert "a été modifié par quelqu&#x27;un d&#x27;autre" in html
    assert 'value="Inscription à refaire"' in html
    goal.refresh_from_db()
    assert (goal.title, goal.status) == ("Inscrite à France Travail", "in_progress")
    assert PlanChange.objects.filter(goal=goal).count() == 1

    # Saving again, now knowingly based on the current version, goes through.
    again = coordination.post(url, second.context["form"].data)
    assert again.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.status) == ("Inscription à refaire", "abandoned")


@pytest.mark.parametrize("status", ["achieved", "abandoned"])
def test_a_goal_created_closed_is_dated(login_as, person, status):
    login_as("coordinator").post(
        reverse("accompaniment:goal_create", args=[person.pk]),
        {"title": "Déjà fait", "pathway": "other", "status": status},
    )

    assert Goal.objects.get().closed_on == TODAY
