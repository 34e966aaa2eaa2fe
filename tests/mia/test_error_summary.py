"""A form sent back with errors opens on a summary of them, each a link to its field, and says
what is missing in the field's own words rather than "Ce champ est obligatoire."."""

import re

import pytest
from django.urls import reverse

from tests.accompaniment.factories import GoalFactory

SUMMARY = re.compile(r'<div class="messages error-summary"[^>]*>(.*?)</ul>', re.S)


def _summary(response) -> tuple[str, str]:
    html = response.content.decode()
    (summary,) = SUMMARY.findall(html)
    opening = html[html.index('<div class="messages error-summary"') :].split(">")[0]
    return opening, summary


def test_the_follow_up_form_lists_its_errors_with_links_in_its_words(login_as, person):
    response = login_as("referent").post(
        reverse("accompaniment:followup_create", args=[person.pk]),
        {"date": "", "place": "", "next_step": "Appeler la CAF"},
    )

    assert response.status_code == 200
    opening, summary = _summary(response)
    assert 'role="alert"' in opening and 'tabindex="-1"' in opening and "autofocus" in opening
    assert "Le formulaire contient 3 erreurs" in summary
    assert '<a href="#id_date">Date : Indiquez la date.</a>' in summary
    assert '<a href="#id_place">Lieu : Choisissez le lieu.</a>' in summary
    assert (
        '<a href="#id_next_step_due">Pour le : Indiquez pour quand est la prochaine étape.</a>'
    ) in summary
    html = response.content.decode()
    assert 'id="id_place"' in html and 'id="id_date"' in html, "each link leads somewhere"
    assert "Ce champ est obligatoire." not in html


def test_one_error_is_singular(login_as, person):
    response = login_as("referent").post(
        reverse("accompaniment:followup_create", args=[person.pk]), {"date": "2026-01-01"}
    )

    _opening, summary = _summary(response)
    assert "Le formulaire contient 1 erreur :" in summary


def test_a_stale_token_is_listed_without_a_link(login_as, person):
    response = login_as("referent").post(
        reverse("accompaniment:followup_create", args=[person.pk]),
        {"date": "2026-01-01", "place": "office", "token": "pas-un-uuid"},
    )

    _opening, summary = _summary(response)
    assert "Ce formulaire n&#x27;est plus valable : rechargez la page." in summary
    assert 'href="#id_token"' not in summary


def test_the_goal_form_names_what_is_missing(login_as, person):
    response = login_as("referent").post(
        reverse("accompaniment:goal_create", args=[person.pk]),
        {"title": "", "pathway": "", "status": ""},
    )

    _opening, summary = _summary(response)
    assert "Le formulaire contient 3 erreurs" in summary
    assert '<a href="#id_title">Objectif : Indiquez l&#x27;objectif.</a>' in summary
    assert '<a href="#id_pathway">Parcours : Choisissez le parcours.</a>' in summary
    assert "Choisissez l&#x27;état de l&#x27;objectif." in summary


def test_the_step_form_names_what_is_missing(login_as, person):
    goal = GoalFactory(person=person)

    response = login_as("referent").post(
        reverse("accompaniment:step_create", args=[goal.pk]), {"title": ""}
    )

    _opening, summary = _summary(response)
    assert '<a href="#id_title">Étape : Décrivez l&#x27;étape.</a>' in summary


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("beneficiaries:site_create", {"name": ""}),
        ("beneficiaries:household_create", {"name": ""}),
    ],
)
def test_every_form_of_the_shared_include_has_the_summary(login_as, url, data):
    response = login_as("referent").post(reverse(url), data)

    assert response.status_code == 200
    _opening, summary = _summary(response)
    assert "Le formulaire contient" in summary
    assert '<a href="#id_' in summary


def test_a_form_without_errors_has_no_summary(login_as, person):
    html = (
        login_as("referent")
        .get(reverse("accompaniment:followup_create", args=[person.pk]))
        .content.decode()
    )

    assert "error-summary" not in html
