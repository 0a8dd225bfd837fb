"""The practice-session API on SQLite and PostgreSQL, through the real ASGI app."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.dialogue import runtime
from tests.api.conftest import copy_fixture

SAFE = "Ik voelde me niet gehoord."
UNSAFE = "Je luistert ook nooit!"


def start(api: TestClient) -> tuple[str, dict[str, str], dict[str, Any]]:
    r = api.post("/api/v1/sessions", json={"scenario_id": "api-oefening"})
    assert r.status_code == 201, r.text
    body = r.json()
    return body["id"], {"X-Session-Token": body["token"]}, body


def test_catalogue_lists_the_scenarios(api: TestClient) -> None:
    r = api.get("/api/v1/scenarios")
    assert r.status_code == 200
    [item] = r.json()
    assert item["id"] == "api-oefening"
    assert item["role"] == "speaker"
    assert {"title", "theme", "summary", "level", "minutes"} <= item.keys()


def test_start_shows_the_opening_and_the_prompt(api: TestClient) -> None:
    _, _, body = start(api)
    assert body["status"] == "awaiting_text"
    assert len(body["token"]) >= 40
    assert body["messages"][0]["speaker"] == "narrator"
    assert body["prompt"]["node_id"] == "vraag"
    assert body["prompt"]["attempt"] == 1
    assert body["prompt"]["hints"] == []
    assert body["prompt"]["expect"] == [{"category": "feeling", "label": "Gevoel"}]
    assert body["variables"] == {"connection": 0}
    assert body["feedback"] is None


def test_safe_and_unsafe_replies_lead_to_different_partner_lines(api: TestClient) -> None:
    sid_a, tok_a, _ = start(api)
    sid_b, tok_b, _ = start(api)
    safe = api.post(f"/api/v1/sessions/{sid_a}/reply", json={"text": SAFE}, headers=tok_a).json()
    unsafe = api.post(
        f"/api/v1/sessions/{sid_b}/reply", json={"text": UNSAFE}, headers=tok_b
    ).json()

    assert safe["feedback"]["verdict"] == "safe"
    assert safe["status"] == "awaiting_choice"
    assert safe["variables"]["connection"] == 1
    assert safe["feedback"]["missing"] == []

    assert unsafe["feedback"]["verdict"] == "unsafe"
    assert unsafe["retry"] is True
    assert unsafe["status"] == "awaiting_text"
    assert unsafe["variables"]["connection"] == -1
    assert unsafe["prompt"]["attempt"] == 2
    assert len(unsafe["prompt"]["hints"]) == 1
    assert unsafe["feedback"]["missing"] == [{"category": "feeling", "label": "Gevoel"}]
    assert safe["messages"][0]["text"] != unsafe["messages"][0]["text"]
    for f in unsafe["feedback"]["findings"]:
        assert UNSAFE[f["start"] : f["end"]] == f["text"]


def test_a_whole_session_to_the_end_and_its_transcript(api: TestClient) -> None:
    sid, tok, _ = start(api)
    api.post(f"/api/v1/sessions/{sid}/reply", json={"text": UNSAFE}, headers=tok)
    r = api.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok)
    assert r.json()["choices"]["options"][0] == {
        "id": "samen",
        "text": "Ik stel voor om samen even te praten zonder telefoon.",
    }
    end = api.post(f"/api/v1/sessions/{sid}/choose", json={"choice_id": "samen"}, headers=tok)
    body = end.json()
    # connection: -1 after the unsafe reply, 0 after the safe one: the branch routes to "half".
    assert body["status"] == "finished"
    assert body["ending"]["outcome"] == "deels"

    detail = api.get(f"/api/v1/sessions/{sid}", headers=tok).json()
    kinds = [t["kind"] for t in detail["transcript"]]
    assert kinds == ["message", "reply", "message", "reply", "message", "choice", "ending"]
    replies = [t for t in detail["transcript"] if t["kind"] == "reply"]
    assert [(t["text"], t["verdict"], t["attempt"]) for t in replies] == [
        (UNSAFE, "unsafe", 1),
        (SAFE, "safe", 2),
    ]
    assert [p["value"] for p in detail["connection_history"]] == [0, -1, 0, 0]

    again = api.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok)
    assert again.status_code == 409
    assert again.json()["code"] == "session_finished"


def test_wrong_kind_of_input_is_a_409(api: TestClient) -> None:
    sid, tok, _ = start(api)
    r = api.post(f"/api/v1/sessions/{sid}/choose", json={"choice_id": "samen"}, headers=tok)
    assert r.status_code == 409
    assert r.json()["code"] == "wrong_input"
    api.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok)
    r = api.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok)
    assert r.status_code == 409
    assert "keuze" in r.json()["detail"]
    r = api.post(f"/api/v1/sessions/{sid}/choose", json={"choice_id": "bestaat-niet"}, headers=tok)
    assert r.status_code == 422
    assert r.json()["code"] == "unknown_choice"


@pytest.mark.parametrize("headers", [{}, {"X-Session-Token": "fout"}, {"X-Session-Token": ""}])
def test_wrong_or_missing_token_is_a_404(api: TestClient, headers: dict[str, str]) -> None:
    sid, _, _ = start(api)
    assert api.get(f"/api/v1/sessions/{sid}", headers=headers).status_code == 404
    r = api.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=headers)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


def test_unknown_scenario_and_session_are_404(api: TestClient) -> None:
    r = api.post("/api/v1/sessions", json={"scenario_id": "bestaat-niet"})
    assert r.status_code == 404
    _, tok, _ = start(api)
    r = api.get("/api/v1/sessions/00000000-0000-0000-0000-000000000000", headers=tok)
    assert r.status_code == 404


def test_a_bad_reply_records_nothing(api: TestClient) -> None:
    sid, tok, _ = start(api)
    r = api.post(f"/api/v1/sessions/{sid}/reply", json={"text": "  "}, headers=tok)
    assert r.status_code == 422
    detail = api.get(f"/api/v1/sessions/{sid}", headers=tok).json()
    assert [t["kind"] for t in detail["transcript"]] == ["message"]
    assert detail["prompt"]["attempt"] == 1


def test_a_server_restart_loses_nothing(fixture_settings: Settings) -> None:
    with TestClient(create_app(fixture_settings)) as first:
        sid, tok, _ = start(first)
        first.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok)
    with TestClient(create_app(fixture_settings)) as second:
        body = second.get(f"/api/v1/sessions/{sid}", headers=tok).json()
        assert body["status"] == "awaiting_choice"
        assert body["choices"]["node_id"] == "keuze"
        r = second.post(f"/api/v1/sessions/{sid}/choose", json={"choice_id": "samen"}, headers=tok)
        assert r.json()["ending"]["outcome"] == "verbonden"


def test_two_racing_replies_record_exactly_one_turn(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid, tok, _ = start(api)
    # Hold both requests after they have read the session and before either writes, so the
    # race is real every time rather than a matter of luck.
    barrier = threading.Barrier(2, timeout=20)
    original = runtime.reply

    def paused_reply(*args: Any, **kwargs: Any) -> runtime.Step:
        step = original(*args, **kwargs)
        barrier.wait()
        return step

    monkeypatch.setattr(runtime, "reply", paused_reply)
    codes: list[int] = []

    def send(text: str) -> None:
        r = api.post(f"/api/v1/sessions/{sid}/reply", json={"text": text}, headers=tok)
        codes.append(r.status_code)

    threads = [threading.Thread(target=send, args=(t,)) for t in (SAFE, UNSAFE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    monkeypatch.setattr(runtime, "reply", original)

    assert sorted(codes) == [200, 409]
    detail = api.get(f"/api/v1/sessions/{sid}", headers=tok).json()
    replies = [t for t in detail["transcript"] if t["kind"] == "reply"]
    assert len(replies) == 1
    seqs = [t["kind"] for t in detail["transcript"]]
    assert seqs.count("message") == 2  # the opening line and one partner answer, no duplicate


@dataclass
class Edited:
    """A session started on the fixture scenario, then the scenario edited on disk (v2)."""

    settings: Settings
    session_id: str
    token: dict[str, str]


def start_then_edit(tmp_path: Path, database_url: str, *replacements: tuple[str, str]) -> Edited:
    folder = copy_fixture(tmp_path / "dialogues")
    settings = Settings(database_url=database_url, environment="test", dialogues_dir=folder)
    with TestClient(create_app(settings)) as c:
        sid, tok, _ = start(c)
    path = folder / "api-oefening.yaml"
    text = path.read_text(encoding="utf-8").replace("version: 1", "version: 2")
    for old, new in replacements:
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return Edited(settings, sid, tok)


def test_an_edited_scenario_resumes_where_the_node_still_exists(
    tmp_path: Path, database_url: str
) -> None:
    edited = start_then_edit(tmp_path, database_url, ("Hoe ga je verder?", "Wat doe je nu?"))
    sid, tok = edited.session_id, edited.token
    with TestClient(create_app(edited.settings)) as c:
        body = c.get(f"/api/v1/sessions/{sid}", headers=tok).json()
        assert body["scenario"]["version"] == 2
        r = c.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok)
        assert r.status_code == 200
        assert r.json()["choices"]["text"] == "Wat doe je nu?"


def test_an_edited_scenario_without_the_node_asks_for_a_restart(
    tmp_path: Path, database_url: str
) -> None:
    edited = start_then_edit(
        tmp_path, database_url, ("next: vraag", "next: vraag2"), ("  vraag:\n", "  vraag2:\n")
    )
    sid, tok, settings = edited.session_id, edited.token, edited.settings
    with TestClient(create_app(settings)) as c:
        r = c.get(f"/api/v1/sessions/{sid}", headers=tok)
        assert r.status_code == 409
        assert r.json()["code"] == "scenario_changed"
        assert "opnieuw" in r.json()["detail"]


def test_deleting_a_session_erases_it(api: TestClient) -> None:
    sid, tok, _ = start(api)
    api.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok)
    assert (
        api.delete(f"/api/v1/sessions/{sid}", headers={"X-Session-Token": "fout"}).status_code
        == 404
    )
    assert api.delete(f"/api/v1/sessions/{sid}", headers=tok).status_code == 204
    assert api.get(f"/api/v1/sessions/{sid}", headers=tok).status_code == 404
    assert api.delete(f"/api/v1/sessions/{sid}", headers=tok).status_code == 404
