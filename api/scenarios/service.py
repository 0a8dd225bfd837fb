"""The scenario catalogue: every valid scenario in dialogues/, linted once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from api.dialogue.lint import default_analyzer
from api.dialogue.loader import load_library
from api.dialogue.models import Scenario
from api.dialogue.vocab import THEMES


class ScenarioLibraryError(RuntimeError):
    """Raised at start-up: the app refuses to serve a library with errors, and says which."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    current: dict[str, Scenario] = field(default_factory=dict)

    def get(self, scenario_id: str) -> Scenario | None:
        return self.current.get(scenario_id)

    def listing(self) -> list[dict[str, object]]:
        return [
            {
                "id": s.id,
                "title": s.title,
                "role": s.role,
                "theme": s.theme,
                "theme_label": THEMES[s.theme].label,
                "level": s.level,
                "minutes": s.minutes,
                "summary": s.summary,
                "partner_name": s.partner.name,
            }
            for s in sorted(self.current.values(), key=lambda s: (s.level, s.title))
        ]


def load_catalogue(directory: Path) -> Catalogue:
    # Content is checked against the feedback engine too: a scenario whose safe examples the
    # engine would call unsafe must not reach users.
    library = load_library(directory, analyzer=default_analyzer())
    errors = [d for d in library.diagnostics if d.is_error]
    if errors:
        lines = "\n".join(d.format() for d in errors)
        raise ScenarioLibraryError(
            f"refusing to start: scenarios with errors in {directory}\n{lines}"
        )
    return Catalogue(current=dict(library))
