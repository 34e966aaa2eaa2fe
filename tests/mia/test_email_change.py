"""Changing one's e-mail address (issue 8, finding 4): the password again first, then a code
mailed to the new address; the login changes only once it is typed back, the old address is
told, and a password reset reaches verified addresses only. Every account has its login
address as a verified row (invitation, demo, migration 0006)."""

import importlib
import re

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from mia import demo
from mia.models import Role, User
from tests.mia.factories import PASSWORD, UserFactory

NEW = "nouvelle.adresse@test.mia"


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def account(referent):
    """An account as invited ones are: its login address verified (tests.mia.factories)."""
    assert EmailAddress.objects.filter(user=referent, email=referent.email, verified=True)
    return referent


def reauthenticated(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def ask_to_change(client, email: str = NEW):
    return client.post(reverse("account_email"), {"email": email, "action_add": ""})


def password_reset(client, email: str) -> list:
    """The messages a reset asked for `email` sends."""
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": email})
    return list(mail.outbox)


def code_in(message) -> str:
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, flags=re.MULTILINE).group(1)


def test_changing_the_address_asks_for_the_password_again(client, account):
    client.force_login(account)

    response = ask_to_change(client)

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert mail.outbox == []
    account.refresh_from_db()
    assert account.email == "referent@test.mia"


def test_the_new_address_is_the_login_only_once_verified_and_the_old_one_is_told(client, account):
    reauthenticated(client, account)

    response = ask_to_change(client)

    assert response["Location"] == reverse("account_email_verification_sent")
    [verification] = mail.outbox
    assert verification.to == [NEW]
    account.refresh_from_db()
    assert account.email == "referent@test.mia"
    # Pending, the new address reaches nothing: no sign-in, no password reset.
    assert not EmailAddress.objects.filter(email=NEW).exists()
    assert password_reset(client.__class__(), NEW) == []
    other = client.__class__()
    other.post(reverse("account_login"), {"login": NEW, "password": PASSWORD})
    assert SESSION_KEY not in other.session

    mail.outbox.clear()
    response = client.post(
        reverse("account_email_verification_sent"), {"code": code_in(verification)}
    )

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.email == NEW
    assert list(EmailAddress.objects.filter(user=account).values_list("email", "verified")) == [
        (NEW, True)
    ]
    [notice] = mail.outbox
    assert notice.to == ["referent@test.mia"]
    assert NEW in notice.body
    # A reset now reaches the new address only.
    assert password_reset(client.__class__(), "referent@test.mia") == []
    assert [message.to for message in password_reset(client.__class__(), NEW)] == [[NEW]]


def test_a_wrong_code_changes_nothing(client, account):
    reauthenticated(client, account)
    ask_to_change(client)

    client.post(reverse("account_email_verification_sent"), {"code": "AAAAAA"})

    account.refresh_from_db()
    assert account.email == "referent@test.mia"


def test_another_accounts_address_is_never_taken_even_with_its_code(client, account, colleague):
    reauthenticated(client, account)

    # allauth answers as for a free address (nobody learns which addresses have accounts).
    ask_to_change(client, colleague.email)
    [verification] = mail.outbox
    client.post(reverse("account_email_verification_sent"), {"code": code_in(verification)})

    account.refresh_from_db()
    assert account.email == "referent@test.mia"
    assert not EmailAddress.objects.filter(user=account, email=colleague.email).exists()


@pytest.mark.django_db
def test_a_password_reset_for_an_unknown_address_sends_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "inconnu@test.mia"})

    # The same answer as for a known address: nobody learns which addresses have accounts.
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox == []


def test_changing_the_password_needs_the_current_one_and_tells_the_address(client, account):
    client.force_login(account)
    new = {"password1": "un-nouveau-mot-de-passe-2026", "password2": "un-nouveau-mot-de-passe-2026"}

    client.post(reverse("account_change_password"), {"oldpassword": "pas-le-bon", **new})
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    assert mail.outbox == []

    client.post(reverse("account_change_password"), {"oldpassword": PASSWORD, **new})
    account.refresh_from_db()
    assert account.check_password(new["password1"])
    assert [message.to for message in mail.outbox] == [[account.email]]


def test_no_subject_names_anyone(client, account):
    account.first_name, account.last_name = "Mirela", "Dumitrescu"
    account.save(update_fields=["first_name", "last_name"])
    reauthenticated(client, account)
    ask_to_change(client)
    client.post(reverse("account_email_verification_sent"), {"code": code_in(mail.outbox[0])})
    password_reset(client.__class__(), NEW)

    assert mail.outbox
    for message in mail.outbox:
        assert "Mirela" not in message.subject
        assert "Dumitrescu" not in message.subject


# --- Every account has its login address, verified ---------------------------------------------


def test_an_invited_account_has_its_address_verified(login_as):
    login_as("coordinator").post(
        reverse("team_invite"),
        {
            "email": "Recrue@Test.mia",
            "first_name": "Elena",
            "last_name": "Marin",
            "role": Role.SOCIAL_WORKER,
        },
    )

    user = User.objects.get(email="recrue@test.mia")
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
    ) == [("recrue@test.mia", True, True)]


def test_an_account_made_without_its_address_verified_types_a_code_at_first_sign_in(
    client, association
):
    # Made in the admin or by createsuperuser: no verified address yet.
    user = User.objects.create_user(
        "depuis-admin@test.mia", PASSWORD, organisation=association, role=Role.SOCIAL_WORKER
    )

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response["Location"] == reverse("account_email_verification_sent")
    assert SESSION_KEY not in client.session
    [verification] = mail.outbox
    assert verification.to == [user.email]
    client.post(reverse("account_email_verification_sent"), {"code": code_in(verification)})
    assert SESSION_KEY in client.session
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_the_migration_leaves_each_account_its_login_address_verified():
    migration = importlib.import_module("mia.migrations.0006_email_addresses")
    without_row = UserFactory(email="sans-ligne@test.mia")
    unverified = UserFactory(email="non-verifiee@test.mia")
    EmailAddress.objects.all().delete()
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False)
    # Added on the old e-mail page and never verified: a password reset would have gone there.
    EmailAddress.objects.create(user=unverified, email="ailleurs@test.mia", verified=False)

    migration.addresses(apps, None)

    rows = EmailAddress.objects.order_by("email").values_list(
        "user", "email", "verified", "primary"
    )
    assert list(rows) == [
        (unverified.pk, "non-verifiee@test.mia", True, True),
        (without_row.pk, "sans-ligne@test.mia", True, True),
    ]


@pytest.mark.django_db
def test_demo_accounts_have_their_address_verified():
    context = demo.DemoContext(scale="small")

    demo.organisations_and_accounts(context)

    rows = set(EmailAddress.objects.values_list("user__email", "email", "verified", "primary"))
    assert rows == {(email, email, True, True) for email in context.users}
