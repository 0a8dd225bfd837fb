"""Small helpers shared by the browser tests."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SESSIONS_KEY = "veiliggezegd.sessions"

FEEDBACK = "[data-testid=feedback-card]"
MINE = ".chat-log [data-speaker=me]"
PARTNER = ".chat-log [data-speaker=partner] .bubble-text"
TEXTAREA = ".turn-area textarea"
SEND = ".turn-area form.composer button[type=submit]"
CHOICE = ".turn-area .choice-button"
ENDING = "[data-testid=ending]"


def stored_sessions(page: Page) -> dict[str, Any]:
    raw = page.evaluate(f"() => localStorage.getItem('{SESSIONS_KEY}')")
    return json.loads(raw) if raw else {}


def app_storage_keys(page: Page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('veiliggezegd.'))"
    )


def session_id(page: Page) -> str:
    match = re.search(r"#/sessie/([^/?#]+)", page.url)
    assert match, f"not on a session page: {page.url}"
    return match.group(1)


def api_session(page: Page) -> dict[str, Any]:
    """The current session as the API sees it (token from this browser's localStorage)."""
    sid = session_id(page)
    token = stored_sessions(page)[sid]["token"]
    resp = page.request.get(f"/api/v1/sessions/{sid}", headers={"X-Session-Token": token})
    assert resp.ok, resp.status
    return resp.json()


def scenarios(page: Page) -> list[dict[str, Any]]:
    resp = page.request.get("/api/v1/scenarios")
    assert resp.ok
    return resp.json()


def wait_for_turn(page: Page) -> None:
    page.locator(f"{TEXTAREA}, {CHOICE}, {ENDING}").first.wait_for()


def start_scenario(page: Page, scenario_id: str | None = None) -> None:
    if not page.url.startswith("http"):
        page.goto("/")
    else:  # in-app navigation, like a person would (it adds no history entry)
        page.locator(".brand").click()
    page.locator("[data-testid=scenario-card]").first.wait_for()
    link = (
        page.locator(f"a[href='#/oefen/{scenario_id}']")
        if scenario_id
        else page.locator("[data-testid=scenario-card] a").first
    )
    link.click()
    page.wait_for_url(re.compile(r"#/sessie/"))
    wait_for_turn(page)


def send_reply(page: Page, text: str) -> None:
    """Type into the box, send, and wait until the reply is in the conversation."""
    mine = page.locator(MINE).count()
    page.locator(TEXTAREA).fill(text)
    page.locator(SEND).click()
    expect(page.locator(MINE)).to_have_count(mine + 1)
    wait_for_turn_or_safety(page)


def wait_for_turn_or_safety(page: Page) -> None:
    page.locator(
        f"{TEXTAREA}, {CHOICE}, {ENDING}, .chat-feedback [data-testid=safety-panel]"
    ).first.wait_for()


def choose_first(page: Page) -> str:
    mine = page.locator(MINE).count()
    button = page.locator(CHOICE).first
    text = button.inner_text()
    button.click()
    expect(page.locator(MINE)).to_have_count(mine + 1)
    wait_for_turn(page)
    return text


def safe_text(prompt: dict[str, Any]) -> str:
    examples = prompt["examples"]
    assert examples, "every prompt carries safe examples"
    return examples[(prompt.get("attempt", 1) - 1) % len(examples)]


def unsafe_text(prompt: dict[str, Any]) -> str:
    assert prompt["unsafe_example"], "every prompt carries an unsafe example"
    return prompt["unsafe_example"]


def play_to_end(page: Page, pick: Any, max_steps: int = 40) -> list[str]:
    """Answer every prompt with pick(prompt) and every choice with its first option."""
    verdicts: list[str] = []
    for _ in range(max_steps):
        if page.locator(ENDING).count():
            return verdicts
        if page.locator(TEXTAREA).count():
            prompt = api_session(page)["prompt"]
            cards = page.locator(FEEDBACK).count()
            send_reply(page, pick(prompt))
            expect(page.locator(FEEDBACK)).to_have_count(cards + 1)
            verdicts.append(page.locator(FEEDBACK).last.get_attribute("data-verdict") or "")
        elif page.locator(CHOICE).count():
            choose_first(page)
        else:  # pragma: no cover - diagnostic
            raise AssertionError("neither a text box, a choice nor an ending is shown")
    raise AssertionError(f"scenario did not end within {max_steps} steps")


def no_horizontal_scroll(page: Page) -> None:
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1], f"horizontal scroll: scrollWidth {sizes[0]} > {sizes[1]}"


def tab_to(page: Page, selector: str, within: Locator | None = None, max_presses: int = 80) -> None:
    """Press Tab until the focused element matches `selector` (inside `within`, if given)."""
    scope = within if within is not None else page.locator("body")
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if scope.evaluate(
            "(el, sel) => !!document.activeElement && el.contains(document.activeElement)"
            " && document.activeElement.matches(sel)",
            selector,
        ):
            return
    raise AssertionError(f"could not reach {selector!r} with Tab")


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.x A/AA violations on the current page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: [
                    'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice',
                ]},
                resultTypes: ['violations'],
            });
            return r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def screenshot_path(name: str) -> Path:
    """docs/<name> when UPDATE_SCREENSHOTS=1 (for the README); otherwise an artifact, so a normal
    run never changes files in the repository."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        target = ROOT / "docs" / name
    else:
        target = ARTIFACTS / name
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def save_screenshot(page: Page, name: str, width: int) -> Path:
    """The whole <main> (and the header above it) as one PNG, written atomically."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    # A viewport as tall as the page: the sticky header stays on top, nothing scrolls.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("() => window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tmp = ARTIFACTS / f"{name}.tmp.png"
    box = page.locator("main").bounding_box()
    assert box is not None
    page.screenshot(
        path=str(tmp), clip={"x": 0, "y": 0, "width": width, "height": box["y"] + box["height"]}
    )
    data = tmp.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000
    target = screenshot_path(name)
    tmp.replace(target)
    return target
