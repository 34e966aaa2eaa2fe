"""Temporary covers (issue 9): a coordinator sets who sees an absent referent's week, until a
date; the colleague is told in MIA; the cover ends at once when the referent is back."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment import covers
from accompaniment.models import Cover, Notice, NoticeKind
from tests.mia.factories import UserFactory

COVERS = reverse("accompaniment:covers")
TODAY = timezone.localdate()
IN_A_WEEK = TODAY + datetime.timedelta(days=7)


def _form(absent, covering, *, starts_on=TODAY, ends_on=IN_A_WEEK) -> dict:
    return {
        "absent": absent.pk,
        "covering": covering.pk,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
    }


EXPECTED = {
    "anonymous": 302,
    "referent": 403,
    "colleague": 403,
    "coordinator": 200,
    "manager": 403,
    "administrator": 403,
    "partner": 403,
    "partner_without_share": 403,
    "outsider": 403,
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_covers_page_per_persona(login_as, referent, colleague, persona, expected):
    client = login_as(persona)

    assert client.get(COVERS).status_code == expected
    response = client.post(COVERS, _form(referent, colleague))

    assert response.status_code == (302 if expected == 200 else expected)
    assert Cover.objects.exists() == (expected == 200)


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_ending_a_cover_per_persona(login_as, referent, colleague, persona, expected):
    cover = Cover.objects.create(
        organisation=referent.organisation,
        absent=referent,
        covering=colleague,
        starts_on=TODAY - datetime.timedelta(days=3),
        ends_on=IN_A_WEEK,
    )
    url = reverse("accompaniment:cover_end", args=[cover.pk])
    client = login_as(persona)

    response = client.post(url)

    refused = 302 if persona == "anonymous" else 404
    assert response.status_code == (302 if expected == 200 else refused)
    cover.refresh_from_db()
    assert cover.ends_on == (TODAY - datetime.timedelta(days=1) if expected == 200 else IN_A_WEEK)
    if expected == 200:
        assert client.get(url).status_code == 405


def test_a_cover_is_listed_shown_to_the_colleague_and_notified(
    login_as, referent, colleague, coordinator
):
    referent.first_name, referent.last_name = "Alice", "Martin"
    referent.save()
    client = login_as("coordinator")

    response = client.post(COVERS, _form(referent, colleague), follow=True)

    page = response.content.decode()
    assert f"voit la semaine de Alice Martin jusqu&#x27;au {IN_A_WEEK:%d/%m/%Y} inclus" in page
    assert "1 remplacement en cours ou à venir" in page
    cover = Cover.objects.get()
    assert (cover.absent, cover.covering, cover.created_by) == (referent, colleague, coordinator)
    assert list(covers.covered_by(colleague, TODAY)) == [referent]
    notice = Notice.objects.get(user=colleague)
    assert (notice.kind, notice.url) == (NoticeKind.COVER, reverse("home"))
    client.force_login(colleague)
    notices_page = client.get(reverse("accompaniment:notices")).content.decode()
    assert f"Vous remplacez Alice Martin du {TODAY.day}" in notices_page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"covering": "absent"}, "covering", "Choisissez une autre personne que l'absent·e."),
        (
            {
                "starts_on": TODAY - datetime.timedelta(days=9),
                "ends_on": TODAY - datetime.timedelta(days=1),
            },
            "ends_on",
            "La date de retour est déjà passée.",
        ),
        (
            {"starts_on": IN_A_WEEK, "ends_on": TODAY + datetime.timedelta(days=1)},
            "ends_on",
            "La fin ne peut précéder le début.",
        ),
        ({"ends_on": ""}, "ends_on", "Indiquez la date de retour prévue."),
        ({"covering": "manager"}, "covering", "Choisissez un·e travailleur·se social·e"),
        ({"covering": "outsider"}, "covering", "Choisissez un·e travailleur·se social·e"),
    ],
)
def test_a_cover_is_checked(
    login_as, referent, colleague, manager, outsider, change, field, message
):
    people = {"absent": referent, "manager": manager, "outsider": outsider}
    data = _form(referent, colleague)
    for name, value in change.items():
        if value in people:
            value = people[value].pk
        data[name] = value.isoformat() if isinstance(value, datetime.date) else value

    response = login_as("coordinator").post(COVERS, data)

    assert response.status_code == 200
    assert any(error.startswith(message) for error in response.context["form"].errors[field])
    assert not Cover.objects.exists() and not Notice.objects.exists()


def test_the_same_cover_twice_is_refused(login_as, referent, colleague):
    client = login_as("coordinator")
    client.post(COVERS, _form(referent, colleague))

    response = client.post(COVERS, _form(referent, colleague, starts_on=IN_A_WEEK))

    assert "couvre déjà tout ou partie de ces dates" in response.content.decode()
    assert Cover.objects.count() == 1


def test_a_future_cover_is_deleted_and_past_ones_are_not_listed(
    login_as, association, referent, colleague
):
    future = Cover.objects.create(
        organisation=association,
        absent=referent,
        covering=colleague,
        starts_on=IN_A_WEEK,
        ends_on=IN_A_WEEK,
    )
    Cover.objects.create(
        organisation=association,
        absent=colleague,
        covering=referent,
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY - datetime.timedelta(days=20),
    )
    client = login_as("coordinator")
    assert client.get(COVERS).context["covers"] == [future]

    client.post(reverse("accompaniment:cover_end", args=[future.pk]))

    assert not Cover.objects.filter(pk=future.pk).exists()
    assert list(covers.covered_by(colleague, IN_A_WEEK)) == []


def test_another_organisation_s_cover_is_not_found(client, other_association, referent, colleague):
    cover = Cover.objects.create(
        organisation=referent.organisation, absent=referent, covering=colleague, ends_on=IN_A_WEEK
    )
    client.force_login(UserFactory(organisation=other_association, role="coordinator"))

    assert client.post(reverse("accompaniment:cover_end", args=[cover.pk])).status_code == 404
    assert Cover.objects.filter(pk=cover.pk).exists()


def test_the_board_links_coordinators_to_the_covers(login_as):
    assert (
        f'href="{COVERS}"'
        in login_as("coordinator").get(reverse("accompaniment:board")).content.decode()
    )
    assert (
        f'href="{COVERS}"'
        not in login_as("manager").get(reverse("accompaniment:board")).content.decode()
    )
