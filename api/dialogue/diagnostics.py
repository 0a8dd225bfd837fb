"""Diagnostics of the scenario linter. The codes are data (diagnostics.yaml)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML

Severity = Literal["error", "warning"]
EXAMPLES_DIR = Path(__file__).with_name("examples")


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    severity: Severity
    summary: str
    # What the code means in plain Dutch, for therapists who upload a scenario of their own.
    nl: str
    example: str  # file name in EXAMPLES_DIR
    engine: bool = False  # needs the feedback engine


def _load() -> dict[str, CodeInfo]:
    data: Any = YAML(typ="safe", pure=True).load(Path(__file__).with_name("diagnostics.yaml"))
    return {
        code: CodeInfo(
            code=code,
            severity=info["severity"],
            summary=info["summary"],
            nl=info["nl"],
            example=info["example"],
            engine=bool(info.get("engine", False)),
        )
        for code, info in data.items()
    }


CODES: dict[str, CodeInfo] = _load()


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int
    code: str
    severity: Severity
    message: str
    node: str | None = None

    def format(self) -> str:
        return f"{self.file}:{self.line}: {self.code} {self.severity} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def make(code: str, file: str, line: int, message: str, node: str | None = None) -> Diagnostic:
    """A diagnostic with the registered severity; the message names the node when known."""
    info = CODES[code]  # KeyError on an unregistered code: every code must be documented
    if node is not None:
        message = f"node {node!r}: {message}"
    return Diagnostic(file, line, code, info.severity, message, node)


def sort_key(d: Diagnostic) -> tuple[str, int, str, str]:
    return (d.file, d.line, d.code, d.message)
