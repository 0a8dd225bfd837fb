"""The therapists' pages (/therapeut) and the client's homework page (#/huiswerk/<code>).

The therapist and the client each get their own browser context (own cookies, own localStorage),
as in real life. Flows that a test is not about are set up through the API in the same context
(page.request shares the context's cookies), which keeps the suite fast.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import APIRequestContext, Page, expect

from tests.browser.conftest import NEUTRAL_URL, Pages
from tests.browser.helpers import (
    AXE_JS,
    ENDING,
    TEXTAREA,
    app_storage_keys,
    no_horizontal_scroll,
    play_to_end,
    run_axe,
    safe_text,
    save_screenshot,
    scenarios,
    send_reply,
    wait_for_turn,
)

pytestmark = pytest.mark.browser

PASSWORD = "een lange zin als wachtwoord"
XSS = (
    'Je luistert ook nooit! <img src=x onerror="window.__pwned=1"> '
    "<script>window.__pwned=2</script>"
)
NOTE = "Probeer het deze week twee keer, rustig aan."
HOMEWORK_KEY = "veiliggezegd.homework"


def new_email() -> str:
    return f"t{uuid.uuid4().hex[:10]}@praktijk.nl"


# ---- set-up through the API (for tests about something else) ---------------------------------


def api_therapist(page: Page, email: str | None = None) -> tuple[str, str]:
    """Register and log in inside this page's context; returns (email, csrf)."""
    email = email or new_email()
    r = page.request.post("/api/v1/therapists", data={"email": email, "password": PASSWORD})
    assert r.status == 201, r.text()
    r = page.request.post("/api/v1/auth/login", data={"email": email, "password": PASSWORD})
    assert r.ok, r.text()
    return email, r.json()["csrf_token"]


def api_homework(page: Page, csrf: str, pseudonym: str = "Stel A") -> dict[str, Any]:
    headers = {"X-CSRF-Token": csrf}
    client = page.request.post(
        "/api/v1/clients", data={"pseudonym": pseudonym}, headers=headers
    ).json()
    ref = scenarios(page)[0]["id"]
    r = page.request.post(
        "/api/v1/homework",
        data={"client_id": client["id"], "scenario_ids": [ref], "note": NOTE},
        headers=headers,
    )
    assert r.status == 201, r.text()
    return r.json() | {"client_id": client["id"], "ref": ref}


def api_practise(
    request: APIRequestContext, code: str, ref: str, first: str, sharing: str = "texts"
) -> None:
    """The client practises the whole scenario: `first` as the first reply, then safe examples."""
    assert request.put(f"/api/v1/h/{code}/sharing", data={"sharing": sharing}).ok
    r = request.post(f"/api/v1/h/{code}/sessions", data={"scenario_id": ref})
    assert r.status == 201, r.text()
    s = r.json()
    sid, headers = s["id"], {"X-Session-Token": s["token"]}
    texts = [first]
    for _ in range(40):
        if s["status"] == "finished":
            return
        if s["status"] == "awaiting_text":
            text = texts.pop() if texts else safe_text(s["prompt"])
            r = request.post(f"/api/v1/sessions/{sid}/reply", data={"text": text}, headers=headers)
        else:
            choice = s["choices"]["options"][0]["id"]
            r = request.post(
                f"/api/v1/sessions/{sid}/choose", data={"choice_id": choice}, headers=headers
            )
        assert r.ok, r.text()
        s = r.json()
    raise AssertionError("the scenario did not end")


def download(page: Page, button: str) -> tuple[str, str]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_text(encoding="utf-8")


# ---- through the pages, like people do --------------------------------------------------------


