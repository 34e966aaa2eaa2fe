"""The reference list of procedures in the admin (accompaniment/admin.py): an association's
administrator edits their organisation's own types and reads the defaults; only the
instance's superuser edits the defaults."""

import pytest
from django.urls import reverse

from accompaniment.models import ProcedureType
from mia.models import User
from tests.accompaniment.factories_pathways import default_type
from tests.mia.factories import PASSWORD


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="instance@test.mia", password=PASSWORD)


def change_url(procedure_type) -> str:
    return reverse("admin:accompaniment_proceduretype_change", args=[procedure_type.pk])


def data(**changes) -> dict:
    return {
        "code": "ame",
        "name": "AME (notre version)",
        "category": "health",
        "validity_months": "12",
        "renew_before_days": "75",
        "guidance": "",
        "essential": "on",
        "position": "30",
        "active": "on",
        **changes,
    }


def test_the_administrator_reads_the_defaults_without_changing_them(login_as, association):
    client = login_as("administrator")
    ame = default_type("ame")

    listing = client.get(reverse("admin:accompaniment_proceduretype_changelist"))
    page = client.get(change_url(ame))
    posted = client.post(change_url(ame), data(name="Autre nom"))

    assert ame in listing.context["cl"].result_list
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode(), "read-only"
    assert posted.status_code == 403
    ame.refresh_from_db()
    assert ame.name == "Aide médicale de l'État (AME)"
    deleted = client.post(
        reverse("admin:accompaniment_proceduretype_delete", args=[ame.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert ProcedureType.objects.filter(pk=ame.pk).exists()


def test_the_administrator_replaces_a_default_for_their_organisation(login_as, association):
    client = login_as("administrator")

    response = client.post(reverse("admin:accompaniment_proceduretype_add"), data())

    assert response.status_code == 302
    own = ProcedureType.objects.get(organisation=association, code="ame")
    assert own.renew_before_days == 75
    used = ProcedureType.objects.for_organisation(association.pk).filter(code="ame")
    assert list(used) == [own]

    edited = client.post(change_url(own), data(name="AME", renew_before_days="60"))
    assert edited.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.renew_before_days) == ("AME", 60)


def test_one_code_per_organisation(login_as, association):
    client = login_as("administrator")
    client.post(reverse("admin:accompaniment_proceduretype_add"), data())

    again = client.post(reverse("admin:accompaniment_proceduretype_add"), data(name="Doublon"))

    assert again.status_code == 200
    assert "déjà un type de démarche avec ce code" in again.content.decode()
    assert ProcedureType.objects.filter(organisation=association, code="ame").count() == 1


def test_the_organisation_cannot_be_forged(login_as, association, other_association):
    client = login_as("administrator")
    client.post(
        reverse("admin:accompaniment_proceduretype_add"),
        data(code="ccas", name="CCAS", organisation=other_association.pk),
    )
    assert ProcedureType.objects.get(code="ccas").organisation == association


def test_another_organisations_types_are_not_shown(login_as, other_association):
    theirs = ProcedureType.objects.create(
        organisation=other_association, code="x", name="X", category="other"
    )
    client = login_as("administrator")
    listing = client.get(reverse("admin:accompaniment_proceduretype_changelist"))
    assert theirs not in listing.context["cl"].result_list
    assert client.get(change_url(theirs)).status_code == 302  # "does not exist"


def test_only_the_superuser_edits_the_defaults(client, superuser):
    client.force_login(superuser)
    ame = default_type("ame")

    response = client.post(
        change_url(ame), data(name="Aide médicale de l'État", renew_before_days="61")
    )

    assert response.status_code == 302
    ame.refresh_from_db()
    assert (ame.name, ame.renew_before_days, ame.organisation) == (
        "Aide médicale de l'État",
        61,
        None,
    )


@pytest.mark.parametrize("persona", ["referent", "coordinator", "manager", "partner"])
def test_no_one_else_opens_it(login_as, persona):
    response = login_as(persona).get(reverse("admin:accompaniment_proceduretype_changelist"))
    assert response.status_code in {302, 403}
