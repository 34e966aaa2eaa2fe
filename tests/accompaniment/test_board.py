"""The coordinators' caseload board: who may open it, and whether its counts are right."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import ExitReason, Person
from mia.models import Role
from tests.accompaniment.factories import TaskFactory
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory
from tests.mia.factories import UserFactory

BOARD = reverse("accompaniment:board")
BY_SITE = {"vue": "lieux"}
TODAY = timezone.localdate()


def weeks_ago(weeks: int) -> datetime.date:
    return TODAY - datetime.timedelta(weeks=weeks)


EXPECTED = {
    "anonymous": 302,
    "referent": 403,
    "colleague": 403,
    "coordinator": 200,
    # Read-only, without notes (tests/accompaniment/test_board_lists.py).
    "manager": 200,
    "administrator": 403,
    "partner": 403,
    "partner_without_share": 403,
    "outsider": 403,
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_board_access(login_as, persona, expected):
    response = login_as(persona).get(BOARD)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("account_login"))


def test_board_is_in_the_menu_of_coordinators_only(login_as, coordinator, referent):
    home = reverse("home")
    assert f'href="{BOARD}"' in login_as("coordinator").get(home).content.decode()

    assert f'href="{BOARD}"' not in login_as("referent").get(home).content.decode()


def _person(*, by, household=None, referent=..., last_contact_on=None, **fields) -> Person:
    person = services.person_create(
        by=by, person=PersonFactory.build(household=household, **fields)
    )
    if referent is not ...:
        services.referent_assign(person=person, referent=referent, by=by)
    if last_contact_on:
        Person.objects.filter(pk=person.pk).update(last_contact_on=last_contact_on)
    return person


@pytest.fixture
def caseloads(association, site, household, person, referent, colleague, coordinator, outsider):
    """`referent` follows 3 people in 2 households on `site`; `colleague` 1 on another site and
    1 in a household of the referent's; one person has no referent nor site; one of the
    referent's people has left."""
    other_site = SiteFactory(organisation=association, name="Squat du Canal")
    other_household = services.household_create(
        by=colleague, household=HouseholdFactory.build(name="Famille Dinu", site=other_site)
    )
    second = services.household_create(
        by=referent, household=HouseholdFactory.build(name="Famille Stoica", site=site)
    )
    people = {
        "never_seen": person,
        "seen": _person(by=referent, household=household, last_contact_on=weeks_ago(1)),
        "long_ago": _person(by=referent, household=second, last_contact_on=weeks_ago(6)),
        "colleague": _person(by=colleague, household=other_household, last_contact_on=weeks_ago(5)),
        "shared": _person(by=colleague, household=household, last_contact_on=weeks_ago(2)),
        "unassigned": _person(by=referent, referent=None, last_contact_on=weeks_ago(1)),
        "left": _person(by=referent, household=second),
    }
    services.person_exit(person=people["left"], on=TODAY, reason=ExitReason.MOVED_AWAY, by=referent)
    # Another association's file never counts.
    _person(by=outsider)

    yesterday = TODAY - datetime.timedelta(days=1)
    TaskFactory(person=person, assigned_to=referent, due_on=yesterday)
    TaskFactory(person=people["long_ago"], assigned_to=referent, due_on=weeks_ago(3))
    TaskFactory(person=person, assigned_to=referent, due_on=yesterday, done_on=TODAY)
    TaskFactory(person=person, assigned_to=referent, due_on=TODAY)
    TaskFactory(person=people["left"], assigned_to=referent, due_on=yesterday)
    TaskFactory(person=people["colleague"], assigned_to=colleague, due_on=yesterday)
    return people


def _by_label(rows):
    return {row.label: row for row in rows}


def _figures(row):
    return (row.people, row.households, row.not_seen, row.overdue)


def test_board_counts_per_worker(login_as, caseloads, referent, colleague, coordinator):
    response = login_as("coordinator").get(BOARD)

    workers = _by_label(response.context["workers"])
    # people, households, not seen for 4 weeks (the default), overdue tasks
    assert _figures(workers[str(referent)]) == (3, 2, 2, 2)
    assert _figures(workers[str(colleague)]) == (2, 2, 1, 1)
    # The coordinator may take a caseload: listed, with nobody yet.
    assert _figures(workers[str(coordinator)]) == (0, 0, 0, 0)
    assert response.context["unassigned"] == 1
    assert response.context["without_referent"].people == 1
    totals = response.context["totals"]
    assert (totals.people, totals.not_seen, totals.overdue) == (6, 3, 3)


def test_board_counts_per_site(login_as, caseloads, site):
    response = login_as("coordinator").get(BOARD, BY_SITE)

    sites = _by_label(response.context["site_page"])
    # The household followed by two workers counts once.
    assert _figures(sites["Terrain des Acacias"]) == (4, 2, 2, 2)
    assert _figures(sites["Squat du Canal"]) == (1, 1, 1, 1)
    assert _figures(sites["Sans lieu de vie connu"]) == (1, 0, 0, 0)
    page = response.content.decode()
    assert f"?portee=site&amp;id={site.pk}" in page


