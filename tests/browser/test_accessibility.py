"""axe-core on every screen, the strict CSP, and the README screenshot.

The screenshot goes to docs/ only with UPDATE_SCREENSHOTS=1; otherwise to tests/browser/artifacts/,
so a normal run leaves the repository as it is.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Route, expect

from tests.browser.conftest import Pages
from tests.browser.helpers import (
    AXE_JS,
    CHOICE,
    ENDING,
    FEEDBACK,
    TEXTAREA,
    api_session,
    choose_first,
    play_to_end,
    run_axe,
    safe_text,
    save_screenshot,
    send_reply,
    start_scenario,
    unsafe_text,
)

pytestmark = pytest.mark.browser

CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"


def test_axe_finds_no_serious_violations_on_any_screen(pages: Pages) -> None:
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `npm ci` in the repository root")
    page = pages.new_page(bypass_csp=True)  # axe is injected as a script; only this test
    problems: dict[str, list[dict[str, Any]]] = {}

    def audit(name: str) -> None:
        found = run_axe(page)
        if found:
            problems[name] = found

    page.goto("/")
    page.locator("[data-testid=scenario-card]").first.wait_for()
    audit("home")
    page.get_by_role("button", name="Wis mijn gegevens op dit apparaat").click()
    audit("home-wipe-confirm")
    page.get_by_role("button", name="Nee, toch niet").click()

    start_scenario(page)
    audit("practice-start")
    if page.locator(TEXTAREA).count():
        prompt = api_session(page)["prompt"]
        page.locator(TEXTAREA).fill(unsafe_text(prompt))
        page.locator(".field-mirror mark").first.wait_for()
        audit("practice-typing")
        send_reply(page, unsafe_text(prompt))
        card = page.locator(FEEDBACK).last
        card.locator(".finding-toggle").first.click()
        card.get_by_role("button", name="Laat een voorbeeld zien").click()
        audit("practice-feedback")
    for _ in range(20):
        if page.locator(CHOICE).count():
            audit("practice-choice")
            choose_first(page)
            break
        if page.locator(ENDING).count():
            break
        send_reply(page, safe_text(api_session(page)["prompt"]))
    play_to_end(page, safe_text)
    expect(page.locator("[data-testid=connection-chart]")).to_be_visible()
    audit("ending")

    page.goto("/#/zeg-het-veilig")
    page.get_by_label("Wat wil je zeggen?").fill("Ik voel me verdrietig omdat jij nooit luistert")
    page.get_by_role("button", name="Bekijk feedback").click()
    page.locator(FEEDBACK).wait_for()
    audit("check-feedback")
    page.get_by_label("Wat wil je zeggen?").fill("Ik wil er niet meer zijn")
    page.get_by_role("button", name="Bekijk feedback").click()
    page.locator(".check-result [data-testid=safety-panel]").wait_for()
    audit("check-safety")
    page.get_by_role("button", name="Hulp nodig?").click()
    audit("help-panel")

    page.route("**/api/v1/scenarios", lambda route: route.abort())
    page.goto("/#/")
    page.locator("[data-testid=error-panel]").wait_for()
    audit("error")
    page.goto("/#/sessie/onbekend")
    expect(page.locator("h1")).to_have_text("Oefening niet gevonden")
    audit("not-found")

    assert not problems, problems


def test_runs_under_the_strict_csp_without_violations(pages: Pages) -> None:
    page = pages.new_page()
    page.add_init_script(
        """window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""
    )

    def with_csp(route: Route) -> None:
        response = route.fetch()
        headers = dict(response.headers)
        # The server's own policy when it sends one (the real thing), else the brief's.
        headers.setdefault("content-security-policy", CSP)
        route.fulfill(response=response, headers=headers)

    page.route(lambda url: url.startswith(pages.base_url) and "/api/" not in url, with_csp)
    page.goto("/")
    page.locator("[data-testid=scenario-card]").first.wait_for()
    start_scenario(page)
    if page.locator(TEXTAREA).count():
        send_reply(page, unsafe_text(api_session(page)["prompt"]))
        page.locator(FEEDBACK).last.locator(".finding-toggle").first.click()
    play_to_end(page, safe_text)
    page.locator("[data-testid=connection-chart] svg").wait_for()
    page.goto("/#/zeg-het-veilig")
    page.get_by_label("Wat wil je zeggen?").fill("Je bent lui")
    page.locator(".field-mirror mark").first.wait_for()
    assert page.evaluate("() => window.__csp") == []
    assert page.evaluate("() => document.querySelectorAll('[style]').length") == 0


def test_screenshot_of_the_practice_screen_for_the_readme(pages: Pages) -> None:
    page = pages.new_page(width=900, height=1200)
    start_scenario(page)
    assert page.locator(TEXTAREA).count()
    prompt = api_session(page)["prompt"]
    send_reply(page, unsafe_text(prompt))
    card = page.locator(FEEDBACK).last
    card.locator(".finding-toggle").first.click()
    if page.locator(TEXTAREA).count():
        page.locator(TEXTAREA).fill(safe_text(api_session(page)["prompt"]))
        page.locator(".field-mirror mark").first.wait_for()
    save_screenshot(page, "screenshot-practice.png", 900)
