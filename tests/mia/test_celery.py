"""A task goes through the real broker to a real worker when REDIS_URL is set (`make test` starts
one on the test database), and runs in process otherwise."""

import os

import pytest

from mia.tasks import ping
from tests.mia.factories import OrganisationFactory


# transaction=True commits the rows, so that a worker in another process can read them.
@pytest.mark.django_db(transaction=True)
def test_ping_task_reads_the_database_the_test_wrote():
    OrganisationFactory(name="Association du test Celery")

    result = ping.delay().get(timeout=30)

    assert result["organisations"] == 1
    if os.environ.get("MIA_LIVE_WORKER"):
        assert result["eager"] is False
        assert result["hostname"].startswith("celery@")
    else:
        assert result["eager"] is True
