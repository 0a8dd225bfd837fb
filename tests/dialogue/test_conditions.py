from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from api.dialogue.conditions import Context, apply_effects, holds
from api.dialogue.models import Condition, Effect, Variable
from tests.dialogue.helpers import analysis

COND: TypeAdapter[Condition] = TypeAdapter(Condition)
EFFECTS: TypeAdapter[list[Effect]] = TypeAdapter(list[Effect])

REPLY = analysis("safe", "feeling", "curiosity")
CTX = Context(variables={"connection": 2, "open": True, "mood": "warm"}, analysis=REPLY, attempt=2)


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({"verdict": "safe"}, True),
        ({"verdict": "unsafe"}, False),
        ({"verdict": ["almost", "safe"]}, True),
        ({"has": "feeling"}, True),
        ({"has": ["feeling", "curiosity"]}, True),
        ({"has": ["feeling", "need"]}, False),
        ({"has_any": ["need", "curiosity"]}, True),
        ({"has_any": ["need", "validation"]}, False),
        ({"missing": "need"}, True),
        ({"missing": ["need", "feeling"]}, False),
        ({"attempts": {"gte": 2}}, True),
        ({"attempts": {"gt": 2}}, False),
        ({"attempts": {"eq": 2}}, True),
        ({"var": "connection", "gte": 2}, True),
        ({"var": "connection", "lt": 2}, False),
        ({"var": "connection", "lte": 2}, True),
        ({"var": "connection", "ne": 2}, False),
        ({"var": "open", "eq": True}, True),
        ({"var": "open", "eq": 1}, False),  # bool and int stay apart
        ({"var": "mood", "eq": "warm"}, True),
        ({"var": "mood", "gt": 1}, False),  # type mismatch is false, never a crash
        ({"var": "unknown", "eq": 1}, False),
        ({"all": [{"verdict": "safe"}, {"has": "feeling"}]}, True),
        ({"all": [{"verdict": "safe"}, {"has": "need"}]}, False),
        ({"any": [{"verdict": "unsafe"}, {"has": "need"}]}, False),
        ({"any": [{"verdict": "unsafe"}, {"has": "feeling"}]}, True),
        ({"not": {"verdict": "unsafe"}}, True),
        ({"not": {"all": [{"verdict": "safe"}, {"not": {"has": "need"}}]}}, False),
    ],
)
def test_condition_grammar(cond: dict[str, Any], expected: bool) -> None:
    assert holds(COND.validate_python(cond), CTX) is expected


def test_reply_conditions_are_false_without_a_reply() -> None:
    ctx = Context(variables={})
    assert not holds(COND.validate_python({"verdict": "safe"}), ctx)
    assert not holds(COND.validate_python({"attempts": {"gte": 1}}), ctx)
    assert holds(COND.validate_python({"not": {"has": "feeling"}}), ctx)


@pytest.mark.parametrize(
    "bad",
    [
        {"verdikt": "safe"},
        {"verdict": "good"},
        {"var": "x", "gte": 1, "lt": 3},
        {"var": "x"},
        {"attempts": {"gte": "twee"}},
        {"all": []},
        {"verdict": "safe", "extra": 1},
        "safe",
    ],
)
def test_bad_conditions_are_rejected(bad: Any) -> None:
    with pytest.raises(ValidationError):
        COND.validate_python(bad)


def test_effects_set_add_and_clamp() -> None:
    declared = {
        "connection": Variable(type="int", initial=0, min=-3, max=3),
        "warmth": Variable(type="float", initial=0.5, min=0, max=1),
        "mood": Variable(type="str", initial="koel"),
    }
    effects = EFFECTS.validate_python(
        [
            {"add": "connection", "value": 5},
            {"add": "warmth", "value": -2},
            {"set": "mood", "value": "warm"},
        ]
    )
    result = apply_effects(effects, {"connection": 1, "warmth": 0.5, "mood": "koel"}, declared)
    assert result == {"connection": 3, "warmth": 0, "mood": "warm"}
    lower = apply_effects(
        EFFECTS.validate_python([{"add": "connection", "value": -9}]), {"connection": 0}, declared
    )
    assert lower == {"connection": -3}
