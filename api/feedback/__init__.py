"""The Dutch feedback engine: pure Python, rules as data (see docs/feedback.md).

The hot modules may run compiled with mypyc when a current build exists (see api/native.py).

from api.feedback import analyze
analyze("Je luistert ook nooit!").verdict  # "unsafe"
"""

from __future__ import annotations

from api import native

# Before any submodule is imported: decides between the compiled build and the sources.
native.use_compiled(__name__, __path__)

import threading  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from api.feedback import cues  # noqa: E402
from api.feedback.engine import Engine  # noqa: E402
from api.feedback.loader import RuleError, RuleSet, load_rules  # noqa: E402
from api.feedback.taxonomy import Role  # noqa: E402
from api.feedback.types import Analysis, Finding  # noqa: E402

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
