"""The main menu folds behind a "Menu" button on a phone (static/js/nav-toggle.js), so that a
page starts near the top of the screen; on a laptop it stays open and the button is not there."""

import pytest
from playwright.sync_api import expect

from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_menu_folds_on_a_phone_and_stays_open_on_a_laptop(
    live_server,
    browser,  # noqa: F811
    phone,  # noqa: F811
    coordinator,
):
    log_in(phone, live_server, coordinator.email, PASSWORD)
    menu = phone.get_by_role("navigation", name="Navigation principale")
    toggle = phone.get_by_role("button", name="Menu")

    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    # The page's own heading is on the first screen, above the fold.
    assert phone.get_by_role("heading", level=1).bounding_box()["y"] < 400

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name="Coordination").click()
    expect(phone.get_by_role("heading", name="Coordination des portefeuilles")).to_be_visible()
    # Escape folds it again, the focus back on the button.
    toggle.click()
    phone.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()

    laptop = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR").new_page()
    log_in(laptop, live_server, coordinator.email, PASSWORD)
    expect(laptop.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(laptop.get_by_role("button", name="Menu")).to_be_hidden()
