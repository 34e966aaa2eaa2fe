"""The laptop's SECRET_KEY is made once per installation and kept out of git; production must
set DJANGO_SECRET_KEY. Each installation is a copy of the settings in its own BASE_DIR, read by
a fresh process as `make run` would."""

import base64
import os
import shutil
import stat
from pathlib import Path

from django.conf import settings

from tests.processes import run_python

OLD_CONSTANT = "insecure-development-key-only-for-make-run"
PRINT_KEY = "from mia import settings; print(settings.SECRET_KEY)"


def _installation(root: Path) -> Path:
    """A BASE_DIR holding what the settings module imports of the project."""
    package = root / "mia"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for name in ("settings.py", "env.py"):
        shutil.copy(Path(settings.BASE_DIR) / "mia" / name, package / name)
    return root


def _start(base: Path, **variables: str):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "MIA_"))
    }
    env.pop("PYTHONPATH", None)
    return run_python("-c", PRINT_KEY, cwd=base, env={**env, **variables})


def test_each_installation_makes_its_own_key_once(tmp_path):
    first, second = _installation(tmp_path / "one"), _installation(tmp_path / "two")

    started = _start(first)
    other = _start(second)
    again = _start(first)

    assert started.returncode == other.returncode == again.returncode == 0, started.stderr
    key = started.stdout.strip()
    assert len(key) >= 50
    assert key != OLD_CONSTANT
    assert other.stdout.strip() != key
    # The second start reads the file: the key (and what is derived from it) survives restarts.
    assert again.stdout.strip() == key
    assert (first / ".secret_key").read_text().strip() == key
    assert stat.S_IMODE((first / ".secret_key").stat().st_mode) == 0o600
    assert sorted(path.name for path in first.iterdir()) == [".secret_key", "mia"]


def test_production_still_requires_the_variable(tmp_path):
    base = _installation(tmp_path / "prod")

    refused = _start(base, DJANGO_DEBUG="false")
    # Production also sets the keys of the second factors' secrets (mia.mfa).
    mfa_keys = base64.urlsafe_b64encode(b"0" * 32).decode()
    given = _start(base, DJANGO_DEBUG="false", DJANGO_SECRET_KEY="k" * 50, MIA_MFA_KEYS=mfa_keys)

    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in refused.stderr
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == "k" * 50
    assert not (base / ".secret_key").exists()


def test_the_old_constant_is_gone_and_the_key_file_is_ignored():
    base = Path(settings.BASE_DIR)

    assert OLD_CONSTANT not in (base / "mia" / "settings.py").read_text()
    assert "/.secret_key" in (base / ".gitignore").read_text().splitlines()
    # Nor copied into a Docker image.
    assert ".secret_key*" in (base / ".dockerignore").read_text().splitlines()