def register_in_browser(page: Page, email: str) -> None:
    page.goto("/therapeut")
    expect(page.locator("h1")).to_have_text("Inloggen voor therapeuten")
    page.get_by_role("link", name="Maak een account").click()
    expect(page.locator("h1")).to_have_text("Een account voor therapeuten")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Maak mijn account").click()
    expect(page.locator("h1")).to_have_text("Je cliënten")


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    # Wait for the login form itself: right after a navigation the previous form (with the
    # same field labels) can still be on the page.
    expect(page.locator("h1")).to_have_text("Inloggen voor therapeuten")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_homework_from_link_to_progress_export_and_erasure(pages: Pages) -> None:
    therapist = pages.new_page()
    register_in_browser(therapist, new_email())

    # A client under a pseudonym; the page says plainly that no real name is needed.
    expect(therapist.get_by_text("Je hebt geen echte namen nodig")).to_be_visible()
    therapist.get_by_label("Schuilnaam").fill("Stel A")
    therapist.get_by_role("button", name="Voeg toe").click()
    expect(therapist.locator("[data-testid=client]")).to_have_count(1)
    expect(therapist.locator("[data-testid=client] h2")).to_have_text("Stel A")

    # New homework: the client, a scenario, a note, a due date -> the link, once.
    therapist.locator("[data-testid=client]").get_by_role("link", name="Nieuw huiswerk").click()
    expect(therapist.locator("h1")).to_have_text("Nieuw huiswerk")
    expect(therapist.get_by_label("Voor wie?")).to_have_value(re.compile(".+"))
    scenario = scenarios(therapist)[0]
    therapist.get_by_role("button", name="Maak het huiswerk en de link").click()
    expect(therapist.get_by_text("Kies minstens één oefening.")).to_be_visible()
    therapist.get_by_role("checkbox", name=scenario["title"], exact=True).check()
    therapist.get_by_label("Bericht voor je cliënt").fill(NOTE)
    therapist.get_by_label("Graag af op").fill("2030-12-01")
    therapist.get_by_role("button", name="Maak het huiswerk en de link").click()
    panel = therapist.locator("[data-testid=link-panel]")
    expect(panel).to_contain_text("Je ziet deze link maar één keer.")
    expect(panel).to_contain_text("nieuwe link")
    url = therapist.locator("[data-testid=private-link]").input_value()
    assert re.fullmatch(re.escape(pages.base_url) + r"/#/huiswerk/[A-Za-z0-9_-]{43,}", url), url
    therapist.get_by_role("button", name="Kopieer de link").click()
    expect(panel.locator(".copy-status")).not_to_be_empty()

    # The client, in a browser of their own, without an account.
    client = pages.new_page()
    client.goto(url)
    expect(client.locator("h1")).to_have_text("Je huiswerk")
    code = url.rsplit("/", 1)[1]
    assert code not in client.title()
    expect(client.locator("[data-testid=homework-note]")).to_contain_text(NOTE)
    expect(client.locator("[data-testid=homework-note]")).to_contain_text("1 december 2030")
    card = client.locator("[data-testid=homework-scenario]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(scenario["title"])
    expect(card).to_contain_text("Nog niet begonnen")
    # Before the first attempt: choose what the therapist sees. No way to start before that.
    sharing = client.locator("[data-testid=sharing]")
    expect(sharing).to_contain_text("Je kunt dit later altijd veranderen")
    expect(sharing).to_contain_text("deelt de app nooit met je therapeut")
    expect(card.get_by_role("button")).to_have_count(0)
    client.get_by_role("button", name="Bewaar mijn keuze").click()
    expect(client.get_by_text("Kies een van de twee.")).to_be_visible()
    client.get_by_label("Resultaten en teksten").check()
    client.get_by_role("button", name="Bewaar mijn keuze").click()
    expect(client.locator("[data-testid=homework-status]")).to_contain_text("Bewaard")
    expect(client.locator("[data-testid=sharing-current]")).to_contain_text("Resultaten en teksten")

    # Practise on the normal practice screen: first a reply that tries to inject HTML.
    card.get_by_role("button", name="Begin deze oefening").click()
    client.wait_for_url(re.compile(r"#/sessie/"))
    wait_for_turn(client)
    expect(client.get_by_role("link", name="← Terug naar je huiswerk")).to_be_visible()
    assert client.locator(TEXTAREA).count(), "the scenario starts with a prompt"
    send_reply(client, XSS)
    play_to_end(client, safe_text)
    expect(client.locator(ENDING)).to_be_visible()
    first_session = client.url
    # "Opnieuw" starts the same scenario again as homework; the homework page offers to go on.
    client.locator(ENDING).get_by_role("button", name="Opnieuw").click()
    client.wait_for_url(lambda u: "#/sessie/" in u and u != first_session)
    wait_for_turn(client)
    client.get_by_role("link", name="← Terug naar je huiswerk").click()
    expect(card).to_contain_text("Klaar")
    expect(card).to_contain_text("2 keer begonnen")
    expect(card.get_by_role("link", name="Ga verder")).to_be_visible()

    # The therapist sees it: practised, where it was hard, in words, the texts as TEXT.
    therapist.get_by_role("link", name="Bekijk de voortgang").click()
    expect(therapist.locator("h1")).to_have_text("Huiswerk voor Stel A")
    overview = therapist.locator("[data-testid=overview]")
    expect(overview).to_contain_text("Geoefend: ja")
    expect(overview).to_contain_text("1 afgerond")
    expect(overview.locator("[data-testid=recurring]")).to_contain_text("Absolute taal")
    expect(overview).to_contain_text("De cliënt deelt resultaten en teksten.")
    progress = therapist.locator("[data-testid=scenario-progress]")
    expect(progress).to_contain_text(scenario["title"])
    expect(progress).to_contain_text("2 keer begonnen, 1 keer afgerond")
    first = progress.locator("[data-testid=prompt-progress]").first
    expect(first).to_contain_text("Eerste poging")
    expect(first).to_contain_text("Dit kan hard aankomen")
    expect(first).to_contain_text("Laatste poging")
    expect(first.locator("[data-testid=verdict-counts]")).to_contain_text("kan hard aankomen")
    expect(first.locator("[data-testid=attempt-text]").first).to_have_text(XSS)
    assert therapist.evaluate("() => window.__pwned") is None
    expect(therapist.locator("main img, main script")).to_have_count(0)
    chart = therapist.locator("[data-testid=safe-chart]")
    expect(chart.locator("svg[role=img]")).to_be_visible()
    expect(chart.locator("[data-testid=safe-chart-summary]")).to_contain_text("Op 1 dag geoefend")

    # Exports, downloaded without leaving the page.
    name, text = download(therapist, "Download CSV")
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    assert {r["client"] for r in rows} == {"Stel A"}
    assert rows[0]["text"] == XSS
    assert rows[0]["verdict"] == "unsafe"
    assert rows[-1]["verdict"] == "safe"
    name, text = download(therapist, "Download JSON")
    assert name.endswith(".json")
    data = json.loads(text)
    assert [r["verdict"] for r in data] == [r["verdict"] for r in rows]
    assert data[0]["text"] == XSS
    expect(therapist.locator("h1")).to_have_text("Huiswerk voor Stel A")

    # The client changes their mind: the therapist sees results only, also for what was there.
    client.get_by_role("button", name="Wijzig wat je deelt").click()
    client.get_by_label("Alleen resultaten").check()
    client.get_by_role("button", name="Bewaar mijn keuze").click()
    expect(client.locator("[data-testid=sharing-current]")).to_contain_text("Alleen resultaten")
    therapist.reload()
    expect(therapist.locator("h1")).to_have_text("Huiswerk voor Stel A")
    first = therapist.locator("[data-testid=prompt-progress]").first
    expect(first.locator("[data-testid=texts-hidden]").first).to_have_text(
        "De cliënt deelt alleen resultaten."
    )
    expect(therapist.locator("[data-testid=attempt-text]")).to_have_count(0)
    expect(first).to_contain_text("Dit kan hard aankomen")
    _, text = download(therapist, "Download CSV")
    assert all(r["text"] == "" for r in csv.DictReader(io.StringIO(text)))

    # "Verder waar je was" offers the homework again on the client's device.
    client.goto("/")
    expect(client.locator("[data-testid=resume-homework]")).to_have_count(1)
    client.locator("[data-testid=resume-homework]").click()
    expect(client.locator("h1")).to_have_text("Je huiswerk")

    # The client takes their data along, then erases it.
    with client.expect_download() as info:
        client.get_by_role("button", name="Download mijn gegevens").click()
    mine = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    statuses = [s["status"] for s in mine["sessions"]]
    assert len(statuses) == 2
    assert statuses[0] == "finished"
    assert statuses[1] != "finished"
    client.get_by_role("button", name="Wis mijn gegevens van dit huiswerk").click()
    expect(client.get_by_text("wissen we dan voor altijd, ook bij je therapeut")).to_be_visible()
    client.get_by_role("button", name="Ja, wis alles").click()
    expect(client.locator("[data-testid=homework-erased]")).to_be_visible()
    therapist.reload()
    expect(therapist.locator("[data-testid=erased]")).to_contain_text(
        "De cliënt heeft de gegevens gewist."
    )
    expect(therapist.locator("[data-testid=scenario-progress]")).to_have_count(0)
    expect(therapist.locator("[data-testid=overview]")).to_have_count(0)

    # "Wis mijn gegevens op dit apparaat" forgets the homework code too.
    client.goto("/")
    expect(client.locator("[data-testid=resume-homework]")).to_have_count(1)
    client.get_by_role("button", name="Wis mijn gegevens op dit apparaat").click()
    client.get_by_role("button", name="Ja, wis alles").click()
    expect(client.locator("[data-testid=resume-homework]")).to_have_count(0)
    assert HOMEWORK_KEY not in app_storage_keys(client)
    assert code not in json.dumps(client.evaluate("() => ({...localStorage})"))


def test_register_log_in_second_factor_log_out_and_delete_account(pages: Pages) -> None:
    page = pages.new_page()
    email = new_email()
    page.goto("/therapeut#/registreren")
    page.get_by_label("E-mailadres").fill(email)
    expect(page.get_by_text("Minstens 12 tekens")).to_be_visible()
    page.get_by_label("Wachtwoord").fill("kort")
    page.get_by_role("button", name="Maak mijn account").click()
    expect(page.get_by_text("Nog iets langer: minstens 12 tekens")).to_be_visible()
    expect(page.get_by_label("Wachtwoord")).to_have_attribute("aria-invalid", "true")
    # The server's own Dutch reason (422) for a guessable password.
    page.get_by_label("Wachtwoord").fill("aaaaaaaaaaaaaaaa")
    page.get_by_role("button", name="Maak mijn account").click()
    expect(page.locator("[data-testid=error-panel]")).to_contain_text("te makkelijk te raden")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Maak mijn account").click()
    expect(page.locator("h1")).to_have_text("Je cliënten")

    # The second factor: the secret and the otpauth URI as text, then ten recovery codes once.
    page.get_by_role("link", name="Account").click()
    expect(page.locator("[data-testid=account-email]")).to_have_text(email)
    page.get_by_role("button", name="Zet de tweede stap aan").click()
    secret = page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
    expect(page.locator("[data-testid=totp-uri]")).to_contain_text("otpauth://totp/")
    totp = pyotp.TOTP(secret)
    page.get_by_label("De code uit je app").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Zet aan").click()
    expect(page.locator("[data-testid=error-panel]")).to_contain_text("Deze code klopt niet")
    page.get_by_label("De code uit je app").fill(totp.now())
    page.get_by_role("button", name="Zet aan").click()
    expect(page.locator("[data-testid=recovery-codes] li")).to_have_count(10)
    old_codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    page.get_by_role("button", name="Ik heb ze bewaard").click()
    expect(page.locator("[data-testid=totp-on]")).to_be_visible()
    assert not pages.external_requests  # no QR service or anything else outside our origin

    # Ten new recovery codes: password and a code from the app (the current one is spent).
    page.get_by_text("Nieuwe herstelcodes maken").click()
    renew = page.locator("[data-testid=totp-renew-form]")
    renew.get_by_label("Je wachtwoord").fill(PASSWORD)
    renew.get_by_label("De code uit je app").fill(totp.at(time.time() + totp.interval))
    renew.get_by_role("button", name="Maak nieuwe codes").click()
    expect(page.get_by_text("De oude codes werken niet meer")).to_be_visible()
    expect(page.locator("[data-testid=recovery-codes] li")).to_have_count(10)
    new_codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert not set(new_codes) & set(old_codes)
    page.get_by_role("button", name="Ik heb ze bewaard").click()

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.locator("[data-testid=login-message]")).to_have_text("Je bent uitgelogd.")
    assert page.request.get("/api/v1/auth/me").status == 401

    # Registering the same address again: the server's 409 in Dutch. Wait for the page to
    # change first: the login form has an "E-mailadres" field too.
    page.get_by_role("link", name="Maak een account").click()
    expect(page.locator("h1")).to_have_text("Een account voor therapeuten")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Maak mijn account").click()
    expect(page.locator("[data-testid=error-panel]")).to_contain_text("Er is al een account")
    page.get_by_role("link", name="Log in").click()

    # Log in: the server asks for the second factor, the page shows the field for it.
    log_in(page, email)
    code_field = page.get_by_label("Code uit je authenticator-app")
    expect(code_field).to_be_visible()
    expect(code_field).to_be_focused()
    # The app's codes up to the next time step are spent: log in with a new recovery code.
    page.get_by_role("button", name="gebruik een herstelcode").click()
    page.get_by_label("Herstelcode").fill(new_codes[0])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("h1")).to_have_text("Je cliënten")

    # Delete the account: the password confirms; every client and homework goes too.
    page.get_by_role("link", name="Account").click()
    section = page.locator("[data-testid=delete-account-form]")
    expect(page.get_by_text("al je cliënten, al het huiswerk, alle oefenpogingen")).to_be_visible()
    section.get_by_label("Je wachtwoord, ter bevestiging").fill("niet mijn wachtwoord")
    section.get_by_role("button", name="Verwijder mijn account en alles eronder").click()
    expect(section.locator("[data-testid=error-panel]")).to_contain_text("niet verwijderd")
    section.get_by_label("Je wachtwoord, ter bevestiging").fill(PASSWORD)
    section.get_by_role("button", name="Verwijder mijn account en alles eronder").click()
    expect(page.locator("[data-testid=login-message]")).to_contain_text("verwijderd")
    log_in(page, email)
    expect(page.locator("[data-testid=error-panel]")).to_contain_text("passen niet bij elkaar")
    expect(page.locator("h1")).to_have_text("Inloggen voor therapeuten")


