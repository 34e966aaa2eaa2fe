"""Exits from the programme, with their reason, and returns: every period is kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import Enrolment, ExitReason, Person

TODAY = timezone.localdate()


def exit_url(person) -> str:
    return reverse("accompaniment:person_exit", args=[person.pk])


def reenter_url(person) -> str:
    return reverse("accompaniment:person_reenter", args=[person.pk])


# The referent and coordinators edit the file; others who see it get 403, the rest 404.
EXPECTED = {
    "anonymous": 302,
    "referent": 200,
    "colleague": 403,
    "coordinator": 200,
    "manager": 403,
    "administrator": 403,
    "partner": 404,
    "partner_without_share": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_exit_access(login_as, person, persona, expected):
    client = login_as(persona)

    assert client.get(exit_url(person)).status_code == expected
    response = client.post(exit_url(person), {"date": TODAY, "reason": ExitReason.LOST_CONTACT})

    assert response.status_code == (302 if expected == 200 else expected)
    person.refresh_from_db()
    assert (person.exited_on == TODAY) == (expected == 200)


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_reenter_access(login_as, person, referent, persona, expected):
    services.person_exit(person=person, on=TODAY, reason=ExitReason.LOST_CONTACT, by=referent)
    client = login_as(persona)

    assert client.get(reenter_url(person)).status_code == expected
    response = client.post(reenter_url(person), {"date": TODAY})

    assert response.status_code == (302 if expected == 200 else expected)
    person.refresh_from_db()
    assert (person.exited_on is None) == (expected == 200)


def test_exit_then_return_keeps_both_periods(login_as, person):
    client = login_as("referent")
    left_on = TODAY - datetime.timedelta(days=30)

    client.post(exit_url(person), {"date": left_on, "reason": ExitReason.MOVED_AWAY})
    person.refresh_from_db()
    assert (person.exited_on, person.exit_reason) == (left_on, ExitReason.MOVED_AWAY)
    response = client.post(reenter_url(person), {"date": TODAY}, follow=True)

    assert "Le retour dans le programme est enregistré." in response.content.decode()
    person.refresh_from_db()
    assert person.exited_on is None and person.entered_on == TODAY
    assert Person.objects.active().filter(pk=person.pk).exists()
    periods = list(
        Enrolment.objects.filter(person=person)
        .order_by("entered_on")
        .values_list("exited_on", "exit_reason")
    )
    assert periods == [(left_on, ExitReason.MOVED_AWAY), (None, "")]
    # The person page lists both periods; the timeline shows the exit and both entries.
    page = response.content.decode()
    assert "Périodes d'accompagnement" in page
    assert f"sortie le {left_on:%d/%m/%Y} (Départ hors de la région)" in page
    timeline = client.get(reverse("beneficiaries:person_timeline", args=[person.pk]))
    text = timeline.content.decode()
    assert text.count("Entrée dans le programme") == 2
    assert "Sortie du programme : Départ hors de la région" in text


def test_exit_before_entry_is_refused_in_french(login_as, person):
    before = person.entered_on - datetime.timedelta(days=1)

    response = login_as("referent").post(
        exit_url(person), {"date": before, "reason": ExitReason.RETURNED}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        f"La sortie ne peut pas précéder l'entrée dans le programme (le "
        f"{person.entered_on:%d/%m/%Y})."
    ]
    # What was typed is shown back.
    assert f'value="{before.isoformat()}"' in response.content.decode()
    person.refresh_from_db()
    assert person.exited_on is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"date": TODAY + datetime.timedelta(days=1), "reason": ExitReason.OTHER},
            "date",
            "La date de sortie ne peut pas être dans le futur.",
        ),
        ({"date": "31/02/2026", "reason": ExitReason.OTHER}, "date", "Saisissez une date valide."),
        ({"date": TODAY}, "reason", "Ce champ est obligatoire."),
        (
            {"date": TODAY, "reason": "evicted"},
            "reason",
            "Sélectionnez un choix valide. evicted n’en fait pas partie.",
        ),
    ],
)
def test_bad_exit_input_is_refused(login_as, person, data, field, message):
    response = login_as("referent").post(exit_url(person), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]


def test_exit_of_someone_who_already_left_says_so(login_as, person, referent):
    left_on = TODAY - datetime.timedelta(days=3)
    services.person_exit(person=person, on=left_on, reason=ExitReason.DECEASED, by=referent)
    client = login_as("referent")

    response = client.post(
        exit_url(person), {"date": TODAY, "reason": ExitReason.OTHER}, follow=True
    )

    assert response.redirect_chain == [
        (reverse("beneficiaries:person_detail", args=[person.pk]), 302)
    ]
    assert (
        f"Cette personne est déjà sortie du programme (le {left_on:%d/%m/%Y})."
        in response.content.decode()
    )
    person.refresh_from_db()
    assert (person.exited_on, person.exit_reason) == (left_on, ExitReason.DECEASED)
    assert person.enrolments.count() == 1


def test_return_of_someone_still_followed_says_so(login_as, person):
    response = login_as("referent").post(reenter_url(person), {"date": TODAY}, follow=True)

    assert "Cette personne est déjà accompagnée dans le programme." in response.content.decode()
    assert person.enrolments.count() == 1


def test_return_before_the_last_exit_is_refused(login_as, person, referent):
    services.person_exit(person=person, on=TODAY, reason=ExitReason.LOST_CONTACT, by=referent)

    response = login_as("referent").post(
        reenter_url(person), {"date": TODAY - datetime.timedelta(days=1)}
    )

    assert response.context["form"].errors["date"] == [
        f"Le retour ne peut pas précéder la dernière sortie (le {TODAY:%d/%m/%Y})."
    ]
    assert person.enrolments.count() == 1


def test_person_page_offers_exit_or_return_to_those_who_edit(login_as, person, referent):
    url = reverse("beneficiaries:person_detail", args=[person.pk])
    assert exit_url(person) in login_as("referent").get(url).content.decode()

    services.person_exit(person=person, on=TODAY, reason=ExitReason.LOST_CONTACT, by=referent)

    page = login_as("referent").get(url).content.decode()
    assert reenter_url(person) in page and exit_url(person) not in page
