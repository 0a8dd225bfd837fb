"""Every example in the rule files runs as a test; the loader refuses bad data."""

from __future__ import annotations

from pathlib import Path

import pytest

import api.safety as safety
from api.safety.loader import RULES_DIR, SafetyDataError, load_rules

_, RULES = load_rules()
FLAG = [(r.id, t) for r in RULES for t in r.examples_flag]
PASS = [(r.id, t) for r in RULES for t in r.examples_pass]


@pytest.mark.parametrize(("rule_id", "text"), FLAG)
def test_flag_example(rule_id: str, text: str) -> None:
    found = {s.rule_id for s in safety.signals(text)}
    assert rule_id in found, f"{rule_id} should flag {text!r}; got {sorted(found)}"


@pytest.mark.parametrize(("rule_id", "text"), PASS)
def test_pass_example(rule_id: str, text: str) -> None:
    found = {s.rule_id for s in safety.signals(text)}
    assert rule_id not in found, f"{rule_id} should not flag {text!r}"


def _copy_rules(tmp_path: Path, extra: str, name: str = "zz_extra.yaml") -> Path:
    for f in RULES_DIR.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / name).write_text(extra, encoding="utf-8")
    return tmp_path


RULE = """
rules:
  - id: {id}
    kind: {kind}
    level: {level}
    patterns: ["zelfmoord"]
{examples}
"""
EXAMPLES = "    examples: {flag: [zelfmoord], pass: [niks]}"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "murder"}, "unknown kind 'murder'"),
        ({"level": "urgent"}, "unknown level 'urgent'"),
        ({"examples": ""}, "needs examples"),
        ({"id": "suicide.word"}, "duplicate id"),
    ],
)
def test_loader_refuses(tmp_path: Path, fields: dict[str, str], message: str) -> None:
    values = {"id": "test.rule", "kind": "suicide", "level": "crisis", "examples": EXAMPLES}
    values.update(fields)
    directory = _copy_rules(tmp_path, RULE.format(**values))
    with pytest.raises(SafetyDataError) as info:
        load_rules(directory)
    assert message in str(info.value)
    assert "zz_extra.yaml" in str(info.value) or "duplicate" in str(info.value)
    if fields.get("id") != "suicide.word":
        assert values["id"] in str(info.value)


def test_loader_refuses_duplicate_keys(tmp_path: Path) -> None:
    text = RULE.format(id="t.x", kind="suicide", level="crisis", examples=EXAMPLES)
    text = text.replace("    level: crisis", "    level: crisis\n    level: concern")
    with pytest.raises(SafetyDataError, match=r"zz_extra\.yaml"):
        load_rules(_copy_rules(tmp_path, text))


def test_loader_refuses_unknown_key_and_set(tmp_path: Path) -> None:
    text = RULE.format(id="t.y", kind="suicide", level="crisis", examples=EXAMPLES)
    with pytest.raises(SafetyDataError, match="unknown key"):
        load_rules(_copy_rules(tmp_path, text + "    colour: red\n"))
    bad_set = text.replace('["zelfmoord"]', '["@nosuchset"]')
    directory = _copy_rules(tmp_path, bad_set)
    with pytest.raises(SafetyDataError, match="unknown word set"):
        _compile(directory)


def _compile(directory: Path) -> None:
    from api.safety.engine import Engine

    Engine(*load_rules(directory))
