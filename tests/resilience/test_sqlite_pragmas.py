"""The SQLite settings that make an acknowledged write durable, read back through the app's own
engine (every pooled connection must have them, not just the first)."""

from __future__ import annotations

from sqlalchemy import text

from api.app import create_app
from api.config import Settings
from tests.conftest import FIXTURE_DIALOGUES

EXPECTED = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: the WAL is fsynced at every commit
    "foreign_keys": 1,
    "secure_delete": 1,
}


def test_every_app_connection_has_the_durability_pragmas(migrated_sqlite_url: str) -> None:
    settings = Settings(
        environment="test", database_url=migrated_sqlite_url, dialogues_dir=FIXTURE_DIALOGUES
    )
    engine = create_app(settings).state.engine
    try:
        # Three connections checked out at once: three separate DBAPI connections.
        with engine.connect() as a, engine.connect() as b, engine.connect() as c:
            for conn in (a, b, c):
                got = {name: conn.execute(text(f"PRAGMA {name}")).scalar_one() for name in EXPECTED}
                assert got == EXPECTED
                busy = conn.execute(text("PRAGMA busy_timeout")).scalar_one()
                assert busy > 0
    finally:
        engine.dispose()
