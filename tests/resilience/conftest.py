"""Fixtures for the durability, fault and scale-out tests: fresh databases of our own."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from api.migrate import upgrade
from tests.conftest import POSTGRES_ADMIN_URL, skip_or_fail


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "veilig-gezegd.db"


@pytest.fixture
def migrated_sqlite_url(sqlite_file: Path) -> str:
    url = f"sqlite:///{sqlite_file}"
    upgrade(url)
    return url


@contextlib.contextmanager
def _fresh_postgres() -> Iterator[str]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        conn = admin.connect()
    except OperationalError:
        admin.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL).host}")
        raise  # unreachable: skip_or_fail raises
    name = f"vg_res_{uuid.uuid4().hex[:12]}"
    conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.close()
        admin.dispose()


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database (no tables), dropped afterwards."""
    with _fresh_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def migrated_postgres_url() -> Iterator[str]:
    """A new PostgreSQL database at the newest schema, shared by one module, dropped afterwards."""
    with _fresh_postgres() as url:
        upgrade(url)
        yield url