def test_an_ended_login_goes_back_to_the_login_screen_calmly(pages: Pages) -> None:
    page = pages.new_page()
    email, _ = api_therapist(page)
    page.goto("/therapeut#/clienten")
    expect(page.locator("h1")).to_have_text("Je cliënten")
    page.context.clear_cookies()  # the login ended (expired, or logged out elsewhere)
    page.get_by_role("link", name="Eigen oefeningen").click()
    expect(page.locator("h1")).to_have_text("Inloggen voor therapeuten")
    expect(page.locator("[data-testid=login-message]")).to_contain_text("niet (meer) ingelogd")
    log_in(page, email)
    # ...and back where they were going.
    expect(page.locator("h1")).to_have_text("Eigen oefeningen")


def test_clients_links_revoke_renew_and_delete(pages: Pages) -> None:
    page = pages.new_page()
    _, csrf = api_therapist(page)
    hw = api_homework(page, csrf)
    page.goto(f"/therapeut#/huiswerk/{hw['id']}")
    expect(page.locator("[data-testid=link-state]")).to_contain_text("De link werkt")

    client = pages.new_page()
    client.goto(hw["url"])
    expect(client.locator("h1")).to_have_text("Je huiswerk")

    page.get_by_role("button", name="Zet de link uit").click()
    page.get_by_role("button", name="Ja, zet uit").click()
    expect(page.locator("[data-testid=link-state]")).to_contain_text("De link staat uit")
    client.reload()
    expect(client.locator("h1")).to_have_text("Deze link werkt niet (meer)")

    page.get_by_role("button", name="Maak een nieuwe link").click()
    new_url = page.locator("[data-testid=private-link]").input_value()
    assert new_url != hw["url"]
    expect(page.locator("[data-testid=link-panel]")).to_contain_text("maar één keer")
    client.goto(new_url)
    expect(client.locator("h1")).to_have_text("Je huiswerk")

    # Deleting a client asks first, then takes the homework along.
    page.get_by_role("link", name="← Je cliënten").click()
    card = page.locator("[data-testid=client]")
    expect(card).to_have_count(1)
    expect(card.locator("[data-testid=homework-link]")).to_have_count(1)
    card.get_by_role("button", name="Verwijder cliënt").click()
    expect(card).to_contain_text("al het huiswerk en alle oefenpogingen")
    card.get_by_role("button", name="Nee, toch niet").click()
    expect(card).to_have_count(1)
    card.get_by_role("button", name="Verwijder cliënt").click()
    card.get_by_role("button", name="Ja, verwijder").click()
    expect(page.locator("[data-testid=client]")).to_have_count(0)
    expect(page.locator("main .form-status")).to_contain_text("Stel A is verwijderd")
    client.reload()
    expect(client.locator("h1")).to_have_text("Deze link werkt niet (meer)")


