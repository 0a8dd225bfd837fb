"""The safety panel, the quick exit, and wiping this device's data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NEUTRAL_URL, Pages
from tests.browser.helpers import (
    FEEDBACK,
    MINE,
    TEXTAREA,
    app_storage_keys,
    start_scenario,
    stored_sessions,
)

pytestmark = pytest.mark.browser

CRISIS_TEXT = "Ik wil er niet meer zijn"


def point_exit_to_local_page(page: Page) -> None:
    page.evaluate("(url) => { document.body.dataset.exitUrl = url; }", NEUTRAL_URL)


def test_safety_panel_replaces_feedback_in_zeg_het_veilig(page: Page) -> None:
    page.goto("/#/zeg-het-veilig")
    box = page.get_by_label("Wat wil je zeggen?")
    box.fill(CRISIS_TEXT)
    # Already while typing, calmly, without taking focus.
    panel = page.locator(".check-result [data-testid=safety-panel]")
    expect(panel).to_be_visible()
    expect(box).to_be_focused()
    page.get_by_role("button", name="Bekijk feedback").click()
    expect(panel).to_have_count(1)
    expect(panel.locator(".safety-title")).to_be_focused()
    expect(page.locator(FEEDBACK)).to_have_count(0)
    result = page.request.post("/api/v1/analyze", data={"text": CRISIS_TEXT}).json()
    assert result["safety"], "the safety checker recognises this sentence"
    expect(panel).to_contain_text(result["safety"]["message"])
    # "113 of 0800-0113 (gratis)": every number is its own tel: link.
    phones = [
        re.sub(r"[^\d+]", "", number)
        for line in result["safety"]["helplines"]
        for number in re.findall(r"\+?\d(?:[\d \-]*\d)?", line["phone"] or "")
    ]
    assert phones, "helplines come with phone numbers"
    expect(panel.locator("a[href^='tel:']")).to_have_count(len(phones))
    for line in result["safety"]["helplines"]:
        expect(panel).to_contain_text(line["name"])
    for digits in set(phones):
        expect(panel.locator(f"a[href='tel:{digits}']")).to_have_count(phones.count(digits))
    # No close button: the panel cannot be dismissed with one click.
    expect(panel.get_by_role("button")).to_have_count(0)
    # Help stays reachable for the rest of the session, on every page.
    page.locator(".site-nav a", has_text="Oefeningen").click()
    page.locator("[data-testid=scenario-card]").first.wait_for()
    toggle = page.get_by_role("button", name="Hulp nodig?")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#help-panel")).to_contain_text(result["safety"]["helplines"][0]["name"])
    page.reload()
    expect(page.get_by_role("button", name="Hulp nodig?")).to_be_visible()


def test_safety_panel_in_practice_needs_two_steps_to_continue(page: Page) -> None:
    start_scenario(page)
    assert page.locator(TEXTAREA).count()
    mine = page.locator(MINE).count()
    page.locator(TEXTAREA).fill(CRISIS_TEXT)
    with page.expect_response(lambda r: r.url.endswith("/reply")) as info:
        page.locator(".turn-area button[type=submit]").click()
    assert info.value.json()["safety"], "a reply about not wanting to live carries safety"
    expect(page.locator(MINE)).to_have_count(mine + 1)
    panel = page.locator(".chat-feedback [data-testid=safety-panel]")
    expect(panel).to_be_visible()
    expect(page.locator(FEEDBACK)).to_have_count(0)
    expect(panel.locator(".safety-title")).to_be_focused()
    panel.get_by_role("button", name="Ik wil verder oefenen").click()
    # One click is not enough: a confirmation first, and the panel is still there.
    expect(panel).to_be_visible()
    expect(page.locator(TEXTAREA)).to_have_count(0)
    panel.get_by_role("button", name="Ja, ga verder").click()
    expect(panel).to_be_visible()  # stays in the conversation
    expect(page.get_by_role("button", name="Hulp nodig?")).to_be_visible()
    page.locator(f"{TEXTAREA}, .turn-area .choice-button, [data-testid=ending]").first.wait_for()


def test_quick_exit_button_leaves_and_back_does_not_return(pages: Pages) -> None:
    page = pages.new_page()
    page.goto("/")
    page.get_by_label("Wis mijn gegevens bij Snel weg").check()
    start_scenario(page)  # history inside the app must not bring anyone back either
    page.locator(".back-link a").click()
    page.locator("[data-testid=scenario-card]").first.wait_for()
    assert stored_sessions(page)
    point_exit_to_local_page(page)
    page.get_by_role("button", name="Snel weg").click()
    page.wait_for_url(NEUTRAL_URL)
    expect(page.locator("h1")).to_have_text("Het weer")
    page.go_back()
    assert not page.url.startswith(pages.base_url), page.url
    # The setting was on: nothing of ours is left in this browser.
    other = page.context.new_page()
    other.goto(pages.base_url + "/")
    other.locator("[data-testid=scenario-card]").first.wait_for()
    assert app_storage_keys(other) == []
    expect(other.locator(".resume")).to_have_count(0)


def test_escape_twice_exits_and_keeps_data_when_not_asked_to_wipe(pages: Pages) -> None:
    page = pages.new_page()
    start_scenario(page)
    sessions = stored_sessions(page)
    point_exit_to_local_page(page)
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)  # two presses more than a second apart do nothing
    page.keyboard.press("Escape")
    assert page.url.startswith(pages.base_url)
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL_URL)
    other = page.context.new_page()
    other.goto(pages.base_url + "/")
    other.locator("[data-testid=scenario-card]").first.wait_for()
    assert set(stored_sessions(other)) == set(sessions)
    expect(other.locator(".resume-link")).to_have_count(1)


def test_wipe_my_data_needs_confirmation(page: Page) -> None:
    start_scenario(page)
    ((sid, info),) = stored_sessions(page).items()
    page.locator(".back-link a").click()
    expect(page.locator(".resume-link")).to_have_count(1)
    wipe = page.get_by_role("button", name="Wis mijn gegevens op dit apparaat")
    wipe.click()
    expect(page.locator("#wipe-confirm")).to_be_visible()
    page.get_by_role("button", name="Nee, toch niet").click()
    expect(page.locator("#wipe-confirm")).to_be_hidden()
    assert stored_sessions(page), "cancel keeps everything"
    wipe.click()
    page.get_by_role("button", name="Ja, wis alles").click()
    expect(page.locator("#wipe-status")).to_have_text("Je gegevens op dit apparaat zijn gewist.")
    assert app_storage_keys(page) == []
    expect(page.locator(".resume")).to_have_count(0)
    # The server forgets the session too (DELETE with its token).
    headers = {"X-Session-Token": info["token"]}
    for _ in range(50):
        if page.request.get(f"/api/v1/sessions/{sid}", headers=headers).status == 404:
            break
        page.wait_for_timeout(100)
    assert page.request.get(f"/api/v1/sessions/{sid}", headers=headers).status == 404
