from __future__ import annotations

from pathlib import Path

import pytest

from api.dialogue import (
    DialogueError,
    Library,
    ScenarioError,
    StaleState,
    State,
    lint_text,
    load_library,
    load_scenario,
    load_scenario_text,
    start,
)
from tests.dialogue.helpers import DIALOGUES

GOOD = (DIALOGUES / "niet-gehoord.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def test_good_file_loads() -> None:
    scenario = load_scenario(DIALOGUES / "niet-gehoord.yaml")
    assert scenario.id == "niet-gehoord"
    assert scenario.partner.name == "Sam"
    assert start(scenario).prompt is not None


def test_duplicate_keys_are_all_reported_with_lines() -> None:
    text = GOOD.replace("level: 1\n", "level: 1\nlevel: 2\n", 1).replace(
        '    type: line\n    text: "Hé', '    type: line\n    type: line\n    text: "Hé', 1
    )
    diags = lint_text(text, "x.yaml", expected_id="niet-gehoord", engine=False)
    dupes = [d for d in diags if d.code == "duplicate-key"]
    assert [(d.line, d.node) for d in dupes] == [
        (line_of(text, "level: 2"), None),
        (line_of(text, "type: line", 3), "sam-vraagt"),
    ]
    assert "x.yaml:" in dupes[0].format()
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "x.yaml")
    assert {d.code for d in info.value.diagnostics} == {"duplicate-key"}


def test_duplicate_node_id() -> None:
    text = GOOD.replace(
        "  sam-zacht:\n",
        "  sam-vraagt:\n    type: line\n    text: x\n    next: wat-nu\n\n  sam-zacht:\n",
        1,
    )
    diags = lint_text(text, "x.yaml", engine=False)
    dupes = [d for d in diags if d.code == "duplicate-node-id"]
    assert len(dupes) == 1
    assert dupes[0].line == line_of(text, "sam-vraagt:", 2)
    assert dupes[0].node == "sam-vraagt"


def test_bad_types_name_file_line_and_node() -> None:
    text = (
        GOOD.replace("level: 1", "level: hoog")
        .replace("max: 3\n", "max: 3\n    bogus: 1\n", 1)
        .replace("    expect: [need]", "    expect: need")
    )
    diags = lint_text(text, "dialogues/x.yaml", engine=False)
    schema = {(d.line, d.node) for d in diags if d.code == "schema"}
    assert schema == {
        (line_of(text, "level: hoog"), None),
        (line_of(text, "bogus: 1"), None),
        (line_of(text, "expect: need"), "vraag-behoefte"),
    }
    formatted = [d.format() for d in diags]
    assert any(
        f.startswith(
            f"dialogues/x.yaml:{line_of(text, 'expect: need')}: schema error node 'vraag-behoefte':"
        )
        for f in formatted
    )


def test_a_bad_node_does_not_hide_other_problems() -> None:
    text = GOOD.replace("    speaker: narrator\n", "    speaker: verteller\n", 1).replace(
        "next: sam-laat", "next: sam-lat"
    )
    codes = {d.code for d in lint_text(text, "x.yaml", engine=False)}
    assert codes == {"schema", "missing-target"}


def test_yaml_syntax_error_has_a_line() -> None:
    diags = lint_text("id: x\ntitle: [unclosed\nlevel: 1\n", "x.yaml", engine=False)
    assert [d.code for d in diags] == ["yaml-syntax"]
    assert diags[0].line >= 2


def test_empty_and_non_mapping_files() -> None:
    assert [d.code for d in lint_text("", "x.yaml", engine=False)] == ["schema"]
    assert [d.code for d in lint_text("- a\n- b\n", "x.yaml", engine=False)] == ["schema"]


def test_library_keeps_old_versions(tmp_path: Path) -> None:
    (tmp_path / "niet-gehoord.yaml").write_text(GOOD, encoding="utf-8")
    first = load_library(tmp_path)
    assert list(first) == ["niet-gehoord"]
    assert first.errors == []
    old_state = start(first["niet-gehoord"]).state

    newer = (
        GOOD.replace("version: 1", "version: 2")
        .replace("  sam-vraagt:", "  sam-vraagt-nieuw:")
        .replace("next: sam-vraagt\n", "next: sam-vraagt-nieuw\n")
    )
    (tmp_path / "niet-gehoord.yaml").write_text(newer, encoding="utf-8")
    second = load_library(tmp_path, previous=first)
    assert second["niet-gehoord"].version == 2
    assert second.versions("niet-gehoord") == [1, 2]
    assert second.for_state(old_state).version == 1
    assert second.resume(old_state).state.scenario_version == 1

    # Without the old version, a session whose node still exists moves on to the new one...
    fresh = load_library(tmp_path)
    assert fresh.resume(old_state).state.scenario_version == 2
    # ...and one whose node is gone gets a clear StaleState.
    gone = State("niet-gehoord", 1, "sam-vraagt", "awaiting_text")
    with pytest.raises(StaleState):
        fresh.resume(gone)
    with pytest.raises(StaleState):
        fresh.for_state(old_state)


def test_library_leaves_out_broken_files(tmp_path: Path) -> None:
    (tmp_path / "niet-gehoord.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "kapot.yaml").write_text(
        GOOD.replace("id: niet-gehoord", "id: kapot").replace("next: wat-nu", "next: wat-nou"),
        "utf-8",
    )
    library = load_library(tmp_path)
    assert list(library) == ["niet-gehoord"]
    assert {d.code for d in library.errors} == {"missing-target"}


def test_changing_a_version_in_place_is_refused() -> None:
    library = Library([load_scenario(DIALOGUES / "niet-gehoord.yaml")])
    changed = library["niet-gehoord"].model_copy(update={"title": "Anders"})
    with pytest.raises(DialogueError):
        library.add(changed)
