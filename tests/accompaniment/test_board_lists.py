"""The coordinators' board is a work list: every figure opens the list it counts, per worker and
per site; who opens those lists, what a manager sees of them (read-only, no notes), and their
query budgets."""

import pytest
from django.urls import reverse

from accompaniment.models import Task
from beneficiaries import services
from beneficiaries.models import Person
from mia.models import AuditEntry, Role
from tests.accompaniment import test_board
from tests.accompaniment.factories import TaskFactory
from tests.accompaniment.test_board import BOARD, BY_SITE, _person, weeks_ago
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory
from tests.conftest import PERSONAS
from tests.mia.factories import UserFactory

# The board's test cast (tests/accompaniment/test_board.py), whose figures are checked there.
caseloads = test_board.caseloads

PEOPLE = reverse("accompaniment:board_people")
TASKS = reverse("accompaniment:board_tasks")
# Each figure of a line of the board, and the link to its list.
FIGURES = [
    ("people", "people_url"),
    ("not_seen", "not_seen_url"),
    ("overdue", "overdue_url"),
    ("unassigned", "unassigned_url"),
]


def _listed(client, url: str) -> list:
    """Every row of the list behind `url`, across its pages."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.context["page"]
    rows = list(page)
    for number in page.paginator.page_range[1:]:
        rows += list(client.get(url, {"page": number}).context["page"])
    assert len(rows) == page.paginator.count
    return rows


def _check_every_figure(client, rows) -> int:
    """Each non-zero figure of `rows` links to a list of exactly that length; a zero links to
    nothing. Returns how many lists were opened."""
    opened = 0
    for row in rows:
        for figure, link in FIGURES:
            count, url = getattr(row, figure), getattr(row, link)
            if not count:
                assert url == "", f"{row.label}: {figure} of 0 links to {url}"
                continue
            assert len(_listed(client, url)) == count, f"{row.label}: {figure}"
            opened += 1
    return opened


def test_every_figure_per_worker_opens_a_list_of_its_length(login_as, caseloads, referent):
    client = login_as("coordinator")
    response = client.get(BOARD)

    rows = response.context["rows"]
    assert _check_every_figure(client, [*rows, response.context["totals"]]) >= 9
    assert len(_listed(client, response.context["unassigned_url"])) == 1
    # The referent's people not seen for 4 weeks: never seen first, then the longest unseen.
    row = next(row for row in rows if row.pk == referent.pk)
    assert [person.pk for person in _listed(client, row.not_seen_url)] == [
        caseloads["never_seen"].pk,
        caseloads["long_ago"].pk,
    ]
    # Overdue tasks are the referent's as assignee, oldest first; not those of a person who left.
    tasks = _listed(client, row.overdue_url)
    assert [task.person_id for task in tasks] == [
        caseloads["long_ago"].pk,
        caseloads["never_seen"].pk,
    ]


def test_every_figure_per_site_opens_a_list_of_its_length(login_as, caseloads, site):
    client = login_as("coordinator")
    response = client.get(BOARD, BY_SITE)

    rows = list(response.context["site_page"])
    assert _check_every_figure(client, [*rows, response.context["totals"]]) >= 8
    # The line of people with no known site opens a list too.
    nowhere = next(row for row in rows if row.pk is None)
    assert [p.pk for p in _listed(client, nowhere.people_url)] == [caseloads["unassigned"].pk]
    assert [p.pk for p in _listed(client, nowhere.unassigned_url)] == [caseloads["unassigned"].pk]
    acacias = next(row for row in rows if row.pk == site.pk)
    assert {p.pk for p in _listed(client, acacias.people_url)} == {
        caseloads[key].pk for key in ("never_seen", "seen", "long_ago", "shared")
    }


def test_figures_link_to_lists_in_the_page(login_as, caseloads, referent):
    html = login_as("coordinator").get(BOARD).content.decode()

    assert f'href="{PEOPLE}?quoi=non_vues&amp;referent={referent.pk}"' in html
    assert f'href="{TASKS}?referent={referent.pk}"' in html
    assert f'href="{PEOPLE}?quoi=sans_referent"' in html
    assert f'href="{TASKS}"' in html


def test_a_former_worker_s_people_are_listed(login_as, caseloads, colleague):
    colleague.is_active = False
    colleague.save()
    client = login_as("coordinator")

    row = next(row for row in client.get(BOARD).context["workers"] if row.pk == colleague.pk)

    assert row.former and len(_listed(client, row.people_url)) == 2


def test_the_lists_show_when_each_person_was_last_seen(login_as, caseloads, referent):
    html = login_as("coordinator").get(PEOPLE, {"quoi": "actives", "referent": referent.pk})

    page = " ".join(html.content.decode().split())
    assert "42 jours" in page  # long_ago, 6 weeks
    assert "7 jours" in page
    assert "jamais" in page
    assert "3 personnes" in page


# --- Who opens the lists ------------------------------------------------------------------------

EXPECTED = {
    "anonymous": 302,
    "referent": 403,
    "colleague": 403,
    "coordinator": 200,
    "manager": 200,
    "administrator": 403,
    "partner": 403,
    "partner_without_share": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_opens_the_lists(login_as, caseloads, persona):
    client = login_as(persona)
    for url in [PEOPLE, f"{PEOPLE}?quoi=non_vues", TASKS]:
        response = client.get(url)

        assert response.status_code == EXPECTED[persona], url
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login")), url


def test_another_organisation_s_worker_or_site_is_not_found(
    login_as, caseloads, outsider, other_association, referent, site
):
    other_site = SiteFactory(organisation=other_association)
    client = login_as("coordinator")

    for url, query in [
        (PEOPLE, {"referent": outsider.pk}),
        (PEOPLE, {"lieu": other_site.pk}),
        (TASKS, {"referent": outsider.pk}),
        (TASKS, {"lieu": other_site.pk}),
        (PEOPLE, {"referent": "²"}),
        (PEOPLE, {"lieu": "1 OR 1=1"}),
        (PEOPLE, {"referent": referent.pk, "lieu": site.pk}),
    ]:
        assert client.get(url, query).status_code == 404, query
    # An unknown list is the list of people followed.
    assert client.get(PEOPLE, {"quoi": "<script>"}).context["what"] == "actives"


def test_the_manager_reads_the_board_without_buttons_that_lead_nowhere(login_as, caseloads):
    client = login_as("manager")

    for response in (client.get(BOARD), client.get(BOARD, BY_SITE)):
        html = response.content.decode()
        assert response.status_code == 200
        assert reverse("accompaniment:transfer") not in html
        assert "Réaffecter" not in html
        assert reverse("beneficiaries:person_create") not in html
        assert reverse("beneficiaries:site_create") not in html
        assert reverse("beneficiaries:merge_queue") not in html
        assert response.context["totals"].overdue == 3
    coordinator_html = login_as("coordinator").get(BOARD).content.decode()
    assert "Réaffecter" in coordinator_html
    assert reverse("beneficiaries:merge_queue") in coordinator_html


def test_the_board_counts_the_likely_duplicates_to_check(login_as, referent, coordinator):
    twins = [
        services.person_create(
            by=referent, person=PersonFactory.build(first_name="Ana", last_name="Lungu")
        )
        for _ in range(2)
    ]
    client = login_as("coordinator")
    assert client.get(BOARD).context["likely_pairs"] == 0

    scan = services.duplicate_scan_request(organisation=referent.organisation)
    services.duplicate_scan_run(scan=scan)
    html = client.get(BOARD).content.decode()
    services.pair_distinct(one=twins[0], other=twins[1], by=coordinator)

    assert 'Doublons probables à vérifier <span class="badge">1</span>' in html
    assert client.get(BOARD).context["likely_pairs"] == 0


def test_the_manager_s_figures_are_the_coordinator_s(login_as, caseloads, manager):
    def figures(response):
        return [(r.label, r.people, r.not_seen, r.overdue) for r in response.context["rows"]]

    for query in ({}, BY_SITE):
        assert figures(login_as("manager").get(BOARD, query)) == figures(
            login_as("coordinator").get(BOARD, query)
        )


def test_the_manager_s_lists_have_no_notes_and_no_follow_up_button(login_as, caseloads):
    titles = list(Task.objects.values_list("title", flat=True))
    manager = login_as("manager")

    tasks = manager.get(TASKS)
    people = manager.get(PEOPLE, {"quoi": "non_vues"})

    assert tasks.context["page"].paginator.count == 3
    html = tasks.content.decode()
    assert not any(title in html for title in titles)
    assert "n'est pas affiché ici" in html
    assert reverse("beneficiaries:person_detail", args=[caseloads["long_ago"].pk]) in html
    page = people.content.decode()
    assert "/entretien/" not in page
    assert reverse("beneficiaries:person_detail", args=[caseloads["never_seen"].pk]) in page
    assert ">Dossier<" in page
    # The coordinator reads the titles, and opens a follow-up from the list.
    coordinator = login_as("coordinator")
    response = coordinator.get(TASKS)
    shown = [task.title for task in response.context["page"]]
    assert len(shown) == 3 and all(title in response.content.decode() for title in shown)
    page = coordinator.get(PEOPLE, {"quoi": "non_vues"}).content.decode()
    followup = reverse("accompaniment:followup_create", args=[caseloads["never_seen"].pk])
    assert f'href="{followup}?next=' in page


def test_the_manager_s_links_open(login_as, caseloads):
    """Every link of the manager's board and of its lists answers 200: nothing leads to 403."""
    client = login_as("manager")
    board = client.get(BOARD)
    links = [row.url for row in board.context["rows"] if row.url]
    for row in [*board.context["rows"], board.context["totals"]]:
        links += [getattr(row, link) for _, link in FIGURES if getattr(row, link)]
    people = client.get(PEOPLE)
    links += [reverse("beneficiaries:person_detail", args=[p.pk]) for p in people.context["page"]]

    assert links and all(client.get(url).status_code == 200 for url in links)


