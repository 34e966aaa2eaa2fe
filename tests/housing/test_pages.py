"""Housing's pages as the team uses them: the evacuation board filled row by row (with htmx and
without), its headline, two coordinators at once, bad input on a row, a household's trajectory and
a site's card; and their query budgets, the same at two sizes (an N+1 would show)."""

import datetime

import pytest
from django.urls import reverse

from housing.models import EvacuationHousehold, ShelterOffer
from tests.housing.factories import (
    ApplicationFactory,
    BoardRowFactory,
    EvacuationFactory,
    OfferFactory,
    PlacementFactory,
    SiaoFactory,
)
from tests.housing.world import new_household

D = datetime.date
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def evacuation(site, household):
    return EvacuationFactory(site=site, decided_on=D(2026, 3, 1), expected_on=D(2026, 4, 1))


def _board(evacuation):
    return reverse("housing:evacuation_board", args=[evacuation.pk])


def _offer_url(evacuation):
    return reverse("housing:offer_create", args=[evacuation.pk])


def _headline(html: str) -> str:
    start = html.index('id="entete-evacuation"')
    return " ".join(html[start : html.index("</p>", start)].split())


def test_the_board_says_shelter_is_unconditional_and_lists_the_households(
    login_as, evacuation, household
):
    page = login_as("coordinator").get(_board(evacuation)).content.decode()

    assert "L.345-2-2" in page
    assert "Famille Ionescu" in page
    assert "<strong>0</strong> des 0 ménages qui souhaitent un hébergement" in _headline(page)


