"""The summary at the top of a person's and a household's page (issue 9, "the person's file
shows where the accompaniment stands"): last contact and follow-ups, open tasks, coming
appointments, current goals with their next step, alerts; each block with its count and its
full list; what each persona sees; a fixed number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment import services as accompaniment_services
from accompaniment.models import Appointment, AppointmentStatus, Goal, GoalStatus, Step, Task
from beneficiaries import services
from beneficiaries.models import ExitReason, Person
from beneficiaries.summary import short_date
from mia import audit
from mia.models import AuditEntry
from partners import services as partner_services
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.mia.factories import OrganisationFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
NOTE = "Dossier CSS déposé à la CPAM.\nLa suite de la note reste sur l'entretien."


def _follow_up(person, by, *, days_ago, note=NOTE, participants=(), pathways=("rights",)):
    return accompaniment_services.follow_up_create(
        person=person,
        by=by,
        date=TODAY - days_ago * DAY,
        place="office",
        pathways=list(pathways),
        note=note,
        participants=participants,
    )


def _task(person, by, *, title, due, done_on=None):
    return Task.objects.create(
        organisation=person.organisation,
        person=person,
        title=title,
        due_on=due,
        done_on=done_on,
        assigned_to=by,
        created_by=by,
    )


def _appointment(person, by, *, date, status=AppointmentStatus.PLANNED, purpose="Dossier CAF"):
    return Appointment.objects.create(
        organisation=person.organisation,
        person=person,
        worker=by,
        date=date,
        time=datetime.time(9, 30),
        place="office",
        purpose=purpose,
        status=status,
        created_by=by,
    )


def _goal(person, *, title, status=GoalStatus.IN_PROGRESS, pathway="employment"):
    return Goal.objects.create(
        organisation=person.organisation,
        person=person,
        pathway=pathway,
        title=title,
        status=status,
        closed_on=TODAY if status in (GoalStatus.ACHIEVED, GoalStatus.ABANDONED) else None,
    )


@pytest.fixture
def worked(person, referent):
    """`person`'s file after months of work: five follow-ups, four open tasks (one late) and
    one done, two coming appointments (and a past and a cancelled one), two current goals
    (one with a done, an undated and two dated steps) and an achieved one."""
    for days_ago in (40, 30, 9, 5, 2):
        _follow_up(person, referent, days_ago=days_ago, note=f"Entretien J-{days_ago}.\n{NOTE}")
    _task(person, referent, title="Relancer la CAF", due=TODAY - 3 * DAY)
    _task(person, referent, title="Appeler l'école", due=TODAY + 2 * DAY)
    _task(person, referent, title="Préparer le CV", due=TODAY + 5 * DAY)
    _task(person, referent, title="Prendre des photos", due=TODAY + 9 * DAY)
    _task(person, referent, title="Tâche faite", due=TODAY - DAY, done_on=TODAY - DAY)
    _appointment(person, referent, date=TODAY + 3 * DAY, purpose="Ouverture des droits CSS")
    _appointment(person, referent, date=TODAY + DAY, purpose="Inscription France Travail")
    _appointment(person, referent, date=TODAY - 4 * DAY, purpose="Passé")
    _appointment(
        person,
        referent,
        date=TODAY + 2 * DAY,
        status=AppointmentStatus.CANCELLED,
        purpose="Annulé",
    )
    job = _goal(person, title="Trouver un emploi")
    Step.objects.create(goal=job, title="Étape franchie", due_on=TODAY - 20 * DAY, done_on=TODAY)
    Step.objects.create(goal=job, title="Sans date")
    Step.objects.create(goal=job, title="Atelier CV", due_on=TODAY + 4 * DAY)
    Step.objects.create(goal=job, title="Entretien d'embauche", due_on=TODAY + 30 * DAY)
    _goal(person, title="Apprendre le français", status=GoalStatus.NOT_STARTED, pathway="french")
    _goal(person, title="Objectif atteint", status=GoalStatus.ACHIEVED)
    return person


def _page(client, person):
    response = client.get(reverse("beneficiaries:person_detail", args=[person.pk]))
    assert response.status_code == 200
    return response


def _blocks(response) -> dict:
    return {block.key: block for block in response.context["summary"].blocks}


def _summary_html(response) -> str:
    """The summary's markup and the page's head (its buttons), without the rest of the page."""
    html = response.content.decode()
    head = html[html.index('<div class="page-head">') : html.index('<section class="summary"')]
    start = html.index('<section class="summary"')
    return head + html[start : html.index('<nav class="actions file-actions"', start)]


# --- Content -----------------------------------------------------------------------------------


def test_the_referent_sees_where_the_accompaniment_stands(login_as, worked):
    response = _page(login_as("referent"), worked)
    blocks = _blocks(response)
    assert list(blocks) == [
        "follow_ups",
        "tasks",
        "appointments",
        "plan",
        "rights",
        "employment",
        "french",
    ]

    follow_ups = blocks["follow_ups"]
    assert follow_ups.count_label == "5 entretiens"
    assert follow_ups.lead == f"Dernier contact le {short_date(TODAY - 2 * DAY)}."
    assert [row.date for row in follow_ups.rows] == [
        TODAY - 2 * DAY,
        TODAY - 5 * DAY,
        TODAY - 9 * DAY,
    ]
    assert follow_ups.rows[0].text == "Au bureau"
    assert follow_ups.rows[0].meta == "Accès aux droits"
    assert follow_ups.rows[0].detail == "Entretien J-2."
    assert follow_ups.link == reverse("beneficiaries:person_timeline", args=[worked.pk])

    tasks = blocks["tasks"]
    assert tasks.count_label == "4 tâches ouvertes"
    assert [row.text for row in tasks.rows] == [
        "Relancer la CAF",
        "Appeler l'école",
        "Préparer le CV",
    ]
    assert [row.late for row in tasks.rows] == [True, False, False]
    assert tasks.link == reverse("accompaniment:plan", args=[worked.pk])

    appointments = blocks["appointments"]
    assert appointments.count_label == "2 rendez-vous à venir"
    assert [row.text for row in appointments.rows] == [
        "Inscription France Travail",
        "Ouverture des droits CSS",
    ]
    assert appointments.rows[0].meta == "à 09:30"
    assert appointments.link == reverse("accompaniment:person_appointments", args=[worked.pk])

    plan = blocks["plan"]
    assert plan.count_label == "2 objectifs en cours"
    assert [row.text for row in plan.rows] == ["Trouver un emploi", "Apprendre le français"]
    assert plan.rows[0].detail.startswith("Prochaine étape : Atelier CV, pour le ")
    assert plan.rows[1].detail == "Aucune étape prévue."

    html = response.content.decode()
    summary = _summary_html(response)
    # The note's first line only: the rest stays on the follow-up.
    assert "Entretien J-2." in summary and "La suite de la note" not in html
    assert "Entretien J-30." not in html, "three follow-ups, not five"
    assert "Prendre des photos" not in html and "Tâche faite" not in html
    assert "Passé" not in html and "Annulé" not in html and "Objectif atteint" not in html
    for route in ("accompaniment:followup_create", "accompaniment:appointment_create"):
        assert f'href="{reverse(route, args=[worked.pk])}"' in summary


def test_the_summary_comes_first_on_the_page(login_as, worked):
    html = _page(login_as("referent"), worked).content.decode()
    assert html.index("Derniers entretiens") < html.index("Identité et contact")


# French says "0 entretien": ngettext gives it from the French catalogue (Plural-Forms n > 1),
# without which gettext falls back to the English rule of the source strings.
def test_counts_of_nothing_are_singular_in_french(login_as, person):
    blocks = _blocks(_page(login_as("referent"), person))
    assert [blocks[key].count_label for key in ("follow_ups", "tasks", "appointments", "plan")] == [
        "0 entretien",
        "0 tâche ouverte",
        "0 rendez-vous à venir",
        "0 objectif en cours",
    ]


def test_counts_and_empty_blocks(login_as, person, referent):
    client = login_as("referent")
    response = _page(client, person)
    blocks = _blocks(response)
    assert [blocks[key].count for key in ("follow_ups", "tasks", "appointments", "plan")] == [0] * 4
    assert blocks["follow_ups"].lead == ""
    html = response.content.decode()
    for block in blocks.values():
        assert block.empty in html

    _follow_up(person, referent, days_ago=1)
    _task(person, referent, title="Une", due=TODAY)
    _goal(person, title="Un objectif")
    _appointment(person, referent, date=TODAY)
    blocks = _blocks(_page(client, person))
    assert [blocks[key].count_label for key in ("follow_ups", "tasks", "appointments", "plan")] == [
        "1 entretien",
        "1 tâche ouverte",
        "1 rendez-vous à venir",
        "1 objectif en cours",
    ]
    for index in (2, 3):
        _follow_up(person, referent, days_ago=index)
        _task(person, referent, title=f"Tâche {index}", due=TODAY)
    blocks = _blocks(_page(client, person))
    assert [blocks[key].count_label for key in ("follow_ups", "tasks")] == [
        "3 entretiens",
        "3 tâches ouvertes",
    ]


def test_a_follow_up_logged_from_a_relative_counts_for_everyone_present(
    login_as, person, household, referent
):
    sister = services.person_create(
        by=referent, person=PersonFactory.build(first_name="Ana", household=household)
    )
    _follow_up(sister, referent, days_ago=3, participants=[person], note="Visite commune.")
    follow_ups = _blocks(_page(login_as("referent"), person))["follow_ups"]
    assert follow_ups.count_label == "1 entretien"
    assert follow_ups.rows[0].detail == "Visite commune."


# --- Who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["colleague", "coordinator"])
def test_the_team_that_reads_notes_sees_the_same(login_as, worked, persona):
    response = _page(login_as(persona), worked)
    blocks = _blocks(response)
    assert list(blocks) == [
        "follow_ups",
        "tasks",
        "appointments",
        "plan",
        "rights",
        "employment",
        "french",
    ]
    assert blocks["follow_ups"].rows[0].detail == "Entretien J-2."
    assert blocks["tasks"].count == 4
    # Only its author (or a coordinator) corrects a follow-up: a colleague's rows are not links.
    editable = [bool(row.url) for row in blocks["follow_ups"].rows]
    assert editable == ([True] * 3 if persona == "coordinator" else [False] * 3)


@pytest.mark.parametrize("persona", ["manager", "administrator"])
def test_managers_read_no_notes_and_get_no_dead_buttons(login_as, worked, persona):
    response = _page(login_as(persona), worked)
    blocks = _blocks(response)
    # Task titles are the team's words, as notes are; dates, places and goals are figures.
    assert list(blocks) == ["follow_ups", "appointments", "plan", "rights", "employment", "french"]
    assert [row.detail for row in blocks["follow_ups"].rows] == ["", "", ""]
    assert blocks["follow_ups"].count_label == "5 entretiens"
    assert [row.text for row in blocks["appointments"].rows] == ["Au bureau de l'association"] * 2
    assert blocks["appointments"].link == ""
    assert response.context["summary"].actions == []
    html = response.content.decode()
    for hidden in ("Entretien J-", "Relancer la CAF", "Inscription France Travail"):
        assert hidden not in html
    for route in ("accompaniment:followup_create", "accompaniment:appointment_create"):
        assert reverse(route, args=[worked.pk]) not in html


@pytest.mark.parametrize(
    "persona", ["referent", "colleague", "coordinator", "manager", "administrator"]
)
def test_every_link_of_the_summary_opens(login_as, worked, persona):
    client = login_as(persona)
    summary = _summary_html(_page(client, worked))
    links = set(re.findall(r'href="([^"#]+)', summary))
    assert len(links) >= (2 if persona in ("manager", "administrator") else 5)
    for url in links:
        assert client.get(url).status_code == 200, url


def test_a_partner_sees_nothing_of_it(login_as, files):
    response = _page(login_as("partner"), files["person"])
    assert "summary" not in response.context
    html = response.content.decode()
    assert response.context["partner_view"]
    assert 'class="summary' not in html
    for hidden in ("Derniers entretiens", "Tâches à faire", "Prochains rendez-vous", "Appeler"):
        assert hidden not in html
    assert reverse("accompaniment:followup_create", args=[files["person"].pk]) not in html


# --- Alerts ------------------------------------------------------------------------------------


def _alerts(client, person) -> list[str]:
    return [alert.text for alert in _page(client, person).context["summary"].alerts]


def test_not_seen_for_weeks(login_as, person, referent, association):
    client = login_as("referent")
    assert _alerts(client, person) == ["Pas encore d'entretien : à rencontrer."]
    _follow_up(person, referent, days_ago=29)
    alerts = _alerts(client, person)
    assert len(alerts) == 1 and alerts[0].startswith("Pas de contact depuis plus de 4 semaines")
    association.follow_up_alert_weeks = 5
    association.save()
    assert _alerts(client, person) == []
    _follow_up(person, referent, days_ago=0)
    association.follow_up_alert_weeks = 1
    association.save()
    assert _alerts(client, person) == []


def test_no_referent(login_as, person, referent):
    Person.objects.filter(pk=person.pk).update(referent=None)
    _follow_up(person, referent, days_ago=1)
    assert _alerts(login_as("coordinator"), person) == [
        "Aucun·e référent·e : personne ne suit ce dossier."
    ]


def test_people_who_left_raise_no_alert(login_as, person, referent):
    services.person_exit(person=person, on=TODAY, reason=ExitReason.OTHER, by=referent)
    Person.objects.filter(pk=person.pk).update(referent=None)
    client = login_as("coordinator")
    assert _alerts(client, person) == []
    html = _page(client, person).content.decode()
    assert reverse("accompaniment:appointment_create", args=[person.pk]) not in html


def _consent(person, organisation, referent, *, given, expires=None):
    return partner_services.consent_record(
        person=person,
        organisation=organisation,
        purpose="Partage",
        sections=["identity"],
        given_on=given,
        expires_on=expires,
        by=referent,
    )


def test_a_consent_expiring_or_expired(login_as, person, referent, partner):
    _follow_up(person, referent, days_ago=1)
    client = login_as("referent")
    caf = OrganisationFactory(name="CAF")
    ccas = OrganisationFactory(name="CCAS de Montreuil")
    _consent(person, caf, referent, given=TODAY - 300 * DAY, expires=TODAY + 10 * DAY)
    _consent(person, ccas, referent, given=TODAY - 300 * DAY, expires=TODAY + 40 * DAY)
    alerts = _page(client, person).context["summary"].alerts
    assert [alert.text.split(" expire le ")[0] for alert in alerts] == [
        "Le consentement au partage avec CAF"
    ]
    assert alerts[0].url == reverse("partners:consents", args=[person.pk])

    _consent(
        person, partner.organisation, referent, given=TODAY - 300 * DAY, expires=TODAY - 5 * DAY
    )
    texts = _alerts(client, person)
    assert texts[0].startswith("Le consentement au partage avec France Travail a expiré le ")
    assert len(texts) == 2

    # Renewed: the newer consent takes over, the expired one no longer warns.
    _consent(person, partner.organisation, referent, given=TODAY, expires=None)
    assert len(_alerts(client, person)) == 1
    # Long expired: a choice made long ago, no longer an alert.
    unicef = OrganisationFactory(name="Unicef")
    _consent(person, unicef, referent, given=TODAY - 400 * DAY, expires=TODAY - 200 * DAY)
    assert len(_alerts(client, person)) == 1
    # A withdrawn consent warns of nothing either.
    partner_services.consent_withdraw(consent=caf.consents_received.get(), by=referent, on=TODAY)
    assert _alerts(client, person) == []


# --- The household's page ----------------------------------------------------------------------


@pytest.fixture
def family(person, household, referent, colleague, other_association):
    """`person`'s household with two more members (one without a referent), follow-ups of
    each, and one logged from another household's file with a member present."""
    ana = services.person_create(
        by=referent,
        person=PersonFactory.build(first_name="Ana", last_name="Ionescu", household=household),
    )
    mihai = services.person_create(
        by=referent,
        person=PersonFactory.build(first_name="Mihai", last_name="Ionescu", household=household),
    )
    Person.objects.filter(pk=mihai.pk).update(referent=None)
    # Lived with them when a follow-up was logged from his file, with Ana; moved out since.
    neighbour = services.person_create(
        by=referent,
        person=PersonFactory.build(first_name="Vasile", last_name="Voisin", household=household),
    )
    _follow_up(person, referent, days_ago=20, note="Chez le père.")
    _follow_up(ana, referent, days_ago=6, note="Avec Ana.")
    _follow_up(neighbour, referent, days_ago=3, participants=[ana], note="Chez les voisins.")
    elsewhere = services.household_create(by=referent, household=HouseholdFactory.build())
    Person.objects.filter(pk=neighbour.pk).update(household=elsewhere)
    _follow_up(neighbour, referent, days_ago=1, note="Sans la famille.")
    _task(ana, referent, title="Inscrire Ana au collège", due=TODAY + DAY)
    _task(neighbour, referent, title="Tâche du voisin", due=TODAY)
    _appointment(person, referent, date=TODAY + 2 * DAY, purpose="CAF du père")
    _goal(ana, title="Scolarisation")
    return {"person": person, "ana": ana, "mihai": mihai, "neighbour": neighbour}