def test_quick_exit_on_the_therapist_pages(pages: Pages) -> None:
    page = pages.new_page()
    api_therapist(page)
    page.goto("/therapeut#/clienten")
    expect(page.locator("h1")).to_have_text("Je cliënten")
    page.evaluate("(url) => { document.body.dataset.exitUrl = url; }", NEUTRAL_URL)
    page.get_by_role("button", name="Snel weg").click()
    page.wait_for_url(NEUTRAL_URL)
    expect(page.locator("h1")).to_have_text("Het weer")


FIXTURE_YAML = (
    Path(__file__).resolve().parents[1] / "fixtures" / "dialogues" / "api-oefening.yaml"
).read_text(encoding="utf-8")


def test_own_scenarios_show_every_diagnostic_and_can_be_assigned(
    pages: Pages, tmp_path: Path
) -> None:
    page = pages.new_page()
    _, csrf = api_therapist(page)
    page.goto("/therapeut#/eigen-oefeningen")
    expect(page.locator("h1")).to_have_text("Eigen oefeningen")
    page.get_by_label("De oefening in YAML").fill("id: x\nid: y\n")
    page.get_by_role("button", name="Controleer en bewaar").click()
    errors = page.locator("[data-testid=upload-errors]")
    expect(errors).to_contain_text("Deze oefening heeft fouten")
    api = page.request.post(
        "/api/v1/own-scenarios", data={"yaml": "id: x\nid: y\n"}, headers={"X-CSRF-Token": csrf}
    ).json()
    items = errors.locator("[data-testid=diagnostics] li")
    expect(items).to_have_count(len(api["diagnostics"]))
    for i, d in enumerate(api["diagnostics"]):
        # The Dutch explanation first, the linter's precise message after it.
        expect(items.nth(i)).to_contain_text(f"regel {d['line']}: {d['explanation']}")
        expect(items.nth(i)).to_contain_text(d["message"])
    expect(items.filter(has_text="regel 2:")).not_to_have_count(0)
    expect(items.filter(has_text="Een veld staat twee keer")).not_to_have_count(0)

    # A valid file, chosen with the file picker.
    own = FIXTURE_YAML.replace("id: api-oefening", "id: eigen-oefening").replace(
        "title: Niet gehoord", "title: Mijn eigen oefening"
    )
    path = tmp_path / "eigen.yaml"
    path.write_text(own, encoding="utf-8")
    page.get_by_label("Een YAML-bestand").set_input_files(str(path))
    expect(page.get_by_label("De oefening in YAML")).to_have_value(own)
    page.get_by_role("button", name="Controleer en bewaar").click()
    expect(page.locator("[data-testid=own-scenario]")).to_have_count(1)
    expect(page.locator("[data-testid=own-scenario]")).to_contain_text("Mijn eigen oefening")
    expect(page.locator("main .form-status")).to_contain_text("Bewaard: Mijn eigen oefening")

    # It can be assigned like a library scenario.
    page.request.post(
        "/api/v1/clients", data={"pseudonym": "Stel B"}, headers={"X-CSRF-Token": csrf}
    )
    page.get_by_role("link", name="Nieuw huiswerk").click()
    own_choices = page.locator("[data-testid=own-choices]")
    own_choices.get_by_role("checkbox", name="Mijn eigen oefening").check()
    page.get_by_role("button", name="Maak het huiswerk en de link").click()
    url = page.locator("[data-testid=private-link]").input_value()
    client = pages.new_page()
    client.goto(url)
    expect(client.locator("[data-testid=homework-scenario]")).to_contain_text("Mijn eigen oefening")

    page.get_by_role("link", name="Eigen oefeningen").click()
    page.get_by_role("button", name="Verwijder", exact=True).click()
    page.get_by_role("button", name="Ja, verwijder").click()
    expect(page.locator("[data-testid=own-scenario]")).to_have_count(0)
    # The client is told it was taken out, not left with a list that silently shrank.
    client.reload()
    expect(client.locator("[data-testid=homework-empty]")).to_contain_text(
        "Je therapeut heeft de oefeningen uit dit huiswerk gehaald"
    )
    expect(client.locator("[data-testid=homework-scenario]")).to_have_count(0)


