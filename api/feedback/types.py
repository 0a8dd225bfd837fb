"""What the engine returns. Plain frozen dataclasses: no web or database types here."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


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

    @property
    def unsafe(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.polarity == "unsafe")

    @property
    def safe(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.polarity == "safe")

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)
