"""A follow-up's next step is either a step of a goal of the projet personnalisé or a to-do of
the worker (a task), named apart; a past date is asked about once; a goal that gets a step is
under way; the projet shows every pathway and the person's to-dos beside it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accompaniment import services
from accompaniment.models import FollowUp, Goal, GoalStatus, PlanChange, Step, Task
from beneficiaries.models import Pathway
from tests.accompaniment.factories import GoalFactory, StepFactory, TaskFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
TOKEN = re.compile(r'<input type="hidden" name="token" value="([^"]*)"')


def _url(person) -> str:
    return reverse("accompaniment:followup_create", args=[person.pk])


def _post(client, person, **data):
    data = {
        "date": TODAY.isoformat(),
        "place": "office",
        "next_step": "Déposer le dossier CSS",
        "next_step_due": (TODAY + 3 * DAY).isoformat(),
        **data,
    }
    return client.post(_url(person), data)


def _checked(html: str, name: str) -> list[str]:
    """The values of the checked inputs named `name`."""
    return [
        value
        for tag in re.findall(r"<input[^>]*>", html)
        if f'name="{name}"' in tag and "checked" in tag
        for value in re.findall(r'value="([^"]*)"', tag)
    ]


@pytest.fixture
def css(person):
    return GoalFactory(
        person=person, pathway="rights", title="Obtenir la CSS", status="not_started"
    )


# --- The choice offered ----------------------------------------------------------------------


def test_open_goals_are_offered_by_name_beside_the_worker_s_task(login_as, person, css):
    GoalFactory(person=person, pathway="french", title="Atteindre A2", status="in_progress")
    GoalFactory(person=person, pathway="rights", title="Domiciliation", status="achieved")
    GoalFactory(person=person, pathway="housing", title="SIAO", status="abandoned")

    html = login_as("referent").get(_url(person)).content.decode()

    assert "Étape du projet : Obtenir la CSS (Accès aux droits)" in html
    assert "Étape du projet : Atteindre A2 (Français)" in html
    assert "Tâche pour moi (hors projet)" in html
    assert "Domiciliation" not in html and "SIAO" not in html, "closed goals are not offered"
    assert "Une étape du projet fait avancer un objectif" in html
    # Each goal says its pathway, for the script that re-selects it as pathways are ticked.
    assert f'value="{css.pk}" id="id_next_step_goal_0" data-pathway="rights"' in html
    assert 'value="tache" id="id_next_step_goal_2" data-pathway=""' in html
    assert "js/followup-next-step.js" in html


def test_without_open_goals_the_next_step_is_a_task_and_says_so(login_as, person):
    html = login_as("referent").get(_url(person)).content.decode()

    assert 'name="next_step_goal"' not in html
    assert "elle devient une tâche à votre nom" in html
    assert "js/followup-next-step.js" not in html


def test_the_goal_of_the_one_matching_pathway_is_the_default(login_as, referent, person, css):
    GoalFactory(person=person, pathway="french", title="Atteindre A2")

    response = _post(login_as("referent"), person, pathways=["rights"])

    assert response.status_code == 302
    step = Step.objects.get()
    follow_up = FollowUp.objects.get()
    assert (step.goal, step.title, step.due_on, step.follow_up) == (
        css,
        "Déposer le dossier CSS",
        TODAY + 3 * DAY,
        follow_up,
    )
    assert not Task.objects.exists()


def test_two_open_goals_on_the_pathway_make_no_default_a_task(login_as, referent, person, css):
    GoalFactory(person=person, pathway="rights", title="Ouvrir un compte")

    client = login_as("referent")
    response = _post(client, person, pathways=["rights"])

    assert response.status_code == 302
    assert not Step.objects.exists()
    task = Task.objects.get()
    assert (task.title, task.assigned_to, task.follow_up) == (
        "Déposer le dossier CSS",
        referent,
        FollowUp.objects.get(),
    )
    page = client.get(response["Location"]).content.decode()
    assert "la prochaine étape ajoutée à vos tâches" in page


def test_the_default_is_shown_ticked_when_the_form_comes_back(login_as, person, css):
    other = GoalFactory(person=person, pathway="rights", title="Ouvrir un compte")

    one = _post(login_as("referent"), person, pathways=["rights", "french"], place="")
    assert _checked(one.content.decode(), "next_step_goal") == ["tache"], "two goals match"

    other.status = GoalStatus.ABANDONED
    other.save()
    two = _post(login_as("referent"), person, pathways=["rights"], place="")
    assert _checked(two.content.decode(), "next_step_goal") == [str(css.pk)]
    assert not FollowUp.objects.exists()


def test_a_chosen_goal_and_a_chosen_task_win_over_the_default(login_as, referent, person, css):
    french = GoalFactory(person=person, pathway="french", title="Atteindre A2")
    client = login_as("referent")

    _post(client, person, pathways=["rights"], next_step_goal=str(french.pk))
    _post(client, person, pathways=["rights"], next_step_goal="tache", next_step="Appeler")

    assert Step.objects.get().goal == french
    assert Task.objects.get().title == "Appeler"


def test_the_step_s_success_message_names_the_goal(login_as, person, css):
    client = login_as("referent")

    response = _post(client, person, next_step_goal=str(css.pk))

    page = client.get(response["Location"]).content.decode()
    assert "ajoutée au projet personnalisé (objectif « Obtenir la CSS »)" in page


@pytest.mark.parametrize("which", ["closed", "someone_else"])
def test_a_goal_not_offered_is_refused(login_as, person, css, other_association, which):
    goal = GoalFactory(person=person, status="achieved")
    if which == "someone_else":
        goal = GoalFactory(person__organisation=css.organisation)

    response = _post(login_as("referent"), person, next_step_goal=str(goal.pk), note="Gardé")

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not FollowUp.objects.exists() and not Step.objects.exists()


def test_the_service_refuses_a_closed_goal_or_someone_else_s(referent, person, css):
    foreign = GoalFactory(person__organisation=css.organisation)
    closed = GoalFactory(person=person, status="abandoned")
    for goal in [foreign, closed]:
        with pytest.raises(services.ValidationError):
            services.follow_up_create(
                person=person,
                by=referent,
                date=TODAY,
                place="office",
                pathways=[],
                note="",
                participants=[person],
                next_step="Appeler",
                next_step_due=TODAY,
                next_step_goal=goal,
            )
    assert not FollowUp.objects.exists() and not Step.objects.exists()


# --- A goal that gets a step is under way ----------------------------------------------------


def test_a_step_from_a_follow_up_starts_the_goal_and_the_history_says_so(
    login_as, referent, person, css
):
    _post(login_as("referent"), person, next_step_goal=str(css.pk))

    css.refresh_from_db()
    assert css.status == GoalStatus.IN_PROGRESS
    assert css.version == 2, "a goal form opened before now meets a conflict"
    rows = list(PlanChange.objects.order_by("pk"))
    assert [(row.action, row.step_id_value, row.by) for row in rows] == [
        ("created", Step.objects.get().pk, referent),
        ("updated", None, referent),
    ]
    assert rows[1].changes == {"status": ["Pas commencé", "En cours"]}


def test_a_step_from_the_plan_starts_the_goal_too(login_as, referent, person, css):
    client = login_as("referent")

    response = client.post(
        reverse("accompaniment:step_create", args=[css.pk]),
        {"title": "Rassembler les justificatifs", "due_on": (TODAY + DAY).isoformat()},
    )

    css.refresh_from_db()
    assert css.status == GoalStatus.IN_PROGRESS
    page = client.get(response["Location"]).content.decode()
    assert "l&#x27;objectif est maintenant « en cours »" in page
    assert "Pas commencé → En cours" in page


@pytest.mark.parametrize("status", ["in_progress", "achieved", "abandoned"])
def test_a_goal_already_started_or_closed_keeps_its_state(referent, person, status):
    goal = GoalFactory(person=person, status=status)

    services.step_create(step=Step(title="Encore une étape"), goal=goal, by=referent)

    goal.refresh_from_db()
    assert goal.status == status
    assert list(PlanChange.objects.values_list("action", flat=True)) == ["created"]


def test_two_steps_start_the_goal_once(referent, person, css):
    stale = Goal.objects.get(pk=css.pk)
    services.step_create(step=Step(title="Une"), goal=css, by=referent)
    services.step_create(step=Step(title="Deux"), goal=stale, by=referent)

    assert PlanChange.objects.filter(action="updated").count() == 1


# --- A past date, once asked about -----------------------------------------------------------


def test_a_past_date_is_refused_once_then_kept_when_confirmed(login_as, referent, person):
    client = login_as("referent")
    (token,) = TOKEN.findall(client.get(_url(person)).content.decode())
    form = {
        "note": "Texte gardé",
        "next_step": "Envoyer l'attestation",
        "next_step_due": (TODAY - 2 * DAY).isoformat(),
        "token": token,
    }

    first = _post(client, person, **form)

    html = first.content.decode()
    assert first.status_code == 200
    assert "Cette date est déjà passée." in html
    assert "Confirmer cette date passée" in html
    assert 'name="next_step_past_ok"' in html
    assert "Texte gardé" in html
    assert not FollowUp.objects.exists() and not Task.objects.exists()

    assert TOKEN.findall(html) == [token], "the same form, the same token"
    second = _post(client, person, **form, next_step_past_ok="on")

    assert second.status_code == 302
    assert Task.objects.get().due_on == TODAY - 2 * DAY


def test_the_confirmation_is_not_asked_for_a_date_to_come(login_as, person):
    html = login_as("referent").get(_url(person)).content.decode()
    assert 'name="next_step_past_ok"' not in html

    response = _post(login_as("referent"), person, next_step_due=TODAY.isoformat())
    assert response.status_code == 302, "today is not past"


def test_a_next_step_without_a_date_asks_for_it(login_as, person):
    response = _post(login_as("referent"), person, next_step_due="")

    assert response.status_code == 200
    assert "Indiquez pour quand est la prochaine étape." in response.content.decode()


def test_the_token_still_saves_one_follow_up_and_one_step(login_as, person, css):
    client = login_as("referent")
    (token,) = TOKEN.findall(client.get(_url(person)).content.decode())

    for _ in range(3):
        response = _post(client, person, pathways=["rights"], token=token)
        assert response.status_code == 302

    assert FollowUp.objects.count() == 1
    assert Step.objects.count() == 1
    assert PlanChange.objects.filter(action="updated").count() == 1


def test_the_token_with_a_confirmed_past_date_saves_one_task(login_as, person):
    client = login_as("referent")
    (token,) = TOKEN.findall(client.get(_url(person)).content.decode())
    past = (TODAY - DAY).isoformat()

    for _ in range(2):
        _post(client, person, next_step_due=past, next_step_past_ok="on", token=token)

    assert FollowUp.objects.count() == 1 and Task.objects.count() == 1


def test_correcting_a_follow_up_offers_no_next_step(login_as, referent, person, css):
    follow_up = services.follow_up_create(
        person=person,
        by=referent,
        date=TODAY,
        place="office",
        pathways=[],
        note="",
        participants=[person],
    )

    html = (
        login_as("referent")
        .get(reverse("accompaniment:followup_edit", args=[follow_up.pk]))
        .content.decode()
    )

    assert 'name="next_step' not in html


# --- The projet shows every pathway and the to-dos apart -------------------------------------


def test_the_plan_shows_every_pathway_even_empty_with_a_way_to_add(login_as, person, css):
    response = login_as("referent").get(reverse("accompaniment:plan", args=[person.pk]))

    html = response.content.decode()
    sections = response.context["sections"]
    assert [code for code, _label, _goals in sections] == list(Pathway.values)
    positions = [html.index(f'id="parcours-{code}"') for code in Pathway.values]
    assert positions == sorted(positions)
    for code in Pathway.values:
        add = reverse("accompaniment:goal_create", args=[person.pk]) + f"?parcours={code}"
        assert f'href="{add}"' in html
    assert html.count("Aucun objectif dans ce parcours.") == len(Pathway.values) - 1


def test_the_goal_form_opened_from_a_pathway_has_it_chosen(login_as, person):
    url = reverse("accompaniment:goal_create", args=[person.pk]) + "?parcours=housing"

    form = login_as("referent").get(url).context["form"]

    assert form["pathway"].value() == "housing"


def test_the_plan_lists_the_person_s_open_tasks_apart_from_steps(
    login_as, referent, colleague, person, css
):
    StepFactory(goal=css, title="Étape du projet visible")
    TaskFactory(person=person, assigned_to=referent, title="Rappeler la CAF", due_on=TODAY - DAY)
    TaskFactory(person=person, assigned_to=colleague, title="Passer à l'école", due_on=TODAY)
    TaskFactory(person=person, assigned_to=referent, title="Déjà fait", done_on=TODAY)

    html = (
        login_as("referent").get(reverse("accompaniment:plan", args=[person.pk])).content.decode()
    )

    tasks = html[html.index('id="taches"') :]
    assert "2 tâches à faire (hors projet)" in tasks
    assert "Rappeler la CAF" in tasks and "Passer à l&#x27;école" in tasks
    assert "Déjà fait" not in html
    assert "Étape du projet visible" not in tasks
    assert "à mon nom" in tasks and "en retard" in tasks


def test_managers_read_the_plan_without_tasks_nor_buttons(login_as, referent, person, css):
    TaskFactory(person=person, assigned_to=referent, title="Rappeler la CAF")

    html = login_as("manager").get(reverse("accompaniment:plan", args=[person.pk])).content.decode()

    assert 'id="parcours-housing"' in html
    assert "Rappeler la CAF" not in html and 'id="taches"' not in html
    assert "Ajouter un objectif" not in html


# --- Access, per persona: unchanged ----------------------------------------------------------

FOLLOW_UP = {
    "referent": 302,
    "colleague": 302,
    "coordinator": 302,
    "manager": 404,
    "administrator": 404,
    "partner": 404,
    "partner_without_share": 404,
    "outsider": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("persona", "status"), FOLLOW_UP.items())
def test_who_may_log_a_follow_up_with_a_step_of_the_projet(login_as, person, css, persona, status):
    response = _post(login_as(persona), person, next_step_goal=str(css.pk))

    assert response.status_code == status
    saved = persona in {"referent", "colleague", "coordinator"}
    assert Step.objects.filter(goal=css, follow_up__isnull=False).exists() == saved
    if persona == "anonymous":
        assert "/connexion/" in response["Location"] or "login" in response["Location"]


# --- In the browser ----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_goal_follows_the_pathways_and_errors_open_the_page(
    live_server,
    phone,  # noqa: F811
    referent,
    person,
):
    css = GoalFactory(person=person, pathway="rights", title="Obtenir la CSS")
    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(f"{live_server.url}{_url(person)}")
    phone.wait_for_load_state()
    step = phone.get_by_label("Étape du projet : Obtenir la CSS (Accès aux droits)")
    task = phone.get_by_label("Tâche pour moi (hors projet)")

    expect(task).to_be_checked()
    phone.get_by_text("Accès aux droits", exact=True).click()
    expect(step).to_be_checked()
    phone.get_by_text("Français", exact=True).click()
    expect(step).to_be_checked()  # French has no goal: still one goal matches

    # Sent without a place and with a past date: the summary is what the phone shows first.
    phone.get_by_label("Prochaine étape").fill("Déposer le dossier")
    phone.get_by_label("Pour le").fill((TODAY - DAY).isoformat())
    phone.get_by_role("button", name="Enregistrer").click()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("Le formulaire contient 2 erreurs")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Lieu : Choisissez le lieu.").click()
    assert phone.evaluate("location.hash") == "#id_place"

    phone.get_by_text("Au bureau").click()
    phone.get_by_label("Confirmer cette date passée").check()
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_text("ajoutée au projet personnalisé")).to_be_visible()
    assert Step.objects.get().goal == css
