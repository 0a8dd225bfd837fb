"""Therapists' own scenarios as runnable Scenario objects (parsed once per stored version)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from api.dialogue.loader import load_scenario_text
from api.dialogue.models import Scenario
from api.homework import repository
from api.homework.models import CustomScenario


@lru_cache(maxsize=256)
def _parse(row_id: str, source_yaml: str) -> Scenario:
    # A stored row never changes (a new upload is a new row), so caching on it is safe.
    return load_scenario_text(source_yaml, f"{row_id}.yaml")


def scenario_of(row: CustomScenario) -> Scenario:
    return _parse(row.id, row.source_yaml)


def scenario_by_row_id(db: Session, row_id: str) -> Scenario | None:
    row = repository.custom_scenario(db, row_id)
    return None if row is None else scenario_of(row)