def test_the_household_page_sums_up_its_members(login_as, family, household):
    client = login_as("referent")
    response = client.get(reverse("beneficiaries:household_detail", args=[household.pk]))
    blocks = _blocks(response)
    follow_ups = blocks["follow_ups"]
    assert follow_ups.count_label == "3 entretiens"
    assert [row.detail for row in follow_ups.rows] == [
        "Chez les voisins.",
        "Avec Ana.",
        "Chez le père.",
    ]
    # Whom each row concerns, among the members only: never the neighbour.
    assert [row.who for row in follow_ups.rows] == ["Ana Ionescu", "Ana Ionescu", "Ștefan Ionescu"]
    assert follow_ups.lead.startswith("Dernier contact le ")
    assert follow_ups.link == reverse("beneficiaries:household_timeline", args=[household.pk])
    assert [(row.text, row.who) for row in blocks["tasks"].rows] == [
        ("Inscrire Ana au collège", "Ana Ionescu")
    ]
    assert [row.text for row in blocks["appointments"].rows] == ["CAF du père"]
    assert [row.who for row in blocks["plan"].rows] == ["Ana Ionescu"]
    assert response.context["summary"].alerts[0].text == "1 membre sans référent·e."
    html = response.content.decode()
    assert "Voisin" not in html and "Sans la famille" not in html and "Tâche du voisin" not in html


