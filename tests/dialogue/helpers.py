"""Helpers shared by the dialogue tests: hand-built analyses and small scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.dialogue.models import Scenario
from api.feedback.taxonomy import CATEGORIES, Verdict
from api.feedback.types import Analysis, Finding

ROOT = Path(__file__).resolve().parents[2]
DIALOGUES = ROOT / "dialogues"


def analysis(verdict: Verdict, *categories: str) -> Analysis:
    """An Analysis as the engine would return it, with one finding per category."""
    findings = tuple(
        Finding(
            rule_id=f"test.{c}",
            category=c,
            polarity=CATEGORIES[c].polarity,
            start=0,
            end=1,
            text="x",
            label=CATEGORIES[c].label,
            message="",
            tip="",
        )
        for c in categories
    )
    return Analysis(verdict=verdict, role="speaker", findings=findings)


SAFE = analysis("safe", "feeling")
ALMOST = analysis("almost")
UNSAFE = analysis("unsafe", "absolute_language")


def header(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "test",
        "version": 1,
        "title": "Test",
        "role": "speaker",
        "theme": "afstand",
        "level": 1,
        "minutes": 3,
        "summary": "Een test.",
        "source": {"seed": "001_8bd916ffa08bf28a.txt", "theme": "test"},
        "partner": {"name": "Sam", "pronouns": "hij"},
        "variables": {"connection": {"type": "int", "initial": 0, "min": -2, "max": 2}},
    }
    data.update(overrides)
    return data


def prompt(branches: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "type": "prompt",
        "instruction": "Zeg hoe je je voelt.",
        "unsafe_example": "Je luistert nooit!",
        "safe_examples": ["Ik voel me alleen.", "Ik ben verdrietig.", "Ik mis je."],
        "hints": ["Hint een.", "Hint twee."],
        "expect": ["feeling"],
        "branches": branches,
        **extra,
    }


def end(outcome: str = "verbonden") -> dict[str, Any]:
    return {"type": "end", "outcome": outcome, "title": "Einde", "reflection": "Klaar."}


def scenario(nodes: dict[str, Any], start: str = "p", **overrides: Any) -> Scenario:
    return Scenario.model_validate({**header(**overrides), "start": start, "nodes": nodes})
