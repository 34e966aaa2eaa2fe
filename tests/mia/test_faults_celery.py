"""A Celery worker dying mid-task loses nothing (issue 14, finding 3). Late acknowledgement keeps
the message until the task is done; a killed pool process now gives its task back to the queue
(task_reject_on_worker_lost), and the messages of a worker killed whole go to the next worker
once MIA_TASK_VISIBILITY_TIMEOUT has passed. Since a task may thus run twice, each nightly task
run twice has one effect.

Real processes: a redis-server of the test's own and workers started as the Makefile starts the
live worker, running a slow task of the tests (tests/mia/celery_fault_tasks.py)."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accompaniment.models import Appointment, ProcedureStatus
from housing.models import SocialHousingApplication
from mia.celery import app as celery_app
from mia.models import AuditEntry, SecurityEvent, SecurityEventKind
from partners import services as partners_services
from partners.models import Consent
from tests.accompaniment.factories_pathways import ProcedureFactory, default_type
from tests.redis_server import redis_server

BASE_DIR = Path(__file__).resolve().parents[2]
SLOW = "tests.mia.celery_fault_tasks.slow"
# The Makefile's CELERY_WORKER, which docker-compose.yml runs too.
WORKER = ["-m", "celery", "-A", "mia", "worker", "--loglevel=INFO", "--concurrency=2"]
# Short, so that the test waits seconds rather than the production default's minutes.
VISIBILITY_TIMEOUT = 5


@pytest.fixture
def redis(tmp_path):
    with redis_server(tmp_path) as server:
        yield server


def stop(process: subprocess.Popen) -> None:
    """The worker and its pool processes (its own session): warm shutdown, then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=30)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait()


