# ruff: noqa: F811 (the fixtures of actions_world, imported, are the tests' arguments)
"""The local actions' pages: the list and its filters, an action's page (people, tied
follow-ups and procedures, financing per year), the forms with bad input (a French message,
nothing saved), the people search, the audit trail, and the query budgets: the same number of
queries with 3 rows as with 12."""

import pytest
from django.urls import reverse

from accompaniment.models import Action, ActionFunding, ActionTopic, FundingSource
from beneficiaries import services as beneficiaries_services
from mia.models import AuditEntry
from tests.accompaniment.actions_world import (  # noqa: F401 (fixtures)
    DAY,
    TODAY,
    action,
    funding,
    make_action,
    prefecture,
)
from tests.accompaniment.factories import FollowUpFactory
from tests.accompaniment.factories_pathways import ProcedureFactory
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory

SIZES = [3, 12]


def test_the_list_shows_current_actions_first_and_filters(login_as, association, site, action):
    ended = make_action(
        association, name="Ancienne", starts_on=TODAY - 90 * DAY, ends_on=TODAY - DAY
    )
    elsewhere = make_action(association, name="Val-de-Marne", departement="94", topics=["work"])
    client = login_as("referent")

    page = client.get(reverse("accompaniment:actions"))
    assert [a.name for a in page.context["current"]] == [action.name, elsewhere.name]
    assert [a.name for a in page.context["past"]] == [ended.name]

    by_topic = client.get(reverse("accompaniment:actions"), {"topic": ActionTopic.WORK})
    assert [a.name for a in by_topic.context["current"]] == [elsewhere.name]
    by_site = client.get(reverse("accompaniment:actions"), {"site": site.pk})
    assert [a.name for a in by_site.context["current"]] == [action.name]
    by_departement = client.get(reverse("accompaniment:actions"), {"departement": "94"})
    assert [a.name for a in by_departement.context["current"]] == [elsewhere.name]
    # The filter offers the sites an action is held on, not every site.
    SiteFactory(organisation=association, name="Sans action")
    assert list(page.context["filters"].fields["site"].queryset) == [site]


def test_the_action_page_shows_people_tied_rows_and_finances(
    login_as, association, action, funding, person, referent
):
    FollowUpFactory(person=person, action=action)
    ProcedureFactory(person=person, action=action)
    ActionFunding.objects.create(
        action=action, year=TODAY.year, source=FundingSource.STATE, budget=500, spent=700
    )
    client = login_as("manager")

    response = client.get(reverse("accompaniment:action_detail", args=[action.pk]))

    html = response.content.decode()
    assert "Ionescu" in html
    assert response.context["tied"] == {"follow_ups": 1, "procedures": 1}
    (year,) = response.context["years"]
    # 10,000 + 500 budgeted; 2,500 + 700 spent; the State's row is overspent.
    assert (year.budget, year.spent) == (10500, 3200)
    assert "dépassement" in html
    # The action read, and the people it listed.
    entries = AuditEntry.objects.filter(section="actions", object_id=str(action.pk))
    assert entries.count() == 2
    assert any(entry.person_ids == [person.pk] for entry in entries)


def test_an_end_before_the_start_is_refused_on_the_form(login_as, site):
    response = login_as("coordinator").post(
        reverse("accompaniment:action_create"),
        {
            "name": "Action",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-30",
            "place": "sites",
            "sites": [site.pk],
            "departement": "93",
        },
    )

    assert response.status_code == 200
    assert "La fin de l&#x27;action ne peut pas précéder son début." in response.content.decode()
    assert Action.objects.count() == 0


