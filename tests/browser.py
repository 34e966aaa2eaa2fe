"""Chromium through Playwright, for journeys a person makes. Debian's Chromium is used as it is:
browsers are never downloaded."""

import os

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("MIA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium_instance():
    """One Chromium for the whole run (a launch costs about a second; each test has its own
    contexts, closed after it). tests/conftest.py imports it so that every module finds it."""
    # Playwright's sync API runs an event loop in this thread from now on; the ORM calls made by
    # the tests around it are still plain synchronous calls (`make test` exports it too).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser(chromium_instance):
    yield chromium_instance
    # Nothing of a test (cookies, pages, storage) reaches the next one.
    for context in list(chromium_instance.contexts):
        context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/comptes/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    # The next page loaded, its scripts run (the menu folded on a phone): what a test does next
    # acts on that page, not on the login form still shown.
    page.wait_for_url(lambda url: "/comptes/login/" not in url)
    page.wait_for_load_state("load")


def open_menu(page) -> None:
    """On a phone the main menu is folded behind its button (static/js/nav-toggle.js)."""
    page.wait_for_load_state("load")
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