def test_the_household_page_records_its_read_for_every_member(login_as, family, household):
    client = login_as("referent")
    AuditEntry.objects.all().delete()
    client.get(reverse("beneficiaries:household_detail", args=[household.pk]))
    assert AuditEntry.objects.count() == 1
    for key in ("person", "ana", "mihai"):
        assert audit.entries_about(person_id=family[key].pk, household_id=household.pk).exists()
    assert not audit.entries_about(person_id=family["neighbour"].pk).exists()


def test_the_household_page_for_a_manager(login_as, family, household):
    response = login_as("manager").get(
        reverse("beneficiaries:household_detail", args=[household.pk])
    )
    blocks = _blocks(response)
    # The rights of a household are its members' alerts; French is a person's (their pages).
    assert list(blocks) == ["follow_ups", "appointments", "plan"]
    assert {row.detail for row in blocks["follow_ups"].rows} == {""}
    html = response.content.decode()
    assert "Chez le père" not in html and "Inscrire Ana" not in html and "CAF du père" not in html


# --- Query budget ------------------------------------------------------------------------------


def _lots(person, household, referent, size: int):
    relatives = [
        services.person_create(by=referent, person=PersonFactory.build(household=household))
        for _ in range(size)
    ]
    for index in range(size):
        _follow_up(person, referent, days_ago=index, participants=relatives[: index + 1])
        _task(relatives[index], referent, title=f"Tâche {index}", due=TODAY + index * DAY)
        _appointment(relatives[index], referent, date=TODAY + index * DAY)
        goal = _goal(relatives[index], title=f"Objectif {index}")
        for step in range(size):
            Step.objects.create(goal=goal, title=f"Étape {step}", due_on=TODAY + step * DAY)
        _consent(
            relatives[index],
            OrganisationFactory(),
            referent,
            given=TODAY - 100 * DAY,
            expires=TODAY + index * DAY,
        )
    return relatives


