"""Closed vocabularies for scenario metadata (themes, end outcomes), loaded from vocab.yaml.

Kept as data so that adding a theme is a content change, and so the UI and the docs read the same
list the validator uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


@dataclass(frozen=True, slots=True)
class Term:
    id: str
    label: str
    description: str


def _load() -> tuple[dict[str, Term], dict[str, Term]]:
    data: Any = YAML(typ="safe", pure=True).load(Path(__file__).with_name("vocab.yaml"))
    themes = {k: Term(k, v["label"], v["description"]) for k, v in data["themes"].items()}
    outcomes = {k: Term(k, v["label"], v["description"]) for k, v in data["outcomes"].items()}
    return themes, outcomes


THEMES, OUTCOMES = _load()
