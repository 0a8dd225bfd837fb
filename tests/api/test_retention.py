"""The retention job removes old anonymous practice data, keeps homework, and is idempotent."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from api.config import Settings
from api.practice.models import PracticeSession, SessionEvent, utcnow
from api.retention import purge, run


def test_old_anonymous_sessions_go_recent_ones_stay(
    api: TestClient, fixture_settings: Settings
) -> None:
    ids = [
        api.post("/api/v1/sessions", json={"scenario_id": "api-oefening"}).json()["id"]
        for _ in range(3)
    ]
    engine = create_engine(fixture_settings.database_url)
    with Session(engine) as db, db.begin():
        db.execute(
            update(PracticeSession)
            .where(PracticeSession.id.in_(ids[:2]))
            .values(updated_at=utcnow() - timedelta(days=31))
        )
    assert run(fixture_settings.database_url, older_than_days=30) == 2
    assert run(fixture_settings.database_url, older_than_days=30) == 0
    with Session(engine) as db:
        assert db.scalars(select(PracticeSession.id)).all() == [ids[2]]
        kept_events = db.scalar(select(func.count()).select_from(SessionEvent))
        assert kept_events == 1  # the opening line of the session that stays
        assert purge(db, older_than_days=30, now=utcnow() + timedelta(days=60)) == 1
        db.rollback()
    engine.dispose()
