"""Pydantic models for scenario files (dialogues/*.yaml).

The models check *shape*: field names, types, closed vocabularies. Rules that need more than one
field or node (targets exist, a fallback branch, enough examples, reachability...) live in the
linter (lint.py), so that one run reports every problem with its own diagnostic code and line.
The descriptions below are published in docs/writing-scenarios.md, so write them for authors.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from api.dialogue.vocab import OUTCOMES, THEMES
from api.feedback.taxonomy import Role, Verdict

# Variables hold plain JSON scalars so a session state stays JSON-serialisable.
Scalar: TypeAlias = StrictBool | StrictInt | StrictFloat | StrictStr
Number: TypeAlias = StrictInt | StrictFloat

# Stable ids: lower case, digits, '-' and '_'. They end up in transcripts and URLs.
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- conditions -----------------------------------------------------------------------------


class Compare(_Model):
    """Exactly one comparison operator with its value."""

    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: Number | None = None
    lte: Number | None = None
    gt: Number | None = None
    gte: Number | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Compare:
        given = [op for op in OPERATORS if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of {', '.join(OPERATORS)} (got {', '.join(given) or 'none'})"
            )
        return self

    @property
    def operator(self) -> str:
        return next(op for op in OPERATORS if getattr(self, op) is not None)

    @property
    def operand(self) -> Scalar:
        value: Scalar = getattr(self, self.operator)
        return value


OPERATORS: tuple[str, ...] = ("eq", "ne", "lt", "lte", "gt", "gte")


class VerdictCond(_Model):
    """True when the reply's verdict is this one (or one of these)."""

    verdict: Verdict | list[Verdict]

    @property
    def verdicts(self) -> tuple[str, ...]:
        return (self.verdict,) if isinstance(self.verdict, str) else tuple(self.verdict)


class HasCond(_Model):
    """True when the reply has a finding of this category (a list: of every one of them)."""

    has: str | list[str]

    @property
    def categories(self) -> tuple[str, ...]:
        return (self.has,) if isinstance(self.has, str) else tuple(self.has)


class HasAnyCond(_Model):
    """True when the reply has a finding of at least one of these categories."""

    has_any: list[str] = Field(min_length=1)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.has_any)


class MissingCond(_Model):
    """True when the reply has no finding of this category (a list: of none of them)."""

    missing: str | list[str]

    @property
    def categories(self) -> tuple[str, ...]:
        return (self.missing,) if isinstance(self.missing, str) else tuple(self.missing)


class AttemptsCond(_Model):
    """Compares the number of the attempt just made at this prompt (1 for the first reply)."""

    attempts: Compare


class VarCond(Compare):
    """Compares a declared variable with a value: `{var: connection, gte: 2}`."""

    var: str


class AllCond(_Model):
    """True when every condition in the list holds."""

    all_: list[Condition] = Field(alias="all", min_length=1)


class AnyCond(_Model):
    """True when at least one condition in the list holds."""

    any_: list[Condition] = Field(alias="any", min_length=1)


class NotCond(_Model):
    """True when the condition does not hold."""

    not_: Condition = Field(alias="not")


# The first key that names a condition kind decides how the mapping is read.
CONDITION_KEYS: tuple[str, ...] = (
    "verdict",
    "has",
    "has_any",
    "missing",
    "attempts",
    "var",
    "all",
    "any",
    "not",
)
_CONDITION_CLASSES: dict[type[BaseModel], str] = {
    VerdictCond: "verdict",
    HasCond: "has",
    HasAnyCond: "has_any",
    MissingCond: "missing",
    AttemptsCond: "attempts",
    VarCond: "var",
    AllCond: "all",
    AnyCond: "any",
    NotCond: "not",
}
# Conditions that look at the reply; they only make sense in a prompt's branches.
REPLY_CONDITION_KEYS = frozenset({"verdict", "has", "has_any", "missing", "attempts"})


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return _CONDITION_CLASSES.get(type(value))
    if isinstance(value, dict):
        return next((k for k in CONDITION_KEYS if k in value), None)
    return None


