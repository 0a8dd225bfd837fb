"""A real uvicorn process on a free loopback port, for the resilience tests, the browser tests and
bench/load.py: started and waited for (/healthz), stopped or killed by the caller at the end.

Deliberately free of pytest so `python -m bench.load` can import it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api.config import ROOT

FIXTURE_DIALOGUES = ROOT / "tests" / "fixtures" / "dialogues"
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
# Fast therapist logins; the API tests check the real argon2 defaults.
CHEAP_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "1024"}
STARTUP_TIMEOUT = 40.0  # seconds; the machine is shared, an import can take a while


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """One uvicorn process. `start()` after `stop()` comes back on the same port with the same
    database, the way a restarted server looks to a browser that still has the page open."""

    database_url: str
    log_path: Path  # appended to: a restart adds to the same file
    env: Mapping[str, str] = field(default_factory=dict)  # on top of the scrubbed environment
    # The small, stable fixture library by default; None serves the app's own dialogues.
    dialogues: Path | None = FIXTURE_DIALOGUES
    app: str = "api.main:app"
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def memory_kib(self, field_name: str) -> int:
        """A line of /proc/<pid>/status, e.g. VmRSS or VmHWM (peak); -1 if it is missing."""
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        match = re.search(rf"^{field_name}:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) if match else -1

    def spawn(self) -> None:
        """Start uvicorn; does not wait. `wait_healthy` does."""
        env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
        env |= {
            "DATABASE_URL": self.database_url,
            "ENVIRONMENT": "test",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if self.dialogues is not None:
            env["DIALOGUES_DIR"] = str(self.dialogues)
        env |= self.env
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    self.app,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--no-access-log",
                    # A browser's open request must not hold up a SIGTERM for long.
                    "--timeout-graceful-shutdown",
                    "2",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT) -> None:
        assert self.proc is not None, "not started"
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"uvicorn exited with {self.proc.returncode}:\n{self.log()}")
                with contextlib.suppress(httpx.TransportError):
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"uvicorn did not answer /healthz within {timeout:.0f}s:\n{self.log()}")

    def start(self, timeout: float = STARTUP_TIMEOUT) -> None:
        self.spawn()
        self.wait_healthy(timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, the way a crash or the OOM killer ends it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not go within ten seconds."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start(
    database_url: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    *,
    dialogues: Path | None = FIXTURE_DIALOGUES,
    app: str = "api.main:app",
    timeout: float = STARTUP_TIMEOUT,
) -> LiveServer:
    """Start and wait for /healthz; a port taken between our probe and uvicorn's bind retries."""
    for _ in range(3):
        server = LiveServer(database_url, log_path, dict(env or {}), dialogues, app)
        try:
            server.start(timeout)
            return server
        except RuntimeError:
            if "address already in use" not in server.log():
                raise
    raise RuntimeError("no free port after three tries")


@contextlib.contextmanager
def running(
    database_url: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    *,
    app: str = "api.main:app",
    timeout: float = STARTUP_TIMEOUT,
) -> Iterator[LiveServer]:
    server = start(database_url, log_path, env, app=app, timeout=timeout)
    try:
        yield server
    finally:
        server.stop()
