"""The settings helpers: a typo in production configuration must stop the start-up with a message
naming the variable, never fall back silently to a default."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from mia.env import env_bool, env_float, env_int, env_list, env_str, env_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[("true", True), ("1", True), ("Yes", True), (" ON ", True)],
        *[("false", False), ("0", False), ("no", False), ("OFF", False), ("", False)],
    ],
)
def test_env_bool_accepts_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("MIA_FLAG", raw)
    assert env_bool("MIA_FLAG", default=not expected) is expected


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("MIA_FLAG", raising=False)
    assert env_bool("MIA_FLAG", default=True) is True
    assert env_bool("MIA_FLAG") is False


@pytest.mark.parametrize("raw", ["maybe", "vrai", "2", "tru"])
def test_env_bool_rejects_other_values(monkeypatch, raw):
    monkeypatch.setenv("MIA_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match=rf"MIA_FLAG must be one of .*{raw!r}"):
        env_bool("MIA_FLAG")


@pytest.mark.parametrize(("raw", "expected"), [("42", 42), (" 7 ", 7), ("-3", -3)])
def test_env_int_accepts_whole_numbers(monkeypatch, raw, expected):
    monkeypatch.setenv("MIA_NUMBER", raw)
    assert env_int("MIA_NUMBER", 0) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_env_int_uses_default_when_unset_or_blank(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("MIA_NUMBER", raising=False)
    else:
        monkeypatch.setenv("MIA_NUMBER", raw)
    assert env_int("MIA_NUMBER", 25) == 25


@pytest.mark.parametrize("raw", ["4.5", "abc", "10 minutes", "1e3"])
def test_env_int_rejects_non_integers(monkeypatch, raw):
    monkeypatch.setenv("MIA_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="MIA_NUMBER must be a whole number"):
        env_int("MIA_NUMBER", 0)


@pytest.mark.parametrize(("raw", "expected"), [("1.1", 1.1), (" 4 ", 4.0), ("", 2.5)])
def test_env_float_reads_numbers(monkeypatch, raw, expected):
    monkeypatch.setenv("MIA_COST", raw)
    assert env_float("MIA_COST", 2.5) == expected


@pytest.mark.parametrize(("raw", "message"), [("1,1", "a number"), ("0.01", "at least 0.1")])
def test_env_float_rejects_nonsense(monkeypatch, raw, message):
    monkeypatch.setenv("MIA_COST", raw)
    with pytest.raises(ImproperlyConfigured, match=f"MIA_COST must be {message}"):
        env_float("MIA_COST", 1.1, minimum=0.1)


def test_env_int_enforces_minimum(monkeypatch):
    monkeypatch.setenv("MIA_NUMBER", "60")
    with pytest.raises(ImproperlyConfigured, match="MIA_NUMBER must be at least 300, not 60"):
        env_int("MIA_NUMBER", 3600, minimum=300)
    monkeypatch.setenv("MIA_NUMBER", "300")
    assert env_int("MIA_NUMBER", 3600, minimum=300) == 300


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("MIA_HOSTS", " mia.example.org, ,www.mia.example.org,")
    assert env_list("MIA_HOSTS") == ["mia.example.org", "www.mia.example.org"]
    monkeypatch.setenv("MIA_HOSTS", "")
    assert env_list("MIA_HOSTS", ["localhost"]) == []


def test_env_list_default_is_a_copy(monkeypatch):
    monkeypatch.delenv("MIA_HOSTS", raising=False)
    default = ["localhost"]
    hosts = env_list("MIA_HOSTS", default)
    hosts.append("evil.example")
    assert default == ["localhost"]
    assert env_list("MIA_HOSTS") == []


def test_env_str_strips(monkeypatch):
    monkeypatch.setenv("MIA_TEXT", "  valeur \n")
    assert env_str("MIA_TEXT") == "valeur"


@pytest.mark.parametrize(
    "raw",
    ["postgres://mia:pw@db:5432/mia", "postgresql://postgres@127.0.0.1/mia", "sqlite:///x.db"],
)
def test_env_url_accepts_known_schemes(monkeypatch, raw):
    monkeypatch.setenv("MIA_DB", raw)
    assert env_url("MIA_DB", schemes=("postgres", "postgresql", "sqlite")) == raw


def test_env_url_is_optional(monkeypatch):
    monkeypatch.delenv("MIA_DB", raising=False)
    assert env_url("MIA_DB", schemes=("postgres",)) == ""


def test_env_url_rejects_unknown_scheme_without_echoing_the_password(monkeypatch):
    monkeypatch.setenv("MIA_DB", "mysql://mia:s3cr3t-password@db/mia")
    with pytest.raises(ImproperlyConfigured) as error:
        env_url("MIA_DB", schemes=("postgres", "postgresql"))
    message = str(error.value)
    assert "MIA_DB must start with postgres://, postgresql://" in message
    assert "'mysql'" in message
    assert "s3cr3t" not in message


def test_env_url_without_a_scheme_does_not_echo_the_value(monkeypatch):
    monkeypatch.setenv("MIA_DB", "s3cret-password@db.internal/mia")

    with pytest.raises(ImproperlyConfigured) as error:
        env_url("MIA_DB", schemes=("postgres",))

    assert "s3cret" not in str(error.value)
    assert "no scheme" in str(error.value)


@pytest.mark.django_db
def test_postgresql_connections_price_random_reads_as_on_ssd(settings):
    """Large households' timelines stay on their indexes only with this planner setting."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            assert cursor.fetchone()[0] == "1.1"
    else:
        # SQLite has no such setting: nothing PostgreSQL-specific is passed to it.
        assert "options" not in settings.DATABASES["default"].get("OPTIONS", {})
