"""Redis down (issue 14, finding 1): signing in and resetting a password keep working, the
limits on wrong passwords still hold, and /sante/ says the instance is degraded.

Each test runs its own redis-server and stops it; the settings are those mia/settings.py makes
of REDIS_URL pointing at it, read in a fresh process as production reads them."""

import json
import os
import sqlite3

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from mia.models import SecurityEvent, SecurityEventKind
from tests.mia.factories import PASSWORD
from tests.processes import run_python
from tests.redis_server import redis_server

LOGIN = reverse("account_login")
# What REDIS_URL decides in mia/settings.py: where the cache and the broker are.
SERVICE_SETTINGS = [
    "CACHES",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
]


def settings_with_redis_at(url: str) -> dict:
    env = {**os.environ, "REDIS_URL": url}
    result = run_python(
        "-c",
        "import json; from mia import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SERVICE_SETTINGS!r}}}))",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def redis(tmp_path, settings, fresh_caches):
    """A Redis of the test's own, and the settings production would have with it."""
    with redis_server(tmp_path) as server:
        for name, value in settings_with_redis_at(server.url).items():
            setattr(settings, name, value)
        yield server


def sign_in(client: Client, user, password: str = PASSWORD):
    return client.post(LOGIN, {"login": user.email, "password": password})


def test_signing_in_and_resetting_a_password_work_while_redis_is_down(redis, referent, mailoutbox):
    redis.stop()
    assert not redis.answers()

    client = Client(raise_request_exception=False)
    response = sign_in(client, referent)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(referent.pk)
    assert client.get(reverse("home")).status_code == 200

    response = Client(raise_request_exception=False).post(
        reverse("account_reset_password"), {"email": referent.email}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert [message.to for message in mailoutbox] == [[referent.email]]


def wrong_passwords_then_the_right_one(user) -> tuple[Client, object]:
    """ACCOUNT_RATE_LIMITS allows 5 wrong passwords per address in 5 minutes."""
    client = Client(raise_request_exception=False)
    for attempt in range(5):
        assert sign_in(client, user, f"mauvais-mot-de-passe-{attempt}").status_code == 200
    return client, sign_in(client, user)


def assert_locked_out(client: Client, response, user) -> None:
    assert response.status_code == 200
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.RATE_LIMITED, user=user).exists()


def test_wrong_passwords_lock_the_address_out_with_redis_up(redis, referent):
    client, response = wrong_passwords_then_the_right_one(referent)

    assert_locked_out(client, response, referent)


def test_wrong_passwords_lock_the_address_out_while_redis_is_down(redis, referent):
    # The counters are not lost with Redis: the limit does not fail open.
    redis.stop()

    client, response = wrong_passwords_then_the_right_one(referent)

    assert_locked_out(client, response, referent)


def test_health_says_degraded_while_redis_is_down(redis, client, db):
    up = client.get(reverse("health"))
    assert (up.status_code, up.json()) == (200, {"status": "ok", "database": "ok", "broker": "ok"})

    redis.stop()

    # Still 200: the pages and signing in work, only tasks wait; a load balancer that took the
    # instance out would make things worse. Monitoring reads "degraded".
    down = client.get(reverse("health"))
    assert down.status_code == 200
    assert down.json() == {"status": "degraded", "database": "ok", "broker": "unreachable"}


def test_migrate_makes_the_cache_table(tmp_path):
    # `make run`, CI and the migrate service of docker-compose.yml run migrate, nothing more.
    database = tmp_path / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("REDIS_URL", None)

    result = run_python("manage.py", "migrate", "--noinput", env=env)

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    assert "mia_cache" in tables
