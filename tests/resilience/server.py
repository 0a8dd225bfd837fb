"""Real uvicorn processes for the resilience tests: a free loopback port, wait for /healthz, and
always a kill at the end (the callers use `running()` or call `stop()` in a `finally`)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.config import ROOT
from tests.conftest import FIXTURE_DIALOGUES

# Settings the parent environment might carry that would change what the server does.
_SCRUB = (
    "DATABASE_URL",
    "DIALOGUES_DIR",
    "ENVIRONMENT",
    "MAX_IN_FLIGHT",
    "ARGON2_TIME_COST",
    "ARGON2_MEMORY_KIB",
    "LOG_LEVEL",
)
STARTUP_TIMEOUT = 40.0  # seconds; the machine is shared, an import can take a while


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, the way a crash or the OOM killer ends it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not go within five seconds."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()


def spawn(
    database_url: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
) -> LiveServer:
    """Start uvicorn; does not wait. `wait_healthy` does."""
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    full_env |= {
        "DATABASE_URL": database_url,
        "DIALOGUES_DIR": str(FIXTURE_DIALOGUES),
        "ENVIRONMENT": "test",
        "PYTHONUNBUFFERED": "1",
    }
    full_env |= dict(env or {})
    log = log_path.open("ab")
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    finally:
        log.close()
    return LiveServer(proc, port, log_path)


def wait_healthy(server: LiveServer, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {server.proc.returncode}:\n{server.log()}")
            with contextlib.suppress(httpx.TransportError):
                if client.get(f"{server.url}/healthz").status_code == 200:
                    return
            time.sleep(0.05)
    server.kill()
    raise RuntimeError(f"uvicorn did not answer /healthz within {timeout:.0f}s:\n{server.log()}")


def start(database_url: str, log_path: Path, env: Mapping[str, str] | None = None) -> LiveServer:
    """Spawn and wait for /healthz; a port taken between our probe and uvicorn's bind retries."""
    for _ in range(3):
        server = spawn(database_url, log_path, env)
        try:
            wait_healthy(server)
            return server
        except RuntimeError:
            server.kill()
            if "address already in use" not in server.log():
                raise
    raise RuntimeError("no free port after three tries")


@contextlib.contextmanager
def running(
    database_url: str, log_path: Path, env: Mapping[str, str] | None = None
) -> Iterator[LiveServer]:
    server = start(database_url, log_path, env)
    try:
        yield server
    finally:
        server.stop()
