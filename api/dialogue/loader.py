"""Loading scenarios for the app: only scenarios without errors get in.

`load_scenario` / `load_scenario_text` raise ScenarioError (with file:line diagnostics) on any
error. `load_library` loads a directory, keeps the good scenarios and reports the rest. The
Library keeps every version it has seen, so sessions pinned to an older version can finish.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from api.dialogue.diagnostics import Diagnostic
from api.dialogue.errors import DialogueError, ScenarioError, StaleState
from api.dialogue.lint import Analyzer, check_text, scenario_files
from api.dialogue.models import Scenario
from api.dialogue.runtime import State, Step, resume


def load_scenario_text(
    text: str,
    file: str = "<upload>",
    *,
    expected_id: str | None = None,
    analyzer: Analyzer | None = None,
) -> Scenario:
    """Parse and check a scenario from YAML text. Structure only unless an analyzer is given."""
    result = check_text(text, file, expected_id=expected_id, analyzer=analyzer)
    if result.errors or result.scenario is None:
        raise ScenarioError(result.errors)
    return result.scenario


def load_scenario(path: Path | str, *, analyzer: Analyzer | None = None) -> Scenario:
    path = Path(path)
    return load_scenario_text(
        path.read_text(encoding="utf-8"), str(path), expected_id=path.stem, analyzer=analyzer
    )


class Library(Mapping[str, Scenario]):
    """Scenarios by id (the newest version), plus every version ever added, by (id, version)."""

    def __init__(
        self, scenarios: Iterable[Scenario] = (), diagnostics: Iterable[Diagnostic] = ()
    ) -> None:
        self._latest: dict[str, Scenario] = {}
        self._versions: dict[tuple[str, int], Scenario] = {}
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        for scenario in scenarios:
            self.add(scenario)

    def add(self, scenario: Scenario) -> None:
        """Add a scenario version. Re-adding a version with other content is refused: sessions
        pinned to that version would change under people's feet."""
        key = (scenario.id, scenario.version)
        known = self._versions.get(key)
        if known is not None and known != scenario:
            raise DialogueError(
                f"{scenario.id} version {scenario.version} changed without a new version number"
            )
        self._versions[key] = scenario
        latest = self._latest.get(scenario.id)
        if latest is None or scenario.version >= latest.version:
            self._latest[scenario.id] = scenario

    def __getitem__(self, scenario_id: str) -> Scenario:
        return self._latest[scenario_id]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._latest))

    def __len__(self) -> int:
        return len(self._latest)

    def version(self, scenario_id: str, version: int) -> Scenario | None:
        return self._versions.get((scenario_id, version))

    def versions(self, scenario_id: str) -> list[int]:
        return sorted(v for (i, v) in self._versions if i == scenario_id)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def for_state(self, state: State) -> Scenario:
        """The scenario version a session is pinned to (StaleState if unknown here)."""
        scenario = self.version(state.scenario_id, state.scenario_version)
        if scenario is None:
            raise StaleState(f"no {state.scenario_id!r} version {state.scenario_version} loaded")
        return scenario

    def resume(self, state: State) -> Step:
        """Re-render a stored session: on its pinned version when kept, else on the newest
        version if the session's node still exists there (else StaleState)."""
        pinned = self.version(state.scenario_id, state.scenario_version)
        if pinned is not None:
            return resume(pinned, state)
        latest = self._latest.get(state.scenario_id)
        if latest is None:
            raise StaleState(f"scenario {state.scenario_id!r} is not in the library")
        return resume(latest, state)


def load_library(
    directory: Path | str,
    *,
    analyzer: Analyzer | None = None,
    previous: Library | None = None,
) -> Library:
    """Load every scenario file in `directory`. Files with errors are left out and reported in
    `library.diagnostics`; versions from `previous` are kept (for pinned sessions)."""
    library = Library()
    if previous is not None:
        for key in previous._versions:
            library.add(previous._versions[key])
    for file in scenario_files(Path(directory)):
        result = check_text(
            file.read_text(encoding="utf-8"), str(file), expected_id=file.stem, analyzer=analyzer
        )
        library.diagnostics.extend(result.diagnostics)
        if result.scenario is not None and not result.errors:
            library.add(result.scenario)  # DialogueError if a version changed in place
    return library
