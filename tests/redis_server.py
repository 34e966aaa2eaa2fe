"""A Redis server of the test's own, on a free loopback port, for the tests that stop it or fill
it (tests/mia/test_faults_*.py): never the shared one the suite and the live worker use."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        # No snapshot, no append-only file: nothing is written but the log, in `directory`.
        options = {"bind": "127.0.0.1", "port": str(self.port), "save": "", "appendonly": "no"}
        arguments = [part for name, value in options.items() for part in (f"--{name}", value)]
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("These tests need redis-server (`make system-packages`).")
        self.process = subprocess.Popen(  # noqa: S603 — the system's redis-server, fixed arguments
            [executable, *arguments, "--dir", str(directory)],
            stdout=(directory / "redis.log").open("w"),
            stderr=subprocess.STDOUT,
        )

    def answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)
        try:
            return client.ping()
        except redis.ConnectionError:
            return False
        finally:
            client.close()

    def wait_until_up(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    server = RedisServer(directory)
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()
