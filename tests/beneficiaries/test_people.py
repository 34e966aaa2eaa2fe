import datetime

import pytest
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import Household, Person, ReferentAssignment
from tests.beneficiaries.factories import PersonFactory


@pytest.mark.parametrize(
    "query", ["stefan", "Ștefan", "Ştefan", "STEFAN", "ștefan ionescu", "Стефан", "ionescu"]
)
def test_search_finds_every_spelling(login_as, person, query):
    cedilla = PersonFactory(
        organisation=person.organisation,
        first_name="Ştefan",
        last_name="Ionescu",
        other_names="Стефан",
    )

    response = login_as("colleague").get(reverse("beneficiaries:person_list"), {"q": query})

    found = {p.pk for p in response.context["page"].object_list}
    assert {person.pk, cedilla.pk} <= found


def test_search_excludes_other_names(login_as, person):
    PersonFactory(organisation=person.organisation, first_name="Maria", last_name="Popescu")

    response = login_as("colleague").get(reverse("beneficiaries:person_list"), {"q": "popescu"})

    assert [p.last_name for p in response.context["page"].object_list] == ["Popescu"]


def test_htmx_search_returns_only_the_results(login_as, person):
    response = login_as("colleague").get(
        reverse("beneficiaries:person_list"), {"q": "stef"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "Ionescu" in html
    assert "<html" not in html


def test_filters_by_status_and_referent(login_as, person, colleague):
    exited = PersonFactory(
        organisation=person.organisation,
        last_name="Dimitrov",
        exited_on=datetime.date(2026, 1, 5),
        exit_reason="returned",
    )
    services.referent_assign(person=exited, referent=colleague, by=colleague)
    client = login_as("coordinator")
    url = reverse("beneficiaries:person_list")

    exited_page = client.get(url, {"status": "exited"}).context["page"]
    colleague_page = client.get(url, {"referent": colleague.pk}).context["page"]

    assert [p.pk for p in exited_page.object_list] == [exited.pk]
    assert [p.pk for p in colleague_page.object_list] == [exited.pk]


def test_social_worker_opening_a_file_becomes_its_referent(login_as, referent, site):
    response = login_as("referent").post(
        reverse("beneficiaries:person_create"),
        {
            "first_name": "Ana",
            "last_name": "Munteanu",
            "sex": "F",
            "birth_year": "1994",
            "nationality": "eu",
            "languages": ["ro", "rom"],
            "relationship": "head",
            "entered_on": "2026-11-02",
            "site": site.pk,
        },
    )

    person = Person.objects.get(last_name="Munteanu")
    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person_detail", args=[person.pk])
    assert person.referent == referent
    assert person.organisation == referent.organisation
    assert person.languages == ["ro", "rom"]
    assert person.household.site == site
    assert person.household.stays.get().site == site
    assert ReferentAssignment.objects.get(person=person).started_on == datetime.date(2026, 11, 2)


def test_adding_a_member_to_a_household(login_as, household):
    login_as("referent").post(
        reverse("beneficiaries:person_create") + f"?menage={household.pk}",
        {
            "first_name": "Ioana",
            "last_name": "Ionescu",
            "sex": "F",
            "birth_date": "2015-04-03",
            "nationality": "eu",
            "relationship": "child",
            "entered_on": "2026-11-02",
        },
    )

    child = Person.objects.get(first_name="Ioana")
    assert child.household == household
    assert child.birth_year == 2015
    assert Household.objects.count() == 1


def test_bad_input_is_shown_back_in_french_and_nothing_is_saved(login_as, person):
    response = login_as("referent").post(
        reverse("beneficiaries:person_edit", args=[person.pk]),
        {
            "first_name": "Ștefan",
            "last_name": "",
            "sex": "M",
            "birth_date": "2099-01-01",
            "birth_year": "1850",
            "nationality": "eu",
            "entered_on": "2025-03-01",
            "version": person.version,
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce champ est obligatoire." in html
    assert "La date de naissance est dans le futur." in html
    assert "Année de naissance invraisemblable." in html
    assert 'value="Ștefan"' in html
    person.refresh_from_db()
    assert person.last_name == "Ionescu"


def test_coordinator_changes_the_referent_and_history_is_kept(login_as, person, colleague):
    client = login_as("coordinator")
    data = {
        "first_name": "Ștefan",
        "last_name": "Ionescu",
        "other_names": "Stefan Ionesco",
        "sex": "M",
        "nationality": "eu",
        "entered_on": "2025-03-01",
        "referent": colleague.pk,
        "version": person.version,
    }

    response = client.post(reverse("beneficiaries:person_edit", args=[person.pk]), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.referent == colleague
    assert person.search_text == "stefan ionescu | stefan ionesco"
    history = list(person.assignments.order_by("started_on", "pk"))
    assert [a.referent for a in history] == [history[0].referent, colleague]
    assert history[0].ended_on is not None
    assert history[1].ended_on is None


def test_colleague_cannot_edit_a_file_outside_their_caseload(login_as, person):
    response = login_as("colleague").post(
        reverse("beneficiaries:person_edit", args=[person.pk]),
        {"first_name": "X", "last_name": "Y", "sex": "M", "nationality": "eu"},
    )

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.first_name == "Ștefan"


def test_moving_a_household_keeps_its_history(login_as, household, site):
    from tests.beneficiaries.factories import SiteFactory

    new_site = SiteFactory(organisation=household.organisation, name="Squat de la Gare")

    login_as("referent").post(
        reverse("beneficiaries:household_edit", args=[household.pk]),
        {"name": household.name, "site": new_site.pk, "version": household.version},
    )

    household.refresh_from_db()
    assert household.site == new_site
    stays = list(household.stays.order_by("pk"))
    assert [s.site for s in stays] == [site, new_site]
    assert stays[0].ended_on is not None and stays[1].ended_on is None


def test_household_create_rejects_another_association_site(login_as, other_association):
    from tests.beneficiaries.factories import SiteFactory

    foreign = SiteFactory(organisation=other_association)

    response = login_as("referent").post(
        reverse("beneficiaries:household_create"), {"name": "Famille Z", "site": foreign.pk}
    )

    assert response.status_code == 200
    assert not Household.objects.filter(name="Famille Z").exists()


def test_filter_by_site_marks_the_chosen_option(login_as, person, site):
    response = login_as("colleague").get(reverse("beneficiaries:person_list"), {"site": site.pk})

    assert [p.pk for p in response.context["page"].object_list] == [person.pk]
    assert f'<option value="{site.pk}" selected>{site.name}</option>' in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"site": "abc"}, {"referent": "999999"}, {"status": "x"}, {"page": "zz"}]
)
def test_nonsense_filters_answer_a_page_not_an_error(login_as, person, params):
    response = login_as("colleague").get(reverse("beneficiaries:person_list"), params)

    assert response.status_code == 200


def test_a_search_keeps_the_typed_name_out_of_every_url(login_as, person, site):
    client = login_as("colleague")

    response = client.post(
        reverse("beneficiaries:person_list"), {"q": "Ștefan", "site": site.pk}, follow=True
    )

    url = response.redirect_chain[-1][0]
    assert "tefan" not in url.lower()
    assert f"site={site.pk}" in url
    assert [p.pk for p in response.context["page"].object_list] == [person.pk]
    assert response.context["filter"].form["q"].value() == "Ștefan"
    # The same URL opened again (back button, pagination) finds the same people.
    again = client.get(url)
    assert [p.pk for p in again.context["page"].object_list] == [person.pk]


def test_live_search_pushes_a_url_without_the_name(login_as, person):
    response = login_as("colleague").post(
        reverse("beneficiaries:person_list"), {"q": "stefan"}, headers={"HX-Request": "true"}
    )

    assert "Ionescu" in response.content.decode()
    assert "stefan" not in response["HX-Push-Url"]
    assert "r=" in response["HX-Push-Url"]


def test_a_search_key_only_works_in_the_session_that_made_it(login_as, client, person, colleague):
    url = (
        login_as("colleague")
        .post(reverse("beneficiaries:person_list"), {"q": "zzz-nobody"}, follow=True)
        .redirect_chain[-1][0]
    )
    client.logout()
    client.force_login(colleague)

    response = client.get(url)

    assert response.context["filter"].form["q"].value() in ("", None)
