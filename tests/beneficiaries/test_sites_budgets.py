"""Query budgets of the site pages: the same count with 3 sites (or entries) as with 12."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import SiteLegalProcedure, SitePopulation
from tests.beneficiaries.factories import HouseholdFactory, SiteFactory

SIZES = [3, 12]


@pytest.fixture
def sized(request, association, referent):
    """`size` sites with coordinates, each with `size` population entries, a household and a
    legal procedure."""
    size = request.param
    sites = [
        SiteFactory(organisation=association, latitude=48.9 + i / 1000, longitude=2.45)
        for i in range(size)
    ]
    SitePopulation.objects.bulk_create(
        SitePopulation(
            site=site,
            observed_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
            people=40 + day,
            minors=10,
        )
        for site in sites
        for day in range(size)
    )
    SiteLegalProcedure.objects.bulk_create(
        SiteLegalProcedure(site=site, complaint_on=datetime.date(2026, 1, 1)) for site in sites
    )
    for site in sites:
        services.household_create(by=referent, household=HouseholdFactory.build(site=site))
    return sites


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_site_map(login_as, sized, django_assert_num_queries):
    client = login_as("referent")
    # session, user; the open sites with commune, latest estimate and household count (one
    # query: correlated subqueries).
    with django_assert_num_queries(3):
        response = client.get(reverse("beneficiaries:site_map"))
    pages = {reverse("beneficiaries:site_detail", args=[site.pk]) for site in sized}
    assert {marker["url"] for marker in response.context["markers"]} == pages
    html = response.content.decode()
    assert all(f'href="{page}"' in html for page in pages)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_site_list(login_as, sized, django_assert_num_queries):
    client = login_as("referent")
    # session, user; count, page of sites with commune, latest estimate and household count.
    with django_assert_num_queries(4):
        response = client.get(reverse("beneficiaries:site_list"))
    assert len(response.context["page"].object_list) == len(sized)


@pytest.mark.parametrize("sized", SIZES, indirect=True)
@pytest.mark.parametrize(("persona", "queries"), [("referent", 7), ("coordinator", 8)])
def test_site_detail(login_as, sized, persona, queries, django_assert_num_queries):
    client = login_as(persona)
    # session, user; site with commune; count and page of households with member counts; one
    # audit entry (mia.audit.record_list); the latest 12 population entries; for a coordinator
    # (or a manager) only, the legal procedure.
    with django_assert_num_queries(queries):
        response = client.get(reverse("beneficiaries:site_detail", args=[sized[0].pk]))
    assert len(response.context["estimates"]) == len(sized)
    assert (response.context["legal"] is not None) == (persona == "coordinator")
