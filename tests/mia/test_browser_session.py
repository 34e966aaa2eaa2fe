"""A social worker who leaves a phone idle past the idle timeout is signed out: the next page
they open is the login page, and the results of the search they posted are gone with the
session (mia.sessions)."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 5


def test_an_idle_social_worker_is_sent_to_the_login_page(live_server, phone, settings, person):  # noqa: F811
    settings.MIA_SESSION_IDLE_SECONDS = IDLE_SECONDS
    referent = person.referent
    log_in(phone, live_server, referent.email, PASSWORD)
    expect(phone.get_by_role("heading", name="Mon portefeuille")).to_be_visible()

    phone.get_by_label("Rechercher une personne").fill("Ionescu")
    phone.keyboard.press("Enter")
    expect(phone.locator("#resultats").get_by_role("link", name="Ionescu Ștefan")).to_be_visible()
    results = phone.url
    assert "?r=" in results and "Ionescu" not in results

    phone.wait_for_timeout((IDLE_SECONDS + 2) * 1000)
    phone.goto(results)

    expect(phone).to_have_url(re.compile(r"/comptes/login/"))
    expect(phone.get_by_role("heading", name="Connexion")).to_be_visible()
    assert [s for s in Session.objects.all() if "_auth_user_id" in s.get_decoded()] == []

    # Signed in again, the results' URL no longer holds the text that was searched.
    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(results)
    expect(phone.get_by_role("heading", name="Personnes accompagnées")).to_be_visible()
    expect(phone.get_by_label("Nom")).to_have_value("")
