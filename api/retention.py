"""Removes anonymous practice data older than the configured time.

Homework sessions are left alone: those belong to the client and their therapist, and the client
erases them. Also removes the therapists' deleted ("retired") own scenarios that no attempt
refers to any more. Running it twice does nothing the second time.

    python -m api.retention
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from api.config import get_settings
from api.db import build_engine, build_sessionmaker, mark_erased
from api.homework.repository import purge_retired_custom_scenarios
from api.practice.models import PracticeSession, utcnow
from api.therapists.models import AuthSession


def purge(db: Session, *, older_than_days: int, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    result = db.execute(
        delete(PracticeSession).where(
            PracticeSession.homework_id.is_(None), PracticeSession.updated_at < cutoff
        )
    )
    db.execute(delete(AuthSession).where(AuthSession.expires_at < (now or utcnow())))
    removed = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if removed + purge_retired_custom_scenarios(db):
        mark_erased(db)
    return removed


def run(database_url: str, older_than_days: int) -> int:
    engine = build_engine(database_url)
    try:
        with build_sessionmaker(engine)() as db, db.begin():
            return purge(db, older_than_days=older_than_days)
    finally:
        engine.dispose()


def main() -> None:
    settings = get_settings()
    removed = run(settings.database_url, settings.anonymous_retention_days)
    print(
        f"removed {removed} anonymous practice sessions older than "
        f"{settings.anonymous_retention_days} days"
    )


if __name__ == "__main__":
    main()
