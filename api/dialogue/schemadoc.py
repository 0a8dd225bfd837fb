"""Generate the schema reference of docs/writing-scenarios.md from the models and data files.

The doc keeps hand-written guidance around a generated block between two markers; a test checks
that the block equals `generate()`, so the reference cannot drift from the code.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from api.dialogue.diagnostics import CODES
from api.dialogue.models import (
    AddEffect,
    AllCond,
    AnyCond,
    AttemptsCond,
    BranchNode,
    ChoiceNode,
    ChoiceOption,
    Compare,
    EndNode,
    HasAnyCond,
    HasCond,
    LineNode,
    MissingCond,
    NotCond,
    Partner,
    PromptNode,
    Route,
    Scenario,
    SetEffect,
    Source,
    VarCond,
    Variable,
    VerdictCond,
)
from api.dialogue.vocab import OUTCOMES, THEMES
from api.feedback.taxonomy import CATEGORIES

BEGIN = (
    "<!-- BEGIN GENERATED: python -m api.dialogue schema-doc --write docs/writing-scenarios.md -->"
)
END = "<!-- END GENERATED -->"

_SECTIONS: tuple[tuple[str, tuple[type[BaseModel], ...]], ...] = (
    ("Scenario", (Scenario, Source, Partner, Variable)),
    ("Nodes (`type:`)", (LineNode, PromptNode, ChoiceNode, ChoiceOption, BranchNode, EndNode)),
    ("Branches", (Route,)),
    (
        "Conditions",
        (
            VerdictCond,
            HasCond,
            HasAnyCond,
            MissingCond,
            AttemptsCond,
            Compare,
            VarCond,
            AllCond,
            AnyCond,
            NotCond,
        ),
    ),
    ("Effects", (SetEffect, AddEffect)),
)
_CONDITION_NAMES = {"Condition"}
_SCALARS = {bool: "bool", int: "int", float: "float", str: "str", type(None): "null"}


def _type(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        inner = get_args(annotation)[0]
        if get_origin(inner) in (Union, types.UnionType):
            members = get_args(inner)
            if all(get_origin(m) is typing.Annotated for m in members):
                return "Condition" if len(members) > 2 else "Effect"
        return _type(inner)
    if origin in (Union, types.UnionType):
        return " \\| ".join(dict.fromkeys(_type(a) for a in get_args(annotation)))
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in get_args(annotation))
    if origin is list:
        return f"list of {_type(get_args(annotation)[0])}"
    if origin is dict:
        key, value = get_args(annotation)
        return f"mapping {_type(key)} → {_type(value)}"
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    name = getattr(annotation, "__name__", None) or str(annotation)
    return str(name).replace("typing.", "")


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        return f"`{info.default_factory()}`"  # type: ignore[call-arg]
    return "`null`" if info.default is None else f"`{info.default}`"


def _constraints(info: FieldInfo) -> str:
    parts = []
    for meta in info.metadata:
        for attr, label in (("ge", "≥"), ("le", "≤"), ("min_length", "min items")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{label} {value}")
    return ", ".join(parts)


def _model(model: type[BaseModel]) -> list[str]:
    doc = " ".join((model.__doc__ or "").split())
    out = [f"#### {model.__name__}", "", doc, ""]
    out += ["| field | type | default | notes |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        key = info.alias or name
        notes = " ".join((info.description or "").split())
        constraint = _constraints(info)
        if constraint:
            notes = f"{notes} ({constraint})" if notes else constraint
        out.append(f"| `{key}` | {_type(info.annotation)} | {_default(info)} | {notes} |")
    return [*out, ""]


def _terms() -> list[str]:
    out = ["### Themes", "", "| id | label |", "|---|---|"]
    out += [f"| `{t.id}` | {t.label} |" for t in THEMES.values()]
    out += ["", "### Outcomes", "", "| id | label |", "|---|---|"]
    out += [f"| `{t.id}` | {t.label} |" for t in OUTCOMES.values()]
    out += ["", "### Feedback categories", "", "| id | polarity | label |", "|---|---|---|"]
    out += [f"| `{c.id}` | {c.polarity} | {c.label} |" for c in CATEGORIES.values()]
    return [*out, ""]


def _codes() -> list[str]:
    out = ["### Diagnostic codes", ""]
    out += ["| code | severity | needs engine | what it means | example |", "|---|---|---|---|---|"]
    for info in CODES.values():
        link = f"[{info.example}](../api/dialogue/examples/{info.example})"
        engine = "yes" if info.engine else ""
        out.append(f"| `{info.code}` | {info.severity} | {engine} | {info.summary} | {link} |")
    return [*out, ""]


def generate() -> str:
    out = [BEGIN, "", "## Schema reference (generated)", ""]
    for title, models in _SECTIONS:
        out += [f"### {title}", ""]
        for model in models:
            out += _model(model)
    out += _terms()
    out += _codes()
    out.append(END)
    return "\n".join(out) + "\n"


def replace_generated(document: str, generated: str) -> str:
    """`document` with its generated block replaced (appended when there is none yet)."""
    start = document.find(BEGIN)
    end = document.find(END)
    if start == -1 or end == -1:
        return document.rstrip("\n") + "\n\n" + generated
    return document[:start] + generated + document[end + len(END) :].lstrip("\n")
