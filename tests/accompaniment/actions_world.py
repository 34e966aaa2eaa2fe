"""Fixtures and helpers of the local actions' tests: an action of `association` on `site`,
running from 100 days ago to 200 days ahead, piloted by the State's services and operated by
the association, with `person` named on it and a year's financing. Imported by the tests that
use them (`from tests.accompaniment.actions_world import ...`)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accompaniment.models import Action, ActionFunding, ActionPlace, ActionTopic, FundingSource
from mia.models import OrganisationKind
from tests.mia.factories import OrganisationFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def make_action(organisation, *, name="Santé sur le terrain", **fields) -> Action:
    """An action inserted directly (the services have their own tests)."""
    fields = {
        "starts_on": TODAY - 100 * DAY,
        "ends_on": TODAY + 200 * DAY,
        "topics": [ActionTopic.HEALTH],
        "place": ActionPlace.SITES,
        "departement": "93",
        **fields,
    }
    return Action.objects.create(organisation=organisation, name=name, **fields)


@pytest.fixture
def prefecture(db):
    return OrganisationFactory(name="Préfecture (DIHAL)", kind=OrganisationKind.STATE_SERVICE)


@pytest.fixture
def action(association, site, person, prefecture):
    action = make_action(association, goals="Ouvrir les droits à la santé.")
    action.sites.add(site)
    action.pilots.add(prefecture)
    action.operators.add(association)
    action.people.add(person)
    ActionFunding.objects.create(
        action=action,
        year=TODAY.year,
        source=FundingSource.RESORPTION,
        budget=Decimal("10000"),
        spent=Decimal("2500"),
    )
    return action


@pytest.fixture
def funding(action):
    return action.fundings.get()
