"""The admin under tampered requests (issue 14, point 8): an action posted with ids that are not
ids, a list filter or an address with a NUL character. Each was a 500 on PostgreSQL; each is now
a message on the list or a 400, for the administrator as for the instance's superuser."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.urls import reverse

from mia.admin import CheckedAdmin
from mia.models import User
from tests.mia import totp
from tests.mia.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("fresh_caches")

NOT_IDS = ["1.5", "1" * 5000, "²"]
REFUSED = "La sélection envoyée n&#x27;est pas valide : cochez de nouveau les lignes voulues."


@pytest.fixture(autouse=True)
def errors_as_responses(client):
    # A server error is a 500 page here, as a user sees it, not an exception in the test.
    client.raise_request_exception = False


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="instance@test.mia", password=PASSWORD)


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _post_action(client, model, action: str, selected: list[str], **extra):
    return client.post(
        _changelist(model),
        {"action": action, "_selected_action": selected, "index": "0", **extra},
        follow=True,
    )


def test_every_admin_page_checks_what_is_posted():
    """A model registered later gets the checks too, or this names it."""
    unchecked = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, CheckedAdmin)
    ]

    assert unchecked == []


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
@pytest.mark.parametrize("value", NOT_IDS)
def test_an_action_on_ids_that_are_not_ids_is_refused(
    login_as, superuser, referent, persona, value
):
    client = login_as(persona)

    response = _post_action(client, User, "end_sessions", [value, str(referent.pk)])

    assert response.status_code == 200
    assert REFUSED in response.content.decode()


@pytest.mark.parametrize(
    ("model", "action"),
    [(Authenticator, "delete_selected"), (EmailAddress, "delete_selected")],
)
@pytest.mark.parametrize("value", NOT_IDS)
def test_the_superusers_deletions_of_ids_that_are_not_ids_are_refused(
    login_as, superuser, referent, model, action, value
):
    totp.enrol(referent)  # the factory gave the account its e-mail address
    before = model.objects.count()
    client = login_as("superuser")

    asked = _post_action(client, model, action, [value])
    confirmed = _post_action(client, model, action, [value], post="yes")

    assert (asked.status_code, confirmed.status_code) == (200, 200)
    assert REFUSED in asked.content.decode() and REFUSED in confirmed.content.decode()
    assert model.objects.count() == before


def test_an_action_on_real_ids_still_runs(login_as, superuser, referent):
    totp.enrol(referent)
    client = login_as("superuser")
    pk = str(Authenticator.objects.get().pk)

    response = _post_action(client, Authenticator, "delete_selected", [pk], post="yes")

    assert response.status_code == 200
    assert not Authenticator.objects.exists()


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
@pytest.mark.parametrize(
    "url",
    [
        "/admin/mia/user/?role=referent%00",
        "/admin/mia/user/?is_active__exact=%001",
        "/admin/mia/organisation/?kind=%00",
        "/admin/beneficiaries/person/?sex=F%00",
        "/admin/beneficiaries/site/?status=open%00",
        "/admin/beneficiaries/commune/?q=%00",
        "/admin/beneficiaries/commune/%00/change/",
    ],
)
def test_a_nul_character_in_an_admin_address_is_a_bad_request(
    login_as, superuser, person, persona, url
):
    response = login_as(persona).get(url)

    assert response.status_code == 400


def test_the_superuser_lists_authenticators_filtered_with_a_nul_character(
    login_as, superuser, referent
):
    totp.enrol(referent)

    response = login_as("superuser").get("/admin/mfa/authenticator/?type=totp%00")

    assert response.status_code == 400


@pytest.mark.parametrize("code", ["1" * 5000, "²" * 6, "٣" * 6])
def test_a_second_factor_code_of_any_length_is_only_wrong(client, referent, code):
    """allauth's code forms compare the text typed, never read it as a number."""
    totp.enrol(referent)
    client.post(reverse("account_login"), {"login": referent.email, "password": PASSWORD})

    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
