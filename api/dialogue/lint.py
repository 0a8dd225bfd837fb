"""The scenario linter: structure, graph and content-against-the-engine checks.

Every check reports and carries on, so one run lists every problem, each with file, line, code
and (where it has one) node id. Codes and severities are data: diagnostics.yaml.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from api.dialogue.conditions import Context, walk
from api.dialogue.diagnostics import Diagnostic, make, sort_key
from api.dialogue.models import (
    REPLY_CONDITION_KEYS,
    AddEffect,
    AttemptsCond,
    BranchNode,
    ChoiceNode,
    Condition,
    Effect,
    EndNode,
    HasAnyCond,
    HasCond,
    LineNode,
    MissingCond,
    Node,
    NodeModel,
    PromptNode,
    Route,
    Scalar,
    Scenario,
    SetEffect,
    VarCond,
    Variable,
    condition_key,
    value_fits,
)
from api.dialogue.runtime import choose_route
from api.dialogue.yamlsource import Parsed, PathKey, parse
from api.feedback.taxonomy import CATEGORIES, SAFE_CATEGORIES, Role
from api.feedback.types import Analysis

# The engine's signature as the linter uses it: (text, role, expect) -> Analysis.
Analyzer = Callable[[str, Role, Sequence[str]], Analysis]

MIN_SAFE_EXAMPLES = 3
LIBRARY_HINTS = 2
_MAX_VARIABLE_COMBINATIONS = 256

_NODE_ADAPTER: TypeAdapter[NodeModel] = TypeAdapter(Node)
_VARIABLE_ADAPTER: TypeAdapter[Variable] = TypeAdapter(Variable)


def default_analyzer() -> Analyzer:
    """The real feedback engine. Imported lazily so structure-only linting never needs it."""
    from api.feedback import analyze

    analyze("Hallo.")  # load and compile the rules now, so a broken rule set fails here, once

    def run(text: str, role: Role, expect: Sequence[str]) -> Analysis:
        return analyze(text, role=role, expect=expect)

    return run


@dataclass
class Result:
    scenario: Scenario | None  # None when the file does not match the schema
    diagnostics: list[Diagnostic]
    parsed: Parsed

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def check_text(
    text: str,
    file: str = "<upload>",
    *,
    expected_id: str | None = None,
    analyzer: Analyzer | None = None,
) -> Result:
    """Parse, validate and lint one scenario. Engine checks run only with an `analyzer`."""
    parsed = parse(text, file)
    diagnostics = list(parsed.diagnostics)
    if parsed.data is None:
        return Result(None, sorted(diagnostics, key=sort_key), parsed)
    if not isinstance(parsed.data, dict):
        diagnostics.append(make("schema", file, 1, "the file must be a mapping of fields"))
        return Result(None, sorted(diagnostics, key=sort_key), parsed)
    checker = _Checker(parsed, expected_id)
    checker.run(analyzer)
    diagnostics.extend(checker.diagnostics)
    return Result(checker.scenario, sorted(diagnostics, key=sort_key), parsed)


def lint_text(
    text: str,
    file: str = "<upload>",
    *,
    expected_id: str | None = None,
    engine: bool = True,
    analyzer: Analyzer | None = None,
) -> list[Diagnostic]:
    """Lint a scenario given as a YAML string (e.g. a therapist's upload)."""
    if engine and analyzer is None:
        analyzer = default_analyzer()
    return check_text(text, file, expected_id=expected_id, analyzer=analyzer).diagnostics


def lint_file(
    path: Path, *, engine: bool = True, analyzer: Analyzer | None = None
) -> list[Diagnostic]:
    return lint_text(
        path.read_text(encoding="utf-8"),
        str(path),
        expected_id=path.stem,
        engine=engine,
        analyzer=analyzer,
    )


def scenario_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def lint_paths(
    paths: Iterable[Path], *, engine: bool = True, analyzer: Analyzer | None = None
) -> list[Diagnostic]:
    if engine and analyzer is None:
        analyzer = default_analyzer()
    result: list[Diagnostic] = []
    for path in paths:
        for file in scenario_files(path):
            result.extend(lint_file(file, engine=engine, analyzer=analyzer))
    return result


def validate_library(
    directory: Path | str, *, engine: bool = True, analyzer: Analyzer | None = None
) -> list[Diagnostic]:
    """All diagnostics for a scenario directory; the app refuses to start on any error."""
    return lint_paths([Path(directory)], engine=engine, analyzer=analyzer)


# --- the checks -----------------------------------------------------------------------------


def _suggest(target: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(target, list(candidates), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_blank(text: str | None) -> bool:
    return text is not None and not text.strip()


def _clean_loc(data: Any, loc: Sequence[str | int], keep_last: bool) -> PathKey:
    """Turn a pydantic error location into a path in the data, dropping union tags."""
    out: list[str | int] = []
    cur = data
    for i, part in enumerate(loc):
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(cur, dict) and part in cur:
            if nxt is not None and nxt in cur and not isinstance(cur[part], dict | list):
                continue  # `part` is a union tag equal to a sibling key ({verdict: ...})
            if nxt is not None and nxt in cur and part == nxt:
                continue  # tag then field of the same name: {all: [...]} → ('all', 'all', 0)
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        elif i == len(loc) - 1 and keep_last:
            out.append(part)
    return tuple(out)


@dataclass
class _Checker:
    parsed: Parsed
    expected_id: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    scenario: Scenario | None = None
    nodes: dict[str, NodeModel] = field(default_factory=dict)
    node_ids: set[str] = field(default_factory=set)
    variables: dict[str, Variable] | None = None
    used_variables: set[str] = field(default_factory=set)

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.parsed.data
        return data

    def report(self, code: str, path: PathKey, message: str, node: str | None = None) -> None:
        if node is None and len(path) >= 2 and path[0] == "nodes":
            node = str(path[1])
        self.diagnostics.append(make(code, self.parsed.file, self.parsed.line(path), message, node))

    # -- schema --

    def _schema_errors(self, exc: ValidationError, prefix: PathKey = ()) -> None:
        grouped: dict[PathKey, list[str]] = {}
        for err in exc.errors(include_url=False):
            loc = (*prefix, *err["loc"])
            path = _clean_loc(self.data, loc, keep_last=err["type"] == "missing")
            msg = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "required field is missing"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field (check the spelling)"
            msgs = grouped.setdefault(path, [])
            if msg not in msgs:
                msgs.append(msg)
        for path, msgs in grouped.items():
            where = ".".join(str(p) for p in path) or "top level"
            self.report("schema", path, f"{where}: {' / '.join(msgs)}")

    def _validate(self) -> None:
        try:
            self.scenario = Scenario.model_validate(self.data)
        except ValidationError as exc:
            self._schema_errors(exc)
        raw_nodes = self.data.get("nodes")
        if isinstance(raw_nodes, dict):
            self.node_ids = {str(k) for k in raw_nodes}
        if self.scenario is not None:
            self.nodes = dict(self.scenario.nodes)
            self.variables = dict(self.scenario.variables)
            return
        # Partial view: check what validates on its own so one bad node hides nothing else.
        if isinstance(raw_nodes, dict):
            for node_id, raw in raw_nodes.items():
                # Errors were already reported through the full validation.
                with contextlib.suppress(ValidationError):
                    self.nodes[str(node_id)] = _NODE_ADAPTER.validate_python(raw)
        raw_vars = self.data.get("variables", {})
        if isinstance(raw_vars, dict):
            try:
                self.variables = {
                    str(k): _VARIABLE_ADAPTER.validate_python(v) for k, v in raw_vars.items()
                }
            except ValidationError:
                self.variables = None

    # -- driver --

    def run(self, analyzer: Analyzer | None) -> None:
        self._validate()
        self._check_header()
        for node_id, node in self.nodes.items():
            self._check_node(node_id, node)
        if self.scenario is None:
            return  # graph-wide checks need the whole scenario
        self._check_unused_variables()
        if any(d.code == "missing-target" for d in self.diagnostics):
            return
        self._check_graph()
        if analyzer is not None:
            for node_id, node in self.nodes.items():
                if isinstance(node, PromptNode):
                    self._check_examples(node_id, node, analyzer)

    def _check_header(self) -> None:
        scenario_id = self.data.get("id")
        if isinstance(scenario_id, str) and self.expected_id not in (None, scenario_id):
            self.report(
                "id-mismatch",
                ("id",),
                f"id {scenario_id!r} differs from the file name {self.expected_id!r}",
            )
        start = self.data.get("start")
        if isinstance(start, str) and self.node_ids and start not in self.node_ids:
            self.report(
                "missing-target",
                ("start",),
                f"start {start!r} does not exist{_suggest(start, self.node_ids)}",
            )
        for key in ("title", "summary"):
            value = self.data.get(key)
            if isinstance(value, str) and _is_blank(value):
                self.report("empty-text", (key,), f"{key} is empty")
        partner = self.data.get("partner")
        if isinstance(partner, dict) and _is_blank(partner.get("name")):
            self.report("empty-text", ("partner", "name"), "partner.name is empty")

    # -- per node --

    def _target(self, node_id: str, path: PathKey, target: str) -> None:
        if self.node_ids and target not in self.node_ids:
            self.report(
                "missing-target",
                path,
                f"next {target!r} does not exist{_suggest(target, self.node_ids - {node_id})}",
            )

    def _text(self, path: PathKey, label: str, text: str | None) -> None:
        if _is_blank(text):
            self.report("empty-text", path, f"{label} is empty")

    def _check_node(self, node_id: str, node: NodeModel) -> None:
        base: PathKey = ("nodes", node_id)
        if isinstance(node, LineNode):
            self._text((*base, "text"), "text", node.text)
            self._target(node_id, (*base, "next"), node.next)
        elif isinstance(node, PromptNode):
            self._check_prompt(node_id, node)
        elif isinstance(node, BranchNode):
            self._check_routes(node_id, node.branches, in_prompt=False)
        elif isinstance(node, ChoiceNode):
            self._check_choice(node_id, node)
        elif isinstance(node, EndNode):
            self._text((*base, "title"), "title", node.title)
            self._text((*base, "reflection"), "reflection", node.reflection)

    def _check_prompt(self, node_id: str, node: PromptNode) -> None:
        base: PathKey = ("nodes", node_id)
        self._text((*base, "instruction"), "instruction", node.instruction)
        self._text((*base, "unsafe_example"), "unsafe_example", node.unsafe_example)
        for key in ("safe_examples", "almost_examples", "hints"):
            for i, text in enumerate(getattr(node, key)):
                self._text((*base, key, i), f"{key}[{i}]", text)
        if len(node.safe_examples) < MIN_SAFE_EXAMPLES:
            self.report(
                "too-few-safe-examples",
                (*base, "safe_examples"),
                f"{len(node.safe_examples)} safe example(s); give at least {MIN_SAFE_EXAMPLES}",
            )
        if not node.hints:
            self.report("no-hints", (*base, "hints"), "give at least one hint")
        elif len(node.hints) < LIBRARY_HINTS:
            self.report(
                "few-hints", (*base, "hints"), "only one hint; add a second, more helpful one"
            )
        seen: dict[str, str] = {}
        examples = [
            *((("safe_examples", i), t) for i, t in enumerate(node.safe_examples)),
            *((("almost_examples", i), t) for i, t in enumerate(node.almost_examples)),
            (("unsafe_example",), node.unsafe_example),
        ]
        for sub, text in examples:
            key = " ".join(text.lower().split())
            if key and key in seen:
                self.report(
                    "duplicate-example",
                    (*base, *sub),
                    f"example {text!r} repeats {seen[key]}",
                )
            elif key:
                seen[key] = ".".join(str(s) for s in sub)
        for i, category in enumerate(node.expect):
            if category not in CATEGORIES:
                self.report(
                    "unknown-category",
                    (*base, "expect", i),
                    f"unknown category {category!r}{_suggest(category, CATEGORIES)}",
                )
            elif category not in SAFE_CATEGORIES:
                self.report(
                    "unknown-category",
                    (*base, "expect", i),
                    f"{category!r} is an unsafe category; expect lists safe ones",
                )
        self._check_routes(node_id, node.branches, in_prompt=True)
        retries = [r for r in node.branches if r.next == node_id]
        if (
            node.max_attempts is not None
            and node.branches[-1].otherwise
            and (node.branches[-1].next == node_id)
        ):
            self.report(
                "max-attempts-no-exit",
                (*base, "branches", len(node.branches) - 1),
                "the fallback routes back to this prompt, so after max_attempts nothing applies; "
                "let the fallback lead on",
            )
        elif retries and node.max_attempts is None:
            leads_on = any(
                r.next != node_id
                and r.when is not None
                and any(isinstance(c, AttemptsCond) for c in walk(r.when))
                for r in node.branches
            ) or (node.branches[-1].otherwise and node.branches[-1].next != node_id)
            if not leads_on:
                self.report(
                    "endless-retry",
                    (*base, "branches"),
                    "the user can be sent back here without limit; add max_attempts or an "
                    "`attempts` branch that leads on (e.g. to an example)",
                )

    def _check_routes(self, node_id: str, routes: list[Route], *, in_prompt: bool) -> None:
        base: PathKey = ("nodes", node_id, "branches")
        fallbacks = [i for i, r in enumerate(routes) if r.otherwise]
        if not fallbacks:
            self.report(
                "missing-fallback",
                base,
                "the last branch must be the fallback `otherwise: true`",
            )
        elif fallbacks[0] != len(routes) - 1:
            self.report(
                "fallback-not-last",
                (*base, fallbacks[0] + 1),
                f"branch {fallbacks[0] + 1} comes after the fallback and can never be taken",
            )
        for i, route in enumerate(routes):
            path = (*base, i)
            self._target(node_id, (*path, "next"), route.next)
            self._text((*path, "say"), "say", route.say)
            if route.when is not None:
                self._check_condition(node_id, (*path, "when"), route.when, in_prompt=in_prompt)
            self._check_effects((*path, "effects"), route.effects)

    def _check_choice(self, node_id: str, node: ChoiceNode) -> None:
        base: PathKey = ("nodes", node_id)
        self._text((*base, "text"), "text", node.text)
        seen: set[str] = set()
        for i, option in enumerate(node.options):
            path = (*base, "options", i)
            if option.id in seen:
                self.report(
                    "duplicate-option-id", (*path, "id"), f"option id {option.id!r} is used twice"
                )
            seen.add(option.id)
            self._text((*path, "text"), f"options[{i}].text", option.text)
            self._target(node_id, (*path, "next"), option.next)
            if option.when is not None:
                self._check_condition(node_id, (*path, "when"), option.when, in_prompt=False)
            self._check_effects((*path, "effects"), option.effects)
        if all(option.when is not None for option in node.options):
            self.report(
                "dead-end",
                (*base, "options"),
                "every option has a `when`, so none may be shown; give one option no condition",
            )

    def _check_condition(
        self, node_id: str, path: PathKey, cond: Condition, *, in_prompt: bool
    ) -> None:
        for c in walk(cond):
            key = condition_key(c)
            if not in_prompt and key in REPLY_CONDITION_KEYS:
                self.report(
                    "reply-condition-outside-prompt",
                    path,
                    f"`{key}` looks at a reply, but there is none here; use `var` conditions",
                )
            if isinstance(c, HasCond | HasAnyCond | MissingCond):
                for category in c.categories:
                    if category not in CATEGORIES:
                        self.report(
                            "unknown-category",
                            path,
                            f"unknown category {category!r}{_suggest(category, CATEGORIES)}",
                        )
            if isinstance(c, VarCond):
                self._check_var_use(path, c.var, f"compared with `{c.operator}`", c)

    def _check_var_use(
        self, path: PathKey, name: str, what: str, cmp: VarCond | None = None
    ) -> Variable | None:
        self.used_variables.add(name)
        if self.variables is None:
            return None
        decl = self.variables.get(name)
        if decl is None:
            self.report(
                "undeclared-variable",
                path,
                f"variable {name!r} is not declared{_suggest(name, self.variables)}",
            )
            return None
        if cmp is not None:
            numeric_op = cmp.operator in ("lt", "lte", "gt", "gte")
            if numeric_op and decl.type not in ("int", "float"):
                self.report(
                    "variable-type", path, f"{name!r} is a {decl.type} and cannot be {what}"
                )
            elif not numeric_op and not value_fits(decl.type, cmp.operand):
                self.report(
                    "variable-type",
                    path,
                    f"{name!r} is a {decl.type}; {cmp.operand!r} can never be equal to it",
                )
        return decl

    def _check_effects(self, path: PathKey, effects: list[Effect]) -> None:
        for i, effect in enumerate(effects):
            if isinstance(effect, SetEffect):
                decl = self._check_var_use((*path, i), effect.set, "set")
                if decl is not None and not value_fits(decl.type, effect.value):
                    self.report(
                        "variable-type",
                        (*path, i),
                        f"{effect.set!r} is a {decl.type}; cannot set it to {effect.value!r}",
                    )
            elif isinstance(effect, AddEffect):
                decl = self._check_var_use((*path, i), effect.add, "added to")
                if decl is not None and (
                    decl.type not in ("int", "float")
                    or (decl.type == "int" and isinstance(effect.value, float))
                ):
                    self.report(
                        "variable-type",
                        (*path, i),
                        f"cannot add {effect.value!r} to {effect.add!r} ({decl.type})",
                    )

    def _check_unused_variables(self) -> None:
        for name in self.variables or {}:
            if name not in self.used_variables:
                self.report(
                    "unused-variable", ("variables", name), f"variable {name!r} is never used"
                )

    # -- graph --

    def _check_graph(self) -> None:
        assert self.scenario is not None
        edges = {node_id: list(successors(node)) for node_id, node in self.nodes.items()}
        reachable = _reach([self.scenario.start], edges)
        for node_id in self.nodes:
            if node_id not in reachable:
                self.report("unreachable-node", ("nodes", node_id), "no path from start leads here")
        reverse: dict[str, list[str]] = {n: [] for n in self.nodes}
        for src, targets in edges.items():
            for dst in targets:
                reverse[dst].append(src)
        ends = [n for n, node in self.nodes.items() if isinstance(node, EndNode)]
        can_end = _reach(ends, reverse)
        for node_id in self.nodes:
            if node_id in reachable and node_id not in can_end:
                self.report(
                    "loop-without-exit",
                    ("nodes", node_id),
                    "no end can be reached from here; it only leads to "
                    + ", ".join(repr(t) for t in dict.fromkeys(edges[node_id])),
                )

    # -- content against the engine --

    def _check_examples(self, node_id: str, node: PromptNode, analyzer: Analyzer) -> None:
        assert self.scenario is not None
        role = self.scenario.role
        base: PathKey = ("nodes", node_id)
        judged: list[Analysis] = []
        # Unknown categories are reported as unknown-category; the engine would refuse them.
        expect = tuple(c for c in node.expect if c in SAFE_CATEGORIES)

        def analyse(path: PathKey, text: str, wanted: str, code: str) -> None:
            if not text.strip():
                return
            analysis = analyzer(text, role, expect)
            judged.append(analysis)
            if analysis.verdict != wanted:
                found = ", ".join(
                    f"{f.category} ({f.text!r})"
                    for f in analysis.findings
                    if (wanted == "safe" and f.polarity == "unsafe") or wanted != "safe"
                )
                self.report(
                    code,
                    path,
                    f"{text!r} is judged {analysis.verdict}, not {wanted}"
                    + (f"; findings: {found}" if found else ""),
                )
            elif wanted == "safe":
                missing = [c for c in expect if c not in _categories(analysis)]
                if missing:
                    self.report(
                        "example-misses-expected",
                        path,
                        f"{text!r} lacks the expected {', '.join(missing)}",
                    )

        for i, text in enumerate(node.safe_examples):
            analyse((*base, "safe_examples", i), text, "safe", "safe-example-not-safe")
        for i, text in enumerate(node.almost_examples):
            analyse((*base, "almost_examples", i), text, "almost", "almost-example-not-almost")
        analyse(
            (*base, "unsafe_example"), node.unsafe_example, "unsafe", "unsafe-example-not-unsafe"
        )

        fallbacks = [i for i, r in enumerate(node.branches) if r.otherwise]
        if fallbacks != [len(node.branches) - 1]:
            return  # coverage means little until the fallback is right (reported already)
        taken = branches_reached(self.scenario, node_id, node, judged)
        for i, route in enumerate(node.branches):
            if not route.otherwise and i not in taken:
                self.report(
                    "unreachable-branch",
                    (*base, "branches", i),
                    f"branch {i} (to {route.next!r}) is taken by none of the examples at any "
                    "attempt; add an example that reaches it or change its condition",
                )


def _categories(analysis: Analysis) -> frozenset[str]:
    return frozenset(analysis.categories) | {f.category for f in analysis.findings}


def successors(node: NodeModel) -> Iterator[str]:
    if isinstance(node, LineNode):
        yield node.next
    elif isinstance(node, PromptNode | BranchNode):
        for route in node.branches:
            yield route.next
    elif isinstance(node, ChoiceNode):
        for option in node.options:
            yield option.next


def _reach(starts: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def attempts_to_try(node: PromptNode) -> range:
    """Attempt numbers worth simulating: 1, and up to one past every threshold used."""
    top = max(2, node.max_attempts or 1)
    for route in node.branches:
        if route.when is None:
            continue
        for c in walk(route.when):
            if isinstance(c, AttemptsCond) and isinstance(c.attempts.operand, int | float):
                top = max(top, int(c.attempts.operand) + 1)
    return range(1, top + 1)


def variable_assignments(scenario: Scenario, node: PromptNode) -> list[dict[str, Scalar]]:
    """Plausible variable values for the prompt's var conditions (capped, initial first)."""
    base = {name: decl.initial for name, decl in scenario.variables.items()}
    used: dict[str, set[Any]] = {}
    for route in node.branches:
        if route.when is None:
            continue
        for c in walk(route.when):
            if isinstance(c, VarCond) and c.var in scenario.variables:
                used.setdefault(c.var, set()).add(c.operand)
    choices: list[list[tuple[str, Scalar]]] = []
    for name, operands in sorted(used.items()):
        decl = scenario.variables[name]
        values: list[Any] = [decl.initial]
        if decl.type == "bool":
            values += [True, False]
        elif (
            decl.type == "int"
            and decl.min is not None
            and decl.max is not None
            and (decl.max - decl.min <= 20)
        ):
            values += list(range(int(decl.min), int(decl.max) + 1))
        else:
            for v in operands:
                values.append(v)
                if isinstance(v, int | float) and not isinstance(v, bool):
                    values += [v - 1, v + 1]
        choices.append([(name, v) for v in dict.fromkeys(values)])
    combos: list[dict[str, Scalar]] = []
    for combo in itertools.product(*choices):
        combos.append({**base, **dict(combo)})
        if len(combos) >= _MAX_VARIABLE_COMBINATIONS:
            break
    return combos or [base]


def branches_reached(
    scenario: Scenario, node_id: str, node: PromptNode, analyses: Sequence[Analysis]
) -> set[int]:
    """Indexes of the prompt's branches that some analysed example takes at some attempt."""
    taken: set[int] = set()
    for analysis in analyses:
        for attempt in attempts_to_try(node):
            for variables in variable_assignments(scenario, node):
                route = choose_route(node, node_id, Context(variables, analysis, attempt))
                taken.add(next(i for i, r in enumerate(node.branches) if r is route))
    return taken
