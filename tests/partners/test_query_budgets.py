"""Query budgets of the partner's pages: the same count with 3 shared files or 30."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries import services as beneficiaries_services
from mia.models import AuditAction, AuditEntry
from partners import services
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory

SIZES = [3, 30]


@pytest.fixture
def shared(request, association, referent, partner):
    people = []
    for _ in range(request.param):
        household = beneficiaries_services.household_create(
            by=referent, household=HouseholdFactory.build()
        )
        person = beneficiaries_services.person_create(
            by=referent, person=PersonFactory.build(household=household, last_name="Radu")
        )
        services.consent_record(
            person=person,
            organisation=partner.organisation,
            purpose="Emploi",
            sections=["identity", "employment"],
            given_on=datetime.date(2026, 1, 5),
            expires_on=datetime.date(2099, 1, 5),
            by=referent,
        )
        people.append(person)
    return people


# Every page starts with: 1 session, 1 user.
@pytest.mark.parametrize("shared", SIZES, indirect=True)
def test_portal(login_as, shared, django_assert_num_queries):
    client = login_as("partner")
    # + count of the shared files, their page, their grants (sections and consents joined).
    # + one audit entry naming the files listed (mia.audit.record_list).
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:portal"))
    assert len(response.context["rows"]) == len(shared)


@pytest.mark.parametrize("shared", SIZES, indirect=True)
def test_portal_search(login_as, shared, django_assert_num_queries):
    client = login_as("partner")
    key = client.post(reverse("partners:portal"), {"q": "radu"})["Location"].split("r=")[1]
    # + count, page, grants (the typed text comes from the session already loaded).
    # + one audit entry naming the files found (mia.audit.record_list).
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:portal"), {"r": key})
    assert len(response.context["rows"]) == len(shared)


# One file's page lists no rows: what must not cost more is the number of files shared.
@pytest.mark.parametrize("shared", SIZES, indirect=True)
def test_person_page_as_partner(login_as, shared, partner, django_assert_num_queries):
    client = login_as("partner")
    # + the person (shared: one semi-join on the grants) with household, site, commune and
    #   referent; the sections shared with my organisation.
    # + audit entry (mia.audit.record_read).
    with django_assert_num_queries(5):
        response = client.get(reverse("beneficiaries:person_detail", args=[shared[0].pk]))
    assert response.status_code == 200
    # The partner's reading is in the file's audit trail, under the partner's name.
    read = AuditEntry.objects.filter(action=AuditAction.VIEW, person_id=shared[0].pk)
    assert list(read.values_list("user", flat=True)) == [partner.pk]
