"""`manage.py seed_demo` on an empty database: what test_seed_demo.py's tests, which share one
load of the demo, cannot check (a refusal, another reference date)."""

import datetime

import pytest
from django.core.management import CommandError

from accompaniment.models import FollowUp, Task
from mia.models import Organisation
from tests.mia.test_seed_demo import TODAY, seed


def test_refuses_to_load_demo_accounts_in_production_mode(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed()

    assert not Organisation.objects.exists()


def test_the_demo_is_seen_from_the_day_it_is_loaded(db, settings):
    settings.DEBUG = True
    later = TODAY + datetime.timedelta(days=45)

    seed(date=later)

    latest = FollowUp.objects.order_by("-date").values_list("date", flat=True).first()
    assert TODAY < latest <= later
    assert Task.objects.filter(done_on__isnull=True, due_on__gt=later).exists()
