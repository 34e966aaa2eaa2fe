"""The admin's search is a GET: a typed name would go into the URL, the browser's history and the
access logs. People and households have none there (issue 8, finding 13); MIA's own search
posts the text (beneficiaries.searches)."""

import pytest
from django.urls import reverse

from tests.beneficiaries.factories import HouseholdFactory, PersonFactory


@pytest.mark.parametrize(
    ("changelist", "name"),
    [("admin:beneficiaries_person_changelist", "Ionescu"),
     ("admin:beneficiaries_household_changelist", "Famille Ionescu")],
)  # fmt: skip
def test_the_admin_offers_no_search_by_name(login_as, person, association, changelist, name):
    PersonFactory(organisation=association, last_name="Popescu")
    HouseholdFactory(organisation=association, name="Famille Popescu")
    client = login_as("administrator")

    page = client.get(reverse(changelist))
    typed = client.get(reverse(changelist), {"q": name})

    assert page.status_code == 200
    assert 'name="q"' not in page.content.decode()
    assert not page.context["cl"].search_fields
    # A name typed into the URL all the same finds nothing: the list is the whole list.
    assert typed.context["cl"].result_count == page.context["cl"].result_count == 2