def condition_key(cond: BaseModel) -> str:
    """The grammar key of a condition model (`verdict`, `var`, `all`...)."""
    return _CONDITION_CLASSES[type(cond)]


Condition: TypeAlias = Annotated[
    Annotated[VerdictCond, Tag("verdict")]
    | Annotated[HasCond, Tag("has")]
    | Annotated[HasAnyCond, Tag("has_any")]
    | Annotated[MissingCond, Tag("missing")]
    | Annotated[AttemptsCond, Tag("attempts")]
    | Annotated[VarCond, Tag("var")]
    | Annotated[AllCond, Tag("all")]
    | Annotated[AnyCond, Tag("any")]
    | Annotated[NotCond, Tag("not")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message=(
            "a condition is a mapping with one of the keys " + ", ".join(CONDITION_KEYS)
        ),
    ),
]

AllCond.model_rebuild()
AnyCond.model_rebuild()
NotCond.model_rebuild()


# --- effects --------------------------------------------------------------------------------


class SetEffect(_Model):
    """Sets a variable: `{set: mood, value: open}`."""

    set: str
    value: Scalar


class AddEffect(_Model):
    """Adds to a number variable, clamped to its min/max: `{add: connection, value: -1}`."""

    add: str
    value: Number


def _effect_tag(value: Any) -> str | None:
    if isinstance(value, SetEffect):
        return "set"
    if isinstance(value, AddEffect):
        return "add"
    if isinstance(value, dict):
        return next((k for k in ("set", "add") if k in value), None)
    return None


Effect: TypeAlias = Annotated[
    Annotated[SetEffect, Tag("set")] | Annotated[AddEffect, Tag("add")],
    Discriminator(
        _effect_tag,
        custom_error_type="effect",
        custom_error_message="an effect is a mapping with the key `set` or `add`",
    ),
]


# --- nodes ----------------------------------------------------------------------------------


class Route(_Model):
    """One branch of a prompt or branch node. Branches are tried in order; the first whose `when`
    holds is taken. The last one must be the fallback `otherwise: true`. In a prompt, `next` may
    be the prompt's own id: the user tries again (a retry)."""

    when: Condition | None = None
    otherwise: bool = False
    effects: list[Effect] = Field(default_factory=list)
    say: str | None = Field(
        default=None, description="A partner line spoken before moving on (optional)."
    )
    next: str

    @model_validator(mode="after")
    def _when_or_otherwise(self) -> Route:
        if (self.when is None) == (not self.otherwise):
            raise ValueError("give either `when: <condition>` or `otherwise: true`")
        return self


class LineNode(_Model):
    """The partner (or a narrator) says something; the dialogue then moves on by itself."""

    type: Literal["line"]
    speaker: Literal["partner", "narrator"] = "partner"
    text: str
    next: str


class PromptNode(_Model):
    """The user types a reply. The reply is analysed with the feedback engine and routed by the
    first branch whose condition holds."""

    type: Literal["prompt"]
    instruction: str = Field(description="What to try to say, in plain Dutch (B1).")
    unsafe_example: str = Field(description="A typical reply the engine judges unsafe.")
    safe_examples: list[str] = Field(
        description="At least three different replies the engine judges safe."
    )
    almost_examples: list[str] = Field(
        default_factory=list,
        description="Optional replies the engine judges `almost` (to test an almost-branch).",
    )
    hints: list[str] = Field(
        description="Help that grows: one more hint unlocks after each attempt (two or more)."
    )
    expect: list[str] = Field(
        default_factory=list, description="Safe categories this exercise hopes to see."
    )
    max_attempts: int | None = Field(
        default=None,
        ge=1,
        description="After this many attempts, branches back to this prompt are skipped.",
    )
    branches: list[Route] = Field(min_length=1)


