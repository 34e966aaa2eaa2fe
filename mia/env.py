"""Read settings from the environment and fail loudly on a value that makes no sense."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    return _env_number(name, default, parse=int, expected="a whole number", minimum=minimum)


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    return _env_number(name, default, parse=float, expected="a number such as 1.5", minimum=minimum)


def _env_number(name: str, default, *, parse, expected: str, minimum):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = parse(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {expected}, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, *, schemes: tuple[str, ...]) -> str:
    """An optional URL whose scheme must be one we know how to use."""
    raw = env_str(name)
    if raw and raw.split("://", 1)[0] not in schemes:
        allowed = ", ".join(f"{scheme}://" for scheme in schemes)
        # Never echo the value: without its scheme it may be nothing but a password.
        scheme = raw.split("://", 1)[0] if "://" in raw else "no scheme"
        raise ImproperlyConfigured(f"{name} must start with {allowed}; got {scheme!r}.")
    return raw


def installation_secret_key(path: Path) -> str:
    """The laptop's SECRET_KEY: made once per installation, then read from `path` (git-ignored,
    readable by its owner only). Stable across restarts: sessions and the keys derived from it
    (TOTP secrets) survive `make run` being started again."""
    if not path.exists():
        # Written aside, then linked into place: a second process starting at the same moment
        # (runserver's reloader) reads the first one's key, never an empty or replaced file.
        aside = path.with_name(f"{path.name}.{os.getpid()}")
        with os.fdopen(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(get_random_secret_key())
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it and a new key will be made.")
    return key
