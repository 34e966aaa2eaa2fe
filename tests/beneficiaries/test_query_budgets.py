"""Query budgets: each page costs the same number of queries with 3 rows or with 30, so an N+1
would show. Every budget names its queries."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import SitePopulation
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory

SIZES = [3, 30]


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
    #   (accompaniment.views.home): my tasks, steps due in my caseload, the organisation's
    #   alert delay, people not seen since.
    with django_assert_num_queries(8):
        response = client.get(reverse("home"))
    assert response.context["page"].paginator.count == len(sized)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_coordinator_home(login_as, sized, django_assert_num_queries):
    client = login_as("coordinator")
    # + caseload count (empty, so no page), my tasks ("my week": no caseload, so no steps nor
    #   people to see again), figures on people, count of open sites.
    with django_assert_num_queries(6):
        response = client.get(reverse("home"))
    assert response.context["summary"]["active"] == len(sized)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_person_list_with_search(login_as, sized, django_assert_num_queries):
    client = login_as("coordinator")
    # + count, page of people (household, site, commune, referent joined),
    #   sites and referents offered in the filters.
    with django_assert_num_queries(6):
        response = client.get(reverse("beneficiaries:person_list"), {"q": "radu"})
    assert response.context["page"].paginator.count == len(sized)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_person_detail(login_as, sized, django_assert_num_queries):
    client = login_as("referent")
    # + person (household, site, commune, referent), relatives, referent history, periods in
    #   the programme (enrolments), files merged into this one (PersonMerge).
    # + audit entry (mia.audit.record_read).
    with django_assert_num_queries(8):
        client.get(reverse("beneficiaries:person_detail", args=[sized[0].pk]))


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_household_detail(login_as, sized, django_assert_num_queries):
    client = login_as("referent")
    # + household with site, members with referents, stays with their sites.
    # + audit entry (mia.audit.record_read).
    with django_assert_num_queries(7):
        client.get(reverse("beneficiaries:household_detail", args=[sized[0].household_id]))


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_site_list(login_as, sized, django_assert_num_queries):
    client = login_as("referent")
    # + count, page of sites with commune, latest estimate and household count.
    with django_assert_num_queries(4):
        response = client.get(reverse("beneficiaries:site_list"))
    assert response.context["page"].paginator.count == len(sized) // 2 + 1


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_site_detail(login_as, sized, django_assert_num_queries):
    client = login_as("referent")
    # + site with commune, estimates, count and page of households with member counts.
    with django_assert_num_queries(6):
        client.get(reverse("beneficiaries:site_detail", args=[sized[1].household.site_id]))


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_team_list(login_as, sized, django_assert_num_queries):
    client = login_as("coordinator")
    # + users with their organisation.
    with django_assert_num_queries(3):
        client.get(reverse("team_list"))
