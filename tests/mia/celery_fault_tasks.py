"""A task for tests/mia/test_faults_celery.py only: the worker that test starts imports this
module (`-I`); the application never does."""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task
def slow(log: str, seconds: float) -> int:
    """Writes its process id to `log` as it starts, then takes `seconds`: time for the test to
    kill that process. Returns the id of the process that finished it."""
    with Path(log).open("a") as file:
        file.write(f"{os.getpid()}\n")
    time.sleep(seconds)
    return os.getpid()