def practised_homework(pages: Pages, first: str) -> tuple[Page, dict[str, Any]]:
    page = pages.new_page()
    _, csrf = api_therapist(page)
    hw = api_homework(page, csrf)
    api_practise(pages.new_page().request, hw["code"], hw["ref"], first)
    return page, hw


def test_axe_finds_no_serious_violations_on_therapist_and_homework_screens(
    pages: Pages,
) -> None:
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `npm ci` in the repository root")
    problems: dict[str, Any] = {}

    def audit(p: Page, name: str) -> None:
        found = run_axe(p)
        if found:
            problems[name] = found

    visitor = pages.new_page(bypass_csp=True)
    visitor.goto("/therapeut")
    expect(visitor.locator("h1")).to_have_text("Inloggen voor therapeuten")
    audit(visitor, "login")
    visitor.get_by_role("link", name="Maak een account").click()
    visitor.get_by_role("button", name="Maak mijn account").click()
    expect(visitor.get_by_text("Nog iets langer")).to_be_visible()
    audit(visitor, "register-error")

    page = pages.new_page(bypass_csp=True)
    _, csrf = api_therapist(page)
    hw = api_homework(page, csrf)
    page.goto("/therapeut#/clienten")
    expect(page.locator("[data-testid=client]")).to_have_count(1)
    page.get_by_role("button", name="Verwijder cliënt").click()
    audit(page, "clients-confirm")
    page.get_by_role("link", name="Nieuw huiswerk").first.click()
    expect(page.locator("h1")).to_have_text("Nieuw huiswerk")
    audit(page, "new-homework")
    page.locator("[data-testid=library-choices] input").first.check()
    page.get_by_role("button", name="Maak het huiswerk en de link").click()
    page.locator("[data-testid=link-panel]").wait_for()
    audit(page, "link-once")
    page.get_by_role("link", name="Eigen oefeningen").click()
    page.get_by_label("De oefening in YAML").fill("id: x\nid: y\n")
    page.get_by_role("button", name="Controleer en bewaar").click()
    page.locator("[data-testid=upload-errors]").wait_for()
    audit(page, "own-scenarios-errors")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Zet de tweede stap aan").click()
    page.locator("[data-testid=totp-secret]").wait_for()
    audit(page, "account-totp-setup")

    client = pages.new_page(bypass_csp=True)
    client.goto(hw["url"])
    client.locator("[data-testid=sharing]").wait_for()
    audit(client, "homework-choose-sharing")
    api_practise(client.request, hw["code"], hw["ref"], XSS)
    client.reload()
    client.locator("[data-testid=sharing-current]").wait_for()
    client.get_by_role("button", name="Wijzig wat je deelt").click()
    client.get_by_role("button", name="Wis mijn gegevens van dit huiswerk").click()
    audit(client, "homework-practised")

    page.goto(f"/therapeut#/huiswerk/{hw['id']}")
    page.locator("[data-testid=safe-chart] svg").wait_for()
    page.locator(".chart-table summary").click()
    audit(page, "progress")
    assert not problems, problems


def test_progress_page_fits_a_phone_and_makes_the_readme_screenshot(pages: Pages) -> None:
    first = "Je luistert ook nooit! Altijd zit je met je hoofd bij je werk, elke avond weer."
    page, hw = practised_homework(pages, first)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"/therapeut#/huiswerk/{hw['id']}")
    page.locator("[data-testid=safe-chart] svg").wait_for()
    expect(page.locator("[data-testid=attempt-text]").first).to_have_text(first)
    no_horizontal_scroll(page)
    # Targets stay big enough to tap.
    for name in ("Download CSV", "Download JSON", "Snel weg"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box is not None, name
        assert box["height"] >= 44, name
    assert page.evaluate("() => document.querySelectorAll('[style]').length") == 0

    page.set_viewport_size({"width": 900, "height": 1200})
    page.reload()
    page.locator("[data-testid=safe-chart] svg").wait_for()
    save_screenshot(page, "screenshot-progress.png", 900)
