"""Two-factor authentication (issue 8, findings 2 and 10): required of coordinators, managers
and administrators when MIA_MFA_REQUIRED is on, offered to everyone, announced by a banner where
it is off; secrets encrypted at rest with keys that rotate."""

import importlib
import os

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from mia import mfa
from tests.mia import totp
from tests.mia.factories import PASSWORD, UserFactory
from tests.processes import run_python

ENROLMENT = reverse("mfa_activate_totp")
BANNER = "La double authentification n'est pas imposée sur cette installation"


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def required(settings):
    settings.MIA_MFA_REQUIRED = True


def reauthenticated(client, user):
    """Signed in, and the password given again (allauth asks before any MFA change)."""
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


# --- Enrolment required ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "manager", "administrator"])
def test_a_privileged_account_without_an_authenticator_can_only_enrol(required, login_as, persona):
    client = login_as(persona)

    for page in [reverse("home"), reverse("beneficiaries:person_list"), reverse("admin:index")]:
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, ENROLMENT), page
    assert client.post(reverse("beneficiaries:person_list"), {"q": "x"})["Location"] == ENROLMENT


@pytest.mark.parametrize("persona", ["referent", "partner"])
def test_other_roles_are_not_made_to_enrol(required, login_as, persona):
    response = login_as(persona).get(reverse("home"), follow=True)

    assert response.status_code == 200
    assert ENROLMENT not in [url for url, _status in response.redirect_chain]


def test_an_enrolled_coordinator_works(required, client, coordinator):
    totp.enrol(coordinator)
    client.force_login(coordinator)

    assert client.get(reverse("home")).status_code == 200


def test_enrolment_leaves_open_signing_out_and_the_mfa_pages(required, login_as):
    client = login_as("coordinator")

    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("health")).status_code == 200
    language = client.post(reverse("language"), {"language": "en", "next": "/"})
    assert language["Location"] == "/"
    assert client.get(ENROLMENT)["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.post(reverse("account_logout"))["Location"] == reverse("account_login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_an_htmx_request_is_sent_to_enrolment_as_a_whole_page(required, login_as):
    response = login_as("manager").get(reverse("home"), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == ENROLMENT


def test_enrolment_after_the_password_then_recovery_codes_then_home(required, client, coordinator):
    response = client.post(
        reverse("account_login"), {"login": coordinator.email, "password": PASSWORD}, follow=True
    )
    # The password again before adding a factor (allauth's reauthentication), then the form.
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == ENROLMENT
    secret = response.context["form"].secret

    response = client.post(ENROLMENT, {"code": totp.code(secret)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    codes = response.context["unused_codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_in_another_browser_is_seen(required, client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("home"))["Location"] == ENROLMENT

    totp.enrol(coordinator)

    assert client.get(reverse("home")).status_code == 200


def test_removing_the_authenticator_sends_back_to_enrolment(required, client, coordinator):
    totp.enrol(coordinator)
    reauthenticated(client, coordinator)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=coordinator).exists()
    assert client.get(reverse("home"))["Location"] == ENROLMENT


def test_everyone_is_offered_mfa_from_the_account_menu(login_as):
    content = login_as("referent").get(reverse("home")).content.decode()

    assert f'href="{reverse("mfa_index")}"' in content
    assert login_as("referent").get(reverse("mfa_index")).status_code == 200


# --- Not required (the laptop demo): a banner --------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "manager", "administrator"])
def test_where_mfa_is_not_required_privileged_accounts_see_a_banner(settings, login_as, persona):
    settings.MIA_MFA_REQUIRED = False

    content = login_as(persona).get(reverse("home")).content.decode()

    assert BANNER in content
    assert f'href="{ENROLMENT}"' in content


def test_the_banner_goes_once_enrolled(settings, client, coordinator):
    settings.MIA_MFA_REQUIRED = False
    totp.enrol(coordinator)
    client.force_login(coordinator)

    assert BANNER not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["referent", "partner"])
def test_other_roles_see_no_banner(settings, login_as, persona):
    settings.MIA_MFA_REQUIRED = False

    assert BANNER not in login_as(persona).get(reverse("home")).content.decode()


# --- The setting -------------------------------------------------------------------------------

PRINT_SETTINGS = "from mia import settings; print(settings.MIA_MFA_REQUIRED)"
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "p7Q!x2m#Lr9vK4s@T8wZ1nB6yH3cF5jD0gA-eR_uV+oI=kN%lM",
}


def _settings(**variables: str):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "MIA_")) and k != "DATABASE_URL"
    }
    return run_python("-c", PRINT_SETTINGS, env={**env, "DJANGO_SECRET_KEY": "k" * 50, **variables})