@pytest.mark.parametrize("size", [1, 20])
def test_person_page_budget(login_as, person, household, referent, size, django_assert_num_queries):
    _lots(person, household, referent, size)
    client = login_as("referent")
    # 1 session, 1 user; the person (household, site, commune, referent); the audit entry;
    # files merged into this one, periods in the programme, referent history, relatives.
    # + the summary, one query each: the organisation's alert delay, follow-ups (with their
    #   count), open tasks, coming appointments, current goals with their next step, consents;
    #   the schooling in force (accompaniment/sources_school.py); the rights grid, its types
    #   and procedures in one query (accompaniment/sources_rights.py); the French line: level
    #   per skill, current course and hours this month in one query (sources_french.py); the
    #   employment line: contracts (employment/sources.py); the household's placements
    #   (housing/sources.py).
    with django_assert_num_queries(19):
        response = _page(client, person)
    assert _blocks(response)["follow_ups"].count == size


@pytest.mark.parametrize("size", [1, 20])
def test_household_page_budget(
    login_as, person, household, referent, size, django_assert_num_queries
):
    _lots(person, household, referent, size)
    client = login_as("referent")
    # 1 session, 1 user; the household (site, commune), its members with their referents, its
    # stays; the audit entry.
    # + the summary: the alert delay, follow-ups (with their count) and the members present at
    #   them, open tasks, coming appointments, current goals with their next step, consents;
    #   the members' schooling in force (accompaniment/sources_school.py); the members'
    #   rights grids, types and procedures in one query (accompaniment/sources_rights.py); the
    #   placements (housing/sources.py).
    with django_assert_num_queries(17):
        response = client.get(reverse("beneficiaries:household_detail", args=[household.pk]))
    blocks = _blocks(response)
    assert (blocks["tasks"].count, blocks["appointments"].count, blocks["plan"].count) == (
        size,
        size,
        size,
    )
    # Each member's consent expires within 30 days.
    assert len(response.context["summary"].alerts) == size
