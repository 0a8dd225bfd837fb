"""Bring a database to the newest schema: `python -m api.migrate` (what `make run` calls)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from api.config import ROOT, get_settings


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url or get_settings().database_url
    # Our own logging config stays in charge when migrations run inside the app or tests.
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def main() -> None:
    url = get_settings().database_url
    upgrade(url)
    # Say where, never what: the URL may hold a password.
    where = Path(url.split("///", 1)[1]).name if url.startswith("sqlite") else "PostgreSQL"
    print(f"database schema is up to date ({where})")


if __name__ == "__main__":
    main()
