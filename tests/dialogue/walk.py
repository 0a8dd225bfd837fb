"""Drive scenarios through the runtime with the real engine: transcripts and exhaustive walks."""

from __future__ import annotations

from collections.abc import Sequence

from api.dialogue.graph import route_label
from api.dialogue.models import PromptNode, Scenario
from api.dialogue.runtime import Step, choose, reply, start
from api.feedback import analyze
from api.feedback.types import Analysis


def judge(scenario: Scenario, step: Step, text: str) -> Analysis:
    assert step.prompt is not None
    return analyze(text, role=scenario.role, expect=step.prompt.expect)


def _render_step(scenario: Scenario, step: Step, out: list[str]) -> None:
    for m in step.messages:
        who = m.name if m.speaker == "partner" else "narrator"
        out.append(f"[{who}] {m.text}")
    if step.prompt is not None:
        p = step.prompt
        out.append(f"-- prompt {p.node_id}, attempt {p.attempt}, expect {list(p.expect)}")
        out.append(f"   instruction: {p.instruction}")
        for hint in p.hints:
            out.append(f"   hint: {hint}")
    if step.choices is not None:
        c = step.choices
        out.append(f"-- choice {c.node_id}: {c.text}")
        for option_id, text in c.options:
            out.append(f"   * {option_id}: {text}")
    if step.ending is not None:
        e = step.ending
        out.append(f"== end {e.node_id} ({e.outcome}): {e.title}")
        out.append(f"   {e.reflection}")
        variables = ", ".join(f"{k}={v}" for k, v in sorted(step.state.variables.items()))
        out.append(
            f"   variables: {variables}; attempts: {dict(sorted(step.state.attempts.items()))}"
        )


def transcript(scenario: Scenario, script: Sequence[str]) -> str:
    """Play a script: '#id' chooses an option, '!text' is a reply under safety hold, any other
    string is a reply. Returns a readable transcript."""
    out = [f"scenario {scenario.id} v{scenario.version} ({scenario.role}): {scenario.title}", ""]
    step = start(scenario)
    _render_step(scenario, step, out)
    for item in script:
        if item.startswith("#"):
            out.append(f"> choose {item[1:]}")
            step = choose(scenario, step.state, item[1:])
        else:
            held = item.startswith("!")
            text = item[1:] if held else item
            analysis = judge(scenario, step, text)
            node_id = step.state.node_id
            node = scenario.nodes[node_id]
            assert isinstance(node, PromptNode)
            out.append(f"> {text}")
            step = reply(scenario, step.state, analysis, safety_hold=held)
            cats = ", ".join(sorted(analysis.categories)) or "-"
            out.append(
                f"   verdict: {analysis.verdict} [{cats}]; missing: {list(analysis.missing)}"
            )
            if step.held:
                out.append("   (safety hold: no branch, no attempt counted)")
            else:
                assert step.branch_index is not None
                route = node.branches[step.branch_index]
                out.append(
                    f"   branch: {route_label(route)} -> {step.branch_taken}"
                    + (" (retry)" if step.retry else "")
                )
        _render_step(scenario, step, out)
    return "\n".join(out) + "\n"
