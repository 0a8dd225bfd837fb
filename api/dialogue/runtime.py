"""The dialogue runtime: pure functions from (scenario, state, input) to the next Step.

No I/O, no web, no database, no engine import: the caller analyses the user's text
(`analyze(text, role=scenario.role, expect=step.prompt.expect)`) and passes the Analysis in,
so the runtime is deterministic and trivially testable. The state is a small JSON-serialisable
value the web layer stores between requests; nothing lives in process memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import TypeAdapter

from api.dialogue.conditions import Context, apply_effects, holds
from api.dialogue.errors import (
    DialogueError,
    RunawayLoop,
    StaleState,
    UnknownChoice,
    WrongInputKind,
)
from api.dialogue.models import (
    BranchNode,
    ChoiceNode,
    EndNode,
    LineNode,
    NodeModel,
    PromptNode,
    Route,
    Scalar,
    Scenario,
    value_fits,
)
from api.feedback.types import Analysis

Status = Literal["awaiting_text", "awaiting_choice", "finished"]

# Lines and branch nodes are followed automatically; content that loops among them without ever
# reaching a prompt, choice or end would spin forever. The linter catches such loops; this bound
# is the runtime's own guard (generous: real scenarios pass a handful of nodes per step).
MAX_AUTO_STEPS = 500


@dataclass(frozen=True, slots=True)
class State:
    """Where a session is. Store `to_dict()` as JSON; rebuild with `State.from_dict`."""

    scenario_id: str
    scenario_version: int
    node_id: str
    status: Status
    attempts: Mapping[str, int] = field(default_factory=dict)
    variables: Mapping[str, Scalar] = field(default_factory=dict)
    turn: int = 0

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = _STATE.dump_python(self, mode="json")
        return result

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> State:
        return _STATE.validate_python(dict(data))


@dataclass(frozen=True, slots=True)
class Message:
    node_id: str
    speaker: Literal["partner", "narrator"]
    name: str | None  # the partner's name; None for the narrator
    text: str


@dataclass(frozen=True, slots=True)
class PromptView:
    node_id: str
    instruction: str
    unsafe_example: str
    expect: tuple[str, ...]
    hints: tuple[str, ...]  # unlocked so far: none on attempt 1, then one more per attempt made
    examples: tuple[str, ...]  # the safe examples; the UI shows them on request
    attempt: int  # 1-based number of the attempt the user is about to make


@dataclass(frozen=True, slots=True)
class ChoiceView:
    node_id: str
    text: str
    options: tuple[tuple[str, str], ...]  # (option id, text), only the options shown now


@dataclass(frozen=True, slots=True)
class Ending:
    node_id: str
    outcome: str
    title: str
    reflection: str


@dataclass(frozen=True, slots=True)
class Step:
    state: State
    messages: tuple[Message, ...] = ()
    prompt: PromptView | None = None
    choices: ChoiceView | None = None
    ending: Ending | None = None
    analysis: Analysis | None = None
    branch_taken: str | None = None  # target id of the branch or option taken (for transcripts)
    branch_index: int | None = None  # reply(): index of the prompt branch taken
    retry: bool = False  # the user stays on the same prompt
    held: bool = False  # reply(..., safety_hold=True): nothing moved, no attempt counted
    # Every node passed in this step, in order (lines, branches, and the node it stopped at).
    visited: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = _STEP.dump_python(self, mode="json")
        return result


_STATE: TypeAdapter[State] = TypeAdapter(State)
_STEP: TypeAdapter[Step] = TypeAdapter(Step)


# --- public API -----------------------------------------------------------------------------


def initial_variables(scenario: Scenario) -> dict[str, Scalar]:
    return {name: decl.initial for name, decl in scenario.variables.items()}


def start(scenario: Scenario) -> Step:
    """Begin a conversation: follow lines and branches from `start` to the first question."""
    return _advance(
        scenario,
        scenario.start,
        variables=initial_variables(scenario),
        attempts={},
        turn=0,
        messages=[],
    )


def reply(
    scenario: Scenario, state: State, analysis: Analysis, *, safety_hold: bool = False
) -> Step:
    """Route the user's analysed reply. With `safety_hold` (the safety checker fired) the reply
    neither branches nor counts as an attempt: the same prompt is shown again."""
    node = _current(scenario, state, "awaiting_text")
    assert isinstance(node, PromptNode)
    if safety_hold:
        return Step(
            state=state,
            prompt=_prompt_view(state.node_id, node, state.attempts),
            analysis=analysis,
            retry=True,
            held=True,
        )
    attempt = state.attempts.get(state.node_id, 0) + 1
    attempts = {**state.attempts, state.node_id: attempt}
    route = choose_route(node, state.node_id, Context(state.variables, analysis, attempt))
    variables = apply_effects(route.effects, state.variables, scenario.variables)
    messages = [_say(scenario, state.node_id, route.say)] if route.say else []
    step = _advance(
        scenario,
        route.next,
        variables=variables,
        attempts=attempts,
        turn=state.turn + 1,
        messages=messages,
    )
    return replace(
        step,
        analysis=analysis,
        branch_taken=route.next,
        branch_index=next(i for i, r in enumerate(node.branches) if r is route),
        retry=step.state.node_id == state.node_id and step.state.status == "awaiting_text",
    )


def choose(scenario: Scenario, state: State, choice_id: str) -> Step:
    """Take the option `choice_id` of the current choice."""
    node = _current(scenario, state, "awaiting_choice")
    assert isinstance(node, ChoiceNode)
    ctx = Context(state.variables)
    option = next(
        (o for o in node.options if o.id == choice_id and (o.when is None or holds(o.when, ctx))),
        None,
    )
    if option is None:
        raise UnknownChoice(f"{scenario.id}: no option {choice_id!r} shown at {state.node_id!r}")
    variables = apply_effects(option.effects, state.variables, scenario.variables)
    step = _advance(
        scenario,
        option.next,
        variables=variables,
        attempts=dict(state.attempts),
        turn=state.turn + 1,
        messages=[],
    )
    return replace(step, branch_taken=option.next)


def view(scenario: Scenario, state: State) -> Step:
    """Re-render the current position without moving (no messages): for a page reload."""
    _check_version(scenario, state)
    node = _node_for(scenario, state)
    return _rest(scenario, state.node_id, node, state.variables, state.attempts, state.turn, [])


def resume(scenario: Scenario, state: State) -> Step:
    """Continue a stored session on `scenario`, which may be a newer version than the state's.

    Works when the state's node still exists with the same kind; variables are carried over
    (new ones get their initial value, removed or retyped ones are dropped). Otherwise raises
    StaleState, whose `user_message` can be shown to people."""
    if state.scenario_id != scenario.id:
        raise StaleState(f"state belongs to {state.scenario_id!r}, not {scenario.id!r}")
    node = _node_for(scenario, state)
    variables = initial_variables(scenario)
    for name, value in state.variables.items():
        decl = scenario.variables.get(name)
        if decl is not None and value_fits(decl.type, value):
            variables[name] = value
    migrated = replace(state, scenario_version=scenario.version, variables=variables)
    return _rest(scenario, state.node_id, node, variables, migrated.attempts, state.turn, [])


def choose_route(node: PromptNode, node_id: str, ctx: Context) -> Route:
    """The branch a reply takes: the first that holds. Once `max_attempts` is reached, branches
    back to this same prompt are skipped so the user always gets on."""
    capped = node.max_attempts is not None and (ctx.attempt or 0) >= node.max_attempts
    for route in node.branches:
        if capped and route.next == node_id:
            continue
        if route.otherwise or (route.when is not None and holds(route.when, ctx)):
            return route
    # Only content the linter refuses gets here (no fallback, or a capped retry-only prompt).
    if capped and node.branches[-1].otherwise:
        return node.branches[-1]
    raise DialogueError(f"prompt {node_id!r}: no branch applies and there is no fallback")


# --- internals ------------------------------------------------------------------------------


def _say(scenario: Scenario, node_id: str, text: str) -> Message:
    return Message(node_id=node_id, speaker="partner", name=scenario.partner.name, text=text)


def _check_version(scenario: Scenario, state: State) -> None:
    if state.scenario_id != scenario.id or state.scenario_version != scenario.version:
        raise StaleState(
            f"state is for {state.scenario_id!r} v{state.scenario_version}, "
            f"scenario is {scenario.id!r} v{scenario.version}"
        )


_KIND_OF_STATUS: dict[str, type[NodeModel]] = {
    "awaiting_text": PromptNode,
    "awaiting_choice": ChoiceNode,
    "finished": EndNode,
}


def _node_for(scenario: Scenario, state: State) -> NodeModel:
    node = scenario.nodes.get(state.node_id)
    if node is None:
        raise StaleState(f"{scenario.id} v{scenario.version} has no node {state.node_id!r}")
    if not isinstance(node, _KIND_OF_STATUS[state.status]):
        raise StaleState(
            f"{scenario.id} v{scenario.version}: node {state.node_id!r} is a {node.type}, "
            f"but the state is {state.status}"
        )
    return node


def _current(scenario: Scenario, state: State, wanted: Status) -> NodeModel:
    _check_version(scenario, state)
    if state.status != wanted:
        if state.status == "finished":
            raise WrongInputKind(
                f"{scenario.id}: the conversation has finished",
                user_message="Dit gesprek is al klaar. Begin gerust een nieuw gesprek.",
            )
        if state.status == "awaiting_choice":
            raise WrongInputKind(
                f"{scenario.id}: a choice is awaited at {state.node_id!r}, not a reply",
                user_message="Kies eerst een van de antwoorden.",
            )
        raise WrongInputKind(
            f"{scenario.id}: a reply is awaited at {state.node_id!r}, not a choice",
            user_message="Typ eerst je eigen antwoord.",
        )
    return _node_for(scenario, state)


def _prompt_view(node_id: str, node: PromptNode, attempts: Mapping[str, int]) -> PromptView:
    made = attempts.get(node_id, 0)
    return PromptView(
        node_id=node_id,
        instruction=node.instruction,
        unsafe_example=node.unsafe_example,
        expect=tuple(node.expect),
        hints=tuple(node.hints[:made]),
        examples=tuple(node.safe_examples),
        attempt=made + 1,
    )


def _advance(
    scenario: Scenario,
    node_id: str,
    *,
    variables: Mapping[str, Scalar],
    attempts: Mapping[str, int],
    turn: int,
    messages: list[Message],
) -> Step:
    visited: list[str] = []
    for _ in range(MAX_AUTO_STEPS):
        node = scenario.nodes.get(node_id)
        if node is None:
            raise DialogueError(f"{scenario.id}: target {node_id!r} does not exist")
        visited.append(node_id)
        if isinstance(node, LineNode):
            name = scenario.partner.name if node.speaker == "partner" else None
            messages.append(Message(node_id, node.speaker, name, node.text))
            node_id = node.next
        elif isinstance(node, BranchNode):
            route = next(
                (
                    r
                    for r in node.branches
                    if r.otherwise or (r.when is not None and holds(r.when, Context(variables)))
                ),
                None,
            )
            if route is None:
                raise DialogueError(f"{scenario.id}: branch {node_id!r} has no route that applies")
            variables = apply_effects(route.effects, variables, scenario.variables)
            if route.say:
                messages.append(_say(scenario, node_id, route.say))
            node_id = route.next
        else:
            step = _rest(scenario, node_id, node, variables, attempts, turn, messages)
            return replace(step, visited=tuple(visited))
    raise RunawayLoop(
        f"{scenario.id}: more than {MAX_AUTO_STEPS} lines/branches in a row (last: {node_id!r})"
    )


def _rest(
    scenario: Scenario,
    node_id: str,
    node: NodeModel,
    variables: Mapping[str, Scalar],
    attempts: Mapping[str, int],
    turn: int,
    messages: list[Message],
) -> Step:
    """A step that stops at a prompt, choice or end node."""

    def state(status: Status) -> State:
        return State(
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            node_id=node_id,
            status=status,
            attempts=dict(attempts),
            variables=dict(variables),
            turn=turn,
        )

    if isinstance(node, PromptNode):
        return Step(
            state=state("awaiting_text"),
            messages=tuple(messages),
            prompt=_prompt_view(node_id, node, attempts),
        )
    if isinstance(node, ChoiceNode):
        ctx = Context(variables)
        options = tuple(
            (o.id, o.text) for o in node.options if o.when is None or holds(o.when, ctx)
        )
        if not options:
            raise DialogueError(f"{scenario.id}: choice {node_id!r} has no option to show")
        return Step(
            state=state("awaiting_choice"),
            messages=tuple(messages),
            choices=ChoiceView(node_id=node_id, text=node.text, options=options),
        )
    if isinstance(node, EndNode):
        return Step(
            state=state("finished"),
            messages=tuple(messages),
            ending=Ending(node_id, node.outcome, node.title, node.reflection),
        )
    raise DialogueError(f"{scenario.id}: cannot stop at {node.type} node {node_id!r}")
