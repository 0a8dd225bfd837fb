"""The shipped scenarios: lint-clean with the engine, exhaustively walkable, golden transcripts.

Regenerate the golden transcripts with VG_UPDATE_GOLDEN=1 after an intended change, then review
the diff like any other content change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from api.dialogue import load_scenario, validate_library
from api.dialogue.lint import default_analyzer, lint_file
from api.dialogue.models import PromptNode, Scenario
from api.dialogue.runtime import Step, choose, reply, start
from api.feedback.types import Analysis
from tests.dialogue.helpers import DIALOGUES
from tests.dialogue.walk import transcript

ANALYZER = default_analyzer()
SCENARIO_FILES = sorted(DIALOGUES.glob("*.yaml"))
GOLDEN = Path(__file__).with_name("golden")
OURS = ("niet-gehoord", "er-wel-maar-niet", "stil-na-het-werk")
MAX_TURNS = 40  # no conversation should need more user turns than this


def test_there_are_scenarios() -> None:
    assert {"niet-gehoord", "er-wel-maar-niet", "stil-na-het-werk"} <= {
        p.stem for p in SCENARIO_FILES
    }


def test_library_has_no_errors() -> None:
    """What `make check-dialogues` enforces: no errors, with the real engine."""
    diagnostics = validate_library(DIALOGUES, analyzer=ANALYZER)
    assert [d.format() for d in diagnostics if d.is_error] == []


@pytest.mark.parametrize("name", OURS)
def test_our_scenarios_have_no_warnings_either(name: str) -> None:
    """These three are the worked examples for authors: not even a warning."""
    assert [d.format() for d in lint_file(DIALOGUES / f"{name}.yaml", analyzer=ANALYZER)] == []


def test_scenarios_use_every_node_type_between_them() -> None:
    ours = [load_scenario(DIALOGUES / f"{n}.yaml") for n in OURS]
    types = {node.type for s in ours for node in s.nodes.values()}
    assert types == {"line", "prompt", "choice", "branch", "end"}
    outcomes = {n.outcome for s in ours for n in s.nodes.values() if n.type == "end"}
    assert outcomes == {"verbonden", "deels", "afstand"}
    assert {s.role for s in ours} == {"speaker", "listener"}
    assert len({s.partner.pronouns for s in ours}) == 3


def _example_analyses(scenario: Scenario) -> dict[str, list[Analysis]]:
    result: dict[str, list[Analysis]] = {}
    for node_id, node in scenario.nodes.items():
        if isinstance(node, PromptNode):
            texts = [*node.safe_examples, *node.almost_examples, node.unsafe_example]
            result[node_id] = [ANALYZER(t, scenario.role, tuple(node.expect)) for t in texts]
    return result


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_exhaustive_walk(path: Path) -> None:
    """Every option and every example answer at every prompt: every node is visited and every
    path reaches an end within MAX_TURNS, without ever coming back to the same state."""
    scenario = load_scenario(path)
    answers = _example_analyses(scenario)
    visited: set[str] = set()
    outcomes: set[str] = set()
    done: set[str] = set()

    def key(step: Step) -> str:
        data = step.state.to_dict()
        del data["turn"]
        return json.dumps(data, sort_keys=True)

    def explore(step: Step, trail: tuple[str, ...]) -> None:
        visited.update(step.visited)
        if step.ending is not None:
            outcomes.add(step.ending.outcome)
            return
        assert step.state.turn <= MAX_TURNS, f"no end after {MAX_TURNS} turns: {trail}"
        k = key(step)
        assert k not in trail, f"{path.stem}: a path comes back to the same state: {k}"
        if k in done:
            return
        if step.prompt is not None:
            for analysis in answers[step.state.node_id]:
                explore(reply(scenario, step.state, analysis), (*trail, k))
        else:
            assert step.choices is not None
            for option_id, _ in step.choices.options:
                explore(choose(scenario, step.state, option_id), (*trail, k))
        done.add(k)

    explore(start(scenario), ())
    assert visited == set(scenario.nodes), f"never visited: {set(scenario.nodes) - visited}"
    ends = {n.outcome for n in scenario.nodes.values() if n.type == "end"}
    assert outcomes == ends


SCRIPTS: dict[str, dict[str, list[str]]] = {
    "niet-gehoord": {
        "verbonden": [
            "Ik voelde me niet gehoord toen ik over mijn dag vertelde.",
            "#dag-vertellen",
            "Ik zou graag willen dat je je telefoon even weglegt als ik iets vertel.",
        ],
        "worstelen": [
            "Je luistert ook nooit!",
            "Ik wil het even over het eten hebben.",
            "Jij zit altijd op je telefoon!",
            "#laten",
        ],
        "eis": [
            "Ik ben verdrietig over vanavond.",
            "#behoefte",
            "Je moet gewoon je telefoon wegleggen als ik praat.",
            "Het gaat over je telefoon.",
            "Jij zit ook altijd op dat ding!",
        ],
    },
    "er-wel-maar-niet": {
        "verbonden": [
            "Dank je dat je dat tegen me zegt. Wanneer merk je dat vooral?",
            "#hand",
            "Ik merk dat ik me terugtrek als het spannend wordt. Dat wil ik niet.",
        ],
        "verdedigen": [
            "Dat valt toch wel mee? Ik ben gewoon druk.",
            "Wat bedoel je precies? Ik wil begrijpen wat je mist.",
            "#uitleggen",
            "Ik kan er toch ook niks aan doen dat ik het zo druk heb.",
        ],
    },
    "stil-na-het-werk": {
        "verbonden": [
            "Ik merk dat je weinig zegt vanavond. Hoe gaat het met je?",
            "#arm",
            "Ik ben er voor je, ook als je liever stil bent.",
        ],
        "advies": [
            "Je negeert me altijd!",
            "!Ik weet het soms niet meer.",
            "Ik zie dat je moe thuiskomt. Wat is er vandaag gebeurd?",
            "#advies",
            "Oké, duidelijk.",
            "Fijn dat je het me vertelt. Ik ben er voor je.",
        ],
    },
}


@pytest.mark.parametrize(
    ("scenario_id", "name"),
    [(s, n) for s, scripts in SCRIPTS.items() for n in scripts],
)
def test_golden_transcript(scenario_id: str, name: str) -> None:
    scenario = load_scenario(DIALOGUES / f"{scenario_id}.yaml")
    text = transcript(scenario, SCRIPTS[scenario_id][name])
    golden = GOLDEN / f"{scenario_id}__{name}.txt"
    if os.environ.get("VG_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"missing {golden.name}: run with VG_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")
