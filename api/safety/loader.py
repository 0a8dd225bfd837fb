"""Load and validate the safety data: rules, word sets, cues, helplines and messages (YAML).

The loader is strict on purpose: a typo in a kind, a level or a key, a duplicate id or a rule
without examples would silently weaken crisis detection, so it refuses and names the file, the
line and the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from api.safety.types import KINDS, LEVELS, REGIONS, Helpline, Level, Region

HERE = Path(__file__).resolve().parent
RULES_DIR = HERE / "rules"
HELPLINES_FILE = HERE / "helplines.yaml"
MESSAGES_FILE = HERE / "messages.yaml"

JOKE_MODES = ("pass", "concern")


class SafetyDataError(ValueError):
    """The safety data is invalid. The message names the file, line and rule."""


@dataclass(frozen=True, slots=True)
class PatternSpec:
    mode: str  # "seq" or "near"
    terms: tuple[str, ...]
    gap: int = 0  # seq: most tokens allowed between two consecutive terms
    within: int = 0  # near: most tokens between the first and last matched term


@dataclass(frozen=True, slots=True)
class NegationSpec:
    before: int = 0
    after: int = 1


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    kind: str
    level: Level
    patterns: tuple[PatternSpec, ...]
    source: str
    unless: tuple[PatternSpec, ...] = ()
    soften: tuple[PatternSpec, ...] = ()
    reach: int = 0
    negation: NegationSpec | None = field(default_factory=NegationSpec)
    past: bool = False
    joke: str | None = None
    quoted_other: Level | None = None
    examples_flag: tuple[str, ...] = ()
    examples_pass: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Common:
    sets: dict[str, tuple[str, ...]]
    negation: tuple[str, ...]
    negation_fillers: tuple[str, ...]
    negation_breakers: tuple[str, ...]
    clause_end_fillers: tuple[str, ...]
    past: tuple[str, ...]
    present: tuple[str, ...]
    joke_words: tuple[str, ...]
    joke_symbols: tuple[str, ...]
    trivial: tuple[str, ...]


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def _load(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return _yaml().load(fh)
    except YAMLError as exc:
        raise SafetyDataError(f"{path.name}: invalid YAML: {exc}") from exc


def _line(node: Any) -> str:
    lc = getattr(node, "lc", None)
    return f":{lc.line + 1}" if lc is not None else ""


def _where(path: Path, node: Any, rule: str | None = None) -> str:
    return f"{path.name}{_line(node)}" + (f": rule {rule!r}" if rule else "")


def _mapping(value: Any, where: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SafetyDataError(f"{where}: {what} must be a mapping")
    return cast(Mapping[str, Any], value)


def _str_list(value: Any, where: str, what: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise SafetyDataError(f"{where}: {what} must be a list of strings")
    items = tuple(value)
    if not all(isinstance(v, str) and v.strip() for v in items):
        raise SafetyDataError(f"{where}: {what} must hold non-empty strings")
    if not items and not allow_empty:
        raise SafetyDataError(f"{where}: {what} must not be empty")
    return cast(tuple[str, ...], items)


def _check_keys(m: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(m) - set(allowed))
    if unknown:
        raise SafetyDataError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _int(value: Any, where: str, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 12:
        raise SafetyDataError(f"{where}: {what} must be a whole number from 0 to 12")
    return value


def _pattern(raw: Any, where: str) -> PatternSpec:
    if isinstance(raw, str):
        return PatternSpec("seq", tuple(raw.split()))
    m = _mapping(raw, where, "a pattern")
    _check_keys(m, ("seq", "near", "gap", "within"), where)
    modes = [k for k in ("seq", "near") if k in m]
    if len(modes) != 1:
        raise SafetyDataError(f"{where}: a pattern needs exactly one of seq or near")
    mode = modes[0]
    body = m[mode]
    terms = tuple(body.split()) if isinstance(body, str) else _str_list(body, where, mode)
    if not terms:
        raise SafetyDataError(f"{where}: {mode} must not be empty")
    if mode == "seq":
        if "within" in m:
            raise SafetyDataError(f"{where}: within belongs to near, not seq")
        return PatternSpec("seq", terms, gap=_int(m.get("gap", 0), where, "gap"))
    if "gap" in m:
        raise SafetyDataError(f"{where}: gap belongs to seq, not near")
    if len(terms) < 2 or "within" not in m:
        raise SafetyDataError(f"{where}: near needs at least two terms and a within")
    return PatternSpec("near", terms, within=_int(m["within"], where, "within"))


def _patterns(raw: Any, where: str, what: str) -> tuple[PatternSpec, ...]:
    if isinstance(raw, str) or not isinstance(raw, Sequence) or not raw:
        raise SafetyDataError(f"{where}: {what} must be a non-empty list of patterns")
    return tuple(_pattern(p, f"{where}{_line(p)}") for p in raw)


RULE_KEYS = (
    "id",
    "kind",
    "level",
    "description",
    "patterns",
    "unless",
    "soften",
    "reach",
    "negation",
    "past",
    "joke",
    "quoted_other",
    "examples",
)


def _rule(raw: Any, path: Path) -> RuleSpec:
    m = _mapping(raw, _where(path, raw), "a rule")
    rid = m.get("id")
    if not isinstance(rid, str) or not rid:
        raise SafetyDataError(f"{_where(path, raw)}: a rule needs an id")
    where = _where(path, raw, rid)
    _check_keys(m, RULE_KEYS, where)
    kind = m.get("kind")
    if kind not in KINDS:
        raise SafetyDataError(f"{where}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    level = m.get("level")
    if level not in LEVELS:
        raise SafetyDataError(f"{where}: unknown level {level!r} (known: {', '.join(LEVELS)})")
    if "patterns" not in m:
        raise SafetyDataError(f"{where}: a rule needs patterns")
    patterns = _patterns(m["patterns"], where, "patterns")
    unless = _patterns(m["unless"], where, "unless") if "unless" in m else ()
    soften = _patterns(m["soften"], where, "soften") if "soften" in m else ()

    negation: NegationSpec | None = NegationSpec()
    raw_neg = m.get("negation", True)
    if raw_neg is False:
        negation = None
    elif raw_neg is not True:
        nm = _mapping(raw_neg, where, "negation")
        _check_keys(nm, ("before", "after"), where)
        negation = NegationSpec(
            before=_int(nm.get("before", 0), where, "negation.before"),
            after=_int(nm.get("after", 1), where, "negation.after"),
        )
    past = m.get("past", False)
    if not isinstance(past, bool):
        raise SafetyDataError(f"{where}: past must be true or false")
    joke = m.get("joke")
    if joke is not None and joke not in JOKE_MODES:
        raise SafetyDataError(f"{where}: joke must be one of {', '.join(JOKE_MODES)}")
    quoted_other = m.get("quoted_other")
    if quoted_other is not None and quoted_other not in LEVELS:
        raise SafetyDataError(f"{where}: unknown level {quoted_other!r} in quoted_other")

    examples = m.get("examples")
    if examples is None:
        raise SafetyDataError(f"{where}: a rule needs examples (flag and pass)")
    em = _mapping(examples, where, "examples")
    _check_keys(em, ("flag", "pass"), where)
    if "flag" not in em or "pass" not in em:
        raise SafetyDataError(f"{where}: examples need both flag and pass")
    flag = _str_list(em["flag"], where, "examples.flag")
    passing = _str_list(em["pass"], where, "examples.pass")

    return RuleSpec(
        id=rid,
        kind=kind,
        level=cast(Level, level),
        patterns=patterns,
        source=f"{path.name}{_line(raw)}",
        unless=unless,
        soften=soften,
        reach=_int(m.get("reach", 0), where, "reach"),
        negation=negation,
        past=past,
        joke=cast(str | None, joke),
        quoted_other=cast(Level | None, quoted_other),
        examples_flag=flag,
        examples_pass=passing,
    )


def load_rules(directory: Path = RULES_DIR) -> tuple[Common, tuple[RuleSpec, ...]]:
    """Read `_common.yaml` and every other `*.yaml` rule file in the directory."""
    common_path = directory / "_common.yaml"
    if not common_path.is_file():
        raise SafetyDataError(f"{common_path.name}: missing (word sets and cues)")
    common = _common(common_path)
    rules: list[RuleSpec] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        data = _mapping(_load(path), path.name, "the file")
        _check_keys(data, ("rules",), path.name)
        raw_rules = data.get("rules")
        if isinstance(raw_rules, str) or not isinstance(raw_rules, Sequence) or not raw_rules:
            raise SafetyDataError(f"{path.name}: rules must be a non-empty list")
        for raw in raw_rules:
            rule = _rule(raw, path)
            if rule.id in seen:
                raise SafetyDataError(
                    f"{rule.source}: rule {rule.id!r}: duplicate id (first in {seen[rule.id]})"
                )
            seen[rule.id] = rule.source
            rules.append(rule)
    if not rules:
        raise SafetyDataError(f"{directory.name}: no rule files")
    return common, tuple(rules)


COMMON_CUES = (
    "negation",
    "negation_fillers",
    "negation_breakers",
    "clause_end_fillers",
    "past",
    "present",
    "joke_words",
    "joke_symbols",
    "trivial",
)


def _common(path: Path) -> Common:
    data = _mapping(_load(path), path.name, "the file")
    _check_keys(data, ("sets", "cues"), path.name)
    raw_sets = _mapping(data.get("sets"), path.name, "sets")
    sets = {
        str(k): _str_list(v, f"{path.name}{_line(raw_sets)}", f"set {k!r}")
        for k, v in raw_sets.items()
    }
    cues = _mapping(data.get("cues"), path.name, "cues")
    _check_keys(cues, COMMON_CUES, path.name)
    missing = [c for c in COMMON_CUES if c not in cues]
    if missing:
        raise SafetyDataError(f"{path.name}: cues missing: {', '.join(missing)}")
    got = {c: _str_list(cues[c], path.name, f"cues.{c}") for c in COMMON_CUES}
    return Common(sets=sets, **got)


# --- helplines and messages -------------------------------------------------------------------

HELPLINE_KEYS = ("id", "region", "name", "phone", "chat", "url", "purpose", "hours", "emergency")


def load_helplines(
    path: Path = HELPLINES_FILE,
) -> tuple[tuple[Helpline, ...], dict[tuple[str, str], list[str]]]:
    """Helplines, plus for each (kind, level) the helpline ids in order of relevance."""
    data = _mapping(_load(path), path.name, "the file")
    _check_keys(data, ("helplines", "order"), path.name)
    lines: list[Helpline] = []
    ids: set[str] = set()
    for raw in data.get("helplines") or ():
        m = _mapping(raw, _where(path, raw), "a helpline")
        where = _where(path, raw, str(m.get("id")))
        _check_keys(m, HELPLINE_KEYS, where)
        missing = [k for k in HELPLINE_KEYS if k not in m]
        if missing:
            raise SafetyDataError(f"{where}: missing {', '.join(missing)}")
        if m["region"] not in REGIONS:
            raise SafetyDataError(f"{where}: unknown region {m['region']!r}")
        if m["id"] in ids:
            raise SafetyDataError(f"{where}: duplicate helpline id")
        ids.add(m["id"])
        for key in ("id", "name", "purpose", "hours"):
            if not isinstance(m[key], str) or not m[key]:
                raise SafetyDataError(f"{where}: {key} must be a non-empty string")
        for key in ("phone", "chat", "url"):
            if m[key] is not None and not isinstance(m[key], str):
                raise SafetyDataError(f"{where}: {key} must be a string or null")
        if not isinstance(m["emergency"], bool):
            raise SafetyDataError(f"{where}: emergency must be true or false")
        lines.append(
            Helpline(
                id=m["id"],
                region=cast(Region, m["region"]),
                name=m["name"],
                phone=m["phone"],
                chat=m["chat"],
                url=m["url"],
                purpose=m["purpose"],
                hours=m["hours"],
                emergency=m["emergency"],
            )
        )
    order_raw = _mapping(data.get("order"), path.name, "order")
    order: dict[tuple[str, str], list[str]] = {}
    for kind, per_level in order_raw.items():
        if kind not in KINDS:
            raise SafetyDataError(f"{path.name}: order: unknown kind {kind!r}")
        lm = _mapping(per_level, path.name, f"order.{kind}")
        _check_keys(lm, LEVELS, f"{path.name}: order.{kind}")
        for level in LEVELS:
            if level not in lm:
                raise SafetyDataError(f"{path.name}: order.{kind}.{level} is missing")
            ids_here = list(_str_list(lm[level], path.name, f"order.{kind}.{level}"))
            unknown = [i for i in ids_here if i not in ids]
            if unknown:
                raise SafetyDataError(
                    f"{path.name}: order.{kind}.{level}: unknown helpline(s) {unknown}"
                )
            order[(str(kind), level)] = ids_here
    missing_kinds = [k for k in KINDS if (k, "crisis") not in order]
    if missing_kinds:
        raise SafetyDataError(f"{path.name}: order missing for {', '.join(missing_kinds)}")
    return tuple(lines), order


@dataclass(frozen=True, slots=True)
class Messages:
    # (kind, level) -> template; placeholders are filled from `fills` per region.
    templates: dict[tuple[str, str], str]
    # placeholder -> region key ("NL", "BE", "both") -> text
    fills: dict[str, dict[str, str]]


def load_messages(path: Path = MESSAGES_FILE) -> Messages:
    data = _mapping(_load(path), path.name, "the file")
    _check_keys(data, ("messages", "fills"), path.name)
    raw_fills = _mapping(data.get("fills"), path.name, "fills")
    fills: dict[str, dict[str, str]] = {}
    for name, per_region in raw_fills.items():
        pm = _mapping(per_region, path.name, f"fills.{name}")
        _check_keys(pm, ("NL", "BE", "both"), f"{path.name}: fills.{name}")
        if set(pm) != {"NL", "BE", "both"}:
            raise SafetyDataError(f"{path.name}: fills.{name} needs NL, BE and both")
        fills[str(name)] = {str(k): str(v).strip() for k, v in pm.items()}
    raw_messages = _mapping(data.get("messages"), path.name, "messages")
    templates: dict[tuple[str, str], str] = {}
    for kind, per_level in raw_messages.items():
        if kind not in KINDS:
            raise SafetyDataError(f"{path.name}: messages: unknown kind {kind!r}")
        lm = _mapping(per_level, path.name, f"messages.{kind}")
        _check_keys(lm, LEVELS, f"{path.name}: messages.{kind}")
        for level, text in lm.items():
            if not isinstance(text, str) or not text.strip():
                raise SafetyDataError(f"{path.name}: messages.{kind}.{level} must be text")
            templates[(str(kind), str(level))] = " ".join(text.split())
    for kind in KINDS:
        for level in LEVELS:
            if (kind, level) not in templates:
                raise SafetyDataError(f"{path.name}: messages.{kind}.{level} is missing")
    for key, template in templates.items():
        for region in ("NL", "BE", "both"):
            try:
                template.format(**{k: v[region] for k, v in fills.items()})
            except (KeyError, IndexError, ValueError) as exc:
                raise SafetyDataError(
                    f"{path.name}: messages.{key[0]}.{key[1]}: bad placeholder {exc}"
                ) from exc
    return Messages(templates, fills)
