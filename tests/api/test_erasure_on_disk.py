"""Erasure is physical: after a delete, no copy of the text remains in the SQLite file or WAL."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.migrate import upgrade
from tests.conftest import FIXTURE_DIALOGUES

CANARY = "Kanarie: ik voelde me niet gehoord op woensdag 17 juni bij de bakker."


def on_disk(db_file: Path) -> bytes:
    parts = [db_file, db_file.with_name(db_file.name + "-wal")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def test_a_deleted_session_leaves_no_trace_on_disk(tmp_path: Path) -> None:
    db_file = tmp_path / "erase.db"
    url = f"sqlite:///{db_file}"
    upgrade(url)
    settings = Settings(environment="test", database_url=url, dialogues_dir=FIXTURE_DIALOGUES)
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/v1/sessions", json={"scenario_id": "api-oefening"})
        sid, tok = r.json()["id"], {"X-Session-Token": r.json()["token"]}
        assert c.post(
            f"/api/v1/sessions/{sid}/reply", json={"text": CANARY}, headers=tok
        ).is_success
        assert CANARY.encode() in on_disk(db_file)  # the test can see the text before erasure
        assert c.delete(f"/api/v1/sessions/{sid}", headers=tok).status_code == 204
        assert CANARY.encode() not in on_disk(db_file)
