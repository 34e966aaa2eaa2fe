"""My week on the home page: what is due by Sunday or late, and who has not been seen
(accompaniment/week.py; the sections, appointments and covers: test_week.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accompaniment.models import GoalStatus
from beneficiaries import services
from beneficiaries.models import Person
from tests.accompaniment.factories import GoalFactory, StepFactory, TaskFactory
from tests.beneficiaries.factories import PersonFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SUNDAY = TODAY + (6 - TODAY.weekday()) * DAY


def _week(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context["week"], response.content.decode()


def _rows(week, kind):
    """Rows of one kind, today and late first, then the rest of the week."""
    rows = [*week.today.rows, *week.week.rows]
    return [row.task if kind == "task" else row for row in rows if row.kind == kind]


def test_my_tasks_due_this_week_or_late(login_as, referent, colleague, person):
    late = TaskFactory(
        person=person, assigned_to=referent, title="Relancer la CAF", due_on=TODAY - 3 * DAY
    )
    sunday = TaskFactory(person=person, assigned_to=referent, title="Fin de semaine", due_on=SUNDAY)
    TaskFactory(person=person, assigned_to=referent, title="Semaine prochaine", due_on=SUNDAY + DAY)
    TaskFactory(person=person, assigned_to=referent, title="Déjà fait", due_on=TODAY, done_on=TODAY)
    TaskFactory(person=person, assigned_to=colleague, title="Pas à moi", due_on=TODAY)

    week, html = _week(login_as("referent"))

    # Today first, then what is late; on a Sunday the "Sunday" task is today's.
    assert sorted(_rows(week, "task"), key=lambda task: task.pk) == [late, sunday]
    assert "Relancer la CAF" in html and "en retard" in html
    assert "Semaine prochaine" not in html and "Pas à moi" not in html
    assert reverse("accompaniment:task_done", args=[late.pk]) in html


def test_steps_due_in_my_caseload(login_as, referent, colleague, person, association):
    goal = GoalFactory(person=person, title="Ouvrir les droits")
    due = StepFactory(goal=goal, title="Déposer la demande de CSS", due_on=TODAY)
    StepFactory(goal=goal, title="Étape faite", due_on=TODAY, done_on=TODAY)
    StepFactory(goal=goal, title="Plus tard", due_on=SUNDAY + 7 * DAY)
    StepFactory(goal=goal, title="Sans date", due_on=None)
    closed = GoalFactory(person=person, status=GoalStatus.ABANDONED, closed_on=TODAY)
    StepFactory(goal=closed, title="Objectif abandonné", due_on=TODAY)
    other = services.person_create(by=colleague, person=PersonFactory.build())
    StepFactory(goal__person=other, title="Portefeuille d'un collègue", due_on=TODAY)

    week, html = _week(login_as("referent"))

    assert [row.title for row in _rows(week, "step")] == [due.title]
    assert "Déposer la demande de CSS" in html
    assert reverse("accompaniment:plan", args=[person.pk]) in html
    for hidden in ["Étape faite", "Plus tard", "Sans date", "Objectif abandonné", "collègue"]:
        assert hidden not in html


def test_people_not_seen_for_the_organisation_delay(login_as, referent, person, household):
    def member(first_name, last_contact_on):
        someone = services.person_create(
            by=referent, person=PersonFactory.build(first_name=first_name, household=household)
        )
        Person.objects.filter(pk=someone.pk).update(last_contact_on=last_contact_on)
        return someone

    five_weeks = member("Cinq", TODAY - 35 * DAY)
    member("Récent", TODAY - 6 * DAY)
    Person.objects.filter(pk=person.pk).update(last_contact_on=None)
    client = login_as("referent")

    week, html = _week(client)

    assert [p.pk for p in week.not_seen] == [person.pk, five_weeks.pk], "never seen first"
    assert week.not_seen_count == 2
    assert "Sans entretien depuis 4 semaines ou jamais rencontrées." in html
    assert "jamais" in html
    assert reverse("accompaniment:followup_create", args=[five_weeks.pk]) in html

    referent.organisation.follow_up_alert_weeks = 8
    referent.organisation.save()
    week, _html = _week(client)
    assert [p.pk for p in week.not_seen] == [person.pk]


def test_caseload_rows_lead_to_a_follow_up_in_one_tap(login_as, person):
    html = login_as("referent").get(reverse("home")).content.decode()

    link = reverse("accompaniment:followup_create", args=[person.pk]) + "?next=/"
    assert f'href="{link}"' in html
    assert html.count(f'href="{link}"') == 2, "in the caseload and among the people to see again"


def test_filter_of_people_to_see_again(login_as, referent, person, household):
    seen = services.person_create(
        by=referent, person=PersonFactory.build(first_name="Vue", household=household)
    )
    Person.objects.filter(pk=seen.pk).update(last_contact_on=TODAY)

    response = login_as("referent").get(reverse("home"), {"a_revoir": "1"})

    assert [p.pk for p in response.context["caseload"]["page"]] == [person.pk]
    assert "1 personne à revoir" in response.content.decode()


def test_no_week_for_a_manager(login_as, person):
    response = login_as("manager").get(reverse("home"))

    assert response.context["week"] is None and response.context["caseload"] is None
    assert "Ma semaine" not in response.content.decode()
    assert "Ionescu" not in response.content.decode()


def test_a_partner_is_sent_to_the_referrals_to_handle(login_as, person):
    response = login_as("partner").get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("partners:referrals_received")


def test_ticking_a_task_off_from_my_week(login_as, referent, person):
    task = TaskFactory(person=person, assigned_to=referent, title="Appeler le 115", due_on=TODAY)
    client = login_as("referent")

    fragment = client.post(
        reverse("accompaniment:task_done", args=[task.pk]), headers={"HX-Request": "true"}
    )

    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.lstrip().startswith('<li class="week-item week-row kind-task done"')
    assert f'id="tache-{task.pk}"' in html and "Fait" in html
    assert "<form" not in html, "nothing left to tick"
    task.refresh_from_db()
    assert task.done_on == TODAY
    week, _html = _week(client)
    assert _rows(week, "task") == []


def test_ticking_off_without_htmx_goes_back(login_as, referent, person):
    task = TaskFactory(person=person, assigned_to=referent, due_on=TODAY)
    url = reverse("accompaniment:task_done", args=[task.pk])
    client = login_as("referent")

    back = client.post(url, {"next": reverse("accompaniment:plan", args=[person.pk])})
    elsewhere = client.post(url, {"next": "//example.org/"})

    assert back["Location"] == reverse("accompaniment:plan", args=[person.pk])
    assert elsewhere["Location"] == reverse("home")
    assert client.get(url).status_code == 405
