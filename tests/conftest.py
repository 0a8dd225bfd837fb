"""Shared fixtures: real SQLite files and the real local PostgreSQL, the app over real HTTP/ASGI.

A test that needs a server or browser that is missing is skipped on a laptop but FAILS under
CI=true, so CI can never go green by silently skipping the parts that matter.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from api.app import create_app
from api.config import ROOT, Settings
from api.db import Base
from api.migrate import upgrade

FIXTURE_DIALOGUES = ROOT / "tests" / "fixtures" / "dialogues"
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (under CI=true a missing dependency fails the run)")
    pytest.skip(reason)


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "vg_test") -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards (fails under CI=true if the server
    is not reachable)."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        conn = admin.connect()
    except OperationalError:
        admin.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL).host}")
        raise  # unreachable: skip_or_fail raises
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.close()
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run, dropped afterwards."""
    with fresh_postgres_database() as url:
        upgrade(url)
        yield url


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every database test runs twice: on a real SQLite file and on the local PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        upgrade(url)
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    _truncate_postgres(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, environment="test")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="session")
def plain_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the whole run, for tests that need no fresh database of their own."""
    url = f"sqlite:///{tmp_path_factory.mktemp('plain') / 'plain.db'}"
    upgrade(url)
    settings = Settings(environment="test", database_url=url, dialogues_dir=FIXTURE_DIALOGUES)
    with TestClient(create_app(settings)) as c:
        yield c
