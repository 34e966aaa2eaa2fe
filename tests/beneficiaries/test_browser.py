import pytest
from playwright.sync_api import expect

from beneficiaries import services
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_social_worker_finds_a_person_on_a_phone(live_server, phone, referent, site):  # noqa: F811
    household = services.household_create(
        by=referent, household=HouseholdFactory.build(name="Lăcătuș", site=site)
    )
    comma = services.person_create(
        by=referent,
        person=PersonFactory.build(first_name="Ștefan", last_name="Lăcătuș", household=household),
    )
    cedilla = services.person_create(
        by=referent,
        person=PersonFactory.build(first_name="Ştefan", last_name="Dumitraşcu", birth_year=1987),
    )
    services.person_create(
        by=referent, person=PersonFactory.build(first_name="Maria", last_name="Popescu")
    )

    log_in(phone, live_server, referent.email, PASSWORD)

    expect(phone.get_by_role("heading", name="Mon portefeuille")).to_be_visible()
    expect(phone.locator(".caseload-count")).to_have_text("3 personnes suivies")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the caseload must not scroll sideways on a phone"

    phone.get_by_label("Rechercher une personne").fill("stefan")
    phone.keyboard.press("Enter")
    results = phone.locator("#resultats")
    expect(results.get_by_text("2 personnes")).to_be_visible()
    expect(results.get_by_role("link", name="Lăcătuș Ștefan")).to_be_visible()
    expect(results.get_by_role("link", name="Dumitraşcu Ştefan")).to_be_visible()
    expect(results.get_by_text("Popescu")).to_have_count(0)
    assert "stefan" not in phone.url.lower(), "names never travel in URLs"

    # Live search (htmx) with the accents typed as on a Romanian keyboard.
    phone.get_by_label("Nom").fill("Ştefan Dumitrașcu")
    expect(results.get_by_text("1 personne")).to_be_visible()
    results.get_by_role("link", name="Dumitraşcu Ştefan").click()

    expect(phone).to_have_url(f"{live_server.url}/personnes/{cedilla.pk}/")
    expect(phone.get_by_role("heading", name="Identité et contact")).to_be_visible()
    expect(phone.get_by_text("en 1987")).to_be_visible()
    assert comma.pk != cedilla.pk
