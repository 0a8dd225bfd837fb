"""Every rule's own examples: each `flag` example fires the rule, each `pass` example does not.

Checked with `Engine.fired`, which lists the rules that matched before findings of one category
are merged, so a rule is tested on its own merits.
"""

from __future__ import annotations

import pytest

from api.feedback import default_engine
from api.feedback.loader import Rule

RULES = default_engine().rs.rules


def _cases(kind: str) -> list[tuple[Rule, str]]:
    return [
        (r, ex) for r in RULES for ex in (r.examples.flag if kind == "flag" else r.examples.passes)
    ]


def _id(case: object) -> str:
    if isinstance(case, tuple):
        rule, text = case
        return f"{rule.id}:{text[:40]}"
    return str(case)


@pytest.mark.parametrize("case", _cases("flag"), ids=_id)
def test_flag_example_fires(case: tuple[Rule, str]) -> None:
    rule, text = case
    fired_in = [
        role for role in sorted(rule.roles) if rule.id in default_engine().fired(text, role)
    ]
    assert fired_in, f"{rule.id} did not fire on {text!r}"


@pytest.mark.parametrize("case", _cases("pass"), ids=_id)
def test_pass_example_does_not_fire(case: tuple[Rule, str]) -> None:
    rule, text = case
    fired_in = [
        role for role in sorted(rule.roles) if rule.id in default_engine().fired(text, role)
    ]
    assert not fired_in, f"{rule.id} fired on near miss {text!r} as {fired_in}"


def test_every_category_has_rules() -> None:
    from api.feedback.taxonomy import CATEGORIES

    covered = {r.category for r in RULES} | {c for r in RULES for c in r.category_by_role.values()}
    assert covered == set(CATEGORIES)


def test_every_rule_has_dutch_message_and_tip() -> None:
    for r in RULES:
        assert len(r.message) > 20, r.id
        assert len(r.tip) > 10, r.id
        assert r.examples.flag, r.id
