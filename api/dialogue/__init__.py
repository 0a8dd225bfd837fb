"""Scenario dialogues: schema, loader, linter and a pure runtime (no web, no database).

The runtime API the web layer builds on:

    step = start(scenario)                                   # -> Step
    step = reply(scenario, step.state, analysis)             # analysis = analyze(text, ...)
    step = reply(scenario, state, analysis, safety_hold=True)
    step = choose(scenario, step.state, "option-id")
    step = view(scenario, state)                             # re-render, no movement
    step = resume(scenario, state)                           # also across versions, or StaleState
"""

from api.dialogue.diagnostics import CODES, Diagnostic
from api.dialogue.errors import (
    DialogueError,
    RunawayLoop,
    ScenarioError,
    StaleState,
    UnknownChoice,
    WrongInputKind,
)
from api.dialogue.lint import lint_file, lint_paths, lint_text, validate_library
from api.dialogue.loader import Library, load_library, load_scenario, load_scenario_text
from api.dialogue.models import Scenario
from api.dialogue.runtime import (
    ChoiceView,
    Ending,
    Message,
    PromptView,
    State,
    Step,
    choose,
    reply,
    resume,
    start,
    view,
)
from api.dialogue.vocab import OUTCOMES, THEMES

__all__ = [
    "CODES",
    "OUTCOMES",
    "THEMES",
    "ChoiceView",
    "Diagnostic",
    "DialogueError",
    "Ending",
    "Library",
    "Message",
    "PromptView",
    "RunawayLoop",
    "Scenario",
    "ScenarioError",
    "StaleState",
    "State",
    "Step",
    "UnknownChoice",
    "WrongInputKind",
    "choose",
    "lint_file",
    "lint_paths",
    "lint_text",
    "load_library",
    "load_scenario",
    "load_scenario_text",
    "reply",
    "resume",
    "start",
    "validate_library",
    "view",
]