@pytest.fixture
def start_worker(redis, tmp_path):
    """start_worker(name, **environment) -> a worker on the test's Redis, stopped at the end."""
    started = []
    ours = {"REDIS_URL", "DATABASE_URL", "MIA_LIVE_WORKER", "MIA_TASK_VISIBILITY_TIMEOUT"}
    inherited = {name: value for name, value in os.environ.items() if name not in ours}

    def start(name: str, **environment: str) -> subprocess.Popen:
        env = {
            **inherited,
            "REDIS_URL": redis.url,
            # The slow task reads no table: the worker's database is a file of the test's own.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
            **environment,
        }
        process = subprocess.Popen(  # noqa: S603 — this interpreter, the project's worker
            [sys.executable, *WORKER, "-I", "tests.mia.celery_fault_tasks", "-n", f"{name}@%h"],
            cwd=BASE_DIR,
            env=env,
            stdout=(tmp_path / f"worker-{name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        stop(process)


@pytest.fixture
def producer(redis):
    """Sends tasks to the test's Redis, as the web process and beat do to theirs."""
    app = Celery("faults", broker=redis.url, backend=redis.url)
    yield app
    app.close()


def runs_of(log: Path, *, at_least: int, timeout: float = 60) -> list[int]:
    """The process ids the slow task wrote, once it has started `at_least` times."""
    deadline = time.monotonic() + timeout
    while True:
        pids = [int(line) for line in log.read_text().split()] if log.exists() else []
        if len(pids) >= at_least:
            return pids
        assert time.monotonic() < deadline, f"the task started {len(pids)} times, not {at_least}"
        time.sleep(0.1)


def test_a_task_whose_pool_process_is_killed_runs_again(start_worker, producer, tmp_path):
    start_worker("pool")
    log = tmp_path / "runs.log"
    result = producer.send_task(SLOW, args=[str(log), 4])
    [first] = runs_of(log, at_least=1)

    os.kill(first, signal.SIGKILL)

    finished_by = result.get(timeout=60)
    assert finished_by != first
    assert runs_of(log, at_least=2) == [first, finished_by]


def test_a_task_of_a_worker_killed_whole_runs_on_the_next_worker(start_worker, producer, tmp_path):
    timeout = {"MIA_TASK_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    crashed = start_worker("crashed", **timeout)
    log = tmp_path / "runs.log"
    result = producer.send_task(SLOW, args=[str(log), 3])
    [first] = runs_of(log, at_least=1)

    # Every process of the worker at once, as a host crash or an out-of-memory kill: nothing
    # acknowledges the message nor gives it back.
    os.killpg(crashed.pid, signal.SIGKILL)
    crashed.wait()
    # The next worker takes over the unacknowledged messages older than the visibility timeout.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    start_worker("next", **timeout)

    finished_by = result.get(timeout=60)
    assert runs_of(log, at_least=2) == [first, finished_by]


TEN_DAYS = datetime.timedelta(days=10)


# Committed rows: under `make test` with REDIS_URL the live worker runs the tasks.
@pytest.mark.django_db(transaction=True)
def test_every_nightly_task_run_twice_has_one_effect(person, partner, referent):
    consent = partners_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Inscription à France Travail",
        sections=["identity", "employment"],
        given_on=datetime.date(2026, 1, 5),
        expires_on=None,
        proof=None,
        by=referent,
    )
    Consent.objects.filter(pk=consent.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    # A second consent ends in ten days, an appointment is tomorrow: one notice each.
    partners_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Suivi de la domiciliation",
        sections=["identity"],
        given_on=datetime.date(2026, 1, 5),
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
        proof=None,
        by=referent,
    )
    Appointment.objects.create(
        organisation=person.organisation,
        person=person,
        worker=referent,
        date=timezone.localdate() + datetime.timedelta(days=1),
        time=datetime.time(9, 30),
        place="office",
    )
    # An AME that ended yesterday (marked expired), a CSS ending in ten days (a reminder).
    today = timezone.localdate()
    for code, until in (("ame", today - datetime.timedelta(days=1)), ("css", today + TEN_DAYS)):
        ProcedureFactory(
            person=person,
            type=default_type(code),
            status=ProcedureStatus.OBTAINED,
            filed_on=until - datetime.timedelta(days=320),
            decided_on=until - datetime.timedelta(days=300),
            valid_from=until - datetime.timedelta(days=300),
            valid_until=until,
        )
    # A social-housing application filed eleven months ago lapses within the month: a reminder.
    SocialHousingApplication.objects.create(
        organisation=person.organisation,
        household=person.household,
        applicant=person,
        number="0932026000001",
        filed_on=today - datetime.timedelta(days=340),
    )
    long_ago = timezone.now() - datetime.timedelta(days=settings.MIA_AUDIT_RETENTION_DAYS + 1)
    AuditEntry.objects.create(at=long_ago, action="view", app_label="mia", model="user")
    SecurityEvent.objects.create(kind=SecurityEventKind.SIGNED_IN, at=long_ago)
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=long_ago)
    nightly = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    celery_app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them

    first = {name: celery_app.tasks[name].delay().get(timeout=30) for name in nightly}
    second = {name: celery_app.tasks[name].delay().get(timeout=30) for name in nightly}

    assert first == {
        "partners.tasks.shares_expire": 2,
        "partners.tasks.consents_expiring": {"notices": 1},
        "accompaniment.tasks.appointments_tomorrow": {"notices": 1},
        "beneficiaries.tasks.duplicate_scans_nightly": {"scans": 1},
        "accompaniment.tasks.procedure_renewals": {"expired": 1, "reminders": 1},
        "housing.tasks.application_renewals": {"reminders": 1},
        "mia.tasks.audit_purge": {"deleted": 1},
        "mia.tasks.security_events_purge": {"deleted": 1},
        "mia.tasks.sessions_purge": {"sessions": 1, "user_sessions": 0},
    }
    assert second == {
        "partners.tasks.shares_expire": 0,
        "partners.tasks.consents_expiring": {"notices": 0},
        "accompaniment.tasks.appointments_tomorrow": {"notices": 0},
        "beneficiaries.tasks.duplicate_scans_nightly": {"scans": 0},
        "accompaniment.tasks.procedure_renewals": {"expired": 0, "reminders": 0},
        "housing.tasks.application_renewals": {"reminders": 0},
        "mia.tasks.audit_purge": {"deleted": 0},
        "mia.tasks.security_events_purge": {"deleted": 0},
        "mia.tasks.sessions_purge": {"sessions": 0, "user_sessions": 0},
    }
