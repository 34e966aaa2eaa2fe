"""Signing in, driven in Chromium (issue 8): the admin through the app's one door with its
second factor, and a coordinator's first sign-in where MFA is required."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia import totp
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


pytestmark = pytest.mark.usefixtures("fresh_caches")


def test_the_admin_signs_in_through_the_app_with_the_code(
    live_server,
    phone,  # noqa: F811
    administrator,
):
    secret = totp.enrol(administrator)

    phone.goto(f"{live_server.url}/admin/")
    expect(phone).to_have_url(re.compile(r"/comptes/login/\?next=%2Fadmin%2F$"))
    phone.get_by_label("Courriel").fill(administrator.email)
    phone.get_by_label("Mot de passe").fill(PASSWORD)
    phone.get_by_role("button", name="Se connecter").click()

    # The password alone opened nothing: the code is asked first.
    expect(phone).to_have_url(re.compile(r"/comptes/2fa/authenticate/$"))
    phone.get_by_placeholder("Code").fill(totp.code(secret))
    phone.get_by_placeholder("Code").press("Enter")

    expect(phone).to_have_url(f"{live_server.url}/admin/")
    expect(phone.get_by_role("link", name="MIA — administration")).to_be_visible()


def test_a_coordinator_enrols_at_first_sign_in_then_reaches_home(
    live_server,
    phone,  # noqa: F811
    coordinator,
    settings,
):
    settings.MIA_MFA_REQUIRED = True

    log_in(phone, live_server, coordinator.email, PASSWORD)
    # allauth asks for the password again before adding a factor.
    expect(phone).to_have_url(re.compile(r"/comptes/reauthenticate/"))
    phone.get_by_label("Mot de passe").fill(PASSWORD)
    phone.get_by_label("Mot de passe").press("Enter")

    expect(phone).to_have_url(re.compile(r"/comptes/2fa/totp/activate/$"))
    # Every other page leads back here until it is done.
    phone.get_by_role("link", name="MIA", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/comptes/2fa/totp/activate/$"))
    # Nothing to scan: the secret shown beside the QR code is what an app would read.
    secret = phone.locator("#authenticator_secret").input_value()
    phone.get_by_placeholder("Code").fill(totp.code(secret))
    phone.get_by_placeholder("Code").press("Enter")

    expect(phone).to_have_url(re.compile(r"/comptes/2fa/recovery-codes/$"))
    codes = phone.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    phone.get_by_role("link", name="MIA", exact=True).click()

    expect(phone).to_have_url(f"{live_server.url}/")
    expect(phone.get_by_role("link", name="Coordination").first).to_be_visible()