def test_mfa_is_required_by_default_in_production_only():
    key = Fernet.generate_key().decode()

    production = _settings(**PRODUCTION, MIA_MFA_KEYS=key)
    laptop = _settings()
    turned_off = _settings(**PRODUCTION, MIA_MFA_KEYS=key, MIA_MFA_REQUIRED="false")

    assert production.stdout.strip() == "True", production.stderr
    assert laptop.stdout.strip() == "False", laptop.stderr
    assert turned_off.stdout.strip() == "False", turned_off.stderr


def test_production_requires_the_encryption_keys():
    refused = _settings(**PRODUCTION)

    assert refused.returncode != 0
    assert "MIA_MFA_KEYS is required" in refused.stderr


# --- Re-authentication -------------------------------------------------------------------------


def test_activating_mfa_asks_for_the_password_again(login_as):
    response = login_as("referent").get(ENROLMENT)

    assert response["Location"].startswith(reverse("account_reauthenticate"))


@pytest.mark.parametrize("page", ["mfa_deactivate_totp", "mfa_generate_recovery_codes"])
def test_changing_mfa_asks_for_the_password_again(client, referent, page):
    totp.enrol(referent)
    client.force_login(referent)

    response = client.post(reverse(page))

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=referent, type=Authenticator.Type.TOTP).exists()
    assert not Authenticator.objects.filter(
        user=referent, type=Authenticator.Type.RECOVERY_CODES
    ).exists()


# --- Secrets at rest ---------------------------------------------------------------------------


def test_the_stored_secret_is_not_the_secret_and_the_code_still_verifies(referent):
    secret = totp.enrol(referent)

    stored = Authenticator.objects.get(user=referent, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)
    assert TOTP(stored).validate_code(totp.code(secret))


def test_a_secret_written_with_an_old_key_decrypts_after_rotation(settings, referent, colleague):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MIA_MFA_KEYS = [old]
    secret = totp.enrol(referent)

    settings.MIA_MFA_KEYS = [new, old]
    stored = Authenticator.objects.get(user=referent, type=Authenticator.Type.TOTP)
    assert TOTP(stored).validate_code(totp.code(secret))
    # Secrets enrolled from now on are written with the new key: they need no other.
    newer = totp.enrol(colleague)
    settings.MIA_MFA_KEYS = [new]
    assert TOTP(Authenticator.objects.get(user=colleague)).validate_code(totp.code(newer))
    with pytest.raises(ImproperlyConfigured, match="MIA_MFA_KEYS"):
        TOTP(stored).validate_code(totp.code(secret))


def test_a_key_that_is_not_a_fernet_key_is_refused_by_name(settings, referent):
    settings.MIA_MFA_KEYS = ["change-me"]

    with pytest.raises(ImproperlyConfigured, match="MIA_MFA_KEYS") as refused:
        totp.enrol(referent)
    assert "change-me" not in str(refused.value)


def test_the_recovery_codes_seed_is_encrypted_too(referent):
    codes = RecoveryCodes.activate(referent)

    seed = mfa.decrypt(codes.instance.data["seed"])
    assert len(seed) == 80
    assert seed not in str(Authenticator.objects.get(pk=codes.instance.pk).data)
    assert codes.validate_code(codes.generate_codes()[0])


def test_secrets_stored_in_clear_before_are_encrypted_by_the_migration(referent):
    migration = importlib.import_module("mia.migrations.0006_email_addresses")
    secret = generate_totp_secret()
    # As allauth stored them before mia.mfa.MFAAdapter.
    Authenticator.objects.create(
        user=referent, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    already = totp.enrol(UserFactory(organisation=referent.organisation))

    migration.encrypt_secrets(apps, None)
    migration.encrypt_secrets(apps, None)

    stored = Authenticator.objects.get(user=referent)
    assert secret not in str(stored.data)
    assert TOTP(stored).validate_code(totp.code(secret))
    other = Authenticator.objects.exclude(user=referent).get()
    assert TOTP(other).validate_code(totp.code(already))
