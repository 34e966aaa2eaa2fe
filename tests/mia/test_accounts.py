import re

import pytest
from django.core import mail
from django.urls import reverse

from mia.models import Role, User


def test_coordinator_creates_an_account_that_receives_a_set_password_link(
    login_as, coordinator, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login_as("coordinator").post(
            reverse("team_invite"),
            {
                "email": "Nouvelle.Recrue@Test.mia",
                "first_name": "Elena",
                "last_name": "Marin",
                "role": Role.SOCIAL_WORKER,
            },
        )

    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.recrue@test.mia")
    assert user.organisation == coordinator.organisation
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)

    client.logout()
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "un-mot-de-passe-solide-2026", "password2": "un-mot-de-passe-solide-2026"},
    )
    user.refresh_from_db()
    assert user.check_password("un-mot-de-passe-solide-2026")


def test_coordinator_cannot_create_an_administrator(login_as):
    response = login_as("coordinator").post(
        reverse("team_invite"),
        {"email": "x@test.mia", "first_name": "A", "last_name": "B", "role": Role.ADMINISTRATOR},
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="x@test.mia").exists()


def test_instance_superuser_creates_a_partner_account_in_a_partner_organisation(client, partner):
    # An association's administrator may not (tests/mia/test_admin_escalation.py): a partner
    # account opens what every association of the instance shares with that partner.
    client.force_login(User.objects.create_superuser(email="instance@test.mia"))
    response = client.post(
        reverse("team_invite"),
        {
            "email": "conseillere@test.mia",
            "first_name": "Claire",
            "last_name": "Petit",
            "role": Role.PARTNER,
            "organisation": partner.organisation_id,
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="conseillere@test.mia").organisation == partner.organisation


def test_duplicate_email_is_refused_in_french(login_as, referent):
    response = login_as("coordinator").post(
        reverse("team_invite"),
        {
            "email": referent.email.upper(),
            "first_name": "A",
            "last_name": "B",
            "role": "social_worker",
        },
    )

    assert "Un compte existe déjà avec cette adresse." in response.content.decode()


def test_team_list_shows_only_the_coordinator_organisation(login_as, referent, outsider):
    response = login_as("coordinator").get(reverse("team_list"))

    emails = {user.email for user in response.context["users"]}
    assert referent.email in emails
    assert outsider.email not in emails


@pytest.mark.django_db
def test_nobody_can_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "intrus@test.mia",
            "password1": "x-very-long-pass-2026",
            "password2": "x-very-long-pass-2026",
        },
    )

    assert not User.objects.filter(email="intrus@test.mia").exists()
    assert "les inscriptions sont actuellement fermées" in response.content.decode()


def test_login_by_email(client, referent):
    from tests.mia.factories import PASSWORD

    response = client.post(
        reverse("account_login"), {"login": referent.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
