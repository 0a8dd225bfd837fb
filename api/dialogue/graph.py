"""A scenario as a Mermaid flowchart (`python -m api.dialogue lint --graph ID`), for review."""

from __future__ import annotations

import re

from api.dialogue.models import (
    AllCond,
    AnyCond,
    AttemptsCond,
    BranchNode,
    ChoiceNode,
    Condition,
    EndNode,
    HasAnyCond,
    HasCond,
    LineNode,
    MissingCond,
    NotCond,
    PromptNode,
    Route,
    Scenario,
    VarCond,
    VerdictCond,
)

_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}
_MAX_LABEL = 48


def describe(cond: Condition) -> str:
    """A short human-readable form of a condition (graphs and transcripts)."""
    if isinstance(cond, VerdictCond):
        return "verdict " + "|".join(cond.verdicts)
    if isinstance(cond, HasCond):
        return "has " + "+".join(cond.categories)
    if isinstance(cond, HasAnyCond):
        return "has any " + "|".join(cond.categories)
    if isinstance(cond, MissingCond):
        return "missing " + "+".join(cond.categories)
    if isinstance(cond, AttemptsCond):
        return f"attempts {_SYMBOL[cond.attempts.operator]} {cond.attempts.operand}"
    if isinstance(cond, VarCond):
        return f"{cond.var} {_SYMBOL[cond.operator]} {cond.operand}"
    if isinstance(cond, AllCond):
        return " and ".join(_group(c) for c in cond.all_)
    if isinstance(cond, AnyCond):
        return " or ".join(_group(c) for c in cond.any_)
    if isinstance(cond, NotCond):
        return f"not {_group(cond.not_)}"
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover - the union is closed


def _group(cond: Condition) -> str:
    text = describe(cond)
    return f"({text})" if isinstance(cond, AllCond | AnyCond) else text


def route_label(route: Route) -> str:
    return "otherwise" if route.when is None else describe(route.when)


def _id(node_id: str) -> str:
    # Mermaid reserves words such as `end`; prefix and keep ids readable.
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def _text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _MAX_LABEL:
        text = text[: _MAX_LABEL - 1] + "…"
    # Mermaid entity codes keep quotes and pipes from ending the label early.
    return text.replace('"', "#quot;").replace("|", "#124;")


def mermaid(scenario: Scenario) -> str:
    lines = ["flowchart TD", f'  start(("start")) --> {_id(scenario.start)}']
    edges: list[str] = []
    for node_id, node in scenario.nodes.items():
        nid = _id(node_id)
        if isinstance(node, LineNode):
            who = scenario.partner.name if node.speaker == "partner" else "verteller"
            lines.append(f'  {nid}["{node_id}: {_text(who + ": " + node.text)}"]')
            edges.append(f"  {nid} --> {_id(node.next)}")
        elif isinstance(node, PromptNode):
            lines.append(f'  {nid}[/"{node_id}: {_text(node.instruction)}"/]')
            for route in node.branches:
                edges.append(f'  {nid} -->|"{_text(route_label(route))}"| {_id(route.next)}')
        elif isinstance(node, BranchNode):
            lines.append(f'  {nid}{{"{node_id}"}}')
            for route in node.branches:
                edges.append(f'  {nid} -->|"{_text(route_label(route))}"| {_id(route.next)}')
        elif isinstance(node, ChoiceNode):
            lines.append(f'  {nid}{{{{"{node_id}: {_text(node.text)}"}}}}')
            for option in node.options:
                label = option.id if option.when is None else f"{option.id} if "
                if option.when is not None:
                    label += describe(option.when)
                edges.append(f'  {nid} -->|"{_text(label)}"| {_id(option.next)}')
        elif isinstance(node, EndNode):
            lines.append(f'  {nid}(["{node_id}: {node.outcome}"])')
    return "\n".join(lines + edges) + "\n"
