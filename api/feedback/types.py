"""What the engine returns. Plain frozen dataclasses: no web or database types here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api import native
from api.feedback.taxonomy import Polarity, Role, Verdict


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    category: str
    polarity: Polarity
    # Character offsets into the text exactly as submitted: text == submitted[start:end].
    start: int
    end: int
    text: str
    label: str
    message: str
    tip: str
    # A rewrite scaffold built from the sentence, where the rule can offer one.
    suggestion: str | None = None
    # True for a finding of the cue model (`rule_id` "cue.<category>"): a statistical hunch that
    # no rule confirms, so the UI may phrase it more carefully.
    tentative: bool = False

    # Written out (it does what the generated one does): compiled (api/native.py), a dataclass's
    # generated __init__ runs interpreted, about 1 us per frozen object; this one is compiled, and
    # mypyc turns `object.__setattr__(self, "name", v)` into a plain attribute store.
    def __init__(
        self,
        rule_id: str,
        category: str,
        polarity: Polarity,
        start: int,
        end: int,
        text: str,
        label: str,
        message: str,
        tip: str,
        suggestion: str | None = None,
        tentative: bool = False,
    ) -> None:
        object.__setattr__(self, "rule_id", rule_id)
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "polarity", polarity)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "tip", tip)
        object.__setattr__(self, "suggestion", suggestion)
        object.__setattr__(self, "tentative", tentative)

    # Copy and pickle rebuild it through __init__ (see api/native.py, `frozen_reduce`).
    def __reduce__(self) -> tuple[Any, ...]:
        return native.frozen_reduce(self)


@dataclass(frozen=True, slots=True)
class Analysis:
    verdict: Verdict
    role: Role
    findings: tuple[Finding, ...]
    # Categories the caller (an exercise) hoped to see, and those of them that are missing.
    # Missing qualities never change the verdict.
    expected: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    # One short Dutch sentence that sums up the verdict for people.
    summary: str = ""
    suggestion: str | None = None
    categories: frozenset[str] = field(default_factory=frozenset)

    # Written out, as for `Finding`.
    def __init__(
        self,
        verdict: Verdict,
        role: Role,
        findings: tuple[Finding, ...],
        expected: tuple[str, ...] = (),
        missing: tuple[str, ...] = (),
        summary: str = "",
        suggestion: str | None = None,
        categories: frozenset[str] = frozenset(),
    ) -> None:
        object.__setattr__(self, "verdict", verdict)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "findings", findings)
        object.__setattr__(self, "expected", expected)
        object.__setattr__(self, "missing", missing)
        object.__setattr__(self, "summary", summary)
        object.__setattr__(self, "suggestion", suggestion)
        object.__setattr__(self, "categories", categories)

    @property
    def unsafe(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.polarity == "unsafe")

    @property
    def safe(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.polarity == "safe")

    # Copy and pickle rebuild it through __init__ (see api/native.py, `frozen_reduce`).
    def __reduce__(self) -> tuple[Any, ...]:
        return native.frozen_reduce(self)
