"""Evaluation of the declarative condition grammar and of effects. Never `eval`: content is data."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from api.dialogue.models import (
    AddEffect,
    AllCond,
    AnyCond,
    AttemptsCond,
    Compare,
    Condition,
    Effect,
    HasAnyCond,
    HasCond,
    MissingCond,
    NotCond,
    Scalar,
    SetEffect,
    VarCond,
    Variable,
    VerdictCond,
)
from api.feedback.types import Analysis

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


@dataclass(frozen=True, slots=True)
class Context:
    """What a condition may look at. `analysis` and `attempt` exist only in a prompt's branches."""

    variables: Mapping[str, Scalar]
    analysis: Analysis | None = None
    attempt: int | None = None


def categories_of(analysis: Analysis) -> frozenset[str]:
    # The engine fills `categories`; fall back to the findings so hand-built analyses work too.
    return frozenset(analysis.categories) | {f.category for f in analysis.findings}


def compare(cmp: Compare, value: object) -> bool:
    if value is None:
        return False
    operand = cmp.operand
    # bool is an int in Python; keep True from equalling 1 so types stay honest.
    if isinstance(value, bool) != isinstance(operand, bool):
        return cmp.operator == "ne"
    try:
        return _OPS[cmp.operator](value, operand)
    except TypeError:  # e.g. a string against a number: the linter reports it as variable-type
        return False


def holds(cond: Condition, ctx: Context) -> bool:
    """Evaluate a condition. Reply conditions without a reply are false (the linter forbids
    them outside prompts, so this only guards hand-made content)."""
    if isinstance(cond, AllCond):
        return all(holds(c, ctx) for c in cond.all_)
    if isinstance(cond, AnyCond):
        return any(holds(c, ctx) for c in cond.any_)
    if isinstance(cond, NotCond):
        return not holds(cond.not_, ctx)
    if isinstance(cond, VarCond):
        return compare(cond, ctx.variables.get(cond.var))
    if isinstance(cond, AttemptsCond):
        return ctx.attempt is not None and compare(cond.attempts, ctx.attempt)
    analysis = ctx.analysis
    if analysis is None:
        return False
    if isinstance(cond, VerdictCond):
        return analysis.verdict in cond.verdicts
    found = categories_of(analysis)
    if isinstance(cond, HasCond):
        return all(c in found for c in cond.categories)
    if isinstance(cond, HasAnyCond):
        return any(c in found for c in cond.categories)
    if isinstance(cond, MissingCond):
        return not any(c in found for c in cond.categories)
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover - the union is closed


def apply_effects(
    effects: Iterable[Effect],
    variables: Mapping[str, Scalar],
    declared: Mapping[str, Variable],
) -> dict[str, Scalar]:
    """Return new variables with the effects applied; numbers are clamped to min/max."""
    result = dict(variables)
    for effect in effects:
        if isinstance(effect, SetEffect):
            name, value = effect.set, effect.value
        elif isinstance(effect, AddEffect):
            name = effect.add
            current = result.get(name, declared[name].initial if name in declared else 0)
            if isinstance(current, bool) or not isinstance(current, int | float):
                continue  # the linter reports adding to a non-number as variable-type
            value = current + effect.value
        else:  # pragma: no cover - the union is closed
            raise TypeError(f"unknown effect {effect!r}")
        decl = declared.get(name)
        if decl is not None and isinstance(value, int | float) and not isinstance(value, bool):
            if decl.min is not None and value < decl.min:
                value = decl.min
            if decl.max is not None and value > decl.max:
                value = decl.max
            if decl.type == "int" and isinstance(value, float) and value.is_integer():
                value = int(value)
        result[name] = value
    return result


def walk(cond: Condition) -> Iterator[Condition]:
    """Every condition inside `cond`, itself included (for the linter)."""
    yield cond
    if isinstance(cond, AllCond):
        for c in cond.all_:
            yield from walk(c)
    elif isinstance(cond, AnyCond):
        for c in cond.any_:
            yield from walk(c)
    elif isinstance(cond, NotCond):
        yield from walk(cond.not_)
