"""Typed errors of the dialogue package. Each carries an English message for logs and developers
and a Dutch `user_message` (B1) that the web layer may show to people as is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from api.dialogue.diagnostics import Diagnostic


class DialogueError(Exception):
    """Base class. Also raised for broken content the linter would have refused."""

    default_user_message = "Er ging iets mis in deze oefening. Probeer het later nog eens."

    def __init__(self, message: str, *, user_message: str | None = None) -> None:
        super().__init__(message)
        self.user_message = user_message or self.default_user_message


class WrongInputKind(DialogueError):
    """A reply while a choice is awaited, a choice while a reply is awaited, or any input after
    the conversation has finished."""

    default_user_message = "Dit gesprek wacht op iets anders dan wat je stuurde."


class UnknownChoice(DialogueError):
    """The choice id is not one of the options shown at this point."""

    default_user_message = "Deze keuze bestaat hier niet. Kies een van de antwoorden die je ziet."


class StaleState(DialogueError):
    """The session state does not fit this scenario (version): its node is gone or changed."""

    default_user_message = (
        "Deze oefening is intussen aangepast. Daardoor kun je dit gesprek niet verder doen. "
        "Begin de oefening gerust opnieuw."
    )


class RunawayLoop(DialogueError):
    """Lines and branch nodes kept leading to each other without ever asking the user anything."""


class ScenarioError(DialogueError):
    """A scenario file could not be loaded; `diagnostics` says why (file, line, code)."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        lines = "\n".join(d.format() for d in self.diagnostics)
        super().__init__(f"scenario has errors:\n{lines}")
