"""Result types of the safety check. Plain frozen dataclasses: no web or database types here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from api import native

Level = Literal["crisis", "concern"]
Region = Literal["NL", "BE"]

LEVELS: tuple[Level, ...] = ("crisis", "concern")
REGIONS: tuple[Region, ...] = ("NL", "BE")

# Ordered by how urgently the message has to speak to it: when one text carries several kinds, the
# first one here picks the message, and the helplines follow this order too.
KINDS: tuple[str, ...] = (
    "suicide",
    "self_harm",
    "partner_violence",
    "child_danger",
    "fear_of_partner",
    "coercion",
)


@dataclass(frozen=True, slots=True)
class Helpline:
    id: str
    region: Region
    name: str
    phone: str | None
    chat: str | None
    url: str | None
    # Dutch, shown to users: what the line is for and when it is open.
    purpose: str
    hours: str
    emergency: bool

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


@dataclass(frozen=True, slots=True)
class SafetySignal:
    rule_id: str
    kind: str
    level: Level
    # Character offsets into the text exactly as submitted.
    start: int
    end: int

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


@dataclass(frozen=True, slots=True)
class SafetyResult:
    level: Level
    kinds: tuple[str, ...]
    # Dutch, shown to users.
    message: str
    helplines: tuple[Helpline, ...]
    signals: tuple[SafetySignal, ...]

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)
