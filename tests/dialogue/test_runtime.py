from __future__ import annotations

import json

import pytest

from api.dialogue import (
    DialogueError,
    RunawayLoop,
    StaleState,
    State,
    UnknownChoice,
    WrongInputKind,
    choose,
    reply,
    resume,
    start,
    view,
)
from tests.dialogue.helpers import ALMOST, SAFE, UNSAFE, analysis, end, prompt, scenario

RETRY_SCENARIO = scenario(
    {
        "intro": {"type": "line", "text": "Hoi.", "next": "p"},
        "p": prompt(
            [
                {
                    "when": {"verdict": "safe"},
                    "effects": [{"add": "connection", "value": 1}],
                    "next": "good",
                },
                {"when": {"attempts": {"gte": 3}}, "next": "example"},
                {"when": {"verdict": "almost"}, "say": "Wat bedoel je?", "next": "p"},
                {
                    "otherwise": True,
                    "effects": [{"add": "connection", "value": -1}],
                    "say": "Dat is niet eerlijk.",
                    "next": "p",
                },
            ]
        ),
        "example": {
            "type": "line",
            "speaker": "narrator",
            "text": "Bijvoorbeeld: ...",
            "next": "bad",
        },
        "good": end("verbonden"),
        "bad": end("afstand"),
    },
    start="intro",
)


def test_start_follows_lines_to_the_first_prompt() -> None:
    step = start(RETRY_SCENARIO)
    assert [(m.node_id, m.speaker, m.name, m.text) for m in step.messages] == [
        ("intro", "partner", "Sam", "Hoi.")
    ]
    assert step.state.status == "awaiting_text"
    assert step.state.node_id == "p"
    assert step.state.variables == {"connection": 0}
    assert step.state.turn == 0
    assert step.prompt is not None
    assert step.prompt.attempt == 1
    assert step.prompt.hints == ()
    assert step.prompt.examples == ("Ik voel me alleen.", "Ik ben verdrietig.", "Ik mis je.")
    assert step.prompt.expect == ("feeling",)
    assert step.visited == ("intro", "p")


def test_retry_counts_attempts_and_unlocks_hints_one_by_one() -> None:
    step = start(RETRY_SCENARIO)
    step = reply(RETRY_SCENARIO, step.state, UNSAFE)
    assert step.retry
    assert step.branch_taken == "p"
    assert [m.text for m in step.messages] == ["Dat is niet eerlijk."]
    assert step.state.attempts == {"p": 1}
    assert step.state.variables == {"connection": -1}
    assert step.prompt is not None
    assert step.prompt.attempt == 2
    assert step.prompt.hints == ("Hint een.",)
    step = reply(RETRY_SCENARIO, step.state, ALMOST)
    assert step.retry
    assert [m.text for m in step.messages] == ["Wat bedoel je?"]
    assert step.prompt is not None
    assert step.prompt.hints == ("Hint een.", "Hint twee.")
    assert step.analysis is ALMOST
    assert step.state.turn == 2


def test_struggling_fallback_after_three_attempts() -> None:
    step = start(RETRY_SCENARIO)
    for _ in range(2):
        step = reply(RETRY_SCENARIO, step.state, UNSAFE)
    step = reply(RETRY_SCENARIO, step.state, UNSAFE)
    assert not step.retry
    assert step.branch_taken == "example"
    assert step.branch_index == 1
    assert step.ending is not None
    assert step.ending.outcome == "afstand"
    assert [m.speaker for m in step.messages] == ["narrator"]
    assert step.state.status == "finished"


def test_safe_reply_moves_on_and_clamps_effects() -> None:
    step = start(RETRY_SCENARIO)
    step = reply(RETRY_SCENARIO, step.state, SAFE)
    assert step.ending is not None
    assert step.ending.outcome == "verbonden"
    assert step.state.variables == {"connection": 1}
    clamped = scenario(
        {
            "p": prompt(
                [
                    {
                        "when": {"verdict": "safe"},
                        "effects": [{"add": "connection", "value": 10}],
                        "next": "e",
                    },
                    {
                        "otherwise": True,
                        "effects": [{"add": "connection", "value": -10}],
                        "next": "e",
                    },
                ]
            ),
            "e": end(),
        }
    )
    assert reply(clamped, start(clamped).state, SAFE).state.variables == {"connection": 2}
    assert reply(clamped, start(clamped).state, UNSAFE).state.variables == {"connection": -2}


