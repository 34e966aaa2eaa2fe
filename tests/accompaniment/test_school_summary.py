"""Every child's schooling at a glance (issue 10, "the household page shows every child's
schooling at a glance"): the household page's block, a child's line on their own page, the
timeline's entries, and what they cost (one query, whatever the number of children)."""

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment import sources_school
from accompaniment.models import SchoolLevel
from beneficiaries import services
from beneficiaries.models import Commune
from beneficiaries.summary import SummaryQuery
from tests.accompaniment.factories_pathways import SchoolingFactory
from tests.beneficiaries.factories import PersonFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _born(years: int) -> datetime.date:
    return datetime.date(TODAY.year - years, 3, 1)


def _member(household, referent, **fields):
    return services.person_create(
        by=referent, person=PersonFactory.build(household=household, **fields)
    )


@pytest.fixture
def family(person, household, referent):
    """`person` (the father) with: Ana, 8, at the élémentaire with school mediation; Mihai,
    13, at the collège with an attendance concern; Ioana, 2, nothing recorded; Elena, 19, in an
    insertion scheme; Maria, the mother, an adult nobody schools."""
    montreuil = Commune.objects.get(insee="93048")
    ana = _member(household, referent, first_name="Ana", last_name="Ionescu", birth_date=_born(8))
    mihai = _member(household, referent, first_name="Mihai", last_name="Ionescu", birth_year=2013)
    ioana = _member(
        household, referent, first_name="Ioana", last_name="Ionescu", birth_date=_born(2)
    )
    elena = _member(
        household, referent, first_name="Elena", last_name="Ionescu", birth_date=_born(19)
    )
    maria = _member(
        household, referent, first_name="Maria", last_name="Ionescu", birth_date=_born(38)
    )
    # Ana's earlier schooling stays in the history, not in the summary.
    SchoolingFactory(
        person=ana, since=TODAY - 400 * DAY, level=SchoolLevel.MATERNELLE, school="Paul-Éluard"
    )
    SchoolingFactory(
        person=ana,
        since=TODAY - 60 * DAY,
        level=SchoolLevel.ELEMENTAIRE,
        school="École Jean-Jaurès",
        commune=montreuil,
        mediation=True,
        mediation_since=TODAY - 30 * DAY,
    )
    SchoolingFactory(
        person=mihai,
        since=TODAY - 90 * DAY,
        level=SchoolLevel.COLLEGE,
        school="Collège Politzer",
        attendance_concern=True,
    )
    SchoolingFactory(
        person=elena,
        since=TODAY - 20 * DAY,
        level=SchoolLevel.OTHER,
        school="E2C",
        enrolled_on=None,
    )
    return {"ana": ana, "mihai": mihai, "ioana": ioana, "elena": elena, "maria": maria}


def _blocks(response) -> dict:
    return {block.key: block for block in response.context["summary"].blocks}


def _household_page(client, household):
    response = client.get(reverse("beneficiaries:household_detail", args=[household.pk]))
    assert response.status_code == 200
    return response


def _person_page(client, person):
    response = client.get(reverse("beneficiaries:person_detail", args=[person.pk]))
    assert response.status_code == 200
    return response


def _schooling_url(person) -> str:
    return reverse("accompaniment:schooling", args=[person.pk])


# --- The household's page ----------------------------------------------------------------------


def test_the_household_page_shows_every_child_s_schooling(login_as, family, household):
    response = _household_page(login_as("referent"), household)

    block = _blocks(response)["schooling"]
    assert block.title == "Scolarité des enfants"
    assert block.count_label == "4 enfants"
    assert block.lead == "1 sans scolarité renseignée."
    rows = {row.text.split(" (")[0]: row for row in block.rows}
    # Eldest first, as the members are listed; the parents are not children.
    assert list(rows) == ["Elena Ionescu", "Mihai Ionescu", "Ana Ionescu", "Ioana Ionescu"]
    ana, mihai, ioana, elena = (
        rows[f"{name} Ionescu"] for name in ("Ana", "Mihai", "Ioana", "Elena")
    )
    assert ana.text == "Ana Ionescu (8 ans)"
    assert ana.meta == "Élémentaire — École Jean-Jaurès, Montreuil"
    assert ana.detail == f"Médiation scolaire depuis le {(TODAY - 30 * DAY):%d/%m/%Y}"
    # Only the year of birth is known: the age would be a guess.
    assert mihai.text == "Mihai Ionescu (né·e en 2013)"
    assert mihai.meta == "Collège — Collège Politzer"
    assert mihai.detail == "Assiduité préoccupante"
    assert (ioana.meta, ioana.detail) == ("Scolarité non renseignée", "")
    # Of age, but her schooling is followed: listed.
    assert elena.meta == "Autre ou dispositif d'insertion — E2C"
    for name in ("ana", "mihai", "ioana", "elena"):
        assert rows[f"{name.capitalize()} Ionescu"].url == _schooling_url(family[name])

    html = unescape(response.content.decode())
    assert "Scolarité des enfants" in html and "4 enfants" in html
    assert "Collège Politzer" in html and "Paul-Éluard" not in html
    assert f'href="{_schooling_url(family["ioana"])}"' in html


def test_a_household_without_children_shows_no_school_block(login_as, person, household):
    response = _household_page(login_as("referent"), household)

    assert "schooling" not in _blocks(response)
    assert "Scolarité des enfants" not in response.content.decode()


def test_a_child_of_unknown_age_is_counted_by_the_relationship(
    login_as, person, household, referent
):
    _member(
        household,
        referent,
        first_name="Luca",
        last_name="Pop",
        birth_year=None,
        relationship="child",
    )
    _member(
        household,
        referent,
        first_name="Ion",
        last_name="Pop",
        birth_year=None,
        relationship="relative",
    )

    block = _blocks(_household_page(login_as("referent"), household))["schooling"]

    assert [row.text for row in block.rows] == ["Luca Pop (âge inconnu)"]


