"""The timeline gathers what every app records about a person or a household."""

import datetime

import pytest
from django.urls import reverse

from accompaniment.models import FollowUp, Goal, GoalStatus, Step, Task
from beneficiaries import services
from tests.beneficiaries.factories import PersonFactory


def follow_up(person, *, date, pathways=(), note="", participants=()):
    row = FollowUp.objects.create(
        organisation=person.organisation,
        person=person,
        date=date,
        place="on_site",
        pathways=list(pathways),
        note=note,
    )
    row.participants.set([person, *participants])
    return row


@pytest.fixture
def story(person, referent, colleague):
    """A year of a person's accompaniment, and of the child present at one follow-up."""
    child = services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Ioana", last_name="Ionescu", household=person.household, birth_year=2015
        ),
    )
    follow_up(person, date=datetime.date(2026, 1, 10), pathways=["rights"], note="Dossier AME")
    follow_up(
        person,
        date=datetime.date(2026, 3, 2),
        pathways=["schooling"],
        note="Inscription école",
        participants=[child],
    )
    services.referent_assign(
        person=person, referent=colleague, by=referent, on=datetime.date(2026, 4, 1)
    )
    goal = Goal.objects.create(
        organisation=person.organisation,
        person=person,
        pathway="employment",
        title="Trouver un premier emploi",
        status=GoalStatus.ACHIEVED,
        closed_on=datetime.date(2026, 9, 1),
    )
    Step.objects.create(goal=goal, title="CV", done_on=datetime.date(2026, 5, 5))
    Task.objects.create(
        organisation=person.organisation,
        person=person,
        title="Rappeler la CAF",
        pathway="rights",
        due_on=datetime.date(2026, 12, 1),
    )
    services.person_exit(
        person=person, on=datetime.date(2026, 10, 1), reason="permanent_housing", by=referent
    )
    return {"person": person, "child": child, "goal": goal}


def titles(response):
    return [entry.title for entry in response.context["entries"]]


def test_person_timeline_gathers_every_app_newest_first(login_as, story):
    response = login_as("referent").get(
        reverse("beneficiaries:person_timeline", args=[story["person"].pk])
    )

    dates = [entry.date for entry in response.context["entries"]]
    assert dates == sorted(dates, reverse=True)
    shown = titles(response)
    assert "À faire : Rappeler la CAF" in shown
    assert "Sortie du programme : Accès au logement pérenne" in shown
    assert "Objectif atteint : Trouver un premier emploi" in shown
    assert "Étape franchie : CV" in shown
    assert any(title.startswith("Suivi par") for title in shown)
    assert "Entrée dans le programme" in shown
    assert shown.count("Entretien — Sur le lieu de vie") == 2
    assert "Dossier AME" in response.content.decode()


def test_a_follow_up_shows_in_the_timeline_of_each_participant(login_as, story):
    response = login_as("referent").get(
        reverse("beneficiaries:person_timeline", args=[story["child"].pk])
    )

    follow_ups = [e for e in response.context["entries"] if e.kind == "follow_up"]
    assert [e.date for e in follow_ups] == [datetime.date(2026, 3, 2)]


def test_filter_by_pathway(login_as, story):
    response = login_as("referent").get(
        reverse("beneficiaries:person_timeline", args=[story["person"].pk]),
        {"parcours": "rights"},
    )

    assert titles(response) == ["À faire : Rappeler la CAF", "Entretien — Sur le lieu de vie"]


def test_unknown_pathway_shows_everything(login_as, story):
    response = login_as("referent").get(
        reverse("beneficiaries:person_timeline", args=[story["person"].pk]),
        {"parcours": "<script>", "nombre": "beaucoup"},
    )

    assert response.status_code == 200
    assert len(response.context["entries"]) > 5


def test_managers_see_follow_ups_happened_but_not_their_notes(login_as, story):
    response = login_as("manager").get(
        reverse("beneficiaries:person_timeline", args=[story["person"].pk])
    )

    html = response.content.decode()
    assert "Entretien — Sur le lieu de vie" in html
    assert "Dossier AME" not in html
    assert "Rappeler la CAF" not in html


