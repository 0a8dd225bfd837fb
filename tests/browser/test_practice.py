"""Playing scenarios in the browser: catalogue, whole conversations, branching, keyboard, phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Pages
from tests.browser.helpers import (
    CHOICE,
    ENDING,
    FEEDBACK,
    MINE,
    PARTNER,
    TEXTAREA,
    api_session,
    choose_first,
    no_horizontal_scroll,
    play_to_end,
    safe_text,
    scenarios,
    send_reply,
    start_scenario,
    stored_sessions,
    tab_to,
    unsafe_text,
)

pytestmark = pytest.mark.browser

VERDICT_WORDS = {"safe": "Veilig gezegd", "almost": "Bijna", "unsafe": "Dit kan hard aankomen"}


def test_catalogue_lists_every_scenario_and_filters_by_role_and_theme(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    catalogue = scenarios(page)
    assert catalogue, "the API serves at least one scenario"
    cards = page.locator("[data-testid=scenario-card]")
    expect(cards).to_have_count(len(catalogue))
    first = catalogue[0]
    card = cards.filter(has_text=first["title"]).first
    expect(card).to_contain_text(first["summary"])
    role_words = {"speaker": "Jij brengt iets ter sprake", "listener": "Jij luistert"}
    expect(card).to_contain_text(role_words[first["role"]])

    page.locator(".filter-roles label", has_text="Jij luistert").click()
    listeners = [s for s in catalogue if s["role"] == "listener"]
    expect(cards).to_have_count(len(listeners))
    for role in page.locator("[data-testid=scenario-card]").evaluate_all(
        "(els) => els.map((e) => e.dataset.role)"
    ):
        assert role == "listener"

    page.locator(".filter-roles label", has_text="Alle").click()
    theme = first["theme"]
    page.get_by_label("Thema").select_option(theme)
    expect(cards).to_have_count(sum(1 for s in catalogue if s["theme"] == theme))
    expect(page.locator(".result-count")).to_contain_text("oefening")
    # "Zeg het veilig" is one click away.
    page.locator("main a[href='#/zeg-het-veilig']").click()
    expect(page.locator("h1")).to_have_text("Zeg het veilig")


def test_whole_scenario_with_safe_replies_reaches_the_end_screen(page: Page) -> None:
    start_scenario(page)
    # The partner (or narrator) opens; the exercise instruction and a labelled box are there.
    expect(page.locator(".chat-log li").first).to_be_visible()
    first_state = api_session(page)
    if first_state["prompt"]:
        expect(page.locator("[data-testid=instruction]")).to_contain_text(
            first_state["prompt"]["instruction"]
        )
        expect(page.get_by_label(re.compile("Jouw antwoord aan"))).to_be_visible()
    verdicts = play_to_end(page, safe_text)
    assert verdicts, "the scenario asked for at least one typed reply"
    assert "unsafe" not in verdicts

    ending = page.locator(ENDING)
    state = api_session(page)
    assert state["status"] == "finished"
    expect(ending).to_contain_text(state["ending"]["title"])
    expect(ending).to_contain_text(state["ending"]["reflection"])
    # Every typed turn is listed with its verdict in words.
    turns = page.locator("[data-testid=turn-list] li")
    expect(turns).to_have_count(sum(1 for t in state["transcript"] if t["kind"] == "reply"))
    expect(turns.first).to_contain_text(VERDICT_WORDS[verdicts[0]])
    # The connection chart: an inline SVG with a text alternative.
    chart = page.locator("[data-testid=connection-chart] svg")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("desc")).to_contain_text("beurt")
    points = len(state["connection_history"])
    expect(chart.locator("circle")).to_have_count(points)
    expect(page.get_by_role("link", name="Opnieuw")).to_have_attribute(
        "href", f"#/oefen/{state['scenario']['id']}"
    )
    expect(page.get_by_role("link", name=re.compile("Volgende oefening"))).to_be_visible()
    # Finished sessions are no longer offered under "Verder waar je was".
    page.locator(".back-link a").click()
    page.locator("[data-testid=scenario-card]").first.wait_for()
    expect(page.locator(".resume")).to_have_count(0)
    # No inline styles anywhere (the CSP forbids them).
    assert page.evaluate("() => document.querySelectorAll('[style]').length") == 0


def _first_partner_reaction(page: Page, pick: Any) -> tuple[list[str], str]:
    """Answer the first prompt (retrying if allowed) until the partner says something new."""
    before = page.locator(PARTNER).count()
    verdict = ""
    for _ in range(6):
        prompt = api_session(page)["prompt"]
        send_reply(page, pick(prompt))
        verdict = page.locator(FEEDBACK).last.get_attribute("data-verdict") or ""
        if page.locator(PARTNER).count() > before or page.locator(ENDING).count():
            break
    return page.locator(PARTNER).all_inner_texts()[before:], verdict


def test_the_partner_answers_a_safe_reply_differently_than_an_unsafe_one(pages: Pages) -> None:
    probe = pages.new_page()
    probe.goto("/")
    tried = []
    # The first scenario normally shows it; the others are a fallback for content that
    # happens to converge at its first prompt. No scenario branching on the verdict fails.
    for scenario in scenarios(probe):
        safe_page = pages.new_page()
        start_scenario(safe_page, scenario["id"])
        if not safe_page.locator(TEXTAREA).count():
            continue
        safe_lines, safe_verdict = _first_partner_reaction(safe_page, safe_text)
        assert safe_verdict == "safe"
        expect(safe_page.locator(FEEDBACK).last.locator(".verdict-title")).to_have_text(
            re.compile("Veilig gezegd")
        )

        unsafe_page = pages.new_page()
        start_scenario(unsafe_page, scenario["id"])
        prompt = api_session(unsafe_page)["prompt"]
        unsafe_lines, unsafe_verdict = _first_partner_reaction(unsafe_page, unsafe_text)
        assert unsafe_verdict == "unsafe"
        card = unsafe_page.locator(FEEDBACK).first
        expect(card).to_have_attribute("data-verdict", "unsafe")
        expect(card.locator(".verdict-title")).to_have_text(re.compile("Dit kan hard aankomen"))
        # The bubble of the reply also carries its verdict in words.
        expect(unsafe_page.locator(MINE).first).to_contain_text(prompt["unsafe_example"])
        expect(unsafe_page.locator(MINE).first).to_contain_text("Dit kan hard aankomen")
        if safe_lines != unsafe_lines:
            return
        tried.append(scenario["id"])
    pytest.fail(f"the partner's next line never depended on the reply in: {tried}")


def test_retry_keeps_the_text_and_unlocks_hints(page: Page) -> None:
    page.goto("/")
    for sc in scenarios(page):
        start_scenario(page, sc["id"])
        if not page.locator(TEXTAREA).count():
            continue
        prompt = api_session(page)["prompt"]
        send_reply(page, unsafe_text(prompt))
        state = api_session(page)
        if state["status"] == "awaiting_text" and state["prompt"]["node_id"] == prompt["node_id"]:
            expect(page.locator(".turn-title")).to_have_text("Probeer het nog eens")
            expect(page.locator(TEXTAREA)).to_have_value(unsafe_text(prompt))
            for hint in state["prompt"]["hints"]:
                expect(page.locator("[data-testid=hints]")).to_contain_text(hint)
            return
    pytest.fail("no scenario offers a retry after an unsafe first reply")


def test_keyboard_only_play_with_tab_enter_and_space(page: Page) -> None:
    page.goto("/")
    page.locator("[data-testid=scenario-card]").first.wait_for()
    tab_to(page, "[data-testid=scenario-card] a.button")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "focus is visible"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#/sessie/"))
    page.locator(f"{TEXTAREA}, {CHOICE}").first.wait_for()

    finding_checked = False
    for _ in range(40):
        if page.locator(ENDING).count():
            break
        if page.locator(TEXTAREA).count():
            prompt = api_session(page)["prompt"]
            tab_to(page, TEXTAREA)
            page.keyboard.type(safe_text(prompt))
            cards = page.locator(FEEDBACK).count()
            page.keyboard.press("Enter")  # Enter sends, Shift+Enter is a new line
            expect(page.locator(FEEDBACK)).to_have_count(cards + 1)
            card = page.locator(FEEDBACK).last
            # Focus moved to the feedback, so the next Tab walks through it.
            expect(card.locator(".verdict-title")).to_be_focused()
            if not finding_checked and card.locator(".finding-toggle").count():
                tab_to(page, ".finding-toggle", within=card)
                page.keyboard.press("Space")
                toggle = card.locator(".finding-toggle").first
                expect(toggle).to_have_attribute("aria-expanded", "true")
                expect(card.locator(".finding-details").first).to_be_visible()
                finding_checked = True
        elif page.locator(CHOICE).count():
            mine = page.locator(MINE).count()
            tab_to(page, CHOICE)
            page.keyboard.press("Space")
            expect(page.locator(MINE)).to_have_count(mine + 1)
        page.locator(f"{TEXTAREA}, {CHOICE}, {ENDING}").first.wait_for()
    expect(page.locator(ENDING)).to_be_visible()
    tab_to(page, f"{ENDING} a.button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#/(sessie|oefen)/|#/$"))


def test_phone_viewport_has_no_horizontal_scroll(pages: Pages) -> None:
    page = pages.new_page(width=360, height=740)
    page.goto("/")
    page.locator("[data-testid=scenario-card]").first.wait_for()
    no_horizontal_scroll(page)
    start_scenario(page)
    no_horizontal_scroll(page)
    if page.locator(TEXTAREA).count():
        long_word = "Ikvoelmezoooooo" * 8
        prompt = api_session(page)["prompt"]
        page.locator(TEXTAREA).fill(long_word)
        no_horizontal_scroll(page)
        send_reply(page, unsafe_text(prompt) + " " + long_word)
        card = page.locator(FEEDBACK).last
        if card.locator(".finding-toggle").count():
            card.locator(".finding-toggle").first.click()
        example = card.get_by_role("button", name="Laat een voorbeeld zien")
        if example.count():
            example.click()
        no_horizontal_scroll(page)
    elif page.locator(CHOICE).count():
        choose_first(page)
    play_to_end(page, safe_text)
    no_horizontal_scroll(page)
    page.goto("/#/zeg-het-veilig")
    page.locator("textarea").fill("Je luistert ook nooit naar me")
    page.get_by_role("button", name="Bekijk feedback").click()
    page.locator(FEEDBACK).wait_for()
    no_horizontal_scroll(page)
    assert page.evaluate("() => window.innerWidth") == 360


def test_a_new_session_is_stored_on_this_device(page: Page) -> None:
    start_scenario(page)
    stored = stored_sessions(page)
    assert len(stored) == 1
    ((sid, info),) = stored.items()
    assert page.url.endswith(f"#/sessie/{sid}")
    assert info["token"]
    assert info["scenario_id"]
