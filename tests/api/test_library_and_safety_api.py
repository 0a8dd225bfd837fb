"""The real scenario library through the API, the start-up refusal, and safety in replies."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ROOT, Settings
from api.scenarios.service import ScenarioLibraryError
from tests.api.conftest import copy_fixture

CRISIS = "Ik wil er niet meer zijn, ik denk erover om er een eind aan te maken."


def test_the_catalogue_lists_the_whole_library(tmp_path: Path) -> None:
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'lib.db'}",
        dialogues_dir=ROOT / "dialogues",
    )
    with TestClient(create_app(settings)) as c:
        items = c.get("/api/v1/scenarios").json()
    files = sorted(p.stem for p in (ROOT / "dialogues").glob("*.yaml"))
    assert sorted(i["id"] for i in items) == files
    assert len(items) >= 18
    roles = Counter(i["role"] for i in items)
    assert roles["speaker"] >= 7, roles
    assert roles["listener"] >= 7, roles
    for item in items:
        assert item["title"]
        assert item["summary"]
        assert item["theme_label"]
        assert 1 <= item["level"] <= 3
        assert item["minutes"] >= 1


def test_the_app_refuses_to_start_with_a_broken_scenario(tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path / "dialogues")
    broken = folder / "api-oefening.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("next: keuze", "next: keuz"), encoding="utf-8"
    )
    settings = Settings(
        environment="test", database_url=f"sqlite:///{tmp_path / 'x.db'}", dialogues_dir=folder
    )
    with pytest.raises(ScenarioLibraryError) as refused:
        create_app(settings)
    message = str(refused.value)
    assert "api-oefening.yaml:" in message
    assert "missing-target" in message
    assert "keuze" in message  # the nearest existing id is suggested


def test_a_reply_that_raises_a_safety_alarm_is_not_coached_nor_kept(api: TestClient) -> None:
    r = api.post("/api/v1/sessions", json={"scenario_id": "api-oefening"})
    sid, tok = r.json()["id"], {"X-Session-Token": r.json()["token"]}
    body = api.post(f"/api/v1/sessions/{sid}/reply", json={"text": CRISIS}, headers=tok).json()
    assert body["safety"]["level"] == "crisis"
    assert any(h["phone"] for h in body["safety"]["helplines"])
    assert body["feedback"]["findings"] == []
    assert body["feedback"]["safety"]["level"] == "crisis"
    # The dialogue does not branch on it: same prompt, and it does not count as an attempt.
    assert body["status"] == "awaiting_text"
    assert body["prompt"]["node_id"] == "vraag"
    assert body["prompt"]["attempt"] == 1
    assert body["messages"] == []
    detail = api.get(f"/api/v1/sessions/{sid}", headers=tok).json()
    [reply] = [t for t in detail["transcript"] if t["kind"] == "reply"]
    assert reply["text"] is None
    assert reply["verdict"] is None
    # After the pause, practice goes on normally.
    r = api.post(
        f"/api/v1/sessions/{sid}/reply", json={"text": "Ik voelde me niet gehoord."}, headers=tok
    )
    assert r.json()["feedback"]["verdict"] == "safe"


def test_analyze_carries_safety_instead_of_findings(plain_client: TestClient) -> None:
    body = plain_client.post("/api/v1/analyze", json={"text": CRISIS}).json()
    assert body["safety"]["level"] == "crisis"
    assert body["findings"] == []
    assert body["suggestion"] is None
    idiom = plain_client.post("/api/v1/analyze", json={"text": "Ik ben doodmoe, laat me even."})
    assert idiom.json()["safety"] is None
