"""Alembic on SQLite and PostgreSQL: one head, upgrade from empty, the models match the migrated
schema exactly, and downgrade to base then upgrade again works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

import api.models  # noqa: F401  (registers every table on Base.metadata)
from api.db import Base
from api.migrate import alembic_config


def schema_differences(url: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def check_migrations(url: str) -> None:
    cfg = alembic_config(url)
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"expected one Alembic head, found {heads}"
    model_tables = set(Base.metadata.tables)
    assert tables(url) == set()

    command.upgrade(cfg, "head")
    assert tables(url) == model_tables | {"alembic_version"}
    assert schema_differences(url) == []

    command.downgrade(cfg, "base")
    assert tables(url) <= {"alembic_version"}

    command.upgrade(cfg, "head")
    assert tables(url) == model_tables | {"alembic_version"}
    assert schema_differences(url) == []


def test_migrations_on_sqlite(tmp_path: Path) -> None:
    check_migrations(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_migrations_on_postgres(empty_postgres_url: str) -> None:
    check_migrations(empty_postgres_url)