def test_an_offer_posted_with_htmx_sends_back_the_row_and_the_headline(
    login_as, evacuation, household
):
    client = login_as("coordinator")
    client.post(
        reverse("housing:wish_set", args=[evacuation.pk]),
        {"menage": household.pk, "wish": "yes"},
        **HTMX,
    )

    response = client.post(
        _offer_url(evacuation),
        {
            "menage": household.pk,
            "type": "chu",
            "place": "CHU de Bobigny",
            "offered_on": "2026-03-10",
            "answer": "pending",
        },
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(f'id="menage-{household.pk}"') == 1
    assert 'hx-swap-oob="true"' in html
    assert "<strong>1</strong> des 1 ménages" in _headline(html)
    assert "CHU de Bobigny" in html


def test_without_javascript_an_offer_comes_back_to_the_household_s_row(
    login_as, evacuation, household
):
    response = login_as("referent").post(
        _offer_url(evacuation),
        {
            "menage": household.pk,
            "type": "hotel_115",
            "offered_on": "2026-03-10",
            "answer": "pending",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == _board(evacuation) + f"#menage-{household.pk}"
    assert ShelterOffer.objects.get().type == "hotel_115"


def test_a_refusal_leaves_the_household_waiting_for_another_offer(login_as, evacuation, household):
    client = login_as("coordinator")
    offer = OfferFactory(evacuation=evacuation, household=household, offered_on=D(2026, 3, 5))
    BoardRowFactory(evacuation=evacuation, household=household)

    html = client.post(
        reverse("housing:offer_answer", args=[offer.pk]),
        {"answer": "refused", "refusal_reason": "too_far", "version": 1},
        **HTMX,
    ).content.decode()

    assert "une nouvelle proposition est due" in html
    assert "<strong>0</strong> des 1 ménages" in _headline(html)
    assert "Faire une proposition" in html


def test_a_refusal_without_its_reason_says_so_and_saves_nothing(login_as, evacuation, household):
    offer = OfferFactory(evacuation=evacuation, household=household, offered_on=D(2026, 3, 5))

    html = (
        login_as("coordinator")
        .post(
            reverse("housing:offer_answer", args=[offer.pk]),
            {"answer": "refused", "version": 1},
            **HTMX,
        )
        .content.decode()
    )

    assert "Indiquez le motif du refus." in html
    offer.refresh_from_db()
    assert offer.answer == "pending"


def test_an_offer_dated_in_the_future_is_refused_on_its_row(login_as, evacuation, household):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    html = (
        login_as("coordinator")
        .post(
            _offer_url(evacuation),
            {
                "menage": household.pk,
                "type": "chu",
                "offered_on": tomorrow.isoformat(),
                "answer": "pending",
            },
            **HTMX,
        )
        .content.decode()
    )

    assert "La proposition ne peut pas être dans le futur." in html
    assert not ShelterOffer.objects.exists()


def test_two_coordinators_entering_offers_at_once_both_keep_theirs(
    client, evacuation, household, site, referent, coordinator, colleague
):
    other = new_household(referent, site, "Popa")
    # Both opened the board before either posted; each posts their own household's row.
    client.force_login(coordinator)
    client.get(_board(evacuation))
    second = client.__class__()
    second.force_login(colleague)
    second.get(_board(evacuation))

    client.post(
        _offer_url(evacuation),
        {"menage": household.pk, "type": "chu", "offered_on": "2026-03-10", "answer": "pending"},
        **HTMX,
    )
    html = second.post(
        _offer_url(evacuation),
        {"menage": other.pk, "type": "hotel_115", "offered_on": "2026-03-10", "answer": "pending"},
        **HTMX,
    ).content.decode()

    assert sorted(ShelterOffer.objects.values_list("household__name", "type")) == [
        ("Famille Ionescu", "chu"),
        ("Popa", "hotel_115"),
    ]
    assert "<strong>2</strong> des 2 ménages" in _headline(html)


def test_a_wish_sent_twice_changes_nothing_the_second_time(login_as, evacuation, household):
    client = login_as("referent")
    url = reverse("housing:wish_set", args=[evacuation.pk])
    client.post(url, {"menage": household.pk, "wish": "no"}, **HTMX)
    client.post(url, {"menage": household.pk, "wish": "no"}, **HTMX)

    assert list(EvacuationHousehold.objects.values_list("wish", flat=True)) == ["no"]


def test_the_coordinator_records_that_it_was_carried_out_and_closes_the_site(
    login_as, evacuation, site
):
    response = login_as("coordinator").post(
        reverse("housing:evacuation_edit", args=[evacuation.pk]),
        {
            "basis": "court",
            "decided_on": "2026-03-01",
            "diagnostic_status": "done",
            "diagnostic_on": "2026-03-10",
            "carried_out_on": "2026-04-02",
            "close_site": "on",
            "version": 1,
        },
    )

    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.status, site.closed_on) == ("evacuated_court", D(2026, 4, 2))


def _arrived(household, on=None):
    household.stays.update(started_on=on or D(2025, 1, 1))


def test_the_trajectory_draws_the_line_and_the_days_to_permanent_housing(
    login_as, household, person
):
    _arrived(household)
    PlacementFactory(household=household, type="hotel_115", started_on=D(2026, 3, 1),
                     ended_on=D(2026, 4, 1))  # fmt: skip
    PlacementFactory(household=household, type="social_lease", place="Seine-Saint-Denis Habitat",
                     started_on=D(2026, 4, 1))  # fmt: skip
    page = (
        login_as("referent")
        .get(reverse("housing:trajectory", args=[household.pk]))
        .content.decode()
    )

    line = page[page.index('<ol class="trajectory"') : page.index("</ol>")]
    assert line.index("Terrain des Acacias") < line.index("Hôtel (115)") < line.index("Bail social")
    # Entry on 1 March 2025 (PersonFactory), lease on 1 April 2026: 396 days.
    assert "396 jours après l'entrée dans le programme" in page


def test_the_site_card_states_the_rule_and_the_solutions(login_as, site, household, person):
    _arrived(household)
    PlacementFactory(household=household, type="support_space", started_on=D(2026, 5, 1))

    page = (
        login_as("manager")
        .get(reverse("housing:site_housing", args=[site.pk]), **HTMX)
        .content.decode()
    )

    assert "au moins 66 %" in page
    assert "Lieu résorbé" in page
    assert "100 % des habitant·es ont une solution durable" in page


# --- Query budgets --------------------------------------------------------------------------------


def _households_on(site, referent, size):
    households = [new_household(referent, site, f"Ménage {n:02d}", members=1) for n in range(size)]
    evacuation = EvacuationFactory(site=site, decided_on=D(2026, 3, 1))
    for index, household in enumerate(households):
        BoardRowFactory(evacuation=evacuation, household=household)
        if index % 2:
            OfferFactory(evacuation=evacuation, household=household, offered_on=D(2026, 3, 5))
    return evacuation, households


@pytest.mark.parametrize("size", [3, 12])
def test_board_budget(login_as, site, referent, size, django_assert_num_queries):
    evacuation, _households = _households_on(site, referent, size)
    client = login_as("coordinator")
    # session, user; the evacuation (site, commune); the households with their member count,
    # their wishes, their offers; the audit entry; the headline: who wishes shelter, the
    # answers of their offers.
    with django_assert_num_queries(9):
        response = client.get(_board(evacuation))
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [3, 12])
def test_trajectory_budget(login_as, household, person, size, django_assert_num_queries):
    for index in range(size):
        start = D(2025, 1, 1) + datetime.timedelta(days=20 * index)
        PlacementFactory(household=household, started_on=start,
                         ended_on=start + datetime.timedelta(days=10))  # fmt: skip
        SiaoFactory(household=household)
        ApplicationFactory(household=household)
    client = login_as("referent")
    # session, user; the household (site); the audit entry; its stays (site), placements
    # (action), first entry into the programme, SIAO requests, applications, recourses, offers.
    with django_assert_num_queries(11):
        response = client.get(reverse("housing:trajectory", args=[household.pk]))
    assert len(response.context["placements"]) == size


@pytest.mark.parametrize("size", [3, 12])
def test_site_card_budget(login_as, site, referent, size, django_assert_num_queries):
    _households_on(site, referent, size)
    client = login_as("coordinator")
    # session, user; the site; its evacuations; the resorption (stays, households without a
    # stay, members, placements); the audit entry.
    with django_assert_num_queries(9):
        response = client.get(reverse("housing:site_housing", args=[site.pk]), **HTMX)
    assert response.context["resorption"].households == size


def test_placements_and_offers_appear_in_the_timeline_and_the_summary(
    login_as, evacuation, household, person
):
    OfferFactory(
        evacuation=evacuation, household=household, offered_on=D(2026, 3, 5),
        answer="refused", answered_on=D(2026, 3, 6), refusal_reason="too_far",
    )  # fmt: skip
    PlacementFactory(household=household, type="chu", started_on=D(2026, 3, 10))
    client = login_as("referent")

    timeline = client.get(reverse("beneficiaries:person_timeline", args=[person.pk]))
    detail = client.get(reverse("beneficiaries:person_detail", args=[person.pk]))

    titles = [entry.title for entry in timeline.context["entries"]]
    assert "Entrée : Centre d'hébergement d'urgence (CHU)" in titles
    assert "Proposition refusée : Hôtel (115) (trop loin (travail, école))" in titles
    block = next(b for b in detail.context["summary"].blocks if b.key == "housing")
    assert block.lead == "Actuellement : Centre d'hébergement d'urgence (CHU)"


def test_the_household_card_is_the_trajectory_s_fragment(login_as, household):
    PlacementFactory(household=household, type="support_space", started_on=D(2026, 3, 10))

    html = (
        login_as("manager")
        .get(reverse("housing:trajectory", args=[household.pk]), **HTMX)
        .content.decode()
    )

    assert html.lstrip().startswith("<link") and "<html" not in html
    assert "Espace temporaire d&#x27;accompagnement (ETI)" in html
    # A manager reads it; no link to record anything.
    assert reverse("housing:placement_create", args=[household.pk]) not in html


def test_a_row_sent_back_records_who_read_the_household(login_as, evacuation, household):
    from mia.models import AuditEntry

    login_as("referent").post(
        reverse("housing:wish_set", args=[evacuation.pk]),
        {"menage": household.pk, "wish": "yes"},
        **HTMX,
    )

    assert AuditEntry.objects.filter(
        action="view", section="housing", household_id=household.pk
    ).exists()


@pytest.mark.parametrize("value", ["²", "9" * 40, "-1", "abc"])
def test_an_odd_offer_number_opens_an_empty_placement_form(login_as, household, value):
    url = reverse("housing:placement_create", args=[household.pk])

    assert login_as("referent").get(url, {"proposition": value}).status_code == 200


def test_an_unknown_household_on_the_board_is_a_404(login_as, evacuation, association, referent):
    from tests.beneficiaries.factories import SiteFactory

    elsewhere = new_household(referent, SiteFactory(organisation=association), "Radu")
    url = reverse("housing:wish_set", args=[evacuation.pk])
    client = login_as("referent")

    assert client.post(url, {"menage": elsewhere.pk, "wish": "yes"}).status_code == 404
    assert client.post(url, {"menage": "²", "wish": "yes"}).status_code == 404
    assert not EvacuationHousehold.objects.exists()


def test_the_list_puts_evacuations_to_come_first_25_a_page(login_as, site):
    done_late = EvacuationFactory(site=site, decided_on=D(2025, 1, 1), carried_out_on=D(2025, 6, 1))
    done_early = EvacuationFactory(
        site=site, decided_on=D(2024, 1, 1), carried_out_on=D(2024, 6, 1)
    )
    soon = EvacuationFactory(site=site, decided_on=D(2026, 3, 1), expected_on=D(2026, 4, 1))
    later = EvacuationFactory(site=site, decided_on=D(2026, 2, 1), expected_on=D(2026, 9, 1))
    undated = EvacuationFactory(site=site, decided_on=D(2026, 5, 1))
    client = login_as("coordinator")
    url = reverse("housing:evacuation_list")

    shown = list(client.get(url).context["evacuations"])
    assert shown == [soon, later, undated, done_late, done_early]

    EvacuationFactory.create_batch(25, site=site, decided_on=D(2023, 1, 1))
    first = client.get(url)
    assert len(first.context["evacuations"]) == 25
    assert first.context["evacuations"][0] == soon
    assert "Page 1 sur 2" in first.content.decode()
    assert len(client.get(url, {"page": 2}).context["evacuations"]) == 5
    # Announcing starts from a site's page: the list links to the sites, not to each of them.
    assert reverse("housing:evacuation_create", args=[site.pk]) not in first.content.decode()
    assert reverse("beneficiaries:site_list") in first.content.decode()


def test_the_board_shows_the_households_still_waiting(
    login_as, evacuation, household, site, referent
):
    declines = new_household(referent, site, "Radu")
    offered = new_household(referent, site, "Stan")
    refused = new_household(referent, site, "Lupu")
    BoardRowFactory(evacuation=evacuation, household=household)  # wishes shelter, no offer yet
    BoardRowFactory(evacuation=evacuation, household=declines, wish="no")
    BoardRowFactory(evacuation=evacuation, household=offered)
    BoardRowFactory(evacuation=evacuation, household=refused)
    OfferFactory(evacuation=evacuation, household=offered)
    OfferFactory(evacuation=evacuation, household=refused, answer="refused",
                 refusal_reason="too_far", answered_on=D(2026, 3, 5))  # fmt: skip
    client = login_as("coordinator")

    waiting = client.get(_board(evacuation), {"voir": "attente"})

    assert [row["household"] for row in waiting.context["rows"]] == [household, refused]
    assert 'aria-current="true">En attente' in " ".join(waiting.content.decode().split())
    everyone = client.get(_board(evacuation)).context["rows"]
    assert len(everyone) == 4