class ChoiceOption(_Model):
    """One option of a choice. `when` hides the option unless it holds."""

    id: Ident
    text: str
    when: Condition | None = None
    effects: list[Effect] = Field(default_factory=list)
    next: str


class ChoiceNode(_Model):
    """The user picks one of the shown options."""

    type: Literal["choice"]
    text: str
    options: list[ChoiceOption] = Field(min_length=1)


class BranchNode(_Model):
    """Invisible routing on variables: the first branch whose `when` holds is taken."""

    type: Literal["branch"]
    branches: list[Route] = Field(min_length=1)


class EndNode(_Model):
    """The end of the conversation, with an outcome and a short reflection."""

    type: Literal["end"]
    outcome: str = Field(description="One of the outcomes listed below.")
    title: str
    reflection: str

    @field_validator("outcome")
    @classmethod
    def _known_outcome(cls, value: str) -> str:
        if value not in OUTCOMES:
            raise ValueError(f"unknown outcome {value!r}; use one of {', '.join(OUTCOMES)}")
        return value


Node: TypeAlias = Annotated[
    LineNode | PromptNode | ChoiceNode | BranchNode | EndNode, Field(discriminator="type")
]
NodeModel: TypeAlias = LineNode | PromptNode | ChoiceNode | BranchNode | EndNode
NODE_TYPES: tuple[type[BaseModel], ...] = (LineNode, PromptNode, ChoiceNode, BranchNode, EndNode)


# --- scenario -------------------------------------------------------------------------------


class Variable(_Model):
    """A declared variable, e.g. `connection: {type: int, initial: 0, min: -3, max: 3}`."""

    type: Literal["int", "float", "bool", "str"]
    initial: Scalar
    min: Number | None = None
    max: Number | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Variable:
        if not value_fits(self.type, self.initial):
            raise ValueError(f"initial value {self.initial!r} is not of type {self.type}")
        numeric = self.type in ("int", "float")
        if not numeric and (self.min is not None or self.max is not None):
            raise ValueError("min and max are only allowed for int and float variables")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        if numeric and not isinstance(self.initial, bool):
            initial = float(self.initial)
            if (self.min is not None and initial < self.min) or (
                self.max is not None and initial > self.max
            ):
                raise ValueError("initial value lies outside min..max")
        return self


def value_fits(type_: str, value: object) -> bool:
    """Whether a value may be stored in a variable of this type (ints are valid floats)."""
    if isinstance(value, bool):
        return type_ == "bool"
    if type_ == "int":
        return isinstance(value, int)
    if type_ == "float":
        return isinstance(value, int | float)
    if type_ == "str":
        return isinstance(value, str)
    return False


class Source(_Model):
    """Where the scenario comes from: a seed text in shared/seeds and the theme taken from it."""

    seed: str
    theme: str


class Partner(_Model):
    """The partner the app plays."""

    name: str
    pronouns: Literal["hij", "zij", "hen"] = Field(
        description="How the app refers to the partner in narration."
    )
    description: str | None = None


class Scenario(_Model):
    """One practice conversation; one YAML file in dialogues/, named after its id."""

    id: Ident = Field(description="Equal to the file name without .yaml.")
    version: int = Field(ge=1, description="Raise it on every content change.")
    title: str
    role: Role = Field(description="The USER's role: speaker (brings it up) or listener.")
    theme: str = Field(description="One of the themes listed below.")
    level: int = Field(ge=1, le=3)
    minutes: int = Field(ge=1, le=60)
    summary: str
    source: Source
    partner: Partner
    variables: dict[Ident, Variable] = Field(default_factory=dict)
    start: str = Field(description="The id of the first node.")
    nodes: dict[Ident, Node] = Field(min_length=1)

    @field_validator("theme")
    @classmethod
    def _known_theme(cls, value: str) -> str:
        if value not in THEMES:
            raise ValueError(f"unknown theme {value!r}; use one of {', '.join(THEMES)}")
        return value