@pytest.mark.parametrize(
    ("persona", "shown"), [("manager", False), ("referent", True), ("coordinator", True)]
)
def test_new_file_buttons_only_for_those_who_create(login_as, caseloads, persona, shown):
    client = login_as(persona)

    people = client.get(reverse("beneficiaries:person_list")).content.decode()
    sites = client.get(reverse("beneficiaries:site_list")).content.decode()

    assert (reverse("beneficiaries:person_create") in people) is shown
    assert (reverse("beneficiaries:site_create") in sites) is shown


# --- The trail and the query budgets ----------------------------------------------------------


def test_each_list_records_the_people_it_showed(login_as, caseloads, coordinator, referent):
    client = login_as("coordinator")
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client.get(PEOPLE, {"quoi": "non_vues", "referent": referent.pk})
    client.get(TASKS, {"referent": referent.pk})

    people, tasks = AuditEntry.objects.filter(pk__gt=before).order_by("pk")
    expected = {caseloads["never_seen"].pk, caseloads["long_ago"].pk}
    for entry in (people, tasks):
        assert (entry.user, entry.section, entry.action) == (coordinator, "board", "view")
        assert set(entry.person_ids) == expected
        assert "?" not in entry.path


def _team(*, size: int, association, coordinator):
    """One worker following `size` people on one site, none seen, each with an overdue task."""
    worker = UserFactory(organisation=association, role=Role.SOCIAL_WORKER)
    site = SiteFactory(organisation=association)
    household = services.household_create(by=worker, household=HouseholdFactory.build(site=site))
    for _ in range(size):
        person = _person(by=worker, household=household, last_contact_on=weeks_ago(5))
        TaskFactory(person=person, assigned_to=worker, due_on=weeks_ago(1))
    return worker, site


