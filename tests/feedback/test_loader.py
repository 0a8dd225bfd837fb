"""The loader refuses broken rule files with a message that names the file and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.feedback import Engine
from api.feedback.loader import RuleError, load_rules

LEXICON = """
lexicon:
  absolute: [nooit, altijd, elke keer]
  you: [je, jij]
settings:
  negation:
    pre: [niet]
"""

GOOD_RULE = """
rules:
  - id: t.never
    category: absolute_language
    message: "Absoluut."
    tip: "Noem een moment."
    patterns: ["@you ~3 @absolute"]
    examples:
      flag: ["Je luistert nooit."]
      pass: ["Ik luister."]
"""


def _write(tmp_path: Path, **files: str) -> Path:
    for name, body in files.items():
        (tmp_path / f"{name}.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def test_good_rules_load_and_match(tmp_path: Path) -> None:
    rs = load_rules(_write(tmp_path, lex=LEXICON, a=GOOD_RULE))
    engine = Engine(rs)
    assert engine.analyze("Je luistert elke keer weer niet").verdict == "unsafe"
    assert engine.analyze("Ik luister.").verdict == "almost"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (GOOD_RULE.replace("absolute_language", "sarcasme"), "unknown category 'sarcasme'"),
        (GOOD_RULE.replace("@absolute", "@absoluut"), "unknown lexicon list @absoluut"),
        (GOOD_RULE.replace('["@you ~3 @absolute"]', '["@you ~99 @absolute"]'), "malformed pattern"),
        (GOOD_RULE.replace('["@you ~3 @absolute"]', '["~3 @absolute"]'), "malformed pattern"),
        (GOOD_RULE.replace('["@you ~3 @absolute"]', '["* ^"]'), "anchor"),
        (GOOD_RULE.replace('["@you ~3 @absolute"]', '["je|"]'), "malformed pattern"),
        (GOOD_RULE.replace('flag: ["Je luistert nooit."]', "flag: []"), "flag example"),
        (
            GOOD_RULE.replace(
                '    examples:\n      flag: ["Je luistert nooit."]\n      pass: ["Ik luister."]\n',
                "",
            ),
            "examples",
        ),
        (GOOD_RULE.replace("    tip:", "    tipp:"), "unknown keys"),
        (GOOD_RULE.replace('    message: "Absoluut."\n', ""), "missing message"),
        (
            GOOD_RULE.replace(
                "category: absolute_language", "category: absolute_language\n    negation: maybe"
            ),
            "negation",
        ),
        (
            GOOD_RULE.replace(
                "category: absolute_language", "category: absolute_language\n    roles: [therapist]"
            ),
            "role",
        ),
        (
            GOOD_RULE.replace(
                "category: absolute_language",
                "category: absolute_language\n    suppress: [nothing.here]",
            ),
            "suppress",
        ),
    ],
    ids=[
        "unknown-category",
        "unknown-lexicon",
        "gap-too-big",
        "leading-gap",
        "no-anchor",
        "empty-alternative",
        "no-flag-example",
        "no-examples",
        "unknown-key",
        "missing-message",
        "bad-negation-mode",
        "unknown-role",
        "unknown-suppress-target",
    ],
)
def test_refuses_broken_rule(tmp_path: Path, body: str, needle: str) -> None:
    _write(tmp_path, lex=LEXICON, a=body)
    with pytest.raises(RuleError) as err:
        load_rules(tmp_path)
    msg = str(err.value)
    assert needle in msg
    assert "a.yaml" in msg
    assert "rule 't.never'" in msg


def test_refuses_duplicate_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path, lex=LEXICON, a=GOOD_RULE, b=GOOD_RULE)
    with pytest.raises(
        RuleError, match=r"b\.yaml: rule 't\.never': duplicate id \(also in a\.yaml\)"
    ):
        load_rules(tmp_path)


def test_refuses_duplicate_yaml_keys(tmp_path: Path) -> None:
    body = GOOD_RULE.replace(
        '    tip: "Noem een moment."', '    tip: "Noem een moment."\n    tip: "twee"'
    )
    _write(tmp_path, lex=LEXICON, a=body)
    with pytest.raises(RuleError, match=r"a\.yaml: invalid YAML"):
        load_rules(tmp_path)


def test_refuses_duplicate_lexicon_lists(tmp_path: Path) -> None:
    _write(tmp_path, lex=LEXICON, lex2="lexicon:\n  you: [u]\n", a=GOOD_RULE)
    with pytest.raises(RuleError, match=r"@you already defined in lex\.yaml"):
        load_rules(tmp_path)


def test_refuses_unknown_top_level_key(tmp_path: Path) -> None:
    _write(tmp_path, lex=LEXICON, a=GOOD_RULE + "regels: []\n")
    with pytest.raises(RuleError, match=r"a\.yaml: unknown top-level keys"):
        load_rules(tmp_path)


def test_refuses_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no rule files"):
        load_rules(tmp_path)


def test_shipped_rules_compile_once_and_index_every_rule() -> None:
    from api.feedback import default_engine

    e1, e2 = default_engine(), default_engine()
    assert e1 is e2
    indexed = {e1.rs.rules[ri].id for entries in e1.rs.index.values() for ri, _ in entries}
    assert indexed == {r.id for r in e1.rs.rules}
