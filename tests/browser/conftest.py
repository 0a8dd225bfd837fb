"""Browser tests: a REAL uvicorn serving api.main:app (and frontend/), driven by Debian's Chromium.

One server and one browser for the whole session keep the suite fast; every test gets a fresh
browser context (empty localStorage). Chromium missing: skipped on a laptop, FAILS under CI=true.
Screenshots of failed tests land in tests/browser/artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Where "Snel weg" goes in tests: intercepted by Playwright, so nothing leaves the machine.
NEUTRAL_URL = "http://neutral.test/weer"
NEUTRAL_HTML = "<!doctype html><html lang='nl'><title>Weer</title><h1>Het weer</h1></html>"
STORAGE_PREFIX = "veiliggezegd."


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A real uvicorn process on a real port with its own SQLite file."""

    db_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DATABASE_URL"] = f"sqlite:///{self.db_path}"
        env["ENVIRONMENT"] = "test"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        # Cheap argon2 keeps therapist logins fast; the API tests check the real defaults.
        env.setdefault("ARGON2_TIME_COST", "1")
        env.setdefault("ARGON2_MEMORY_KIB", "1024")
        return env

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "api.migrate"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        self.log_path = self.db_path.with_suffix(f".{self.port}.log")
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--timeout-graceful-shutdown",
                "2",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn stopped at startup:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as resp:
                    if json.load(resp) == {"status": "ok"}:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"uvicorn did not answer /healthz in 30 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def log_tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-3000:]
        return ""


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    external = os.environ.get("BROWSER_TEST_SERVER_PORT")
    if external:  # develop against a server you already run: BROWSER_TEST_SERVER_PORT=8000
        yield LiveServer(db_path=tmp_path_factory.mktemp("unused") / "x.db", port=int(external))
        return
    server = LiveServer(db_path=tmp_path_factory.mktemp("browser-db") / "test.db")
    server.migrate()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[[], LiveServer]]:
    """A second, private server a test may stop and start again (same port, same database)."""
    servers: list[LiveServer] = []

    def factory() -> LiveServer:
        server = LiveServer(db_path=tmp_path / "own.db")
        server.migrate()
        server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev extra missing
        skip_or_fail("the playwright package is not installed")
        raise
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class Pages:
    """Opens pages in fresh contexts and screenshots them if the test fails."""

    def __init__(self, browser: Any, base_url: str, request: pytest.FixtureRequest) -> None:
        self.browser = browser
        self.base_url = base_url
        self.request = request
        self.contexts: list[Any] = []
        self.pages: list[Any] = []
        self.external_requests: list[str] = []
        self.page_errors: list[str] = []

    def new_page(
        self,
        *,
        width: int = 1024,
        height: int = 900,
        bypass_csp: bool = False,
        reduced_motion: bool = True,
        base_url: str | None = None,
    ) -> Any:
        base = base_url or self.base_url
        context = self.browser.new_context(
            base_url=base,
            viewport={"width": width, "height": height},
            locale="nl-NL",
            bypass_csp=bypass_csp,
            reduced_motion="reduce" if reduced_motion else "no-preference",
            service_workers="block",
        )
        context.set_default_timeout(10_000)

        def neutral(route: Any) -> None:
            route.fulfill(status=200, content_type="text/html", body=NEUTRAL_HTML)

        context.route(re.compile(r"^http://neutral\.test/.*"), neutral)

        def watch(req: Any) -> None:
            url = req.url
            if not (
                url.startswith(base)
                or url.startswith("http://neutral.test/")
                or url.startswith("data:")
                or url.startswith("about:")
            ):
                self.external_requests.append(url)

        context.on("request", watch)
        page = context.new_page()
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        self.contexts.append(context)
        self.pages.append(page)
        return page

    def close(self) -> None:
        rep = getattr(self.request.node, "rep_call", None)
        if rep is not None and rep.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.request.node.nodeid)[-150:]
            for i, page in enumerate(self.pages):
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"), full_page=True)
        for context in self.contexts:
            with contextlib.suppress(Exception):
                context.close()


@pytest.fixture
def pages(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Pages]:
    p = Pages(browser, live_server.url, request)
    yield p
    p.close()
    assert not p.page_errors, f"JavaScript errors on the page: {p.page_errors}"
    assert not p.external_requests, f"requests outside our origin: {p.external_requests}"


@pytest.fixture
def page(pages: Pages) -> Any:
    return pages.new_page()