def test_household_timeline_merges_its_members(login_as, story):
    response = login_as("coordinator").get(
        reverse("beneficiaries:household_timeline", args=[story["person"].household_id])
    )

    whos = {entry.who for entry in response.context["entries"]}
    assert {"Ștefan Ionescu", "Ioana Ionescu"} <= whos


def test_more_entries_on_demand(login_as, person):
    for day in range(1, 61):
        follow_up(person, date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day))
    url = reverse("beneficiaries:person_timeline", args=[person.pk])
    client = login_as("referent")

    first = client.get(url)
    more = client.get(url, {"nombre": first.context["more"]})

    assert len(first.context["entries"]) == 50
    assert first.context["more"] == 100
    assert len(more.context["entries"]) == 63  # 60 follow-ups, entry, referent, place
    assert more.context["more"] is None


EXPECTED = {
    "anonymous": 302,
    "referent": 200,
    "colleague": 200,
    "coordinator": 200,
    "manager": 200,
    "administrator": 200,
    "partner": 404,
    "partner_without_share": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
@pytest.mark.parametrize("page", ["person_timeline", "household_timeline"])
def test_timeline_access(login_as, person, persona, expected, page):
    target = person.pk if page == "person_timeline" else person.household_id

    response = login_as(persona).get(reverse(f"beneficiaries:{page}", args=[target]))

    assert response.status_code == expected


@pytest.mark.parametrize("follow_ups", [3, 30])
def test_timeline_query_budget(login_as, person, django_assert_num_queries, follow_ups):
    for day in range(follow_ups):
        follow_up(person, date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day))
    client = login_as("referent")
    # session, user, person; then one query per source: enrolments, referents, places,
    # merges, follow-ups, tasks, goals, done steps, transfers, appointments, procedure
    # changes, refusals, schoolings, course enrolments, assessments, certifications; contracts,
    # candidacy changes, trainings, workshops (employment); shelter offers, placements, SIAO
    # requests, social-housing applications, recourses (housing).
    # + audit entry (mia.audit.record_read).
    with django_assert_num_queries(29):
        response = client.get(reverse("beneficiaries:person_timeline", args=[person.pk]))
    kinds = [entry.kind for entry in response.context["entries"]]
    assert kinds.count("follow_up") == follow_ups


def test_the_author_opens_a_follow_up_from_the_timeline_to_correct_it(login_as, person, referent):
    row = follow_up(person, date=datetime.date(2026, 2, 2))
    row.author = referent
    row.save()
    url = reverse("beneficiaries:person_timeline", args=[person.pk])

    mine = login_as("referent").get(url).context["entries"]
    edit = reverse("accompaniment:followup_edit", args=[row.pk])

    assert [e.url for e in mine if e.kind == "follow_up"] == [edit]


def test_a_colleague_is_sent_to_the_file_not_the_correction(login_as, person, referent):
    row = follow_up(person, date=datetime.date(2026, 2, 2))
    row.author = referent
    row.save()

    entries = (
        login_as("colleague")
        .get(reverse("beneficiaries:person_timeline", args=[person.pk]))
        .context["entries"]
    )

    file_url = reverse("beneficiaries:person_detail", args=[person.pk])
    assert [e.url for e in entries if e.kind == "follow_up"] == [file_url]


def test_an_unknown_pathway_code_is_a_validation_error():
    from django.core.exceptions import ValidationError

    field = FollowUp._meta.get_field("pathways")

    with pytest.raises(ValidationError):
        field.clean(["rights", "astrology"], None)


def test_a_merge_shows_in_the_survivor_timeline(login_as, person, coordinator):
    duplicate = PersonFactory(organisation=person.organisation, first_name="Stefan")

    merge = services.person_merge(survivor=person, duplicate=duplicate, by=coordinator)

    entries = (
        login_as("referent")
        .get(reverse("beneficiaries:person_timeline", args=[person.pk]))
        .context["entries"]
    )
    assert f"Fusion avec le dossier n° {merge.merged_person_id}" in [e.title for e in entries]
