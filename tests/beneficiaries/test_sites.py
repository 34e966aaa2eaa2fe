import pytest
from django.urls import reverse

from beneficiaries.models import Site, SitePopulation


def test_create_a_site_with_its_population(login_as):
    response = login_as("referent").post(
        reverse("beneficiaries:site_create"),
        {
            "name": "Bidonville du Canal",
            "kind": "bidonville",
            "commune": "93066",
            "owner_kind": "public",
            "status": "open",
            "population": "85",
        },
    )

    site = Site.objects.get(name="Bidonville du Canal")
    assert response.status_code == 302
    assert site.commune.departement == "93"
    assert site.water_access == ""  # unknown until the conditions are recorded
    assert SitePopulation.objects.get(site=site).people == 85


def test_an_evacuated_site_needs_its_date(login_as, site):
    response = login_as("coordinator").post(
        reverse("beneficiaries:site_edit", args=[site.pk]),
        {
            "name": site.name,
            "kind": site.kind,
            "commune": site.commune_id,
            "owner_kind": "unknown",
            "status": "evacuated_court",
        },
    )

    assert response.status_code == 200
    assert "date de fermeture" in response.content.decode()
    site.refresh_from_db()
    assert site.status == "open"


@pytest.mark.parametrize("departement", ["92", "93", "94"])
def test_site_list_filters_by_departement(login_as, association, departement):
    from tests.beneficiaries.factories import SiteFactory, commune

    by_dep = {"92": "92050", "93": "93008", "94": "94028"}
    for dep, insee in by_dep.items():
        SiteFactory(organisation=association, name=f"Site {dep}", commune=commune(insee))

    response = login_as("colleague").get(
        reverse("beneficiaries:site_list"), {"departement": departement}
    )

    assert [s.name for s in response.context["page"].object_list] == [f"Site {departement}"]
