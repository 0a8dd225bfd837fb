from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from tests.conftest import FIXTURE_DIALOGUES


@pytest.fixture
def fixture_settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, environment="test", dialogues_dir=FIXTURE_DIALOGUES)


@pytest.fixture
def api(fixture_settings: Settings) -> Iterator[TestClient]:
    """The app over the small fixture scenario, on SQLite and on PostgreSQL."""
    with TestClient(create_app(fixture_settings)) as c:
        yield c


def copy_fixture(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in FIXTURE_DIALOGUES.glob("*.yaml"):
        (target / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return target