def test_safety_hold_neither_branches_nor_counts() -> None:
    step = start(RETRY_SCENARIO)
    held = reply(RETRY_SCENARIO, step.state, UNSAFE, safety_hold=True)
    assert held.held
    assert held.retry
    assert held.state == step.state
    assert held.messages == ()
    assert held.prompt == step.prompt
    assert held.analysis is UNSAFE


def test_max_attempts_skips_retries() -> None:
    sc = scenario(
        {
            "p": prompt(
                [
                    {"when": {"verdict": "safe"}, "next": "e"},
                    {"when": {"verdict": "unsafe"}, "next": "p"},
                    {"otherwise": True, "next": "e2"},
                ],
                max_attempts=2,
            ),
            "e": end(),
            "e2": end("afstand"),
        }
    )
    step = reply(sc, start(sc).state, UNSAFE)
    assert step.retry
    step = reply(sc, step.state, UNSAFE)
    assert step.branch_taken == "e2"
    assert step.ending is not None
    assert step.ending.outcome == "afstand"


CHOICE_SCENARIO = scenario(
    {
        "c": {
            "type": "choice",
            "text": "Wat doe je?",
            "options": [
                {
                    "id": "a",
                    "text": "A",
                    "effects": [{"add": "connection", "value": 2}],
                    "next": "c2",
                },
                {"id": "b", "text": "B", "next": "c2"},
            ],
        },
        "c2": {
            "type": "choice",
            "text": "En nu?",
            "options": [
                {"id": "always", "text": "Altijd", "next": "route"},
                {
                    "id": "close",
                    "text": "Dichtbij",
                    "when": {"var": "connection", "gte": 2},
                    "next": "route",
                },
            ],
        },
        "route": {
            "type": "branch",
            "branches": [
                {"when": {"var": "connection", "gte": 2}, "next": "near"},
                {"otherwise": True, "say": "Hm.", "next": "far"},
            ],
        },
        "near": end("verbonden"),
        "far": end("afstand"),
    },
    start="c",
)


def test_choice_conditions_and_branch_routing() -> None:
    step = start(CHOICE_SCENARIO)
    assert step.state.status == "awaiting_choice"
    assert step.choices is not None
    assert step.choices.options == (("a", "A"), ("b", "B"))
    low = choose(CHOICE_SCENARIO, step.state, "b")
    assert low.choices is not None
    assert low.choices.options == (("always", "Altijd"),)
    with pytest.raises(UnknownChoice):
        choose(CHOICE_SCENARIO, low.state, "close")  # hidden option
    far = choose(CHOICE_SCENARIO, low.state, "always")
    assert far.ending is not None
    assert far.ending.outcome == "afstand"
    assert [m.text for m in far.messages] == ["Hm."]
    assert far.visited == ("route", "far")
    high = choose(CHOICE_SCENARIO, step.state, "a")
    assert high.choices is not None
    assert [o[0] for o in high.choices.options] == ["always", "close"]
    near = choose(CHOICE_SCENARIO, high.state, "close")
    assert near.ending is not None
    assert near.ending.outcome == "verbonden"
    assert near.branch_taken == "route"
    with pytest.raises(UnknownChoice):
        choose(CHOICE_SCENARIO, step.state, "nope")


def test_wrong_input_kind() -> None:
    step = start(CHOICE_SCENARIO)
    with pytest.raises(WrongInputKind) as info:
        reply(CHOICE_SCENARIO, step.state, SAFE)
    assert info.value.user_message  # Dutch text for people
    text_step = start(RETRY_SCENARIO)
    with pytest.raises(WrongInputKind):
        choose(RETRY_SCENARIO, text_step.state, "a")
    done = reply(RETRY_SCENARIO, text_step.state, SAFE)
    with pytest.raises(WrongInputKind):
        reply(RETRY_SCENARIO, done.state, SAFE)
    with pytest.raises(WrongInputKind):
        choose(RETRY_SCENARIO, done.state, "a")