def test_both_views_give_the_same_totals(login_as, caseloads):
    client = login_as("coordinator")

    by_worker, by_site = client.get(BOARD), client.get(BOARD, BY_SITE)

    for response in (by_worker, by_site):
        totals = response.context["totals"]
        assert (totals.people, totals.not_seen, totals.overdue) == (6, 3, 3)
        assert response.context["unassigned"] == 1
    assert "workers" in by_worker.context and "site_page" not in by_worker.context
    assert "site_page" in by_site.context and "workers" not in by_site.context


def test_views_are_links_and_an_unknown_one_shows_the_workers(login_as, caseloads):
    client = login_as("coordinator")

    page = " ".join(client.get(BOARD).content.decode().split())
    unknown = client.get(BOARD, {"vue": "<script>"})

    assert '<a href="?vue=referents" aria-current="true">Par référent·e</a>' in page
    assert '<a href="?vue=lieux" >Par lieu de vie</a>' in page
    assert unknown.status_code == 200 and unknown.context["view"] == "referents"


def test_alert_period_is_the_organisation_s(login_as, caseloads, association, referent):
    association.follow_up_alert_weeks = 8
    association.save()

    response = login_as("coordinator").get(BOARD)

    # Only the person never seen is still flagged: 6 weeks is within 8.
    assert _by_label(response.context["workers"])[str(referent)].not_seen == 1
    assert "sans entretien depuis 8 semaines" in response.content.decode()


def test_unassigned_link_lists_exactly_the_people_without_referent(login_as, caseloads):
    client = login_as("coordinator")
    url = client.get(BOARD).context["unassigned_url"]

    response = client.get(url)

    assert [person.pk for person in response.context["page"]] == [caseloads["unassigned"].pk]


def test_worker_who_can_no_longer_follow_is_flagged_for_handover(login_as, caseloads, colleague):
    colleague.is_active = False
    colleague.save()

    response = login_as("coordinator").get(BOARD)

    row = _by_label(response.context["workers"])[str(colleague)]
    assert row.people == 2 and row.former
    assert "à réaffecter" in response.content.decode()
    assert f"?portee=referent&amp;id={colleague.pk}" in response.content.decode()


def _team(*, size: int, association, coordinator):
    """`size` workers, each following 2 people in 1 household on their own site, one of them
    with an overdue task."""
    for _ in range(size):
        worker = UserFactory(organisation=association, role=Role.SOCIAL_WORKER)
        site = SiteFactory(organisation=association)
        household = services.household_create(
            by=worker, household=HouseholdFactory.build(site=site)
        )
        first = _person(by=worker, household=household)
        _person(by=worker, household=household, last_contact_on=TODAY)
        TaskFactory(person=first, assigned_to=worker, due_on=weeks_ago(1))
    _person(by=coordinator, referent=None)


@pytest.mark.parametrize("size", [3, 30])
def test_board_query_budget(login_as, association, coordinator, size, django_assert_num_queries):
    _team(size=size, association=association, coordinator=coordinator)
    client = login_as("coordinator")

    # session, user, alert period of the organisation, possible referents, people grouped by
    # referent, overdue tasks grouped by assignee, likely duplicates to check.
    with django_assert_num_queries(7):
        by_worker = client.get(BOARD)
    # session, user, alert period, people grouped by site, overdue tasks grouped by site, the
    # names of those sites, likely duplicates to check.
    with django_assert_num_queries(7):
        by_site = client.get(BOARD, BY_SITE)

    for response in (by_worker, by_site):
        assert response.context["totals"].people == 2 * size + 1
        assert response.context["totals"].overdue == size
    assert len(by_worker.context["workers"]) == size + 1
    assert by_site.context["site_page"].paginator.count == size + 1


def test_sites_come_a_page_at_a_time_with_totals_over_all(
    login_as, association, coordinator, settings
):
    settings.MIA_PAGE_SIZE = 10
    _team(size=12, association=association, coordinator=coordinator)
    client = login_as("coordinator")

    first = client.get(BOARD, BY_SITE)
    second = client.get(BOARD, {**BY_SITE, "page": 2})

    # 12 sites and the line of people without a site, which comes last.
    assert len(first.context["site_page"]) == 10
    assert [site.label for site in second.context["site_page"]][-1] == "Sans lieu de vie connu"
    assert len(second.context["site_page"]) == 3
    assert first.context["totals"].people == 25


def test_workers_come_by_last_name_accents_aside(login_as, referent, colleague, coordinator):
    for user, last_name in ((referent, "Éluard"), (colleague, "Dupont"), (coordinator, "Faure")):
        user.first_name, user.last_name = "Camille", last_name
        user.save()

    response = login_as("coordinator").get(BOARD)

    assert [row.label for row in response.context["workers"]] == [
        "Camille Dupont",
        "Camille Éluard",
        "Camille Faure",
    ]
