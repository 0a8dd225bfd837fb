"""No example text in the scenario files may trigger a crisis.

Another part of the team writes dialogues/*.yaml; this test passes while there are none and
checks every example string once there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from api.safety import check

DIALOGUES = Path(__file__).resolve().parents[2] / "dialogues"
KEYS = {"examples", "safe_examples", "unsafe_example", "text"}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _examples(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in KEYS:
                yield from _strings(value)
            else:
                yield from _examples(value)
    elif isinstance(node, list):
        for value in node:
            yield from _examples(value)


FILES = sorted(DIALOGUES.glob("*.yaml")) if DIALOGUES.is_dir() else []


def test_collector_finds_nested_examples() -> None:
    doc = {"nodes": [{"text": "a", "prompt": {"safe_examples": ["b", "c"], "unsafe_example": "d"}}]}
    assert list(_examples(doc)) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_dialogue_examples_trigger_no_crisis(path: Path) -> None:
    doc = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    crises = []
    for text in _examples(doc):
        result = check(text)
        if result is not None and result.level == "crisis":
            crises.append(f"{text!r}: {result.kinds}")
    assert not crises, f"{path.name}:\n" + "\n".join(crises)
