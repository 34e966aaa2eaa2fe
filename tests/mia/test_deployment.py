"""docker-compose.yml, the Makefile and .env.example describe one deployment: what the containers
run must exist in the code, and every variable an operator may set must be documented."""

import http.client
import importlib
import ipaddress
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

from mia.celery import app as celery_app
from tests.processes import run_python

BASE_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = ["migrate", "web", "worker", "beat"]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def command(service: dict) -> list[str]:
    value = service["command"]
    return shlex.split(value) if isinstance(value, str) else list(value)


def environment(service: dict) -> dict[str, str]:
    value = service.get("environment") or {}
    if isinstance(value, list):
        return dict(item.split("=", 1) for item in value)
    return value


def documented_variables() -> set[str]:
    """Names set in .env.example, commented-out examples included."""
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_services_exist(compose):
    assert set(compose["services"]) >= {"web", "worker", "beat", "db", "redis", "migrate"}
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_web_runs_the_wsgi_application(compose):
    args = command(compose["services"]["web"])
    assert args[0] == "gunicorn"
    module, attribute = args[1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert "0.0.0.0:8000" in args


def test_celery_commands_load_the_mia_app(compose):
    for name in ["worker", "beat"]:
        args = command(compose["services"][name])
        assert args[:3] == ["celery", "-A", "mia"]
    assert importlib.import_module("mia").celery_app is celery_app
    # What a worker does at start-up: import every app's tasks module.
    celery_app.loader.import_default_modules()
    assert "mia.tasks.ping" in celery_app.tasks


def test_worker_command_is_the_one_make_test_runs(compose):
    makefile = (BASE_DIR / "Makefile").read_text()
    match = re.search(r"^CELERY_WORKER\s*:?=\s*(.+)$", makefile, flags=re.MULTILINE)
    assert match, "the Makefile defines CELERY_WORKER"
    assert command(compose["services"]["worker"]) == shlex.split(match.group(1))


def test_app_services_share_configuration(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        env = environment(service)
        assert env["DJANGO_DEBUG"] == "false"
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379/")
        settings_module = env.get("DJANGO_SETTINGS_MODULE")
        if settings_module:
            importlib.import_module(settings_module)
        # Uploads live on a volume mounted exactly where settings store them.
        assert f"media:{env['MIA_MEDIA_ROOT']}" in service["volumes"]
    assert compose["services"]["migrate"]["command"].split()[-2:] == ["migrate", "--noinput"]


def test_named_volumes_are_declared(compose):
    declared = set(compose["volumes"])
    used = {
        volume.split(":")[0]
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used == declared
    assert {"media", "pgdata"} <= declared


def test_long_running_services_have_healthchecks(compose):
    for name in ["web", "worker", "db", "redis"]:
        assert compose["services"][name]["healthcheck"]["test"]
    assert "/sante/" in compose["services"]["web"]["healthcheck"]["test"][-1]


def test_every_variable_of_compose_is_documented(compose):
    text = (BASE_DIR / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    app_variables = {
        variable for name in APP_SERVICES for variable in environment(compose["services"][name])
    }
    missing = (interpolated | app_variables) - documented_variables()
    assert not missing, f"document {sorted(missing)} in .env.example"


def test_every_setting_read_from_the_environment_is_documented():
    source = (BASE_DIR / "mia" / "settings.py").read_text()
    read = set(re.findall(r"env_\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    assert "DJANGO_SECRET_KEY" in read
    missing = read - documented_variables()
    assert not missing, f"document {sorted(missing)} in .env.example"


def test_dockerfile_builds_from_the_lock_without_dev_tools():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, flags=re.MULTILINE)


def test_wsgi_application_loads_every_view_and_freezes_them_out_of_the_collector():
    """gunicorn's workers start from mia.wsgi: views imported before the first request, and
    what is loaded kept out of the garbage collector's full collections."""
    script = (
        "import gc, sys\n"
        "import mia.wsgi\n"
        "assert callable(mia.wsgi.application)\n"
        "assert 'accompaniment.coordination' in sys.modules, 'views not loaded'\n"
        "print(gc.get_freeze_count())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    result = run_python("-c", script, env=env)

    assert result.returncode == 0, result.stderr
    # Django, the installed apps and the project: far more than a bare interpreter's objects.
    assert int(result.stdout.strip()) > 50_000


def with_defaults(value: str) -> str:
    """A compose value as an empty .env leaves it: every ${VAR:-default} is its default."""
    return re.sub(r"\$\{[A-Z][A-Z0-9_]*:-([^}]*)\}", r"\1", value)


def test_web_is_published_on_the_host_loopback_by_default(compose):
    (published,) = compose["services"]["web"]["ports"]

    assert with_defaults(published) == "127.0.0.1:8000:8000"
    # The address is the operator's to change (documented in .env.example).
    assert published.startswith("${MIA_HTTP_BIND:-")


def test_gunicorn_believes_the_proxy_header_only_from_itself_and_the_network_gateway(compose):
    args = shlex.split(with_defaults(compose["services"]["web"]["command"]))
    trusted = args[args.index("--forwarded-allow-ips") + 1].split(",")
    (network,) = compose["networks"]["default"]["ipam"]["config"]
    gateway = next(ipaddress.ip_network(with_defaults(network["subnet"])).hosts())

    # Loopback: the container's own health check, which claims HTTPS to pass the redirect.
    assert trusted == ["127.0.0.1", str(gateway)]
    assert "X-Forwarded-Proto" in compose["services"]["web"]["healthcheck"]["test"][-1]
    assert "127.0.0.1:8000" in compose["services"]["web"]["healthcheck"]["test"][-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, *, source: str, headers: dict) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    connection.request("GET", "/sante/", headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture
def compose_gunicorn(compose, tmp_path):
    """The web service's gunicorn command, run as docker-compose runs it (defaults of an empty
    .env, production settings), on a free port of the loopback; its port."""
    args = shlex.split(with_defaults(compose["services"]["web"]["command"]))
    assert args[0] == "gunicorn"
    port = _free_port()
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[args.index("--workers") + 1] = "1"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "FORWARDED_ALLOW_IPS"}},
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "p7Q!x2m#Lr9vK4s@T8wZ1nB6yH3cF5jD0gA-eR_uV+oI=kN%lM",
        "DJANGO_ALLOWED_HOSTS": "mia.example.org",
        "MIA_MFA_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 — this interpreter, the project's own command
        [sys.executable, "-m", *args], cwd=BASE_DIR, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_a_peer_that_is_not_the_proxy_cannot_claim_https(compose_gunicorn):
    claims_https = {"Host": "mia.example.org", "X-Forwarded-Proto": "https"}

    # 127.0.0.2 is on the loopback but not in --forwarded-allow-ips: anyone reaching gunicorn.
    stranger = _get(compose_gunicorn, source="127.0.0.2", headers=claims_https)
    # 127.0.0.1 is trusted, as the container's own health check is.
    trusted = _get(compose_gunicorn, source="127.0.0.1", headers=claims_https)

    assert stranger.status == 301
    assert stranger.getheader("Location") == "https://mia.example.org/sante/"
    assert stranger.getheader("Strict-Transport-Security") is None
    assert trusted.status == 200
    assert trusted.getheader("Strict-Transport-Security")
