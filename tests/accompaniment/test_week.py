"""The home page as a phone-sized week (accompaniment/week.py): today and late first, then the
week, then the people to see again, each folded with its count; appointments; the weeks of the
colleagues one covers; the caseload's own search; the "Entretien" buttons; where each role
lands after signing in."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Appointment, AppointmentPlace, AppointmentStatus, Cover
from beneficiaries import services
from beneficiaries.models import Person
from mia.models import AuditEntry
from tests.accompaniment.factories import GoalFactory, StepFactory, TaskFactory
from tests.beneficiaries.factories import PersonFactory
from tests.mia.factories import PASSWORD

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SUNDAY = TODAY + (6 - TODAY.weekday()) * DAY
# A day of this week after today (today itself on a Sunday).
LATER = min(TODAY + DAY, SUNDAY)
HTMX = {"HX-Request": "true"}


def appointment(person, worker, *, on=TODAY, at=datetime.time(10, 30), **fields) -> Appointment:
    return Appointment.objects.create(
        organisation=person.organisation,
        person=person,
        worker=worker,
        date=on,
        time=at,
        place=fields.pop("place", AppointmentPlace.PARTNER),
        created_by=worker,
        **fields,
    )


def follow(by, household, first_name, last_name="Popescu", **fields) -> Person:
    return services.person_create(
        by=by,
        person=PersonFactory.build(
            first_name=first_name, last_name=last_name, household=household, **fields
        ),
    )


def sections(html: str) -> list[str]:
    """The folded sections of the page, in order: each <details> tag and its summary."""
    return re.findall(
        r"<details class=\"week-section\"[^>]*>\s*<summary[^>]*>.*?</summary>", html, flags=re.S
    )


def summary_text(section: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_today_and_late_come_first_then_the_week_then_people_to_see_again(
    login_as, referent, person
):
    TaskFactory(person=person, assigned_to=referent, title="Relancer la CAF", due_on=TODAY - DAY)
    TaskFactory(person=person, assigned_to=referent, title="Appeler le CCAS", due_on=TODAY)
    StepFactory(goal=GoalFactory(person=person), title="Déposer la CSS", due_on=TODAY - 2 * DAY)
    appointment(person, referent, purpose="Ouverture des droits CAF")
    if LATER != TODAY:
        TaskFactory(person=person, assigned_to=referent, title="Plus tard", due_on=LATER)

    html = login_as("referent").get(reverse("home")).content.decode()

    found = sections(html)
    assert len(found) == 3
    today, week, to_see = (summary_text(section) for section in found)
    assert found[0].startswith('<details class="week-section" open>'), "today is open"
    assert " open" not in found[1].split(">")[0] and " open" not in found[2].split(">")[0]
    assert today == "Aujourd'hui et en retard 1 rendez-vous, 2 tâches, 1 étape 2 en retard"
    assert week == ("Cette semaine 1 tâche" if LATER != TODAY else "Cette semaine rien")
    assert to_see == "Personnes à revoir 1 personne", "never seen"
    assert html.index("Aujourd'hui et en retard") < html.index("Cette semaine")
    assert html.index("Cette semaine") < html.index('id="portefeuille"'), "the caseload after"
    # Today's appointment by its time first, then what is late, oldest first.
    first = html.index("Ouverture des droits CAF")
    assert first < html.index("Appeler le CCAS")
    assert html.index("Déposer la CSS") < html.index("Relancer la CAF")


def test_appointments_of_my_week(login_as, referent, colleague, person):
    today = appointment(person, referent, at=datetime.time(9, 15), purpose="CCAS")
    late = appointment(person, referent, on=TODAY - 3 * DAY, purpose="Oublié de clore")
    appointment(person, referent, purpose="Annulé", status=AppointmentStatus.CANCELLED)
    appointment(person, referent, on=TODAY - DAY, purpose="Honoré", status=AppointmentStatus.DONE)
    appointment(person, referent, on=SUNDAY + DAY, purpose="La semaine prochaine")
    appointment(person, colleague, purpose="Celui d'un collègue")

    response = login_as("referent").get(reverse("home"))

    week = response.context["week"]
    assert [row.title for row in week.today.rows] == ["CCAS", "Oublié de clore"]
    assert week.today.appointments == 2 and week.today.late == 1
    html = response.content.decode()
    assert "09:15" in html
    assert reverse("accompaniment:appointment_slip", args=[today.pk]) in html
    assert reverse("accompaniment:appointment_edit", args=[late.pk]) in html
    assert "en retard, pour le" in html
    for hidden in ["Annulé", "Honoré", "La semaine prochaine", "Celui d'un collègue"]:
        assert hidden not in html


def test_partner_appointment_without_purpose_reads_the_partner_or_the_place(
    login_as, referent, person, partner
):
    appointment(person, referent, partner=partner.organisation)
    appointment(person, referent, at=datetime.time(14, 0), place=AppointmentPlace.SCHOOL)

    week = login_as("referent").get(reverse("home")).context["week"]

    assert [row.title for row in week.today.rows] == [partner.organisation.name, "À l'école"]


def test_counts_say_zero_and_one_in_french(login_as, referent, person):
    Person.objects.filter(pk=person.pk).update(last_contact_on=TODAY)

    html = login_as("referent").get(reverse("home")).content.decode()

    today, _week, to_see = (summary_text(section) for section in sections(html))
    assert today == "Aujourd'hui et en retard rien"
    # "0 personne" once the French catalogue gives French plural forms (n > 1).
    assert to_see.startswith("Personnes à revoir 0 personne")
    assert "Rien pour aujourd'hui, rien en retard." in html


def test_a_long_week_shows_the_most_urgent_rows_and_the_full_count(
    login_as, referent, person, monkeypatch
):
    monkeypatch.setattr("accompaniment.week.MY_WEEK_LIMIT", 3)
    for days in range(5):
        TaskFactory(person=person, assigned_to=referent, due_on=TODAY - days * DAY)

    response = login_as("referent").get(reverse("home"))

    today = response.context["week"].today
    assert (len(today.rows), today.tasks, today.truncated) == (3, 5, True)
    assert [row.date for row in today.rows] == [TODAY, TODAY - 4 * DAY, TODAY - 3 * DAY]
    assert "5 tâches" in response.content.decode()
    assert "Seules les plus urgentes sont affichées." in response.content.decode()


# --- Covers -------------------------------------------------------------------------------------


@pytest.fixture
def away(referent, colleague, person):
    """`referent` is away until next week: `colleague` covers them."""
    Cover.objects.create(
        organisation=referent.organisation,
        absent=referent,
        covering=colleague,
        starts_on=TODAY - DAY,
        ends_on=TODAY + 7 * DAY,
    )
    return referent


def test_the_week_of_a_colleague_i_cover(login_as, away, colleague, person, household):
    TaskFactory(person=person, assigned_to=away, title="Rappeler l'école", due_on=TODAY)
    appointment(person, away, purpose="Rendez-vous CAF")
    own = follow(colleague, household, "Ioana")
    TaskFactory(person=own, assigned_to=colleague, title="Ma propre tâche", due_on=TODAY)

    response = login_as("colleague").get(reverse("home"))

    (covered,) = response.context["covering"]
    assert covered.worker == away and covered.until == TODAY + 7 * DAY
    assert [row.title for row in covered.today.rows] == ["Rendez-vous CAF", "Rappeler l'école"]
    assert [p.pk for p in covered.not_seen] == [person.pk]
    assert [row.title for row in response.context["week"].today.rows] == ["Ma propre tâche"]
    html = response.content.decode()
    until = (TODAY + 7 * DAY).strftime("%-d")
    assert re.search(
        rf"Semaine (de |d')\s*{away.get_full_name()} \(remplacement jusqu'au {until} \w+\)",
        unescape(html),
    )
    # Their tasks are theirs to tick off: the covering colleague reads them.
    task = covered.today.rows[1].task
    assert reverse("accompaniment:task_done", args=[task.pk]) not in html
    assert reverse("accompaniment:followup_create", args=[person.pk]) in html


@pytest.mark.parametrize(
    ("first_name", "heading"), [("Anaïs", "Semaine d'Anaïs"), ("Marius", "Semaine de Marius")]
)
def test_the_covered_week_reads_as_french_does(login_as, away, first_name, heading):
    away.first_name = first_name
    away.save(update_fields=["first_name"])

    html = unescape(login_as("colleague").get(reverse("home")).content.decode())

    assert f"{heading} {away.last_name} (remplacement" in html


def test_a_cover_that_ended_or_is_someone_elses_shows_nothing(
    login_as, referent, colleague, coordinator, person
):
    Cover.objects.create(
        organisation=referent.organisation,
        absent=referent,
        covering=colleague,
        starts_on=TODAY - 9 * DAY,
        ends_on=TODAY - DAY,
    )
    Cover.objects.create(
        organisation=referent.organisation,
        absent=referent,
        covering=coordinator,
        starts_on=TODAY,
        ends_on=TODAY,
    )

    response = login_as("colleague").get(reverse("home"))

    assert response.context["covering"] == []
    assert "Semaine d" not in response.content.decode()


def test_the_audit_names_everyone_shown_covered_colleagues_people_included(
    login_as, away, colleague, person, household
):
    other = follow(away, household, "Mihai")
    TaskFactory(person=other, assigned_to=away, due_on=TODAY)
    own = follow(colleague, household, "Ioana")

    login_as("colleague").get(reverse("home"))

    entry = AuditEntry.objects.filter(section="caseload").latest("pk")
    assert set(entry.person_ids) == {own.pk, other.pk, person.pk}


# --- The caseload and its search ---------------------------------------------------------------


@pytest.fixture
def caseload(referent, household, person):
    return [
        person,
        follow(referent, household, "Elena", "Vasile"),
        follow(referent, household, "Maria", "Stanescu"),
    ]


def test_the_caseload_search_answers_the_list_only_as_it_is_typed(login_as, caseload):
    client = login_as("referent")

    fragment = client.post(
        reverse("home"), {"portefeuille": "vasi"}, headers={"HX-Request": "true"}
    )

    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html and "Ma semaine" not in html
    assert "Vasile" in html and "Ștefan" not in html and "Stanescu" not in html
    assert "1 personne trouvée" in html
    replaced = fragment["HX-Replace-Url"]
    assert replaced.startswith("/?r=") and "vasi" not in replaced, "a key, never the name"
    # The list reached again by that address (a reload) is the same search.
    again = client.get(replaced)
    assert [p.last_name for p in again.context["caseload"]["page"]] == ["Vasile"]
    assert 'value="vasi"' in again.content.decode()


def test_the_caseload_search_works_without_javascript(login_as, caseload):
    client = login_as("referent")

    posted = client.post(reverse("home"), {"portefeuille": "Stanescu"})

    assert posted.status_code == 302
    assert posted["Location"].startswith("/?r=") and posted["Location"].endswith("#portefeuille")
    assert "Stanescu" not in posted["Location"]
    page = client.get(posted["Location"].split("#")[0])
    assert [p.last_name for p in page.context["caseload"]["page"]] == ["Stanescu"]


@pytest.mark.parametrize(("query", "near"), [("Stanscu", True), ("Stanescu", False)])
def test_the_caseload_search_offers_names_one_letter_away_and_says_so(
    login_as, colleague, caseload, household, query, near
):
    follow(colleague, household, "Ion", "Stanescu")  # near, but not mine

    fragment = login_as("referent").post(
        reverse("home"), {"portefeuille": query}, headers={"HX-Request": "true"}
    )

    assert [p.pk for p in fragment.context["caseload"]["page"]] == [caseload[2].pk]
    assert ("voici les noms à une lettre près" in fragment.content.decode()) is near


def test_the_caseload_search_stays_inside_my_caseload(login_as, colleague, caseload, household):
    follow(colleague, household, "Elena", "Vasilescu")

    html = (
        login_as("referent")
        .post(reverse("home"), {"portefeuille": "elena"}, headers={"HX-Request": "true"})
        .content.decode()
    )

    assert "Vasile" in html and "Vasilescu" not in html


def test_the_caseload_search_has_its_own_accessible_name(login_as, caseload):
    html = login_as("referent").get(reverse("home")).content.decode()

    assert (
        '<label for="caseload-q" class="visually-hidden">Chercher dans mon portefeuille</label>'
        in (html)
    )
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert "Rechercher une personne" in html, "the header's search, named otherwise"


def test_the_caseload_is_paginated_and_pages_keep_the_search(login_as, referent, household):
    for index in range(25):
        follow(referent, household, f"Ana{index:02d}", "Lungu")
    client = login_as("referent")
    replaced = client.post(
        reverse("home"), {"portefeuille": "lungu"}, headers={"HX-Request": "true"}
    )["HX-Replace-Url"]
    key = replaced.split("r=")[1]

    first = client.get(reverse("home"), {"r": key})
    second = client.get(reverse("home"), {"r": key, "page": 2})

    assert len(first.context["caseload"]["page"]) == 20
    assert f"?r={key}&amp;page=2#portefeuille" in first.content.decode()
    assert len(second.context["caseload"]["page"]) == 5
    # Back from a follow-up started on page 2: page 2 of the same search.
    assert f"next=/%3Fr%3D{key}%26page%3D2" in second.content.decode()


# --- "Entretien" buttons ------------------------------------------------------------------------


def test_entretien_buttons_for_a_referent_in_the_caseload_and_the_search_results(
    login_as, caseload
):
    client = login_as("referent")
    link = reverse("accompaniment:followup_create", args=[caseload[1].pk])

    home = client.get(reverse("home")).content.decode()
    results = client.post(
        reverse("beneficiaries:person_list"), {"q": "Vasile"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert f'href="{link}?next=/"' in home
    assert f'href="{link}?next=' in results
    assert 'Entretien<span class="visually-hidden"> : Elena Vasile' in results


@pytest.mark.parametrize("persona", ["manager", "administrator"])
def test_no_entretien_button_for_those_who_do_not_record_follow_ups(login_as, persona, caseload):
    client = login_as(persona)

    home = client.get(reverse("home")).content.decode()
    results = client.post(
        reverse("beneficiaries:person_list"), {"q": "Vasile"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert "Vasile" in results
    for html in (home, results):
        assert reverse("accompaniment:followup_create", args=[caseload[1].pk]) not in html
        assert "Entretien<span" not in html


# --- Figures ------------------------------------------------------------------------------------


def test_a_manager_reads_the_figures_and_each_opens_its_list(login_as, referent, caseload):
    Person.objects.filter(pk=caseload[0].pk).update(referent=None)

    response = login_as("manager").get(reverse("home"))

    html = response.content.decode()
    figures = {stat["label"]: stat for stat in response.context["figures"]["main"]}
    assert figures["personnes accompagnées"]["count"] == 3
    assert figures["sans référent·e"]["count"] == 1
    assert figures["sans référent·e"]["url"] == (
        reverse("beneficiaries:person_list") + "?referent=aucun&status=active"
    )
    assert "Tableau de bord" in html and "Nouvelle personne" not in html
    # Every link of the page opens for them: no button to a 403 or a 404.
    client = login_as("manager")
    block = html[
        html.index('id="chiffres"') : html.index("</section>", html.index('id="chiffres"'))
    ]
    urls = set(re.findall(r'href="([^"#]+)', block))
    assert len(urls) >= 8
    for url in urls:
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


# --- Where each role lands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "route"),
    [
        ("referent", "home"),
        ("coordinator", "accompaniment:board"),
        ("manager", "home"),
        ("partner", "partners:referrals_received"),
    ],
)
def test_each_role_lands_where_it_works(client, settings, request, persona, route):
    settings.MIA_MFA_REQUIRED = False
    user = request.getfixturevalue(persona)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse(route)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("persona", ["coordinator", "partner"])
def test_an_explicit_next_wins(client, settings, request, persona, person):
    settings.MIA_MFA_REQUIRED = False
    user = request.getfixturevalue(persona)
    target = reverse("beneficiaries:person_detail", args=[person.pk])

    response = client.post(
        reverse("account_login") + f"?next={target}",
        {"login": user.email, "password": PASSWORD, "next": target},
    )

    assert response["Location"] == target
