import datetime

import pytest
from django.urls import reverse

from partners import services
from partners.models import OrganisationContact

EXPECTED = {
    "anonymous": 302,
    "referent": 200,
    "colleague": 200,
    "coordinator": 200,
    "manager": 200,
    "administrator": 200,
    "partner": 403,
    "partner_without_share": 403,
    "outsider": 200,
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_directory_access(login_as, persona, expected, db):
    response = login_as(persona).get(reverse("partners:organisations"))

    assert response.status_code == expected


def test_directory_lists_contacts_and_files_shared_by_my_association_only(
    login_as, person, referent, partner, partner_without_share, outsider
):
    OrganisationContact.objects.create(
        organisation=partner.organisation, name="Claire Petit", function="Conseillère emploi"
    )
    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Emploi",
        sections=["identity"],
        given_on=datetime.date(2026, 1, 5),
        by=referent,
    )

    mine = login_as("referent").get(reverse("partners:organisations"))
    by_name = {o.name: o for o in mine.context["organisations"]}

    assert by_name["France Travail"].shared_files == 1
    assert by_name["France Travail"].partner_users == 1
    assert by_name["CCAS"].shared_files == 0
    assert "Claire Petit" in mine.content.decode()
    assert "Association opératrice" not in by_name
    other = login_as("outsider").get(reverse("partners:organisations"))
    assert {o.name: o.shared_files for o in other.context["organisations"]}["France Travail"] == 0


@pytest.mark.parametrize("contacts", [2, 20])
def test_directory_query_budget(login_as, partner, django_assert_num_queries, contacts):
    for index in range(contacts):
        OrganisationContact.objects.create(organisation=partner.organisation, name=f"C {index}")
    client = login_as("referent")
    # session, user, organisations, their contacts, partner accounts, shared files.
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:organisations"))
    html = response.content.decode()
    assert sum(f"<strong>C {index}</strong>" in html for index in range(contacts)) == contacts
