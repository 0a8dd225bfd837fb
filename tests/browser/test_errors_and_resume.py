"""Calm errors when the server is gone or answers badly, and resuming after a reload."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Pages
from tests.browser.helpers import (
    FEEDBACK,
    MINE,
    PARTNER,
    TEXTAREA,
    api_session,
    safe_text,
    send_reply,
    start_scenario,
)
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser


def test_server_stopped_keeps_the_reply_and_retry_sends_it(
    pages: Pages, make_server: Callable[[], LiveServer]
) -> None:
    server = make_server()
    page = pages.new_page(base_url=server.url)
    start_scenario(page)
    assert page.locator(TEXTAREA).count()
    text = safe_text(api_session(page)["prompt"])
    page.locator(TEXTAREA).fill(text)

    server.stop()  # really gone: connection refused
    page.locator(".turn-area button[type=submit]").click()
    error = page.locator("[data-testid=error-panel]")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text("We kunnen Veilig Gezegd nu niet bereiken")
    expect(page.locator(TEXTAREA)).to_have_value(text)  # nothing lost
    expect(page.locator(FEEDBACK)).to_have_count(0)

    # The catalogue too: a calm message, never a blank screen.
    page.locator(".back-link a").click()
    home_error = page.locator("[data-testid=error-panel]")
    expect(home_error).to_be_visible()
    expect(page.locator("h1")).to_be_visible()

    server.start()  # same port, same database
    home_error.get_by_role("button", name="Probeer opnieuw").click()
    page.locator("[data-testid=scenario-card]").first.wait_for()
    expect(page.locator("[data-testid=error-panel]")).to_have_count(0)

    # Back to the session: the retry sends the same reply.
    page.locator(".resume-link").first.click()
    page.locator(TEXTAREA).wait_for()
    page.locator(TEXTAREA).fill(text)
    server.stop()
    page.locator(".turn-area button[type=submit]").click()
    expect(page.locator("[data-testid=error-panel]")).to_be_visible()
    server.start()
    page.get_by_role("button", name="Probeer opnieuw").click()
    expect(page.locator(FEEDBACK)).to_have_count(1)
    expect(page.locator(MINE).last).to_contain_text(text)
    expect(page.locator("[data-testid=error-panel]")).to_have_count(0)


def _json(status: int, body: dict[str, object]) -> Callable[[Route], None]:
    def handler(route: Route) -> None:
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    return handler


def test_5xx_and_4xx_are_calm_dutch_messages(page: Page) -> None:
    page.route("**/api/v1/scenarios", _json(500, {"detail": "Internal Server Error"}))
    page.goto("/")
    error = page.locator("[data-testid=error-panel]")
    expect(error).to_contain_text("Er ging bij ons iets mis")
    expect(error).not_to_contain_text("500")
    expect(error).not_to_contain_text("Internal")
    page.unroute("**/api/v1/scenarios")
    error.get_by_role("button", name="Probeer opnieuw").click()
    page.locator("[data-testid=scenario-card]").first.wait_for()

    # A 4xx shows the server's own Dutch sentence.
    page.goto("/#/zeg-het-veilig")
    page.route(
        "**/api/v1/analyze",
        _json(422, {"detail": "Je tekst is te lang.", "code": "text_too_long", "errors": []}),
    )
    page.get_by_label("Wat wil je zeggen?").fill("Een zin")
    page.get_by_role("button", name="Bekijk feedback").click()
    expect(page.locator("[data-testid=error-panel]")).to_contain_text("Je tekst is te lang.")
    expect(page.get_by_label("Wat wil je zeggen?")).to_have_value("Een zin")


def test_unknown_session_gets_a_friendly_page(page: Page) -> None:
    page.goto("/#/sessie/bestaat-niet")
    expect(page.locator("h1")).to_have_text("Oefening niet gevonden")
    expect(page.get_by_role("link", name="Kies een oefening")).to_be_visible()
    page.goto("/#/iets-anders")
    expect(page.locator("h1")).to_have_text("Deze pagina bestaat niet")


def test_resume_after_reload_and_from_the_home_page(page: Page) -> None:
    start_scenario(page)
    assert page.locator(TEXTAREA).count()
    text = safe_text(api_session(page)["prompt"])
    send_reply(page, text)
    url = page.url
    partner_before = page.locator(PARTNER).all_inner_texts()
    page.reload()
    page.locator(".chat-log li").first.wait_for()
    expect(page.locator(MINE).first).to_contain_text(text)
    expect(page.locator(MINE).first).to_contain_text(
        re.compile("Veilig gezegd|Bijna|hard aankomen")
    )
    assert page.locator(PARTNER).all_inner_texts() == partner_before
    page.locator(
        ".turn-area textarea, .turn-area .choice-button, [data-testid=ending]"
    ).first.wait_for()

    page.goto("/#/")
    resume = page.locator(".resume-link")
    expect(resume).to_have_count(1)
    expect(page.locator(".resume h2")).to_have_text("Verder waar je was")
    resume.click()
    page.wait_for_url(url)
    expect(page.locator(MINE).first).to_contain_text(text)
