# ruff: noqa: E501 (the tables of bad input and their messages read best one a line)
"""The writes of housing: an evacuation and its board, offers and answers, placements along the
ladder, applications and their yearly renewal; each bad input gives a French message on its field
and saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accompaniment.models import Task
from beneficiaries.models import Site, SiteStatus
from housing import services, tasks
from housing.models import (
    Answer,
    Evacuation,
    EvacuationHousehold,
    Placement,
    ShelterOffer,
    SocialHousingApplication,
    Wish,
)
from mia.models import AuditEntry
from tests.housing.factories import ApplicationFactory, PlacementFactory
from tests.housing.world import new_household

D = datetime.date


@pytest.fixture
def evacuation(site, coordinator):
    return services.evacuation_announce(
        site=site,
        by=coordinator,
        basis="court",
        decided_on=D(2026, 3, 1),
        expected_on=D(2026, 4, 1),
    )


# --- Evacuations ----------------------------------------------------------------------------------


def test_an_evacuation_announced_leaves_the_site_open(evacuation, site):
    site.refresh_from_db()
    assert (site.status, site.closed_on) == (SiteStatus.OPEN, None)
    assert evacuation.diagnostic_status == "not_planned"


def test_carried_out_with_closing_the_site_closes_it_on_that_day(evacuation, site, coordinator):
    services.evacuation_update(
        evacuation=evacuation,
        by=coordinator,
        close_site=True,
        expected_version=evacuation.version,
        carried_out_on=D(2026, 4, 2),
        diagnostic_status="done",
        diagnostic_on=D(2026, 3, 15),
        diagnostic_user=coordinator,
    )

    site.refresh_from_db()
    assert (site.status, site.closed_on) == (SiteStatus.EVACUATED_COURT, D(2026, 4, 2))


def test_the_households_leave_an_evacuated_site_and_stay_on_its_board(
    evacuation, site, coordinator
):
    household = new_household(coordinator, site, "Radu", on=D(2025, 6, 1))
    services.evacuation_update(
        evacuation=evacuation,
        by=coordinator,
        close_site=True,
        expected_version=evacuation.version,
        carried_out_on=D(2026, 4, 2),
    )

    household.refresh_from_db()
    assert household.site is None
    assert list(household.stays.values_list("site", "ended_on")) == [(site.pk, D(2026, 4, 2))]
    assert list(services.board_households(evacuation)) == [household]
    assert AuditEntry.objects.filter(
        model="household", object_id=str(household.pk), action="bulk_update"
    ).exists()


def test_an_order_closes_the_site_as_evacuated_by_order(site, coordinator):
    services.evacuation_announce(
        site=site,
        by=coordinator,
        basis="order",
        decided_on=D(2026, 3, 1),
        carried_out_on=D(2026, 3, 20),
        close_site=True,
    )
    site.refresh_from_db()
    assert (site.status, site.closed_on) == (SiteStatus.EVACUATED_ORDER, D(2026, 3, 20))


def test_carried_out_without_closing_keeps_the_site_open(evacuation, site, coordinator):
    services.evacuation_update(evacuation=evacuation, by=coordinator, carried_out_on=D(2026, 4, 2))
    site.refresh_from_db()
    assert site.status == SiteStatus.OPEN


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"carried_out_on": D(2026, 2, 1)}, "carried_out_on", "L'évacuation ne peut précéder la décision (le 01/03/2026)."),
        ({"expected_on": D(2026, 2, 1)}, "expected_on", "L'évacuation prévue ne peut précéder la décision (le 01/03/2026)."),
        ({"diagnostic_status": "done"}, "diagnostic_on", "Indiquez la date du diagnostic réalisé."),
    ],
)  # fmt: skip
def test_an_evacuation_s_bad_dates_save_nothing(evacuation, coordinator, fields, field, message):
    with pytest.raises(ValidationError) as raised:
        services.evacuation_update(evacuation=evacuation, by=coordinator, close_site=True, **fields)

    assert raised.value.message_dict[field] == [message]
    stored = Evacuation.objects.get()
    assert (stored.carried_out_on, stored.version) == (None, 1)
    assert Site.objects.get().status == SiteStatus.OPEN


def test_closing_needs_the_day_of_the_evacuation(evacuation, coordinator):
    with pytest.raises(ValidationError) as raised:
        services.evacuation_update(evacuation=evacuation, by=coordinator, close_site=True)
    assert "carried_out_on" in raised.value.message_dict


# --- The board ------------------------------------------------------------------------------------


def test_the_board_lists_households_living_there_and_those_who_left_after_the_decision(
    evacuation, site, coordinator, household
):
    left_after = new_household(coordinator, site, "Popa", on=D(2025, 1, 1))
    left_before = new_household(coordinator, site, "Stan", on=D(2025, 1, 1))
    stay = left_after.stays.get()
    stay.ended_on = D(2026, 3, 10)
    stay.save()
    left_after.site = None
    left_after.save()
    stay = left_before.stays.get()
    stay.ended_on = D(2026, 2, 1)
    stay.save()
    left_before.site = None
    left_before.save()

    shown = set(services.board_households(evacuation).values_list("name", flat=True))

    assert shown == {"Famille Ionescu", "Popa"}


def test_a_wish_is_recorded_once_and_changed(evacuation, household, referent):
    services.wish_record(evacuation=evacuation, household=household, wish="no", by=referent)
    services.wish_record(evacuation=evacuation, household=household, wish="yes", by=referent)

    assert list(EvacuationHousehold.objects.values_list("household_id", "wish")) == [
        (household.pk, "yes")
    ]


def test_a_household_of_another_site_is_not_on_the_board(evacuation, coordinator, association):
    from tests.beneficiaries.factories import SiteFactory

    elsewhere = new_household(coordinator, SiteFactory(organisation=association), "Radu")
    with pytest.raises(ValidationError):
        services.offer_record(
            evacuation=evacuation,
            household=elsewhere,
            by=coordinator,
            type="chu",
            offered_on=D(2026, 3, 5),
        )
    assert not ShelterOffer.objects.exists()


def test_an_offer_makes_the_household_one_that_wishes_shelter(evacuation, household, referent):
    services.wish_record(evacuation=evacuation, household=household, wish="unknown", by=referent)

    services.offer_record(
        evacuation=evacuation,
        household=household,
        by=referent,
        type="hotel_115",
        place="Hôtel du Parc, Bobigny",
        offered_on=D(2026, 3, 5),
    )

    assert EvacuationHousehold.objects.get().wish == Wish.YES


def test_a_refused_offer_then_a_second_offer_both_kept(evacuation, household, referent, colleague):
    first = services.offer_record(
        evacuation=evacuation,
        household=household,
        by=referent,
        type="hotel_115",
        offered_on=D(2026, 3, 5),
    )
    services.offer_answer(
        offer=first,
        by=referent,
        answer="refused",
        answered_on=D(2026, 3, 6),
        refusal_reason="too_far",
        expected_version=1,
    )
    services.offer_record(
        evacuation=evacuation,
        household=household,
        by=colleague,
        type="chu",
        offered_on=D(2026, 3, 7),
    )

    assert list(ShelterOffer.objects.order_by("pk").values_list("type", "answer")) == [
        ("hotel_115", "refused"),
        ("chu", "pending"),
    ]


@pytest.mark.parametrize(
    ("answer", "fields", "field", "message"),
    [
        ("accepted", {"answered_on": D(2026, 3, 4)}, "answered_on", "La réponse ne peut précéder la proposition (le 05/03/2026)."),
        ("refused", {"answered_on": D(2026, 3, 6)}, "refusal_reason", "Indiquez le motif du refus."),
        ("accepted", {"answered_on": datetime.date.today() + datetime.timedelta(days=1)}, "answered_on", "La réponse ne peut pas être dans le futur."),
    ],
)  # fmt: skip
def test_an_offer_answered_before_it_was_made_saves_nothing(
    evacuation, household, referent, answer, fields, field, message
):
    offer = services.offer_record(
        evacuation=evacuation,
        household=household,
        by=referent,
        type="chu",
        offered_on=D(2026, 3, 5),
    )
    with pytest.raises(ValidationError) as raised:
        services.offer_answer(offer=offer, by=referent, answer=answer, expected_version=1, **fields)

    assert raised.value.message_dict[field] == [message]
    assert ShelterOffer.objects.values_list("answer", "answered_on", "version").get() == (
        Answer.PENDING,
        None,
        1,
    )


def test_an_offer_recorded_answered_before_made_is_not_saved(evacuation, household, referent):
    with pytest.raises(ValidationError) as raised:
        services.offer_record(
            evacuation=evacuation,
            household=household,
            by=referent,
            type="chu",
            offered_on=D(2026, 3, 5),
            answer="accepted",
            answered_on=D(2026, 3, 1),
        )
    assert "answered_on" in raised.value.message_dict
    assert not ShelterOffer.objects.exists()
    assert not EvacuationHousehold.objects.exists()


# --- Placements -----------------------------------------------------------------------------------


def test_placements_follow_one_another_on_the_day_of_moving(household, referent):
    services.placement_create(
        household=household,
        by=referent,
        type="hotel_115",
        started_on=D(2026, 1, 5),
        ended_on=D(2026, 2, 1),
    )
    services.placement_create(
        household=household, by=referent, type="chrs", started_on=D(2026, 2, 1)
    )
    assert Placement.objects.count() == 2


@pytest.mark.parametrize(
    ("started_on", "ended_on"),
    [
        (D(2026, 1, 10), D(2026, 1, 20)),  # inside the first
        (D(2025, 12, 1), D(2026, 1, 6)),  # ends inside it
        (D(2025, 12, 1), None),  # still open, began before
        (D(2026, 1, 31), D(2026, 3, 1)),  # begins before it ends
    ],
)
def test_overlapping_placements_are_refused(household, referent, started_on, ended_on):
    PlacementFactory(household=household, type="hotel_115", started_on=D(2026, 1, 5),
                     ended_on=D(2026, 2, 1))  # fmt: skip

    with pytest.raises(ValidationError) as raised:
        services.placement_create(
            household=household,
            by=referent,
            type="chu",
            started_on=started_on,
            ended_on=ended_on,
        )

    assert raised.value.message_dict["started_on"] == [
        "Ce ménage est déjà hébergé à ces dates : Hôtel (115) depuis le 05/01/2026 jusqu'au "
        "01/02/2026. Indiquez d'abord la date de sortie de cet hébergement."
    ]
    assert Placement.objects.count() == 1


def test_an_open_placement_refuses_a_later_one_until_it_ends(household, referent):
    first = PlacementFactory(household=household, type="chu", started_on=D(2026, 1, 5))
    with pytest.raises(ValidationError):
        services.placement_create(
            household=household, by=referent, type="chrs", started_on=D(2026, 3, 1)
        )
    services.placement_update(placement=first, by=referent, ended_on=D(2026, 3, 1))
    services.placement_create(
        household=household, by=referent, type="chrs", started_on=D(2026, 3, 1)
    )
    assert Placement.objects.count() == 2


def test_a_placement_ending_before_it_starts_saves_nothing(household, referent):
    with pytest.raises(ValidationError) as raised:
        services.placement_create(
            household=household,
            by=referent,
            type="chu",
            started_on=D(2026, 3, 1),
            ended_on=D(2026, 2, 1),
        )
    assert raised.value.message_dict["ended_on"] == [
        "La sortie ne peut précéder l'entrée (le 01/03/2026)."
    ]
    assert not Placement.objects.exists()


def test_a_placement_from_an_offer_of_another_household_is_refused(
    evacuation, household, site, referent
):
    other = new_household(referent, site, "Dinu")
    offer = services.offer_record(
        evacuation=evacuation, household=other, by=referent, type="chu", offered_on=D(2026, 3, 5)
    )
    with pytest.raises(ValidationError) as raised:
        services.placement_create(
            household=household, by=referent, type="chu", started_on=D(2026, 3, 6), offer=offer
        )
    assert "offer" in raised.value.message_dict


# --- Applications and their renewal ---------------------------------------------------------------


def test_a_social_housing_application_without_its_number_is_refused(household, referent):
    with pytest.raises(ValidationError) as raised:
        services.application_create(
            model=SocialHousingApplication,
            household=household,
            by=referent,
            number=" ",
            filed_on=D(2026, 1, 1),
            status="active",
        )
    assert raised.value.message_dict["number"] == ["Indiquez le numéro unique de la demande."]


def test_the_nightly_task_run_twice_makes_one_reminder(household, person, referent):
    today = datetime.date.today()
    # Filed 340 days ago: it lapses in 25 days, within the month before.
    due = ApplicationFactory(
        household=household, applicant=person, filed_on=today - datetime.timedelta(days=340)
    )
    # Filed 200 days ago: not yet.
    ApplicationFactory(household=household, filed_on=today - datetime.timedelta(days=200))

    first = tasks.application_renewals()
    second = tasks.application_renewals()

    assert (first, second) == ({"reminders": 1}, {"reminders": 0})
    task = Task.objects.get()
    assert task.person == person
    assert task.assigned_to == referent
    assert task.pathway == "housing"
    assert task.due_on == today + datetime.timedelta(days=24)
    assert task.title == f"Renouveler la demande de logement social n° {due.number}"
    due.refresh_from_db()
    assert due.renewal_task == task


def test_a_renewal_answers_the_reminder_and_next_year_gets_one(household, person, referent):
    today = datetime.date.today()
    application = ApplicationFactory(
        household=household, applicant=person, filed_on=today - datetime.timedelta(days=350)
    )
    services.renewals_due(today)
    application.refresh_from_db()

    services.application_update(row=application, by=referent, renewed_on=today)

    assert Task.objects.get().done_on == today
    assert services.renewals_due(today) == 0
    assert services.renewals_due(today + datetime.timedelta(days=340)) == 1


def test_the_reminder_comes_30_days_before_the_application_lapses(household, person):
    today = datetime.date.today()
    early = ApplicationFactory(household=household, applicant=person, number="93-EARLY",
                               filed_on=today - datetime.timedelta(days=334))  # fmt: skip
    due = ApplicationFactory(household=household, applicant=person, number="93-DUE",
                             filed_on=today - datetime.timedelta(days=335))  # fmt: skip
    renewed = ApplicationFactory(household=household, applicant=person, number="93-RENEWED",
                                 filed_on=today - datetime.timedelta(days=700),
                                 renewed_on=today - datetime.timedelta(days=300))  # fmt: skip

    assert services.renewals_due(today) == 1

    early.refresh_from_db(), due.refresh_from_db(), renewed.refresh_from_db()
    assert (early.renewal_task, renewed.renewal_task) == (None, None)
    assert due.renewal_task.due_on == today + datetime.timedelta(days=29)
