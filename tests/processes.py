"""The project's Python in a child process, for what only a fresh process shows: start-up,
settings read from the environment, management commands run on a copy of the project."""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def run_python(
    *args: str, cwd: Path = BASE_DIR, env: dict | None = None, timeout: int = 120
) -> subprocess.CompletedProcess:
    """`python *args` with this interpreter; output captured as text, exit code not checked."""
    return subprocess.run(  # noqa: S603 — this interpreter, the project's own code
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
