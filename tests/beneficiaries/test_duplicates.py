"""Likely duplicates: found whatever the spelling, never across organisations, and the creation
form asks before opening a second file for someone who already has one."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from beneficiaries import services
from beneficiaries.duplicates import likely_duplicates
from beneficiaries.models import Person, Sex
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.conftest import PERSONAS
from tests.mia.factories import PASSWORD


def _open(by, **fields) -> Person:
    household = services.household_create(by=by, household=HouseholdFactory.build())
    fields = {"sex": Sex.MALE, "birth_year": None, **fields}
    return services.person_create(by=by, person=PersonFactory.build(household=household, **fields))


@pytest.fixture
def shterev(referent):
    return _open(referent, first_name="Ștefan", last_name="Shterev", birth_year=1987)


def _find(user, first_name, last_name, **described):
    return likely_duplicates(
        queryset=Person.objects.visible_to(user),
        first_name=first_name,
        last_name=last_name,
        **described,
    )


@pytest.mark.parametrize(
    ("first_name", "last_name", "reason"),
    [
        ("Ștefan", "Shterev", "même nom et prénom"),
        ("Ştefan", "Shterev", "même nom aux accents près"),  # cedilla, not comma
        ("stefan", "SHTEREV", "même nom aux accents près"),
        ("Стефан", "Щерев", "même nom translittéré"),  # Cyrillic
        ("Stefan", "Sterev", "même nom translittéré"),
        ("Stefan", "Schterew", "même nom translittéré"),
        ("Shterev", "Stefan", "prénom et nom inversés"),
        ("Щерев", "Стефан", "prénom et nom inversés"),
    ],
)
def test_every_spelling_of_a_name_finds_the_file(
    coordinator, shterev, first_name, last_name, reason
):
    candidates = _find(coordinator, first_name, last_name, birth_year=1987)

    assert [candidate.person for candidate in candidates] == [shterev]
    assert reason in candidates[0].reasons
    assert "même année de naissance" in candidates[0].reasons
    assert candidates[0].strong


def test_a_full_date_matches_a_file_with_the_year_only(coordinator, shterev):
    [candidate] = _find(coordinator, "Stefan", "Shterev", birth_date=datetime.date(1987, 5, 3))

    assert candidate.person == shterev
    assert "même année de naissance" in candidate.reasons


def test_a_recorded_other_spelling_is_matched(coordinator, referent):
    person = _open(referent, first_name="Maria", last_name="Dimitrova", other_names="Мария Петрова")

    [candidate] = _find(coordinator, "Maria", "Petrova")

    assert candidate.person == person
    assert "selon une autre graphie enregistrée" in candidate.reasons


def test_relatives_and_namesakes_are_not_duplicates(coordinator, referent, shterev):
    _open(referent, first_name="Maria", last_name="Shterev", birth_year=1987)  # his sister
    _open(referent, first_name="Stefan", last_name="Popescu", birth_year=1987)
    _open(referent, first_name="Ion", last_name="Shterev", birth_year=1987)

    assert _find(coordinator, "Ina", "Shterev", birth_year=1987) == []
    # His father, named alike, born 30 years before: not shown at all.
    assert _find(coordinator, "Stefan", "Shterev", birth_year=1957) == []


def test_a_different_sex_or_a_year_apart_lowers_the_score(coordinator, shterev):
    [same] = _find(coordinator, "Stefan", "Shterev", birth_year=1987, sex=Sex.MALE)
    [other_sex] = _find(coordinator, "Stefan", "Shterev", birth_year=1987, sex=Sex.FEMALE)
    [year_apart] = _find(coordinator, "Stefan", "Shterev", birth_year=1988, sex=Sex.MALE)
    [unknown] = _find(coordinator, "Stefan", "Shterev")

    assert same.score > year_apart.score > unknown.score
    assert same.score > other_sex.score
    assert "sexe différent" in other_sex.reasons
    assert "année de naissance à un an près" in year_apart.reasons
    assert unknown.strong  # the same name, nothing against it: worth a check


def test_best_candidates_first(coordinator, referent):
    namesake = _open(referent, first_name="Ion", last_name="Radu", birth_year=None)
    same_year = _open(referent, first_name="Ion", last_name="Radu", birth_year=1990)

    candidates = _find(coordinator, "Ion", "Radu", birth_year=1990)

    assert [candidate.person for candidate in candidates] == [same_year, namesake]


def test_a_typo_is_found_on_postgresql_only(coordinator, shterev):
    """Typos need trigram similarity, which only PostgreSQL indexes; SQLite (laptops) matches
    spellings and transliterations only."""
    candidates = _find(coordinator, "Stefan", "Shterve", birth_year=1987)

    if connection.vendor == "postgresql":
        assert [candidate.person for candidate in candidates] == [shterev]
        assert "nom proche (faute de frappe ?)" in candidates[0].reasons
    else:
        assert candidates == []


def test_other_organisations_never_appear(outsider, coordinator, shterev):
    assert _find(outsider, "Stefan", "Shterev", birth_year=1987) == []
    mine = _open(outsider, first_name="Stefan", last_name="Shterev", birth_year=1987)

    assert [c.person for c in _find(outsider, "Stefan", "Shterev")] == [mine]
    assert [c.person for c in _find(coordinator, "Stefan", "Shterev")] == [shterev]


def test_nothing_is_searched_without_both_names(coordinator, shterev):
    assert _find(coordinator, "", "Shterev", birth_year=1987) == []
    assert _find(coordinator, "Stefan", "  ", birth_year=1987) == []


# --- The panel of the creation form -------------------------------------------------------------

DUPLICATES = reverse("beneficiaries:duplicates")

EXPECTED = {
    "anonymous": 302,
    "referent": 200,
    "colleague": 200,
    "coordinator": 200,
    "manager": 403,
    "administrator": 403,
    "partner": 403,
    "partner_without_share": 403,
    "outsider": 200,  # answers, with nothing of the other association (below)
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_panel_access(login_as, shterev, persona):
    response = login_as(persona).post(DUPLICATES, {"first_name": "Stefan", "last_name": "Shterev"})

    assert response.status_code == EXPECTED[persona]
    shown = f'href="/personnes/{shterev.pk}/"' in response.content.decode()
    assert shown == (persona in {"referent", "colleague", "coordinator"})


def test_panel_answers_post_only_so_names_stay_out_of_urls(login_as, shterev):
    response = login_as("referent").get(DUPLICATES, {"first_name": "Stefan"})

    assert response.status_code == 405


def test_panel_lists_candidates_with_links_and_asks_to_confirm(login_as, shterev):
    response = login_as("colleague").post(
        DUPLICATES,
        {"first_name": "Стефан", "last_name": "Щерев", "birth_year": "1987", "sex": "M"},
    )

    html = response.content.decode()
    assert f'href="/personnes/{shterev.pk}/"' in html
    assert "même nom translittéré" in html
    assert "Je confirme qu'il ne s'agit d'aucune de ces personnes" in html


def test_panel_is_empty_for_a_new_name_and_bad_input(login_as, shterev):
    client = login_as("referent")

    response = client.post(DUPLICATES, {"first_name": "Elena", "last_name": "Vasile"})
    assert response.content.strip() == b""
    response = client.post(
        DUPLICATES,
        {"first_name": "Stefan", "last_name": "Shterev", "birth_year": "abc", "birth_date": "x"},
    )
    assert response.status_code == 200
    assert f'href="/personnes/{shterev.pk}/"' in response.content.decode()


def test_creation_form_posts_the_names_to_the_panel(login_as):
    html = login_as("referent").get(reverse("beneficiaries:person_create")).content.decode()

    assert f'hx-post="{DUPLICATES}"' in html
    assert "hx-get" not in html
    assert "input changed delay:400ms from:#id_last_name" in html


@pytest.mark.parametrize("size", [3, 30])
def test_panel_query_budget(login_as, referent, size, django_assert_num_queries):
    for index in range(size):
        _open(referent, first_name="Ion", last_name="Radu", birth_year=1950 + index % 3)
    client = login_as("referent")

    # Session, user, then one query for the candidates with household, site and referent;
    # one audit entry naming the candidates shown (mia.audit.record_list).
    with django_assert_num_queries(4):
        response = client.post(
            DUPLICATES, {"first_name": "Ion", "last_name": "Radu", "birth_year": "1951"}
        )
    # Namesakes all born within a year of 1951: the panel lists the 8 likeliest.
    assert response.content.decode().count('class="badge strong"') == min(size, 8)


# --- Creating a person -------------------------------------------------------------------------

CREATE = reverse("beneficiaries:person_create")


def _form(**fields):
    return {
        "first_name": "Стефан",
        "last_name": "Щерев",
        "sex": "M",
        "birth_year": "1987",
        "nationality": "eu",
        "entered_on": "2026-06-01",
        **fields,
    }


def test_creation_asks_for_confirmation_and_keeps_the_input(login_as, shterev):
    client = login_as("referent")
    before = Person.objects.count()

    response = client.post(CREATE, _form(phone="06 12 34 56 78"))

    assert response.status_code == 200
    assert Person.objects.count() == before
    html = response.content.decode()
    assert "Rien n'est enregistré pour l'instant" in html
    assert f'href="/personnes/{shterev.pk}/"' in html
    assert 'value="Стефан"' in html
    assert 'value="06 12 34 56 78"' in html
    assert 'name="confirm_not_duplicate"' in html


def test_creation_goes_ahead_once_confirmed(login_as, shterev):
    client = login_as("referent")

    response = client.post(CREATE, _form(confirm_not_duplicate="on"))

    created = Person.objects.get(first_name="Стефан")
    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person_detail", args=[created.pk])


def test_creation_needs_no_confirmation_without_strong_candidates(login_as, shterev):
    client = login_as("referent")

    # Same name, born thirty years earlier: a namesake, not asked about.
    response = client.post(CREATE, _form(birth_year="1957"))

    assert response.status_code == 302
    assert Person.objects.filter(first_name="Стефан").exists()


def test_creation_in_another_association_ignores_our_files(login_as, shterev):
    response = login_as("outsider").post(CREATE, _form())

    assert response.status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_social_worker_is_warned_while_typing_on_a_phone(live_server, phone, referent, colleague):  # noqa: F811
    existing = _open(colleague, first_name="Ștefan", last_name="Shterev", birth_year=1987)
    requests = []
    phone.on("request", lambda request: requests.append((request.method, request.url)))
    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(f"{live_server.url}{CREATE}")

    phone.get_by_label("Prénom").fill("Стефан")
    phone.locator("#id_last_name").fill("Щерев")

    panel = phone.locator("#doublons")
    link = panel.get_by_role("link", name="Ștefan Shterev")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", f"/personnes/{existing.pk}/")
    panel_calls = [(method, url) for method, url in requests if DUPLICATES in url]
    assert panel_calls and all(method == "POST" for method, _ in panel_calls)
    assert not any("%D0" in url or "Stefan" in url for _, url in requests)  # no name in a URL
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_role("alert")).to_contain_text("Rien n'est enregistré")
    expect(phone.get_by_label("Prénom")).to_have_value("Стефан")
    phone.get_by_label("Je confirme qu'il ne s'agit d'aucune de ces personnes").check()
    phone.get_by_role("button", name="Enregistrer").click()

    expect(phone.get_by_role("heading", name="Identité et contact")).to_be_visible()
    assert Person.objects.filter(first_name="Стефан").count() == 1
