"""Query budgets: each page costs the same number of queries with 3 rows or with 30, so an N+1
would show. Every budget names its queries."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import Household, Person, ReferentAssignment, Site, SitePopulation
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory
from tests.mia.factories import UserFactory

SIZES = [3, 30]


def _linked(response, route: str, rows) -> int:
    """How many of `rows` the page links to: the rows it lists, whatever the markup around."""
    html = response.content.decode()
    return sum(f'href="{reverse(route, args=[row.pk])}"' in html for row in rows)


def _one_page(count: int) -> int:
    return min(count, settings.MIA_PAGE_SIZE)


def _households(*, size, association, referent, colleague):
    """`size` households of two people on `size` sites, followed by `referent`; then moved."""
    people = []
    for index in range(size):
        site = SiteFactory(organisation=association)
        SitePopulation.objects.create(site=site, observed_on=datetime.date(2026, 1, 1), people=40)
        SitePopulation.objects.create(site=site, observed_on=datetime.date(2026, 6, 1), people=55)
        household = services.household_create(
            by=referent, household=HouseholdFactory.build(site=site)
        )
        for _ in range(2):
            person = services.person_create(
                by=referent, person=PersonFactory.build(household=household, last_name="Radu")
            )
            services.referent_assign(
                person=person, referent=colleague, by=referent, on=datetime.date(2026, 2, 1)
            )
            services.referent_assign(
                person=person, referent=referent, by=referent, on=datetime.date(2026, 3, 1)
            )
            people.append(person)
        if index == 0:
            services.household_move(household=household, site=SiteFactory(organisation=association))
    return people


@pytest.fixture
def sized(request, association, referent, colleague):
    return _households(
        size=request.param, association=association, referent=referent, colleague=colleague
    )


# Every page starts with: 1 session, 1 user.
@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_caseload(login_as, sized, django_assert_num_queries):
    client = login_as("referent")
    # + count and page of the caseload with household, site and commune joined; "my week"
    #   (accompaniment.week): colleagues covered, my appointments, tasks, steps due in my
    #   caseload, the organisation's alert delay, people not seen since.
    # + one audit entry naming every person shown (mia.audit.record_list).
    with django_assert_num_queries(11):
        response = client.get(reverse("home"))
    # A phone-sized page of the caseload (accompaniment.week.CASELOAD_PAGE_SIZE).
    assert _linked(response, "beneficiaries:person_detail", sized) == min(len(sized), 20)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_coordinator_home(login_as, sized, django_assert_num_queries):
    client = login_as("coordinator")
    # + caseload count (empty, so no page), colleagues covered, "my week" (appointments,
    #   tasks, steps, people to see again, each one query whatever the rows), the alert
    #   delay, figures on people, count of open sites.
    with django_assert_num_queries(12):
        response = client.get(reverse("home"))
    assert response.context["figures"]["main"][0]["count"] == len(sized)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_person_list_with_search(login_as, sized, django_assert_num_queries):
    client = login_as("coordinator")
    # + count, page of people (household, site, commune, referent joined),
    #   sites and referents offered in the filters.
    # + one audit entry naming the people of the page (mia.audit.record_list).
    with django_assert_num_queries(7):
        response = client.get(reverse("beneficiaries:person_list"), {"q": "radu"})
    assert _linked(response, "beneficiaries:person_detail", sized) == _one_page(len(sized))


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_person_detail(login_as, sized, colleague, django_assert_num_queries):
    # Everyone in the person's household, and as many former referents as people.
    person = sized[0]
    Person.objects.update(household=person.household)
    ReferentAssignment.objects.bulk_create(
        ReferentAssignment(
            person=person,
            referent=colleague,
            started_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=index),
            ended_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=index),
        )
        for index in range(len(sized))
    )
    client = login_as("referent")
    # + person (household, site, commune, referent), relatives, referent history, periods in
    #   the programme (enrolments), files merged into this one (PersonMerge).
    # + audit entry (mia.audit.record_read).
    # + the summary (tests/beneficiaries/test_file_summary.py): the alert delay, follow-ups,
    #   tasks, appointments, goals, consents, procedures (rights), schooling in force, the
    #   French line (levels, course, hours), the employment line (contracts), the household's
    #   placements (housing).
    with django_assert_num_queries(19):
        response = client.get(reverse("beneficiaries:person_detail", args=[person.pk]))
    assert _linked(response, "beneficiaries:person_detail", sized[1:]) == len(sized) - 1
    assert len(response.context["assignments"]) == person.assignments.count() > len(sized)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_household_detail(login_as, sized, django_assert_num_queries):
    Person.objects.update(household=sized[0].household)
    client = login_as("referent")
    # + household with site, members with referents, stays with their sites.
    # + audit entry (mia.audit.record_read).
    # + the summary (tests/beneficiaries/test_file_summary.py): the alert delay, follow-ups
    #   (none, so no participants), tasks, appointments, goals, consents, the members'
    #   procedures (rights alerts), the children's schooling in force, the placements (housing).
    with django_assert_num_queries(16):
        response = client.get(
            reverse("beneficiaries:household_detail", args=[sized[0].household_id])
        )
    assert _linked(response, "beneficiaries:person_detail", sized) == len(sized)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_site_list(login_as, sized, django_assert_num_queries):
    client = login_as("referent")
    # + count, page of sites with commune, latest estimate and household count.
    with django_assert_num_queries(4):
        response = client.get(reverse("beneficiaries:site_list"))
    assert _linked(response, "beneficiaries:site_detail", Site.objects.all()) == _one_page(
        len(sized) // 2 + 1
    )


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_site_detail(login_as, sized, django_assert_num_queries):
    site_id = sized[1].household.site_id
    Household.objects.update(site_id=site_id)
    client = login_as("referent")
    # + site with commune, estimates, count and page of households with member counts.
    # + one audit entry naming the households of the page (mia.audit.record_list).
    with django_assert_num_queries(7):
        response = client.get(reverse("beneficiaries:site_detail", args=[site_id]))
    households = Household.objects.all()
    assert _linked(response, "beneficiaries:household_detail", households) == _one_page(
        len(sized) // 2
    )


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_team_list(login_as, sized, association, django_assert_num_queries):
    team = UserFactory.create_batch(len(sized), organisation=association)
    client = login_as("coordinator")
    # + users with their organisation.
    with django_assert_num_queries(3):
        response = client.get(reverse("team_list"))
    html = response.content.decode()
    assert sum(f'<td data-label="Courriel">{user.email}</td>' in html for user in team) == len(team)
