"""The small demo gives the coordinator a board half filled on an announced evacuation, households
with a trajectory, and evacuated sites whose solutions come out of the placements; what it writes
holds to the services' rules (no overlapping placements)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from housing import resorption
from housing.models import Answer, Evacuation, Placement, ShelterOffer
from mia import demo


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale="small", date=demo.REFERENCE_DATE, stdout=StringIO())


def test_the_coordinator_finds_a_board_a_trajectory_and_a_site_s_solutions(seeded, client):
    from mia.models import User

    client.force_login(User.objects.get(email="coordination@demo.mia"))
    announced = Evacuation.objects.filter(carried_out_on__isnull=True).get()
    answers = set(
        ShelterOffer.objects.filter(evacuation=announced).values_list("answer", flat=True)
    )
    board = client.get(reverse("housing:evacuation_board", args=[announced.pk]))

    assert board.status_code == 200
    assert answers == {Answer.ACCEPTED, Answer.REFUSED, Answer.PENDING}
    rows = board.context["rows"]
    assert len(rows) >= 5
    assert any(row["wish"] == "yes" and not row["offers"] for row in rows)

    placement = Placement.objects.filter(type__in=["social_lease", "private_lease"]).first()
    assert placement is not None
    page = client.get(reverse("housing:trajectory", args=[placement.household_id]))
    assert page.status_code == 200 and page.context["days_to_permanent"] is not None

    carried_out = Evacuation.objects.filter(carried_out_on__isnull=False)
    assert carried_out.exists()
    results = resorption.resorptions(carried_out.values_list("site_id", flat=True))
    assert any(
        count.households
        for result in results.values()
        for count in result.counts
        if count.code != "none"
    )


def test_the_demo_s_placements_never_overlap(seeded):
    by_household = {}
    for household_id, start, end in Placement.objects.order_by(
        "household_id", "started_on", "pk"
    ).values_list("household_id", "started_on", "ended_on"):
        previous = by_household.get(household_id)
        if previous is not None:
            assert previous is not ...  # a household with an open placement has no later one
            assert previous <= start, household_id
        by_household[household_id] = end if end is not None else ...
