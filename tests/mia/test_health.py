import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from mia import health
from tests.processes import run_python

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_health_answers_anonymous_visitors(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"
    # CI and `make test` with REDIS_URL run against a live Redis; a laptop runs tasks in process.
    expected_broker = "ok" if settings.REDIS_URL else health.BROKER_EAGER
    assert body["broker"] == expected_broker


def test_health_is_declared_public():
    assert health.health.access_rule == "public"


@pytest.mark.django_db
def test_health_refuses_post(client):
    assert client.post(reverse("health")).status_code == 405


@pytest.mark.django_db
def test_health_is_503_when_database_fails(client, monkeypatch):
    monkeypatch.setattr(health, "database_ok", lambda: False)

    response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_health_reports_unreachable_broker_but_stays_up(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = "redis://:s3cr3t@127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unreachable"}
    assert b"s3cr3t" not in response.content


@pytest.mark.django_db
def test_health_reveals_no_configuration(client, settings):
    settings.SECRET_KEY = "a-secret-key-that-must-never-leave-the-server-0123456789"

    content = client.get(reverse("health")).content.decode()

    assert settings.SECRET_KEY not in content
    assert "://" not in content
    assert "127.0.0.1" not in content
    for name, value in settings.DATABASES["default"].items():
        if name in {"NAME", "USER", "PASSWORD", "HOST"} and value:
            assert str(value) not in content


def test_check_deploy_is_clean_with_production_variables():
    # make test sets DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests; production never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "p7Q!x2m#Lr9vK4s@T8wZ1nB6yH3cF5jD0gA-eR_uV+oI=kN%lM",
        "DJANGO_ALLOWED_HOSTS": "mia.example.org",
        # A Fernet key (mia.mfa): 32 random bytes, url-safe base64.
        "MIA_MFA_KEYS": "x2lJ0Yb1Jq7mJb6YyS0Zr2m8c0QwzY7m3jV9k1sQe4E=",
    }
    assert len(env["DJANGO_SECRET_KEY"]) >= 50

    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
