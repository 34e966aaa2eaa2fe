"""docker-compose.yml, the Makefile and .env.example describe one deployment: what the containers
run must exist in the code, and every variable an operator may set must be documented."""

import importlib
import os
import re
import shlex
from pathlib import Path

import pytest
import yaml

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
