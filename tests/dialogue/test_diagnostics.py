"""Every diagnostic code is documented data with an example that triggers exactly that code."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.dialogue.diagnostics import CODES, EXAMPLES_DIR
from api.dialogue.lint import default_analyzer, lint_file

ANALYZER = default_analyzer()  # the real engine: engine codes must be triggered for real


def test_every_example_file_belongs_to_a_code() -> None:
    files = {p.name for p in EXAMPLES_DIR.glob("*.yaml")}
    assert files == {info.example for info in CODES.values()}


def test_codes_are_well_formed() -> None:
    assert len(CODES) >= 20
    for code, info in CODES.items():
        assert code == info.code
        assert info.severity in ("error", "warning"), code
        assert info.summary.strip(), code
        assert (EXAMPLES_DIR / info.example).is_file(), code


@pytest.mark.parametrize("code", sorted(CODES))
def test_example_triggers_exactly_its_code(code: str) -> None:
    path = EXAMPLES_DIR / CODES[code].example
    found = {d.code for d in lint_file(path, analyzer=ANALYZER)}
    assert found == {code}


@pytest.mark.parametrize("code", sorted(c for c, info in CODES.items() if info.engine))
def test_engine_codes_need_the_engine(code: str) -> None:
    path = EXAMPLES_DIR / CODES[code].example
    assert lint_file(path, engine=False) == []


@pytest.mark.parametrize("code", sorted(c for c, info in CODES.items() if not info.engine))
def test_structural_codes_do_not_need_the_engine(code: str) -> None:
    path = EXAMPLES_DIR / CODES[code].example
    assert {d.code for d in lint_file(path, engine=False)} == {code}


def test_diagnostics_name_file_line_and_node() -> None:
    path = EXAMPLES_DIR / CODES["missing-target"].example
    [diag] = lint_file(Path(path), engine=False)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[diag.line - 1].strip() == "next: eind"
    assert diag.node == "vraag"
    assert diag.format() == (
        f"{path}:{diag.line}: missing-target error node 'vraag': next 'eind' does not exist "
        "(did you mean 'einde'?)"
    )
