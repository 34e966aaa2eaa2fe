"""An association's administrator in the Django admin and on MIA's account pages: they manage
their own organisation's accounts, and nothing lets them reach further (issue 8, finding 3).

Each escalation is tried as a real admin POST: the page's own form posted back with the forged
fields added, then the row is read again from the database."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from mia.models import Organisation, OrganisationKind, Role, User
from partners import services
from partners.models import OrganisationContact
from tests.mia.factories import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def superuser(db):
    """The instance's superuser, as `manage.py createsuperuser` makes it."""
    return User.objects.create_superuser(email="instance@test.mia", password=PASSWORD)


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(page) -> dict:
    """What the admin's page posts back when nothing is touched: every field of its form."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None:
            continue
        if isinstance(field.widget, forms.MultiWidget):
            parts = zip(field.widget.widgets_names, field.widget.decompress(value), strict=True)
            data.update({name + suffix: part for suffix, part in parts})
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


def post_back(client, obj, **forged):
    """GET the change page, post its form back with `forged` fields added; the response."""
    url = change_url(obj)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**form_data(page), **forged, "_save": "Enregistrer"})


# --- The administrator's own account ------------------------------------------------------------


def test_administrator_cannot_move_their_account_to_another_association(
    login_as, administrator, association, other_association
):
    response = post_back(
        login_as("administrator"), administrator, organisation=other_association.pk
    )

    assert response.status_code == 302  # saved: the forged field was not refused, ignored
    administrator.refresh_from_db()
    assert administrator.organisation_id == association.pk


def test_administrator_cannot_make_themselves_superuser(login_as, administrator):
    client = login_as("administrator")
    page = client.get(change_url(administrator))

    response = post_back(client, administrator, is_superuser="on", is_staff="on")

    assert 'name="is_superuser"' not in page.content.decode()
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_administrator_cannot_change_their_own_role(login_as, administrator):
    response = post_back(login_as("administrator"), administrator, role=Role.COORDINATOR)

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR


def test_administrator_cannot_join_a_partner_group_nor_grant_themselves_permissions(
    login_as, administrator, partner
):
    group = services.organisation_group(partner.organisation)
    permission = Permission.objects.get(codename="change_user")

    response = post_back(
        login_as("administrator"),
        administrator,
        groups=[group.pk],
        user_permissions=[permission.pk],
    )

    assert response.status_code == 302
    assert not administrator.groups.exists()
    assert not administrator.user_permissions.exists()


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
def test_groups_have_no_admin_page(login_as, partner, superuser, persona):
    group = services.organisation_group(partner.organisation)
    client = login_as(persona)

    listing = client.get("/admin/auth/group/")
    renamed = client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "à moi"})
    added = client.post("/admin/auth/group/add/", {"name": "nouveau"})

    assert (listing.status_code, renamed.status_code, added.status_code) == (404, 404, 404)
    group.refresh_from_db()
    assert group.name == f"organisation-{partner.organisation.pk}"
    assert not Group.objects.filter(name="nouveau").exists()


# --- The organisation's accounts, and no other -------------------------------------------------


def test_administrator_lists_only_their_organisation_accounts(
    login_as, administrator, referent, manager, outsider, partner, association
):
    root = User.objects.create_superuser(
        email="racine@test.mia", password=PASSWORD, organisation=association
    )

    response = login_as("administrator").get(reverse("admin:mia_user_changelist"))

    listed = {user.pk for user in response.context["cl"].result_list}
    assert listed == {administrator.pk, referent.pk, manager.pk}
    assert root.pk not in listed


@pytest.mark.parametrize("target", ["outsider", "partner"])
def test_administrator_cannot_edit_an_account_of_another_organisation(login_as, request, target):
    account = request.getfixturevalue(target)
    before = (account.first_name, account.role)
    client = login_as("administrator")

    page = client.get(change_url(account))
    response = client.post(
        change_url(account),
        {"email": account.email, "first_name": "Pris", "last_name": account.last_name,
         "role": Role.ADMINISTRATOR, "is_active": "on"},
    )  # fmt: skip

    assert page.status_code == 302  # the admin's "does not exist"
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.first_name, account.role) == before


def test_administrator_cannot_edit_a_superuser_of_their_organisation(login_as, association):
    root = User.objects.create_superuser(
        email="racine@test.mia", password=PASSWORD, organisation=association
    )
    client = login_as("administrator")

    page = client.get(change_url(root))
    client.post(
        change_url(root),
        {"email": "moi@test.mia", "role": Role.ADMINISTRATOR, "is_active": ""},
    )

    assert page.status_code == 302
    root.refresh_from_db()
    assert (root.email, root.is_active) == ("racine@test.mia", True)


def test_new_accounts_are_created_in_the_administrator_organisation(
    login_as, association, other_association
):
    client = login_as("administrator")
    page = client.get(reverse("admin:mia_user_add"))

    response = client.post(
        reverse("admin:mia_user_add"),
        {
            "email": "recrue@test.mia",
            "organisation": other_association.pk,
            "role": Role.SOCIAL_WORKER,
            "is_superuser": "on",
            "password1": "un-mot-de-passe-solide-2026",
            "password2": "un-mot-de-passe-solide-2026",
            "usable_password": "true",
            "_save": "Enregistrer",
        },
    )

    assert 'name="organisation"' not in page.content.decode()
    assert response.status_code == 302
    created = User.objects.get(email="recrue@test.mia")
    assert created.organisation_id == association.pk
    assert not created.is_superuser
    assert not created.is_staff


def test_administrator_cannot_create_a_partner_account(login_as, partner):
    response = login_as("administrator").post(
        reverse("admin:mia_user_add"),
        {
            "email": "conseiller@test.mia",
            "organisation": partner.organisation_id,
            "role": Role.PARTNER,
            "password1": "un-mot-de-passe-solide-2026",
            "password2": "un-mot-de-passe-solide-2026",
            "usable_password": "true",
        },
    )

    assert response.status_code == 200  # the form again: a role they may not give
    assert not User.objects.filter(email="conseiller@test.mia").exists()


def test_administrator_still_manages_a_colleague_account(login_as, referent):
    response = post_back(
        login_as("administrator"), referent, role=Role.ADMINISTRATOR, last_name="Marin"
    )

    assert response.status_code == 302
    referent.refresh_from_db()
    assert (referent.role, referent.last_name) == (Role.ADMINISTRATOR, "Marin")
    # The admin's door follows the role; nobody ticks it.
    assert referent.is_staff


def test_administrator_cannot_take_over_a_colleague_account(login_as, referent):
    """Neither the password nor the login e-mail (where the reset link goes) of someone else."""
    client = login_as("administrator")
    password_url = reverse("admin:auth_user_password_change", args=[referent.pk])

    password_page = client.get(password_url)
    client.post(
        password_url,
        {"password1": "pris-par-ladmin-2026", "password2": "pris-par-ladmin-2026",
         "usable_password": "true"},
    )  # fmt: skip
    post_back(client, referent, email="boite-de-ladmin@test.mia")

    assert password_page.status_code == 403
    referent.refresh_from_db()
    assert referent.check_password(PASSWORD)
    assert referent.email == "referent@test.mia"


# --- The superuser comes from the command line -------------------------------------------------


def test_superuser_is_created_from_the_command_line(db, client):
    call_command("createsuperuser", "--noinput", email="Racine@Test.mia")

    root = User.objects.get(email="racine@test.mia")
    assert (root.is_superuser, root.is_staff, root.role) == (True, True, Role.ADMINISTRATOR)
    client.force_login(root)
    assert client.get(reverse("admin:mia_user_changelist")).status_code == 200


def test_nobody_makes_a_superuser_in_the_admin(login_as, superuser, referent, other_association):
    client = login_as("superuser")

    response = post_back(client, referent, is_superuser="on")
    client.post(
        reverse("admin:mia_user_add"),
        {
            "email": "second@test.mia",
            "organisation": other_association.pk,
            "role": Role.ADMINISTRATOR,
            "is_superuser": "on",
            "password1": "un-mot-de-passe-solide-2026",
            "password2": "un-mot-de-passe-solide-2026",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    referent.refresh_from_db()
    assert not referent.is_superuser
    second = User.objects.get(email="second@test.mia")
    # The superuser may create an account in any organisation, never another superuser.
    assert second.organisation_id == other_association.pk
    assert (second.is_superuser, second.is_staff) == (False, True)


# --- Second factors ----------------------------------------------------------------------------


@pytest.fixture
def totp(referent):
    return Authenticator.objects.create(
        user=referent, type=Authenticator.Type.TOTP, data={"secret": SECRET}
    )


def test_nobody_reads_a_totp_secret_in_the_admin(login_as, superuser, referent, totp):
    client = login_as("superuser")

    listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    account = client.get(change_url(referent))
    edited = client.post(
        reverse("admin:mfa_authenticator_change", args=[totp.pk]),
        {"user": referent.pk, "type": "totp", "data": '{"secret": "AAAA"}'},
    )

    assert (listing.status_code, page.status_code, account.status_code) == (200, 200, 200)
    for response in (listing, page, account):
        assert SECRET not in response.content.decode()
    assert edited.status_code == 403
    totp.refresh_from_db()
    assert totp.data == {"secret": SECRET}


def test_association_administrator_has_no_second_factor_page(login_as, totp):
    client = login_as("administrator")

    assert client.get(reverse("admin:mfa_authenticator_changelist")).status_code == 403
    assert client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk])).status_code == 403
    client.post(reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"})
    assert Authenticator.objects.filter(pk=totp.pk).exists()


def test_the_instance_superuser_removes_a_lost_second_factor(login_as, superuser, totp):
    response = login_as("superuser").post(
        reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=totp.pk).exists()


def test_nobody_reads_a_session_key_in_the_admin(login_as, superuser, referent):
    signed_in = UserSession.objects.create(
        user=referent, ip="192.0.2.10", session_key="k3y-of-the-referent-session", user_agent="x"
    )
    client = login_as("superuser")

    listing = client.get(reverse("admin:usersessions_usersession_changelist"))
    page = client.get(reverse("admin:usersessions_usersession_change", args=[signed_in.pk]))

    assert (listing.status_code, page.status_code) == (200, 200)
    for response in (listing, page):
        assert signed_in.session_key not in response.content.decode()


# --- Organisations -----------------------------------------------------------------------------


def test_administrator_edits_only_their_own_organisation(
    login_as, association, other_association, partner
):
    client = login_as("administrator")

    listing = client.get(reverse("admin:mia_organisation_changelist"))
    for organisation in (other_association, partner.organisation):
        client.post(
            change_url(organisation),
            {"name": "Prise", "kind": OrganisationKind.OPERATOR, "follow_up_alert_weeks": 4},
        )
    added = client.post(
        reverse("admin:mia_organisation_add"),
        {"name": "Nouvelle", "kind": OrganisationKind.OPERATOR, "follow_up_alert_weeks": 4},
    )
    own = post_back(client, association, name="Association renommée", kind="employer")

    assert [o.pk for o in listing.context["cl"].result_list] == [association.pk]
    assert added.status_code == 403
    assert not Organisation.objects.filter(name__in=["Prise", "Nouvelle"]).exists()
    assert own.status_code == 302
    association.refresh_from_db()
    assert (association.name, association.kind) == ("Association renommée", "operator")


def test_administrator_does_not_edit_another_association_contacts(
    login_as, other_association, partner
):
    theirs = OrganisationContact.objects.create(organisation=other_association, name="Directrice")
    partners_contact = OrganisationContact.objects.create(
        organisation=partner.organisation, name="Conseillère"
    )
    client = login_as("administrator")

    listing = client.get(reverse("admin:partners_organisationcontact_changelist"))
    client.post(change_url(theirs), {"organisation": other_association.pk, "name": "Prise"})

    assert [c.pk for c in listing.context["cl"].result_list] == [partners_contact.pk]
    theirs.refresh_from_db()
    assert theirs.name == "Directrice"


# --- MIA's own account pages -------------------------------------------------------------------


def invitation(**fields) -> dict:
    return {"email": "invitee@test.mia", "first_name": "Elena", "last_name": "Marin", **fields}


def test_administrator_invites_only_into_their_own_organisation(
    login_as, association, other_association
):
    response = login_as("administrator").post(
        reverse("team_invite"),
        invitation(role=Role.SOCIAL_WORKER, organisation=other_association.pk),
    )

    assert response.status_code == 302
    assert User.objects.get(email="invitee@test.mia").organisation_id == association.pk


def test_administrator_cannot_invite_a_partner_account(login_as, partner):
    """A partner account would open what every association shared with that partner."""
    response = login_as("administrator").post(
        reverse("team_invite"), invitation(role=Role.PARTNER, organisation=partner.organisation_id)
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="invitee@test.mia").exists()


def test_team_list_of_an_administrator_shows_their_organisation_only(
    login_as, referent, outsider, partner
):
    response = login_as("administrator").get(reverse("team_list"))

    emails = {user.email for user in response.context["users"]}
    assert referent.email in emails
    assert {outsider.email, partner.email}.isdisjoint(emails)


def test_instance_superuser_invites_into_any_organisation(login_as, superuser, partner):
    response = login_as("superuser").post(
        reverse("team_invite"), invitation(role=Role.PARTNER, organisation=partner.organisation_id)
    )

    assert response.status_code == 302
    invited = User.objects.get(email="invitee@test.mia")
    assert (invited.organisation_id, invited.role) == (partner.organisation_id, Role.PARTNER)


def test_coordinator_still_invites_only_field_workers(login_as):
    """The coordinator's own limit, unchanged: their team, not managers nor administrators."""
    response = login_as("coordinator").post(reverse("team_invite"), invitation(role=Role.MANAGER))

    assert response.status_code == 200
    assert not User.objects.filter(email="invitee@test.mia").exists()


def test_dates_of_an_account_are_not_editable(login_as, referent):
    joined = referent.date_joined

    post_back(
        login_as("administrator"),
        referent,
        date_joined_0="01/01/2000",
        date_joined_1="00:00:00",
    )

    referent.refresh_from_db()
    assert referent.date_joined == joined
    assert joined.date() != datetime.date(2000, 1, 1)
