"""Fixtures for the durability, fault and scale-out tests: fresh databases of our own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.migrate import upgrade
from tests.conftest import fresh_postgres_database


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "veilig-gezegd.db"


@pytest.fixture
def migrated_sqlite_url(sqlite_file: Path) -> str:
    url = f"sqlite:///{sqlite_file}"
    upgrade(url)
    return url


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database (no tables), dropped afterwards."""
    with fresh_postgres_database("vg_res") as url:
        yield url


@pytest.fixture(scope="module")
def migrated_postgres_url() -> Iterator[str]:
    """A new PostgreSQL database at the newest schema, shared by one module, dropped afterwards."""
    with fresh_postgres_database("vg_res") as url:
        upgrade(url)
        yield url
