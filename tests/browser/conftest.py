"""Browser tests: a REAL uvicorn serving api.main:app (and frontend/), driven by Debian's Chromium.

One server and one browser for the whole session keep the suite fast; every test gets a fresh
browser context (empty localStorage). Chromium missing: skipped on a laptop, FAILS under CI=true.
Screenshots of failed tests land in tests/browser/artifacts/.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api.migrate import upgrade
from tests.conftest import skip_or_fail
from tests.live_server import CHEAP_ARGON2, LiveServer, start

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


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))


def _migrated_server(db_path: Path) -> LiveServer:
    """A running server on a fresh SQLite file with the real dialogue library."""
    url = f"sqlite:///{db_path}"
    upgrade(url)
    return start(url, db_path.with_suffix(".log"), CHEAP_ARGON2, dialogues=None)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    external = os.environ.get("BROWSER_TEST_SERVER_PORT")
    if external:  # develop against a server you already run: BROWSER_TEST_SERVER_PORT=8000
        yield LiveServer("", Path(os.devnull), port=int(external))
        return
    server = _migrated_server(tmp_path_factory.mktemp("browser-db") / "test.db")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[[], LiveServer]]:
    """A second, private server a test may stop and start again (same port, same database)."""
    servers: list[LiveServer] = []

    def factory() -> LiveServer:
        servers.append(_migrated_server(tmp_path / "own.db"))
        return servers[-1]

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