def test_view_rerenders_without_moving() -> None:
    step = reply(RETRY_SCENARIO, start(RETRY_SCENARIO).state, UNSAFE)
    again = view(RETRY_SCENARIO, step.state)
    assert again.state == step.state
    assert again.prompt == step.prompt
    assert again.messages == ()
    done = reply(RETRY_SCENARIO, step.state, SAFE)
    assert view(RETRY_SCENARIO, done.state).ending == done.ending
    c = start(CHOICE_SCENARIO)
    assert view(CHOICE_SCENARIO, c.state).choices == c.choices


def test_state_round_trips_through_json() -> None:
    step = reply(RETRY_SCENARIO, start(RETRY_SCENARIO).state, UNSAFE)
    data = json.loads(json.dumps(step.state.to_dict()))
    assert State.from_dict(data) == step.state
    dumped = json.loads(json.dumps(step.to_dict()))
    assert dumped["analysis"]["verdict"] == "unsafe"
    assert dumped["prompt"]["attempt"] == 2


def test_stale_state() -> None:
    step = start(RETRY_SCENARIO)
    newer = RETRY_SCENARIO.model_copy(update={"version": 2})
    with pytest.raises(StaleState):
        reply(newer, step.state, SAFE)  # pinned version differs
    with pytest.raises(StaleState):
        view(newer, step.state)
    # resume carries a session over to a new version when its node still exists
    resumed = resume(newer, step.state)
    assert resumed.state.scenario_version == 2
    assert resumed.prompt is not None
    assert resumed.prompt.node_id == "p"
    gone = State(scenario_id="test", scenario_version=1, node_id="vanished", status="awaiting_text")
    with pytest.raises(StaleState) as info:
        resume(RETRY_SCENARIO, gone)
    assert "opnieuw" in info.value.user_message
    wrong_kind = State(
        scenario_id="test", scenario_version=1, node_id="good", status="awaiting_text"
    )
    with pytest.raises(StaleState):
        view(RETRY_SCENARIO, wrong_kind)
    with pytest.raises(StaleState):
        resume(CHOICE_SCENARIO.model_copy(update={"id": "other"}), step.state)


def test_resume_migrates_variables() -> None:
    sc = RETRY_SCENARIO.model_copy(
        update={
            "version": 3,
            "variables": {
                **RETRY_SCENARIO.variables,
                "extra": RETRY_SCENARIO.variables["connection"].model_copy(update={"initial": 1}),
            },
        }
    )
    state = State(
        scenario_id="test",
        scenario_version=1,
        node_id="p",
        status="awaiting_text",
        variables={"connection": -1, "removed": True},
    )
    assert resume(sc, state).state.variables == {"connection": -1, "extra": 1}


def test_loop_guard() -> None:
    looping = scenario(
        {
            "a": {"type": "line", "text": "a", "next": "b"},
            "b": {"type": "branch", "branches": [{"otherwise": True, "next": "a"}]},
        },
        start="a",
    )
    with pytest.raises(RunawayLoop):
        start(looping)
    assert issubclass(RunawayLoop, DialogueError)


def test_missing_category_condition_uses_findings() -> None:
    sc = scenario(
        {
            "p": prompt(
                [
                    {"when": {"all": [{"verdict": "safe"}, {"missing": "need"}]}, "next": "p"},
                    {"when": {"verdict": "safe"}, "next": "e"},
                    {"otherwise": True, "next": "p"},
                ],
                max_attempts=5,
            ),
            "e": end(),
        }
    )
    assert reply(sc, start(sc).state, analysis("safe", "feeling")).retry
    assert not reply(sc, start(sc).state, analysis("safe", "feeling", "need")).retry
