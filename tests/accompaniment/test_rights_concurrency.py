"""The nightly renewals run twice at the same moment on PostgreSQL (a worker retried while the
first run is still going), each in a thread of its own with its own connection: one reminder
per right, one "expired" line per right ended. (On SQLite, which serialises writes,
tests/accompaniment/test_rights_services.py runs them one after the other.)"""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accompaniment import services_rights as services
from accompaniment.models import ProcedureChange, Task
from tests.accompaniment.factories_pathways import ProcedureFactory, default_type
from tests.beneficiaries.factories import PersonFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_two_runs_at_once_make_one_reminder_each(person, referent):
    for index in range(20):
        someone = PersonFactory(organisation=person.organisation, referent=referent)
        until = TODAY + (index - 5) * DAY
        ProcedureFactory(
            person=someone,
            type=default_type("ame"),
            status="obtained",
            filed_on=until - 400 * DAY,
            decided_on=until - 364 * DAY,
            valid_from=until - 364 * DAY,
            valid_until=until,
        )
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(services.renewals_due(TODAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # 5 ended before today; the 15 others end within AME's 60 days.
    assert sum(result["expired"] for result in results) == 5
    assert sum(result["reminders"] for result in results) == 15
    assert Task.objects.count() == 15
    assert ProcedureChange.objects.filter(status="expired").count() == 5