@pytest.mark.parametrize("persona", ["manager", "administrator"])
def test_managers_see_the_schooling_and_its_links_open(login_as, family, household, persona):
    client = login_as(persona)
    block = _blocks(_household_page(client, household))["schooling"]

    assert block.count == 4
    for row in block.rows:
        assert client.get(row.url).status_code == 200


def test_a_partner_sees_no_schooling(login_as, files, family):
    response = _person_page(login_as("partner"), files["person"])

    assert "summary" not in response.context
    assert "Scolarité" not in response.content.decode()


# --- A child's own page ------------------------------------------------------------------------


def test_a_child_s_page_says_their_schooling_in_one_line(login_as, family):
    client = login_as("referent")

    block = _blocks(_person_page(client, family["ana"]))["schooling"]

    assert block.title == "Scolarité"
    assert block.count_label == f"depuis le {(TODAY - 60 * DAY):%d/%m/%Y}"
    (row,) = block.rows
    assert (row.text, row.meta) == ("Élémentaire", "École Jean-Jaurès, Montreuil")
    assert row.detail.startswith("Médiation scolaire depuis le ")
    assert row.url == block.link == _schooling_url(family["ana"])

    ioana = _blocks(_person_page(client, family["ioana"]))["schooling"]
    assert (ioana.rows, ioana.empty) == ((), "Scolarité non renseignée.")
    assert ioana.link == _schooling_url(family["ioana"])
    html = unescape(_person_page(client, family["ioana"]).content.decode())
    assert "Scolarité non renseignée." in html
    assert f'href="{_schooling_url(family["ioana"])}"' in html


def test_an_adult_s_page_has_no_school_line_unless_one_is_followed(login_as, family):
    client = login_as("referent")

    assert "schooling" not in _blocks(_person_page(client, family["maria"]))
    assert _blocks(_person_page(client, family["elena"]))["schooling"].rows[0].text == (
        "Autre ou dispositif d'insertion"
    )


# --- Timeline ----------------------------------------------------------------------------------


def _timeline(client, route: str, pk: int, **query) -> list:
    response = client.get(reverse(route, args=[pk]), query)
    assert response.status_code == 200
    return [entry for entry in response.context["entries"] if entry.kind == "schooling"]


def test_a_schooling_recorded_appears_in_the_child_s_and_household_s_timeline(
    login_as, family, household
):
    client = login_as("referent")

    ana = _timeline(client, "beneficiaries:person_timeline", family["ana"].pk)
    assert [(entry.date, entry.title) for entry in ana] == [
        (TODAY - 60 * DAY, "Scolarité : Élémentaire — École Jean-Jaurès, Montreuil"),
        (TODAY - 400 * DAY, "Scolarité : Maternelle — Paul-Éluard"),
    ]
    assert ana[0].detail.startswith("Médiation scolaire")
    assert ana[0].pathways == ("schooling",)
    assert ana[0].who == "Ana Ionescu"
    assert ana[0].url == _schooling_url(family["ana"])

    members = _timeline(client, "beneficiaries:household_timeline", household.pk)
    assert {entry.who for entry in members} == {"Ana Ionescu", "Mihai Ionescu", "Elena Ionescu"}
    assert len(members) == 4
    filtered = _timeline(
        client, "beneficiaries:household_timeline", household.pk, parcours="schooling"
    )
    assert len(filtered) == 4
    assert (
        _timeline(client, "beneficiaries:household_timeline", household.pk, parcours="french") == []
    )


# --- What it costs -----------------------------------------------------------------------------


def _children(household, referent, count: int) -> None:
    for index in range(count):
        child = _member(household, referent, birth_date=_born(3 + index))
        SchoolingFactory(person=child, since=TODAY - 300 * DAY, level=SchoolLevel.MATERNELLE)
        SchoolingFactory(
            person=child, since=TODAY - 30 * DAY, mediation=True, mediation_since=TODAY
        )


@pytest.mark.parametrize("count", [1, 6])
def test_the_school_block_is_one_query(
    person, household, referent, count, django_assert_num_queries
):
    _children(household, referent, count)
    members = tuple(household.members.all())
    query = SummaryQuery(user=referent, people=members, today=TODAY, household=household)
    # The schooling in force of the members (with its commune).
    with django_assert_num_queries(1):
        (block,) = list(sources_school.schooling(query))
    assert block.count == count


def _page_queries(client, household) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        _household_page(client, household)
    return [query["sql"] for query in captured.captured_queries]


def test_the_household_page_costs_the_same_with_1_or_6_children(
    login_as, person, household, referent
):
    client = login_as("referent")
    _children(household, referent, 1)
    one = _page_queries(client, household)
    _children(household, referent, 5)
    six = _page_queries(client, household)

    assert len(six) == len(one)
    # Of them, one reads the schooling: the block's.
    assert len([sql for sql in six if "accompaniment_schooling" in sql]) == 1
    block = _blocks(_household_page(client, household))["schooling"]
    assert block.count_label == "6 enfants"


@pytest.mark.parametrize("count", [1, 6])
def test_a_child_s_line_is_one_query(
    login_as, household, referent, count, django_assert_num_queries
):
    _children(household, referent, count)
    child = household.members.order_by("pk").first()
    query = SummaryQuery(user=referent, people=(child,), today=TODAY)
    # The child's schooling in force (with its commune).
    with django_assert_num_queries(1):
        (block,) = list(sources_school.schooling(query))
    assert len(block.rows) == 1
