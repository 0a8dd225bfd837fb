"""Backups restore: a session started before the backup continues on the restored database."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.app import create_app
from api.backup import backup_sqlite
from api.config import Settings
from api.migrate import upgrade
from tests.conftest import FIXTURE_DIALOGUES, POSTGRES_ADMIN_URL, skip_or_fail

SAFE = "Ik voelde me niet gehoord."


def _start_and_reply(settings: Settings) -> tuple[str, dict[str, str]]:
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/v1/sessions", json={"scenario_id": "api-oefening"})
        sid, tok = r.json()["id"], {"X-Session-Token": r.json()["token"]}
        assert c.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok).is_success
    return sid, tok


def _continues(settings: Settings, sid: str, tok: dict[str, str]) -> None:
    with TestClient(create_app(settings)) as c:
        body = c.get(f"/api/v1/sessions/{sid}", headers=tok).json()
        assert [t["text"] for t in body["transcript"] if t["kind"] == "reply"] == [SAFE]
        r = c.post(f"/api/v1/sessions/{sid}/choose", json={"choice_id": "samen"}, headers=tok)
        assert r.json()["status"] == "finished"


def test_sqlite_backup_restores(tmp_path: Path) -> None:
    live = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(live)
    settings = Settings(environment="test", database_url=live, dialogues_dir=FIXTURE_DIALOGUES)
    sid, tok = _start_and_reply(settings)
    copy = backup_sqlite(live, tmp_path / "backups" / "copy.db")
    with pytest.raises(FileExistsError):
        backup_sqlite(live, copy)
    restored = settings.model_copy(update={"database_url": f"sqlite:///{copy}"})
    _continues(restored, sid, tok)


@pytest.mark.postgres
def test_postgres_dump_restores(postgres_url: str) -> None:
    if not (shutil.which("pg_dump") and shutil.which("psql")):
        skip_or_fail("pg_dump and psql are needed for the PostgreSQL restore test")
    settings = Settings(
        environment="test", database_url=postgres_url, dialogues_dir=FIXTURE_DIALOGUES
    )
    sid, tok = _start_and_reply(settings)
    source = make_url(postgres_url)
    target_name = f"vg_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{target_name}"'))
    try:
        args = ["-h", source.host or "127.0.0.1", "-p", str(source.port or 5432), "-U", "postgres"]
        dump = subprocess.run(
            ["pg_dump", *args, "--no-owner", source.database or ""],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            ["psql", *args, "-q", "-v", "ON_ERROR_STOP=1", target_name],
            input=dump,
            check=True,
            capture_output=True,
        )
        target = source.set(database=target_name).render_as_string(hide_password=False)
        _continues(settings.model_copy(update={"database_url": target}), sid, tok)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)'))
        admin.dispose()
        # Leave the shared test database as the other tests expect it.
        engine = create_engine(postgres_url)
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE practice_sessions, session_events CASCADE"))
        engine.dispose()