@pytest.mark.parametrize("persona", ["coordinator", "manager"])
@pytest.mark.parametrize("size", [3, 30])
def test_list_query_budgets(
    login_as, association, coordinator, persona, size, django_assert_num_queries
):
    worker, site = _team(size=size, association=association, coordinator=coordinator)
    client = login_as(persona)

    # session, user, the worker named, alert period, count, the page's people with household,
    # site, commune and referent, one audit entry.
    with django_assert_num_queries(7):
        people = client.get(PEOPLE, {"quoi": "non_vues", "referent": worker.pk})
    # The same, the site named instead of the worker.
    with django_assert_num_queries(7):
        client.get(PEOPLE, {"quoi": "actives", "lieu": site.pk})
    # session, user, alert period, count, page, audit: the whole organisation.
    with django_assert_num_queries(6):
        whole = client.get(PEOPLE)
    # session, user, the site named, count, the page's tasks with person and assignee, audit.
    with django_assert_num_queries(6):
        tasks = client.get(TASKS, {"lieu": site.pk})

    assert people.context["page"].paginator.count == size
    assert tasks.context["page"].paginator.count == size
    assert whole.context["page"].paginator.count == size


def test_lists_come_a_page_at_a_time(login_as, association, coordinator, settings):
    settings.MIA_PAGE_SIZE = 10
    worker, _site = _team(size=12, association=association, coordinator=coordinator)
    client = login_as("coordinator")

    first = client.get(PEOPLE, {"quoi": "actives", "referent": worker.pk})
    second = client.get(PEOPLE, {"quoi": "actives", "referent": worker.pk, "page": 2})

    assert len(first.context["page"]) == 10 and len(second.context["page"]) == 2
    assert "12 personnes" in " ".join(first.content.decode().split())
    assert f"referent={worker.pk}" in first.content.decode()  # the next page keeps the scope
    assert not set(p.pk for p in first.context["page"]) & {p.pk for p in second.context["page"]}
    assert Person.objects.filter(referent=worker).count() == 12
