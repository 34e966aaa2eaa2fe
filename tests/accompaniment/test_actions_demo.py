"""The small demo gives the coordinator actions filled: sites, people and households,
financing over the years, follow-ups and procedures tied to them; what it writes holds to the
services' rules (no funding row twice, no negative amount, no end before the start)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from accompaniment.models import Action, ActionFunding, FollowUp, Procedure
from mia import demo
from mia.models import User


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale="small", date=demo.REFERENCE_DATE, stdout=StringIO())


def test_the_coordinator_sees_filled_actions(seeded, client):
    coordinator = User.objects.get(email="coordination@demo.mia")
    client.force_login(coordinator)
    actions = Action.objects.filter(organisation=coordinator.organisation)

    assert 3 <= actions.count() <= 4
    listed = client.get(reverse("accompaniment:actions"))
    assert listed.status_code == 200
    assert len(listed.context["current"]) + len(listed.context["past"]) == actions.count()
    for action in actions:
        page = client.get(reverse("accompaniment:action_detail", args=[action.pk]))
        assert page.status_code == 200
        assert page.context["action"].concerned_count > 0, action.pk
        assert page.context["years"], action.pk
    assert FollowUp.objects.filter(action__isnull=False).exists()
    assert Procedure.objects.filter(action__isnull=False).exists()


def test_the_demo_s_actions_hold_to_the_rules(seeded):
    assert not Action.objects.filter(ends_on__lt=F("starts_on")).exists()
    assert not ActionFunding.objects.filter(budget__lt=0).exists()
    rows = list(ActionFunding.objects.values_list("action_id", "year", "source"))
    assert len(rows) == len(set(rows))
    # Tied rows concern people the action concerns.
    for follow_up in FollowUp.objects.filter(action__isnull=False).select_related("person"):
        action = follow_up.action
        assert (
            action.people.filter(pk=follow_up.person_id).exists()
            or action.households.filter(pk=follow_up.person.household_id).exists()
        )
