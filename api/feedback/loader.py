"""Loads and validates the rule files (YAML under api/feedback/rules/).

A rule file may hold any of four top-level sections:

    lexicon:   {name: [word or multi-word phrase, ...]}       shared word lists, used as @name
    settings:  variants, lemma fixes, negation triggers, ...  (see `Settings`)
    defaults:  values copied into every rule of this file that does not set them
    rules:     [rule, ...]

Anything unexpected is refused with a `RuleError` naming the file and the rule id, so a typo in
content never silently switches a rule off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from api import native
from api.feedback.patterns import Lexicon, Pattern, PatternError, compile_pattern
from api.feedback.taxonomy import CATEGORIES, ROLES
from api.feedback.textnorm import fold_word

# Not next to `__file__`: compiled (api/native.py), this module is loaded from build/native/.
RULES_DIR = native.package_dir("api.feedback") / "rules"

NegationMode = Literal["block", "meta", "ignore", "require"]
NEGATION_MODES: tuple[NegationMode, ...] = ("block", "meta", "ignore", "require")
SUBJECTS = ("you", "i", "we", "other", "third", "none")

# What negation does to a finding when the rule does not say (documented in docs/feedback.md):
#  block   any negation in scope drops it      ("Je bent niet lui", "Ik ben niet boos")
#  meta    only negation of the whole statement drops it ("Ik zeg niet dat je nooit luistert");
#          a plain "niet" keeps the reproach   ("Je luistert niet")
#  ignore  negation is part of the pattern     ("Stel je niet aan", "Zo erg is het niet")
#  require only fires when negated             ("Ik voelde me niet gehoord")
DEFAULT_NEGATION: dict[str, NegationMode] = {
    "absolute_language": "block",
    "accusation": "meta",
    "character_attack": "block",
    "contempt": "meta",
    "defensiveness": "ignore",
    "dismissal": "ignore",
    "threat": "block",
    "command": "meta",
    "stonewalling": "ignore",
    "past_raking": "meta",
    "pseudo_ik": "meta",
    "feeling": "block",
    "need": "block",
    "observation": "ignore",
    "curiosity": "ignore",
    "validation": "block",
    "responsibility": "block",
    "collaboration": "block",
    "regulation": "block",
    "reassurance": "block",
    "appreciation": "block",
}

RULE_KEYS = frozenset(
    {
        "id",
        "category",
        "patterns",
        "message",
        "tip",
        "suggestion",
        "roles",
        "category_by_role",
        "subject",
        "question",
        "negation",
        "quoted",
        "unless",
        "unless_scope",
        "suppress",
        "suppress_scope",
        "requires",
        "examples",
        "weight",
    }
)
DEFAULT_KEYS = RULE_KEYS - {"id", "patterns", "examples"}
SETTINGS_KEYS = frozenset(
    {
        "variants",
        "lemma_fixes",
        "negation",
        "connectors",
        "subject_pronouns",
        "question_words",
        "interjections",
        "fuzzy_lists",
        "feeling_hints",
        "summaries",
    }
)
NEGATION_KEYS = frozenset({"pre", "post", "pseudo", "terminators", "meta", "window"})


class RuleError(ValueError):
    """A rule file that the loader refuses. The message names the file and the rule."""


@dataclass(frozen=True, slots=True)
class Examples:
    flag: tuple[str, ...]
    passes: tuple[str, ...]

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


@dataclass(slots=True)
class Rule:
    id: str
    category: str
    patterns: list[Pattern]
    message: str
    tip: str
    file: str
    suggestion: str | None = None
    roles: frozenset[str] = frozenset(ROLES)
    category_by_role: dict[str, str] = field(default_factory=dict)
    subject: frozenset[str] | None = None
    question: bool | None = None
    negation: NegationMode = "block"
    quoted: bool = False
    unless: list[Pattern] = field(default_factory=list)
    unless_scope: Literal["own", "clause", "sentence", "text"] = "clause"
    suppress: frozenset[str] = frozenset()
    # overlap: only findings on the same words; next: also later in this or the next clause;
    # sentence: anywhere in the sentence.
    suppress_scope: Literal["overlap", "next", "sentence"] = "next"
    requires: frozenset[str] = frozenset()
    weight: float = 1.0
    examples: Examples = Examples((), ())

    def category_for(self, role: str) -> str:
        return self.category_by_role.get(role, self.category)


@dataclass(slots=True)
class Settings:
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lemma_fixes: dict[str, str] = field(default_factory=dict)
    neg_pre: frozenset[str] = frozenset()
    neg_post: list[Pattern] = field(default_factory=list)
    neg_pseudo: list[Pattern] = field(default_factory=list)
    neg_terminators: frozenset[str] = frozenset()
    neg_meta: list[Pattern] = field(default_factory=list)
    neg_window: int = 6
    connectors: frozenset[str] = frozenset()
    subject_pronouns: dict[str, str] = field(default_factory=dict)
    question_words: frozenset[str] = frozenset()
    # Discourse markers that open a message without adding meaning ("ewa", "allez", "wallah"):
    # skipped at the start of a sentence, so "ewa doe normaal" reads as "doe normaal".
    interjections: frozenset[str] = frozenset()
    fuzzy_lists: tuple[str, ...] = ()
    feeling_hints: dict[str, str] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule]
    lexicons: dict[str, Lexicon]
    settings: Settings
    # trigger word -> (rule index, pattern index) pairs
    index: dict[str, list[tuple[int, int]]]
    # the same, per role, holding only the rules that apply to that role
    role_index: dict[str, dict[str, tuple[tuple[int, int], ...]]]
    # typo-tolerant lookup: deletion variant -> lexicon word (edit distance 1, words >= 6 letters)
    fuzzy_deletes: dict[str, str]
    fuzzy_words: frozenset[str]
    by_id: dict[str, Rule]


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.allow_duplicate_keys = False
    return y


def _read(path: Path) -> dict[str, Any]:
    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise RuleError(f"{path.name}: invalid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RuleError(f"{path.name}: top level must be a mapping")
    unknown = set(data) - {"lexicon", "settings", "defaults", "rules"}
    if unknown:
        raise RuleError(f"{path.name}: unknown top-level keys {sorted(unknown)}")
    return data


def _str_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"{where}: expected a list of non-empty strings")
    return list(value)


def _fold_phrase(text: str) -> tuple[str, ...]:
    return tuple(fold_word(w) for w in text.split())


def _build_lexicons(raw: dict[str, tuple[str, list[str]]]) -> dict[str, Lexicon]:
    out: dict[str, Lexicon] = {}
    for name, (_, entries) in raw.items():
        words: set[str] = set()
        phrases: list[tuple[str, ...]] = []
        for entry in entries:
            ph = _fold_phrase(entry)
            if len(ph) == 1:
                words.add(ph[0])
            elif ph:
                phrases.append(ph)
        out[name] = Lexicon(name, frozenset(words), tuple(phrases))
    return out


def _compile(src: Any, lexicons: Mapping[str, Lexicon], where: str) -> Pattern:
    try:
        return compile_pattern(src, lexicons)
    except PatternError as exc:
        raise RuleError(f"{where}: malformed pattern {src!r}: {exc}") from exc


def _settings(raw: dict[str, Any], lexicons: Mapping[str, Lexicon], where: str) -> Settings:
    s = Settings()
    unknown = set(raw) - SETTINGS_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown settings {sorted(unknown)}")
    for form, repl in (raw.get("variants") or {}).items():
        words = tuple(fold_word(w) for w in str(repl).split())
        if not words:
            raise RuleError(f"{where}: variant {form!r} has no replacement")
        s.variants[fold_word(str(form))] = words
    s.lemma_fixes = {
        fold_word(str(k)): fold_word(str(v)) for k, v in (raw.get("lemma_fixes") or {}).items()
    }
    neg = raw.get("negation") or {}
    unknown = set(neg) - NEGATION_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown negation settings {sorted(unknown)}")
    s.neg_pre = frozenset(fold_word(w) for w in _str_list(neg.get("pre", []), where))
    s.neg_terminators = frozenset(
        fold_word(w) for w in _str_list(neg.get("terminators", []), where)
    )
    s.neg_post = [_compile(p, lexicons, f"{where} negation.post") for p in neg.get("post", [])]
    s.neg_pseudo = [
        _compile(p, lexicons, f"{where} negation.pseudo") for p in neg.get("pseudo", [])
    ]
    s.neg_meta = [_compile(p, lexicons, f"{where} negation.meta") for p in neg.get("meta", [])]
    s.neg_window = int(neg.get("window", 6))
    s.connectors = frozenset(fold_word(w) for w in _str_list(raw.get("connectors", []), where))
    for pron, who in (raw.get("subject_pronouns") or {}).items():
        if who not in SUBJECTS:
            raise RuleError(f"{where}: subject {who!r} for {pron!r} is not one of {SUBJECTS}")
        s.subject_pronouns[fold_word(str(pron))] = who
    s.interjections = frozenset(
        fold_word(w) for w in _str_list(raw.get("interjections", []), where)
    )
    s.question_words = frozenset(
        fold_word(w) for w in _str_list(raw.get("question_words", []), where)
    )
    fl = _str_list(raw.get("fuzzy_lists", []), where)
    for name in fl:
        if name not in lexicons:
            raise RuleError(f"{where}: fuzzy_lists names unknown lexicon list @{name}")
    s.fuzzy_lists = tuple(fl)
    s.feeling_hints = {
        fold_word(str(k)): str(v) for k, v in (raw.get("feeling_hints") or {}).items()
    }
    s.summaries = {str(k): str(v) for k, v in (raw.get("summaries") or {}).items()}
    return s


def _rule(raw: Any, defaults: dict[str, Any], lexicons: Mapping[str, Lexicon], fname: str) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{fname}: every rule must be a mapping, got {raw!r}")
    rid = raw.get("id")
    if not isinstance(rid, str) or not rid.strip():
        raise RuleError(f"{fname}: a rule without an id")
    where = f"{fname}: rule {rid!r}"
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    r = {**defaults, **raw}
    category = r.get("category")
    if category not in CATEGORIES:
        raise RuleError(f"{where}: unknown category {category!r}")
    for key in ("message", "tip"):
        if not isinstance(r.get(key), str) or not r[key].strip():
            raise RuleError(f"{where}: missing {key}")
    pats = raw.get("patterns")
    if not pats:
        raise RuleError(f"{where}: no patterns")
    patterns = [_compile(p, lexicons, where) for p in _str_list(pats, where)]
    ex = raw.get("examples")
    if not isinstance(ex, dict) or set(ex) - {"flag", "pass"}:
        raise RuleError(f"{where}: examples must be a mapping with flag/pass lists")
    flag = _str_list(ex.get("flag") or [], where)
    passes = _str_list(ex.get("pass") or [], where) if ex.get("pass") else []
    if not flag:
        raise RuleError(f"{where}: needs at least one flag example")
    roles = frozenset(_str_list(r.get("roles", list(ROLES)), where))
    if not roles <= set(ROLES):
        raise RuleError(f"{where}: unknown role in {sorted(roles)}")
    cbr = r.get("category_by_role") or {}
    if not isinstance(cbr, dict):
        raise RuleError(f"{where}: category_by_role must be a mapping")
    for role, cat in cbr.items():
        if role not in ROLES or cat not in CATEGORIES:
            raise RuleError(f"{where}: bad category_by_role entry {role!r}: {cat!r}")
    subject = r.get("subject")
    subj: frozenset[str] | None = None
    if subject is not None:
        subj = frozenset(_str_list(subject, where))
        if not subj <= set(SUBJECTS):
            raise RuleError(f"{where}: subject must be among {SUBJECTS}")
    question = r.get("question")
    if question is not None and not isinstance(question, bool):
        raise RuleError(f"{where}: question must be true or false")
    negation = r.get("negation", DEFAULT_NEGATION[category])
    if negation not in NEGATION_MODES:
        raise RuleError(f"{where}: negation must be one of {NEGATION_MODES}")
    quoted = r.get("quoted", "skip")
    if quoted not in ("skip", "allow"):
        raise RuleError(f"{where}: quoted must be skip or allow")
    unless_scope = r.get("unless_scope", "clause")
    if unless_scope not in ("own", "clause", "sentence", "text"):
        raise RuleError(f"{where}: unless_scope must be own, clause, sentence or text")
    unless = [
        _compile(p, lexicons, f"{where} unless") for p in _str_list(r.get("unless", []), where)
    ]
    suppress = frozenset(_str_list(r.get("suppress", []), where))
    suppress_scope = r.get("suppress_scope", "next")
    if suppress_scope not in ("overlap", "next", "sentence"):
        raise RuleError(f"{where}: suppress_scope must be overlap, next or sentence")
    requires = frozenset(_str_list(r.get("requires", []), where))
    for c in requires:
        if c not in CATEGORIES:
            raise RuleError(f"{where}: requires unknown category {c!r}")
    suggestion = r.get("suggestion")
    if suggestion is not None and not isinstance(suggestion, str):
        raise RuleError(f"{where}: suggestion must be a string")
    weight = r.get("weight", 1.0)
    if not isinstance(weight, int | float):
        raise RuleError(f"{where}: weight must be a number")
    return Rule(
        id=rid,
        category=category,
        patterns=patterns,
        message=r["message"].strip(),
        tip=r["tip"].strip(),
        file=fname,
        suggestion=suggestion.strip() if suggestion else None,
        roles=roles,
        category_by_role=dict(cbr),
        subject=subj,
        question=question,
        negation=negation,
        quoted=quoted == "allow",
        unless=unless,
        unless_scope=unless_scope,
        suppress=suppress,
        suppress_scope=suppress_scope,
        requires=requires,
        weight=float(weight),
        examples=Examples(tuple(flag), tuple(passes)),
    )


def _deletions(word: str) -> Iterable[str]:
    return (word[:i] + word[i + 1 :] for i in range(len(word)))


def build_fuzzy(
    lexicons: Mapping[str, Lexicon], names: Iterable[str]
) -> tuple[dict[str, str], frozenset[str]]:
    """Precompute a symmetric-deletion table: typos at edit distance 1 (including a swap of two
    neighbouring letters) for words of 6+ letters. Ambiguous variants are left out."""
    words: set[str] = set()
    for name in names:
        words |= {w for w in lexicons[name].words if len(w) >= 6 and w.isalpha()}
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    for w in sorted(words):
        for d in _deletions(w):
            if d in table and table[d] != w:
                ambiguous.add(d)
            table[d] = w
    for d in ambiguous:
        del table[d]
    return table, frozenset(words)


def load_rules(directory: Path | str = RULES_DIR) -> RuleSet:
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RuleError(f"{directory}: no rule files")
    docs = [(p.name, _read(p)) for p in files]
    raw_lex: dict[str, tuple[str, list[str]]] = {}
    for fname, data in docs:
        lex = data.get("lexicon") or {}
        if not isinstance(lex, dict):
            raise RuleError(f"{fname}: lexicon must be a mapping of lists")
        for name, entries in lex.items():
            if name in raw_lex:
                raise RuleError(
                    f"{fname}: lexicon list @{name} already defined in {raw_lex[name][0]}"
                )
            raw_lex[name] = (fname, _str_list(entries, f"{fname}: lexicon @{name}"))
    lexicons = _build_lexicons(raw_lex)
    settings_raw = [(f, d["settings"]) for f, d in docs if d.get("settings")]
    if len(settings_raw) > 1:
        raise RuleError(f"settings defined in more than one file: {[f for f, _ in settings_raw]}")
    settings = (
        _settings(settings_raw[0][1], lexicons, settings_raw[0][0]) if settings_raw else Settings()
    )
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for fname, data in docs:
        defaults = data.get("defaults") or {}
        if not isinstance(defaults, dict) or set(defaults) - DEFAULT_KEYS:
            raise RuleError(f"{fname}: defaults may only set {sorted(DEFAULT_KEYS)}")
        raw_rules = data.get("rules") or []
        if not isinstance(raw_rules, list):
            raise RuleError(f"{fname}: rules must be a list")
        for raw in raw_rules:
            rule = _rule(raw, defaults, lexicons, fname)
            if rule.id in seen:
                raise RuleError(
                    f"{fname}: rule {rule.id!r}: duplicate id (also in {seen[rule.id]})"
                )
            seen[rule.id] = fname
            rules.append(rule)
    by_id = {r.id: r for r in rules}
    for r in rules:
        for target in r.suppress:
            if target not in CATEGORIES and target not in by_id:
                raise RuleError(f"{r.file}: rule {r.id!r}: suppress names unknown {target!r}")
    index: dict[str, list[tuple[int, int]]] = {}
    for ri, r in enumerate(rules):
        for pi, p in enumerate(r.patterns):
            for key in p.triggers():
                index.setdefault(key, []).append((ri, pi))
    role_index: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {
        role: {
            key: tuple(c for c in cands if role in rules[c[0]].roles)
            for key, cands in index.items()
            if any(role in rules[c[0]].roles for c in cands)
        }
        for role in ROLES
    }
    fuzzy, fuzzy_words = build_fuzzy(lexicons, settings.fuzzy_lists)
    return RuleSet(rules, lexicons, settings, index, role_index, fuzzy, fuzzy_words, by_id)
