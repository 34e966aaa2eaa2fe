"""Small things that cost little and show care (issue 9): the login page after an expired
session, French plurals, no space before a comma, "Famille Kostov" not "Ménage Famille Kostov",
distinct names for the search forms of one page."""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import Household, SitePopulation
from mia.sessions import EXPIRED_COOKIE, SEEN_AT
from tests.beneficiaries.factories import HouseholdFactory

EXPIRED_TEXT = "Votre session a expiré. Ce que vous étiez en train de saisir est conservé"


def _expire(client):
    session = client.session
    session[SEEN_AT] = int(time.time()) - settings.MIA_SESSION_IDLE_SECONDS - 1
    session.save()


def test_login_after_an_idle_timeout_says_the_input_is_kept(login_as):
    client = login_as("referent")
    _expire(client)

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert EXPIRED_TEXT in response.content.decode()
    assert client.cookies[EXPIRED_COOKIE].value == "1"


def test_login_page_says_nothing_of_a_session_otherwise(client):
    response = client.get(reverse("account_login"))

    assert EXPIRED_TEXT not in response.content.decode()


def test_the_flag_is_dropped_once_signed_in_again(login_as):
    client = login_as("referent")
    client.cookies[EXPIRED_COOKIE] = "1"

    client.get(reverse("home"))

    assert client.cookies[EXPIRED_COOKIE].value == ""


@pytest.mark.parametrize(("name", "heading"), [
    ("Famille Kostov", "Famille Kostov"),
    ("famille Ionescu", "famille Ionescu"),
    ("Ménage Popa", "Ménage Popa"),
    ("Kostov", "Ménage Kostov"),
])  # fmt: skip
def test_household_heading_does_not_say_menage_twice(login_as, referent, name, heading):
    household = services.household_create(by=referent, household=HouseholdFactory.build(name=name))

    html = (
        login_as("referent")
        .get(reverse("beneficiaries:household_detail", args=[household.pk]))
        .content.decode()
    )

    assert re.search(r"<h1>\s*(.*?)\s*</h1>", html).group(1) == heading
    assert "Ménage Famille" not in html


def test_two_search_forms_of_one_page_have_distinct_names(login_as):
    html = login_as("referent").get(reverse("beneficiaries:person_list")).content.decode()

    forms = re.findall(r"<form[^>]*role=\"search\"[^>]*>", html)
    names = [re.search(r'aria-label="([^"]+)"', form).group(1) for form in forms]
    assert len(forms) == 2
    assert len(set(names)) == 2


def test_population_estimate_reads_without_space_before_comma(login_as, referent, household):
    site = household.site
    SitePopulation.objects.create(
        site=site, observed_on=datetime.date(2026, 5, 1), people=1, households=1
    )
    SitePopulation.objects.create(
        site=site, observed_on=datetime.date(2026, 6, 1), people=12, households=4
    )

    html = (
        login_as("referent")
        .get(reverse("beneficiaries:site_detail", args=[site.pk]))
        .content.decode()
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

    assert "01/05/2026 : 1 personne, 1 ménage" in text
    assert "01/06/2026 : 12 personnes, 4 ménages" in text
    assert " ," not in text


def test_no_typo_sur_un_dossiers():
    templates = settings.BASE_DIR / "templates"
    for path in templates.rglob("*.html"):
        assert "un dossiers" not in path.read_text(), path


def test_zero_reads_singular(login_as):
    html = (
        login_as("referent")
        .post(reverse("beneficiaries:person_list"), {"q": "Zzyzx"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert "0 personne\n" in html or "0 personne<" in html


def test_one_reads_singular(login_as, referent):
    from tests.beneficiaries.factories import PersonFactory

    household = services.household_create(by=referent, household=HouseholdFactory.build())
    services.person_create(
        by=referent, person=PersonFactory.build(household=household, last_name="Zzyzx")
    )
    html = (
        login_as("referent")
        .post(reverse("beneficiaries:person_list"), {"q": "Zzyzx"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert re.search(r"\b1 personne\b", html) and "1 personnes" not in html


def test_household_heading_property():
    assert Household(name="Famille Kostov").heading == "Famille Kostov"
    assert Household(name="Kostov").heading == "Ménage Kostov"
