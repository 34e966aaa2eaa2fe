import re

import pytest
from playwright.sync_api import expect

from beneficiaries import services
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.browser import browser, log_in, open_menu, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _people_cell(page, worker: str):
    row = page.locator("tr", has=page.get_by_role("rowheader", name=worker, exact=True))
    # The figure, then (for screen readers) what it counts: "3 — Personnes — Alice Martin".
    return row.locator("td[data-label='Personnes']")


def _figure(count: int):
    return re.compile(rf"^\s*{count}\b")


def test_coordinator_hands_a_leaving_worker_s_caseload_to_a_colleague(
    live_server,
    phone,  # noqa: F811
    coordinator,
    referent,
    colleague,
    site,
):
    referent.first_name, referent.last_name = "Alice", "Martin"
    referent.save()
    colleague.first_name, colleague.last_name = "Bruno", "Petit"
    colleague.save()
    household = services.household_create(
        by=referent, household=HouseholdFactory.build(name="Lăcătuș", site=site)
    )
    for first_name in ("Ștefan", "Maria", "Ioana"):
        services.person_create(
            by=referent,
            person=PersonFactory.build(
                first_name=first_name, last_name="Lăcătuș", household=household
            ),
        )
    services.person_create(by=colleague, person=PersonFactory.build(last_name="Dinu"))

    log_in(phone, live_server, coordinator.email, PASSWORD)
    open_menu(phone)
    phone.get_by_role("link", name="Coordination").click()

    expect(phone.get_by_role("heading", name="Coordination des portefeuilles")).to_be_visible()
    expect(_people_cell(phone, "Alice Martin")).to_have_text(_figure(3))
    expect(_people_cell(phone, "Bruno Petit")).to_have_text(_figure(1))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the board must not scroll sideways on a phone"

    phone.get_by_role("link", name="Réaffecter — Alice Martin").click()
    phone.get_by_label("Nouveau·elle référent·e").select_option(label="Bruno Petit")
    phone.get_by_role("button", name="Voir qui change de référent·e").click()

    expect(phone.get_by_role("heading", name="3 personnes passeront à Bruno Petit")).to_be_visible()
    expect(phone.get_by_role("link", name="Lăcătuș Ștefan")).to_be_visible()
    phone.get_by_label("Motif du transfert").fill("Départ d'Alice Martin")
    phone.get_by_role("button", name="Confirmer : confier 3 personnes à Bruno Petit").click()

    expect(phone.get_by_text("3 personnes sont désormais suivies par Bruno Petit.")).to_be_visible()
    expect(_people_cell(phone, "Alice Martin")).to_have_text(_figure(0))
    expect(_people_cell(phone, "Bruno Petit")).to_have_text(_figure(4))
