"""docs/writing-scenarios.md carries a generated reference that must match the code."""

from __future__ import annotations

from api.dialogue.diagnostics import CODES
from api.dialogue.schemadoc import BEGIN, END, generate, replace_generated
from api.dialogue.vocab import THEMES
from tests.dialogue.helpers import ROOT

DOC = ROOT / "docs" / "writing-scenarios.md"


def test_generated_reference_is_up_to_date() -> None:
    current = DOC.read_text(encoding="utf-8")
    assert current.count(BEGIN) == 1
    assert current.count(END) == 1
    assert replace_generated(current, generate()) == current, (
        "run: python -m api.dialogue schema-doc --write docs/writing-scenarios.md"
    )


def test_reference_lists_every_code_theme_and_node_type() -> None:
    text = generate()
    for code in CODES:
        assert f"| `{code}` |" in text
    for theme in THEMES:
        assert f"| `{theme}` |" in text
    for node in ("LineNode", "PromptNode", "ChoiceNode", "BranchNode", "EndNode"):
        assert f"#### {node}" in text


def test_replace_generated_appends_when_missing() -> None:
    assert replace_generated("# Title\n", "X\n") == "# Title\n\nX\n"
