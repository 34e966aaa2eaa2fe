"""A database connection dropped between two requests (issue 14, finding 2): a restart, a
failover or an idle timeout on the server side. Connections are kept a minute (CONN_MAX_AGE);
each is checked before its first use in a request (CONN_HEALTH_CHECKS) and replaced if dead,
instead of failing that request with a 500 on every gunicorn worker in turn.

The dropped connection is one of a real gunicorn serving the test database, ended with
pg_terminate_backend: PostgreSQL only (tests/conftest.py deselects it on SQLite)."""

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.processes import run_python
from tests.redis_server import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
# How the test finds the server's connections among the database's.
APPLICATION_NAME = "mia-test-faults-web"


def test_production_database_connections_are_kept_and_checked():
    env = {**os.environ, "DATABASE_URL": "postgres://mia:secret@db.example.org:5432/mia"}

    result = run_python(
        "-c",
        "import json; from mia import settings; default = settings.DATABASES['default']; "
        "print(json.dumps([default['CONN_MAX_AGE'], default['CONN_HEALTH_CHECKS']]))",
        env=env,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [60, True]


def served_database_url() -> str:
    """The test database pytest-django created, for another process; its connections named."""
    db = connection.settings_dict
    credentials = f"{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}"
    return (
        f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        f"?application_name={APPLICATION_NAME}"
    )


class WebServer:
    def __init__(self, port: int) -> None:
        self.port = port

    def status(self, path: str, *, cookie: str = "") -> int | None:
        """The status of GET `path`, redirects not followed; None while nothing listens."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request("GET", path, headers={"Cookie": cookie})
            return client.getresponse().status
        except ConnectionRefusedError:
            return None
        finally:
            client.close()


@contextmanager
def gunicorn(tmp_path: Path) -> Iterator[WebServer]:
    """The production server (docker-compose.yml) with one worker, so that every request meets
    the same persistent connection."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    env["DATABASE_URL"] = served_database_url()
    command = ["gunicorn", "mia.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(  # noqa: S603 — this interpreter, the project's server
        [sys.executable, "-m", *command],
        cwd=BASE_DIR,
        env=env,
        stdout=(tmp_path / "gunicorn.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    server = WebServer(port)
    try:
        deadline = time.monotonic() + 60
        while server.status(reverse("health")) is None:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def server_connections() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [APPLICATION_NAME],
        )
        return [pid for (pid,) in cursor.fetchall()]


def terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while pid in server_connections():
        assert time.monotonic() < deadline, "the connection outlived pg_terminate_backend"
        time.sleep(0.05)


# Committed rows: the server is another process, reading the test database.
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_fails_no_request(referent, tmp_path):
    browser = Client()
    browser.force_login(referent)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"

    with gunicorn(tmp_path) as server:
        assert server.status(reverse("home"), cookie=cookie) == 200
        # The worker kept its connection after the request (CONN_MAX_AGE): the server drops it.
        [dropped] = server_connections()
        terminate(dropped)

        assert server.status(reverse("home"), cookie=cookie) == 200
        assert server.status(reverse("health")) == 200
        [replacement] = server_connections()
        assert replacement != dropped