def test_a_stale_edit_keeps_the_input_and_saves_nothing(login_as, action, site):
    Action.objects.filter(pk=action.pk).update(version=2)
    response = login_as("coordinator").post(
        reverse("accompaniment:action_edit", args=[action.pk]),
        {
            "version": 1,
            "name": "Écrasée",
            "starts_on": action.starts_on.isoformat(),
            "place": "sites",
            "sites": [site.pk],
            "departement": "93",
        },
    )

    assert response.status_code == 200
    assert "modifié par quelqu" in response.content.decode()
    assert Action.objects.get(pk=action.pk).name == action.name


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"budget": "-10"}, "Un montant ne peut pas être négatif."),
        ({"spent": "-1"}, "Un montant ne peut pas être négatif."),
        ({"source": "resorption"}, "Ce financeur a déjà une ligne pour"),
        ({"budget": "douze"}, "Indiquez un montant en euros"),
    ],
)
def test_bad_funding_input_on_the_form(login_as, action, funding, body, message):
    data = {"year": TODAY.year, "source": "state", "budget": "100", "spent": "", **body}
    response = login_as("coordinator").post(
        reverse("accompaniment:funding_create", args=[action.pk]), data
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ActionFunding.objects.count() == 1


def test_an_overspend_is_saved_with_a_warning(login_as, action):
    client = login_as("coordinator")
    response = client.post(
        reverse("accompaniment:funding_create", args=[action.pk]),
        {"year": TODAY.year, "source": "state", "budget": "1 000", "spent": "1500,50"},
        follow=True,
    )

    assert "le dépensé dépasse le budget" in response.content.decode()
    row = ActionFunding.objects.get(source="state")
    assert (row.budget, row.spent) == (1000, 1500.50)


def test_search_then_add_a_person_and_their_household(login_as, action, household, referent):
    other = beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(first_name="Elena", last_name="Dragomir", household=household),
    )
    client = login_as("coordinator")
    path = reverse("accompaniment:action_people", args=[action.pk])

    found = client.post(path, {"q": "Dragomir"})
    assert [p.pk for p in found.context["results"]] == [other.pk]
    listed = AuditEntry.objects.filter(section="actions").latest("pk")
    assert other.pk in listed.person_ids

    assert client.post(path, {"add_person": other.pk}).status_code == 302
    assert client.post(path, {"add_household": household.pk}).status_code == 302
    assert other in action.people.all()
    assert list(action.households.all()) == [household]

    client.post(path, {"remove_person": other.pk})
    assert other not in action.people.all()


def test_a_person_of_another_association_cannot_be_added(login_as, action, outsider):
    theirs = PersonFactory(organisation=outsider.organisation)
    response = login_as("coordinator").post(
        reverse("accompaniment:action_people", args=[action.pk]), {"add_person": theirs.pk}
    )
    assert response.status_code == 404
    assert theirs not in action.people.all()


# --- Query budgets -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_list_budget(login_as, association, site, size, django_assert_num_queries):
    for index in range(size):
        current = make_action(association, name=f"En cours {index}")
        past = make_action(
            association, name=f"Finie {index}", starts_on=TODAY - 50 * DAY, ends_on=TODAY - DAY
        )
        for one in (current, past):
            one.sites.add(site, SiteFactory(organisation=association))
            one.people.add(PersonFactory(organisation=association))
    client = login_as("referent")
    # session, user; the sites of the filter; the current actions with their counts, their
    # sites (one prefetch); the past ones, their sites.
    with django_assert_num_queries(7):
        response = client.get(reverse("accompaniment:actions"))
    assert len(response.context["current"]) == len(response.context["past"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_detail_budget(
    login_as, association, action, prefecture, referent, size, django_assert_num_queries
):
    for index in range(size):
        household = HouseholdFactory(organisation=association)
        person = PersonFactory(organisation=association, household=household)
        action.people.add(person)
        action.households.add(household)
        action.sites.add(SiteFactory(organisation=association))
        FollowUpFactory(person=person, action=action)
        ProcedureFactory(person=person, action=action)
        ActionFunding.objects.create(
            action=action, year=2000 + index, source=FundingSource.STATE, budget=100
        )
    client = login_as("coordinator")
    # session, user; the action with its counts, its sites, pilots, operators (3 prefetches);
    # the people named, the households with their members; the fundings; the last follow-ups,
    # the last procedures; the two counts of tied rows; the two audit entries (read, list).
    with django_assert_num_queries(15):
        response = client.get(reverse("accompaniment:action_detail", args=[action.pk]))
    assert len(response.context["households"]) == size
