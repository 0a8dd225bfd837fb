"""The Dutch feedback engine: pure Python, rules as data (see docs/feedback.md).

from api.feedback import analyze
analyze("Je luistert ook nooit!").verdict  # "unsafe"
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from api.feedback import cues
from api.feedback.engine import Engine
from api.feedback.loader import RuleError, RuleSet, load_rules
from api.feedback.taxonomy import Role
from api.feedback.types import Analysis, Finding

__all__ = ["Analysis", "Engine", "Finding", "RuleError", "analyze", "default_engine", "load_rules"]

_lock = threading.Lock()
_engine: Engine | None = None


def default_engine() -> Engine:
    """The engine over the shipped rules, compiled once per process."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                engine = Engine(load_rules())
                engine.cues = cues.attached(engine)
                _engine = engine
    return _engine


def analyze(text: str, role: Role = "speaker", expect: Sequence[str] = ()) -> Analysis:
    """Judge one reply. Raises ValueError for an unknown role or expected category."""
    return default_engine().analyze(text, role, expect)


def _rules() -> RuleSet:
    return default_engine().rs
