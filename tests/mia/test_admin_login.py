"""One door (issue 8, finding 1): the Django admin has no login of its own. Its login page sends
to the app's, which rate-limits wrong passwords and asks for the TOTP code before any session
exists; each test runs through both doors."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils.http import urlencode

from tests.mia import totp
from tests.mia.factories import PASSWORD

DOORS = ["account_login", "admin:login"]


pytestmark = pytest.mark.usefixtures("fresh_caches")


def credentials(user, password: str) -> dict:
    # The app's form names the address "login", the admin's "username": both are sent.
    return {"login": user.email, "username": user.email, "password": password}


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.mark.parametrize("door", DOORS)
def test_wrong_passwords_end_in_a_lock_out(client, administrator, door):
    url = reverse(door)

    for attempt in range(25):
        client.post(url, credentials(administrator, f"mauvais-mot-de-passe-{attempt}"))
    response = client.post(url, credentials(administrator, PASSWORD))

    # Even the right password opens nothing now: the app's login refuses to try it, the
    # admin's only ever sends to the app's.
    assert not signed_in(client)
    locked_out = "Trop de tentatives de connexion" in response.content.decode()
    sent_to_the_door = response.status_code == 302 and response["Location"].startswith(
        reverse("account_login")
    )
    assert locked_out or sent_to_the_door


def test_the_admin_login_form_accepts_no_password(client, administrator):
    url = reverse("admin:login")

    statuses = {client.post(url, credentials(administrator, "faux")).status_code}
    response = client.post(url, credentials(administrator, PASSWORD))

    assert statuses == {302}
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert not signed_in(client)


@pytest.mark.django_db
def test_the_admin_sends_to_the_app_login_and_back(client):
    response = client.get(reverse("admin:index"), follow=True)

    login = f"{reverse('account_login')}?{urlencode({'next': reverse('admin:index')})}"
    assert response.redirect_chain[-1] == (login, 302)


@pytest.mark.parametrize("door", DOORS)
def test_the_right_password_opens_nothing_without_the_code(client, administrator, person, door):
    secret = totp.enrol(administrator)
    person_page = reverse("beneficiaries:person_detail", args=[person.pk])

    client.post(reverse(door), credentials(administrator, PASSWORD))

    assert not signed_in(client)
    assert client.get(person_page).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302
    # The code is asked at the app's door, whichever door the password came through.
    client.post(reverse("account_login"), credentials(administrator, PASSWORD))
    response = client.post(reverse("mfa_authenticate"), {"code": totp.code(secret)})
    assert response.status_code == 302
    assert signed_in(client)
    assert client.get(person_page).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_opens_nothing(client, administrator, person):
    totp.enrol(administrator)

    client.post(reverse("account_login"), credentials(administrator, PASSWORD))
    client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert not signed_in(client)
    person_page = reverse("beneficiaries:person_detail", args=[person.pk])
    assert client.get(person_page).status_code == 302


def test_a_signed_in_account_without_the_admin_is_refused_there(login_as):
    assert login_as("coordinator").get(reverse("admin:login")).status_code == 403
