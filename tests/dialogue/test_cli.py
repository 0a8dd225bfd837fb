"""The linter's command line, run as users and CI run it: in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.dialogue.cli import main
from api.dialogue.diagnostics import EXAMPLES_DIR
from tests.dialogue.helpers import DIALOGUES, ROOT

OURS = [
    DIALOGUES / f"{name}.yaml" for name in ("niet-gehoord", "er-wel-maar-niet", "stil-na-het-werk")
]


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "api.dialogue", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_clean_files_exit_0() -> None:
    result = run("lint", *OURS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "3 file(s): 0 error(s), 0 warning(s)" in result.stderr


def test_default_path_is_dialogues(tmp_path: Path) -> None:
    (tmp_path / "dialogues").mkdir()
    shutil.copy(OURS[0], tmp_path / "dialogues")
    result = run("lint", "--no-engine", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 file(s)" in result.stderr


def test_errors_exit_1_with_one_line_each(tmp_path: Path) -> None:
    for name in ("missing-target", "duplicate-key", "few-hints"):
        shutil.copy(EXAMPLES_DIR / f"{name}.yaml", tmp_path)
    result = run("lint", "--no-engine", tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        file, lineno, rest = line.split(":", 2)
        assert file.startswith(str(tmp_path))
        assert lineno.isdigit()
        _code, severity = rest.split()[:2]
        assert severity in ("error", "warning")
    assert {line.split()[1] for line in lines} == {"missing-target", "duplicate-key", "few-hints"}


def test_warnings_alone_exit_0() -> None:
    result = run("lint", "--no-engine", EXAMPLES_DIR / "few-hints.yaml")
    assert result.returncode == 0
    assert " few-hints warning " in result.stdout


def test_json_format() -> None:
    result = run("lint", "--format", "json", EXAMPLES_DIR / "unsafe-example-not-unsafe.yaml")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["engine"] is True
    assert report["errors"] == 1
    assert report["warnings"] == 0
    assert report["files"] == 1
    [diag] = report["diagnostics"]
    assert diag["code"] == "unsafe-example-not-unsafe"
    assert diag["node"] == "vraag"
    assert set(diag) == {"file", "line", "code", "severity", "message", "node"}


def test_no_engine_skips_content_checks() -> None:
    path = EXAMPLES_DIR / "unsafe-example-not-unsafe.yaml"
    assert run("lint", "--no-engine", path).returncode == 0
    assert run("lint", path).returncode == 1


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "does-not-exist.yaml"),
        ("lint", "--format", "xml"),
        ("lint", "--bogus"),
        ("frobnicate",),
        (),
        ("lint", "--graph", "nope", str(DIALOGUES)),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    assert run(*args).returncode == 2


def test_graph_prints_mermaid() -> None:
    result = run("lint", "--graph", "stil-na-het-werk", DIALOGUES)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("flowchart TD\n")
    assert 'start(("start")) --> n_intro' in out
    assert 'n_hoe_reageer_je -->|"arm if connection ≥ 1"| n_robin_opent' in out
    assert 'n_benoem -->|"verdict safe"| n_robin_kiest' in out
    assert 'n_einde_verbonden(["einde-verbonden: verbonden"])' in out
    assert 'n_afsluiten -->|"connection ≥ 2 and not advice_given = True"| n_einde_verbonden' in out


def test_graph_of_a_broken_scenario_exits_1(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES_DIR / "schema.yaml", tmp_path)
    assert run("lint", "--graph", "schema", tmp_path).returncode == 1


def test_console_script_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-engine", str(EXAMPLES_DIR / "missing-target.yaml")]) == 1
    assert "missing-target error" in capsys.readouterr().out
    assert main(["--no-engine", *map(str, OURS)]) == 0
    with pytest.raises(SystemExit) as info:
        main(["--format", "xml"])
    assert info.value.code == 2
    assert main(["nowhere.yaml"]) == 2
