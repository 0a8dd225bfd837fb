"""The analysis pipeline: fold -> tokenise -> lemmatise -> sentences and clauses -> quotes ->
negation -> indexed rule matching -> suppression and de-duplication -> verdict.

Everything that is language knowledge lives in the YAML under rules/; this module only knows the
mechanics. User text is never logged.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import simplemma

from api import native
from api.feedback.loader import Rule, RuleSet
from api.feedback.patterns import COMMON, WORD, Pattern, SentView, decode
from api.feedback.taxonomy import CATEGORIES, ROLES, Role, Verdict
from api.feedback.textnorm import Folded, chunk_tokens, fold, is_word
from api.feedback.types import Analysis, Finding

if TYPE_CHECKING:
    from api.feedback.cues import CueModel

SENTENCE_END = frozenset({".", "!", "?", "…", ";"})
CLAUSE_PUNCT = frozenset({",", ":", "(", ")", "-", "–", "—", "/"})
QUOTE_PAIRS: dict[str, frozenset[str]] = {
    '"': frozenset({'"'}),
    "'": frozenset({"'"}),
    "„": frozenset({"”", "“", '"'}),
    "“": frozenset({"”", '"'}),
    "”": frozenset({"”"}),
    "‘": frozenset({"’", "'"}),
    "‚": frozenset({"‘", "’"}),
    "«": frozenset({"»"}),
    "»": frozenset({"«"}),
    "‹": frozenset({"›"}),
}
QUOTE_CHARS = frozenset(QUOTE_PAIRS) | {"’", "›"}
_QUOTE_SET: frozenset[str] = frozenset("".join(QUOTE_CHARS))
_SQUEEZE3 = re.compile(r"(\w)\1{2,}")
_SQUEEZE2 = re.compile(r"(\w)\1+")
_TOKEN_CACHE_MAX = 200_000
_FORMATTER = string.Formatter()


@dataclass(slots=True)
class Tok:
    form: str
    keys: frozenset[str]
    start: int  # folded offsets
    end: int
    word: bool
    info: _KeyInfo

    # Written out (the generated one does the same): compiled (api/native.py), a dataclass's
    # generated __init__ runs interpreted; this one is compiled. Likewise below.
    def __init__(
        self, form: str, keys: frozenset[str], start: int, end: int, word: bool, info: _KeyInfo
    ) -> None:
        self.form = form
        self.keys = keys
        self.start = start
        self.end = end
        self.word = word
        self.info = info


@dataclass(frozen=True, slots=True)
class _KeyInfo:
    """What the rule index knows about one set of token keys (computed once per key set).

    `cands[r]` holds the candidates (see `Engine._plan`) that the keys trigger for role number r,
    grouped by the condition bits they need, as (byte, mask, rest, candidates): the sentence has
    every needed bit when ``cb[byte] & mask == mask`` (the byte of the rarest one) and
    `_has_bits(cb, rest)` hold, where `cb` is `SentView.cb`, so a sentence that lacks one skips
    the whole group at once and a candidate that passes is live;
    `conds` has bit b set when the keys meet condition set b (a pattern's required element or an
    `unless` trigger), so a whole sentence is checked against a pattern with one integer `&`."""

    cands: tuple[tuple[tuple[int, int, tuple[int, ...], tuple[int, ...]], ...], ...]
    conds: int
    # `conds` as little-endian bytes (`SentView.tcb`), for the matcher's word tests.
    cb: bytes

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


# One candidate pattern of a role: (rule, pattern, condition bits it needs, block negation,
# its only trigger key or None, all trigger keys, the condition bits of the required elements
# before the anchor, and of those after it, one (byte, mask) pair per bit, flat).
_Cand = tuple[
    Rule, Pattern, int, bool, str | None, frozenset[str], tuple[int, ...], tuple[int, ...]
]
# An `unless` pattern with the condition bits it needs and whether it is a bare word list.
_Unless = tuple[Pattern, int, bool]
_ROLE_NUM: dict[str, int] = {r: i for i, r in enumerate(ROLES)}
_KEYINFO_CACHE_MAX = 200_000


@dataclass(slots=True)
class Sentence:
    toks: list[Tok]
    view: SentView
    question: bool
    clause_subject: list[str]
    quoted: list[bool]
    neg: list[bool]  # forward scope of a negation ("niet [lui]")
    negb: list[bool]  # backward: the verb before a clause-final "niet" ("ik [snap] het niet")
    meta: list[bool]

    def __init__(
        self,
        toks: list[Tok],
        view: SentView,
        question: bool,
        clause_subject: list[str],
        quoted: list[bool],
        neg: list[bool],
        negb: list[bool],
        meta: list[bool],
    ) -> None:
        self.toks = toks
        self.view = view
        self.question = question
        self.clause_subject = clause_subject
        self.quoted = quoted
        self.neg = neg
        self.negb = negb
        self.meta = meta


@dataclass(slots=True)
class Raw:
    rule: Rule
    sent: int
    first: int  # token positions in the sentence
    last: int
    clauses: tuple[int, int]
    positions: tuple[int, ...]

    def __init__(
        self,
        rule: Rule,
        sent: int,
        first: int,
        last: int,
        clauses: tuple[int, int],
        positions: tuple[int, ...],
    ) -> None:
        self.rule = rule
        self.sent = sent
        self.first = first
        self.last = last
        self.clauses = clauses
        self.positions = positions


class Engine:
    """Holds one compiled rule set; `analyze` is safe to call from many threads."""

    def __init__(self, rules: RuleSet) -> None:
        self.rs = rules
        self.s = rules.settings
        self._tokcache: dict[str, tuple[tuple[str, frozenset[str], _KeyInfo], ...]] = {}
        self._punctcache: dict[str, tuple[frozenset[str], _KeyInfo]] = {}
        self._keyinfo: dict[frozenset[str], _KeyInfo] = {}
        self._unsafe_summary: dict[str, str] = {}
        self._build_plan()
        # Optional statistical second opinion (api/feedback/cues.py), attached after construction.
        self.cues: CueModel | None = None

    def _build_plan(self) -> None:
        """Number every condition set (required elements, unless triggers) and every candidate
        (rule, pattern) pair per role, in (rule, pattern) order, for `_KeyInfo`."""
        rules = self.rs.rules
        cond_ids: dict[frozenset[str], int] = {}

        def bits(sets: Sequence[frozenset[str]]) -> int:
            out = 0
            for ks in sets:
                b = cond_ids.setdefault(ks, len(cond_ids))
                out |= 1 << b
            return out

        self._plan: list[list[_Cand]] = []
        self._needs: list[list[int]] = []
        self._key_cands: list[dict[str, tuple[int, ...]]] = []
        for role in ROLES:
            index = self.rs.role_index[role]
            pairs = sorted({c for found in index.values() for c in found})
            num = {c: n for n, c in enumerate(pairs)}
            plan: list[_Cand] = []
            for ri, pi in pairs:
                rule = rules[ri]
                pat = rule.patterns[pi]
                trig = pat.triggers()
                only = next(iter(trig)) if len(trig) == 1 else None
                before, after = _sides(pat)
                plan.append(
                    (
                        rule,
                        pat,
                        bits(pat.required),
                        rule.negation == "block",
                        only,
                        trig,
                        _one_bit_pairs(bits(before)),
                        _one_bit_pairs(bits(after)),
                    )
                )
            self._plan.append(plan)
            self._needs.append([c[2] for c in plan])
            self._key_cands.append({k: tuple(num[c] for c in found) for k, found in index.items()})
        self._unless: dict[str, tuple[_Unless, ...]] = {
            r.id: tuple(
                (p, bits((p.triggers(), *p.required)), len(p.elements) == 1) for p in r.unless
            )
            for r in rules
        }
        # The negation patterns (settings): what `_trigger_positions` checked on the bag of keys
        # first, a trigger and every required element, is checked on condition bits instead.
        st = self.s
        neg_bits = [
            [(p, bits((p.triggers(), *p.required))) for p in ps]
            for ps in (st.neg_pseudo, st.neg_meta, st.neg_post)
        ]
        # Every word element's words and every pattern's triggers get a bit as well, so the
        # matcher tests a token's byte (`SentView.tcb`) instead of a set per word test.
        pats = [p for r in rules for p in (*r.patterns, *r.unless)]
        pats += [p for ps in (st.neg_pseudo, st.neg_meta, st.neg_post) for p in ps]
        for p in pats:
            b = cond_ids.setdefault(p.triggers(), len(cond_ids))
            p.tbyte, p.tmask = b >> 3, 1 << (b & 7)
            for e in p.elements:
                if e.kind != WORD:
                    continue
                if e.words:
                    b = cond_ids.setdefault(e.words, len(cond_ids))
                    e.cbyte, e.cmask = b >> 3, 1 << (b & 7)
                else:
                    e.cbyte, e.cmask = 0, 0  # meets no token
        key_conds: dict[str, int] = {}
        for ks, b in cond_ids.items():
            for k in ks:
                key_conds[k] = key_conds.get(k, 0) | (1 << b)
        self._key_conds = key_conds
        # Condition bits as bytes (`SentView.cb`): testing one byte is much cheaper than an
        # `&` of two integers of a thousand bits, which allocates (and more so compiled).
        self._nbytes = max(1, (len(cond_ids) + 7) // 8)
        # How likely a condition is met, roughly (frequent words make it likely): the byte of
        # the least likely bit is tested first.
        cost = [0] * len(cond_ids)
        for ks, b in cond_ids.items():
            cost[b] = sum(50 if k in COMMON else 1 for k in ks)
        self._cond_cost = cost
        self._unless_bytes: dict[str, tuple[tuple[Pattern, tuple[int, ...], bool], ...]] = {
            rid: tuple((p, self._bytes_of(need), single) for p, need, single in unless)
            for rid, unless in self._unless.items()
        }
        self._neg_pseudo, self._neg_meta, self._neg_post = (
            [(p, self._bytes_of(need)) for p, need in ps] for ps in neg_bits
        )

    def _bytes_of(self, bits: int) -> tuple[int, ...]:
        """Condition bits as flat (byte, mask) pairs, the byte of the least likely bit first."""
        pairs: list[tuple[int, int, int]] = []  # (cost of its least likely bit, byte, mask)
        byte = 0
        while bits:
            mask = bits & 0xFF
            if mask:
                low = min(self._cond_cost[byte * 8 + i] for i in range(8) if mask >> i & 1)
                pairs.append((low, byte, mask))
            bits >>= 8
            byte += 1
        pairs.sort()
        out: list[int] = []
        for _, b, m in pairs:
            out.append(b)
            out.append(m)
        return tuple(out)

    def _info(self, keys: frozenset[str]) -> _KeyInfo:
        got = self._keyinfo.get(keys)
        if got is not None:
            return got
        conds = 0
        kc = self._key_conds
        for k in keys:
            conds |= kc.get(k, 0)
        cands: list[tuple[tuple[int, int, tuple[int, ...], tuple[int, ...]], ...]] = []
        for per_key, needs in zip(self._key_cands, self._needs, strict=True):
            found: set[int] = set()
            for k in keys:
                found.update(per_key.get(k, ()))
            groups: dict[int, list[int]] = {}
            for c in sorted(found):
                groups.setdefault(needs[c], []).append(c)
            out: list[tuple[int, int, tuple[int, ...], tuple[int, ...]]] = []
            for need, cs in groups.items():
                pairs = self._bytes_of(need)
                if pairs:
                    out.append((pairs[0], pairs[1], pairs[2:], tuple(cs)))
                else:
                    out.append((0, 0, (), tuple(cs)))  # needs nothing: always passes
            cands.append(tuple(out))
        got = _KeyInfo(tuple(cands), conds, conds.to_bytes(self._nbytes, "little"))
        if len(self._keyinfo) > _KEYINFO_CACHE_MAX:
            self._keyinfo.clear()
        self._keyinfo[keys] = got
        return got

    def _punct(self, tok: str, rhet: bool = False) -> tuple[frozenset[str], _KeyInfo]:
        ck = tok + "\n" if rhet else tok
        got = self._punctcache.get(ck)
        if got is None:
            keys = frozenset((tok, "#rhet")) if rhet else frozenset((tok,))
            got = (keys, self._info(keys))
            if len(self._punctcache) > _TOKEN_CACHE_MAX:
                self._punctcache.clear()
            self._punctcache[ck] = got
        return got

    # -- tokens ----------------------------------------------------------------------------

    def _lemma(self, w: str) -> str:
        fixed = self.s.lemma_fixes.get(w)
        if fixed is not None:
            return fixed
        lem = simplemma.lemmatize(w, lang="nl")
        return lem.replace("_", "").lower() if lem else w

    def _word_keys(self, w: str) -> tuple[str, frozenset[str]]:
        lemma = self._lemma(w)
        keys = {w, lemma}
        if w.isdigit():
            keys.add("#num")
        else:
            if _looks_imperative(w, lemma):
                keys.add("#imp")
            if _looks_participle(w, lemma):
                keys.add("#pp")
            elif len(w) > 4 and w.endswith("en") and w.startswith(lemma) and w.isalpha():
                keys.add("#inf")
        if not (w in self.rs.fuzzy_words or simplemma.is_known(w, lang="nl")):
            target = self._fuzzy(w)
            if target is not None:
                keys.add(target)
                keys.add(self._lemma(target))
        return w, frozenset(keys)

    def _fuzzy(self, w: str) -> str | None:
        if len(w) < 5 or not w.isalpha():
            return None
        table, words = self.rs.fuzzy_deletes, self.rs.fuzzy_words
        got = table.get(w)  # a letter is missing
        if got is not None:
            return got
        for i in range(len(w)):
            d = w[:i] + w[i + 1 :]
            if d in words:  # one letter too many
                return d
            got = table.get(d)  # one letter wrong, or two letters swapped
            if got is not None:
                return got
        return None

    def _token_info(self, raw: str) -> tuple[tuple[str, frozenset[str], _KeyInfo], ...]:
        got = self._tokcache.get(raw)
        if got is not None:
            return got
        w = raw.replace("\u2019", "'")
        variants = self.s.variants
        words = variants.get(w)
        if words is None and "'" in w:
            words = variants.get(w.replace("'", ""))
        if words is None and _SQUEEZE3.search(w):
            # "nooooit" -> "nooit"; "altijdddd" -> "altijdd" -> "altijd"
            two = _SQUEEZE3.sub(r"\1\1", w)
            one = _SQUEEZE2.sub(r"\1", w)
            pick = two if simplemma.is_known(two, lang="nl") else one
            words = variants.get(pick, (pick,))
        if words is None:
            words = (w,)
        info = tuple((f, k, self._info(k)) for f, k in (self._word_keys(x) for x in words))
        if len(self._tokcache) > _TOKEN_CACHE_MAX:
            self._tokcache.clear()
        self._tokcache[raw] = info
        return info

    def _tokens(self, folded: str) -> list[list[Tok]]:
        """Tokens, split into sentences."""
        sentences: list[list[Tok]] = []
        cur: list[Tok] = []
        prev_end = 0
        newlines = "\n" in folded
        tokcache = self._tokcache
        # The tokens of `tokenize(folded)`, chunk by chunk, without building that list first.
        pos = 0
        for chunk in folded.split():
            base = folded.find(chunk, pos)
            pos = base + len(chunk)
            for tok, a, b in chunk_tokens(chunk):
                start = base + a
                end = base + b
                if newlines and cur and "\n" in folded[prev_end:start]:
                    sentences.append(cur)
                    cur = []
                prev_end = end
                cached = tokcache.get(tok)
                if cached is not None or is_word(tok):
                    for form, keys, info in cached or self._token_info(tok):
                        cur.append(Tok(form, keys, start, end, True, info))
                    continue
                if tok.startswith(".."):
                    tok = "…"
                if (
                    not cur
                    and tok in _RHET
                    and sentences
                    and sentences[-1][-1].form in _RHET
                    and sentences[-1][-1].end == start
                ):
                    # "??", "?!": one rhetorical ending, not an empty sentence of its own.
                    keys, info = self._punct(tok, rhet=True)
                    sentences[-1].append(Tok(tok, keys, start, end, False, info))
                    continue
                keys, info = self._punct(tok)
                cur.append(Tok(tok, keys, start, end, False, info))
                if tok in SENTENCE_END:
                    sentences.append(cur)
                    cur = []
        if cur:
            sentences.append(cur)
        return sentences

    # -- structure -------------------------------------------------------------------------

    def _sentence(self, toks: list[Tok]) -> Sentence:
        s = self.s
        inter = s.interjections
        if inter and toks and toks[0].form in inter:
            # "ewa, doe normaal" / "allez ge zijt weeral te laat": the opening discourse marker
            # (and the comma after it) is skipped, unless nothing else is left.
            k = 0
            while k < len(toks) and (toks[k].form in inter or (k and toks[k].form == ",")):
                k += 1
            if any(t.word for t in toks[k:]):
                toks = toks[k:]
        forms = [t.form for t in toks]
        if "(" in forms:
            toks = _drop_asides(toks)
            forms = [t.form for t in toks]
        connectors = s.connectors
        n = len(toks)
        clause = [0] * n
        cstart = [False] * n
        cend = [False] * n
        c = 0
        lead = True  # still at the start of a clause (only connectors so far)
        for j, t in enumerate(toks):
            f = t.form
            word = t.word
            joins = (
                word
                and f in connectors
                and (f not in _SPLIT_IF_SUBJECT or self._dat_splits(toks, j))
                and not (f == "maar" and j > 0 and toks[j - 1].form == "alleen")
            )
            if joins and j > 0:
                if not lead:
                    c += 1
                lead = True
            clause[j] = c
            if word:
                if lead:
                    cstart[j] = True
                    if not joins:
                        lead = False
            elif f in CLAUSE_PUNCT or f in QUOTE_CHARS:
                c += 1
                lead = True
        for j in range(n):
            nxt = j + 1
            cend[j] = nxt >= n or clause[nxt] != clause[j] or not toks[nxt].word
        view = SentView([t.keys for t in toks], forms, clause, cstart, cend)
        conds = 0
        for t in toks:
            conds |= t.info.conds
        view.conds = conds
        view.cb = conds.to_bytes(self._nbytes, "little")
        view.tcb = [t.info.cb for t in toks]
        last = next(
            (t for t in reversed(toks) if t.form not in QUOTE_CHARS and "#rhet" not in t.keys),
            None,
        )
        first = next((t for t in toks if t.word), None)
        question = last is not None and (
            last.form == "?" or (last.form == "!" and toks[-1].form == "?")
        )
        if not question and first is not None and first.form in s.question_words:
            question = last is None or last.form not in (".", "!")
        subjects = self._subjects(toks, clause)
        neg, negb, meta = self._negation(toks, view)
        view.neg = neg
        return Sentence(toks, view, question, subjects, [False] * n, neg, negb, meta)

    @staticmethod
    def _dat_splits(toks: list[Tok], j: int) -> bool:
        # "dat" opens a subordinate clause ("ik vind dat jij...") when a subject follows it;
        # as a pronoun ("dank je dat je dat zegt") it does not.
        nxt = toks[j + 1].form if j + 1 < len(toks) else ""
        return nxt in _SUBJECTISH

    def _subjects(self, toks: list[Tok], clause: list[int]) -> list[str]:
        pron = self.s.subject_pronouns
        out: list[str] = []
        j = 0
        n = len(toks)
        while j < n:
            c = clause[j]
            k = j
            words: list[str] = []
            opener = ""
            while k < n and clause[k] == c:
                t = toks[k]
                if t.word and not (not words and t.form in self.s.connectors):
                    words.append(t.form)
                elif t.word and not words and not opener:
                    opener = t.form
                k += 1
            who = _clause_subject(words, pron)
            if (
                who == "none"
                and opener in _COORDINATORS
                and out
                and words
                and words[0] not in _DETERMINERS
            ):
                # "Hij heeft mijn dagboek gelezen en | doet nu alsof…": a coordinated clause
                # without a subject of its own shares the one before it.
                who = out[-1]
            out.extend([who] * (c + 1 - len(out)))
            j = k
        return out

    def _negation(
        self, toks: list[Tok], view: SentView
    ) -> tuple[list[bool], list[bool], list[bool]]:
        s = self.s
        n = len(toks)
        neg = [False] * n
        negb = [False] * n
        meta = [False] * n
        pre = s.neg_pre
        if pre.isdisjoint(view.forms):
            return neg, negb, meta
        pseudo: set[int] = set()
        for p, need in self._neg_pseudo:
            if not _has_bits(view.cb, need):
                continue  # no trigger, or a required element missing
            for j in _trigger_positions(p, view):
                got = p.match_at(view, j, True)
                if got:
                    pseudo.update(decode(got)[0])
        term = s.neg_terminators
        clause = view.clause
        for j, t in enumerate(toks):
            if t.form not in pre or j in pseudo:
                continue
            k = j + 1
            while k < n and k - j <= s.neg_window and clause[k] == clause[j]:
                if toks[k].form in term:
                    break
                neg[k] = True
                k += 1
            # Dutch puts "niet" after the finite verb: "ik snap het niet" negates "snap".
            k = j - 1
            while (
                k >= 0 and clause[k] == clause[j] and s.subject_pronouns.get(toks[k].form) is None
            ):
                negb[k] = True
                k -= 1
        for p, need in self._neg_meta:
            if not _has_bits(view.cb, need):
                continue  # no trigger, or a required element missing
            for j in _trigger_positions(p, view):
                got = p.match_at(view, j, True)
                if not got:
                    continue
                k = max(decode(got)[0]) + 1
                while k < n and toks[k].form not in term and toks[k].form not in SENTENCE_END:
                    # "ik zeg niet dat je nooit iets doet, ik vraag alleen…": a new ik/we
                    # clause after a comma is the writer's own claim again.
                    if (
                        toks[k].form == ","
                        and k + 1 < n
                        and s.subject_pronouns.get(toks[k + 1].form) in ("i", "we")
                    ):
                        break
                    neg[k] = meta[k] = True
                    k += 1
        for p, need in self._neg_post:
            if not _has_bits(view.cb, need):
                continue  # no trigger, or a required element missing
            for j in _trigger_positions(p, view):
                got = p.match_at(view, j, True)
                if not got:
                    continue
                first = min(decode(got)[0])
                for k in range(max(0, first - s.neg_window * 2), first):
                    neg[k] = meta[k] = True
        return neg, negb, meta

    @staticmethod
    def _quotes(sentences: list[Sentence]) -> None:
        """Mark reported speech: a quoted stretch of 2+ words next to words of one's own."""
        flat = [(si, j, t) for si, se in enumerate(sentences) for j, t in enumerate(se.toks)]
        spans: list[tuple[int, int]] = []
        open_at = -1
        closers: frozenset[str] = frozenset()
        for idx, (_, _, t) in enumerate(flat):
            if t.word:
                continue
            if open_at >= 0 and t.form in closers:
                spans.append((open_at, idx))
                open_at = -1
            elif open_at < 0 and t.form in QUOTE_PAIRS:
                open_at = idx
                closers = QUOTE_PAIRS[t.form]
        if not spans:
            return
        inside = [False] * len(flat)
        for a, b in spans:
            for x in range(a, b + 1):
                inside[x] = True
        outside_words = sum(1 for x, (_, _, t) in enumerate(flat) if t.word and not inside[x])
        if outside_words < 2:
            return  # the whole text is in quotes: that is what the user means to say
        for a, b in spans:
            words = sum(1 for x in range(a + 1, b) if flat[x][2].word)
            if words < 2 and not any(
                flat[x][2].keys & _SPEECH_VERBS for x in range(max(0, a - 3), min(len(flat), b + 4))
            ):
                continue  # scare quotes around one word stay the speaker's own
            for x in range(a, b + 1):
                si, j, _ = flat[x]
                sentences[si].quoted[j] = True

    # -- rules -----------------------------------------------------------------------------

    def _match_sentence(
        self, si: int, se: Sentence, role: str, out: list[Raw], doc: Sequence[Sentence] = ()
    ) -> None:
        view = se.view
        rn = _ROLE_NUM[role]
        # Candidate (rule, pattern) pairs: those whose trigger words occur in the sentence, with
        # the positions of those tokens (a token's candidates are exactly the patterns that one of
        # its keys triggers), so a pattern only tries the positions of its triggers. Each as one
        # integer c * m + j (candidate c, position j), sorted: by candidate, then position, as a
        # dict of position lists sorted by candidate would give them, without the dict.
        toks = se.toks
        n = view.n
        m = n + 1
        cb = view.cb
        pairs: list[int] = []
        for j, t in enumerate(toks):
            for byte, mask, rest, group in t.info.cands[rn]:
                if cb[byte] & mask != mask or (rest and not _has_bits(cb, rest)):
                    continue  # the sentence lacks a required element of all of these
                for c in group:
                    pairs.append(c * m + j)
        if not pairs:
            return
        pairs.sort()
        plan = self._plan[rn]
        # A pattern is impossible when the sentence misses one of its required elements: the
        # groups above let through only those that have them all.
        tcb = view.tcb
        clause = view.clause
        # Sentence-level facts that make `_accept` turn down every match of some rules.
        question = se.question
        subjects = se.clause_subject
        negated = -1  # whether any word is negated; worked out when a rule asks (-1: not yet)
        first = plan[pairs[0] // m]
        rule, pattern = first[0], first[1]
        cur = -1  # the candidate of the pairs seen last
        skip = True  # whether every position of it is turned down
        encoded = False
        jlo = jhi = 0
        for key in pairs:
            c = key // m
            j = key - c * m
            if c != cur:
                cur = c
                skip = True
                rule, pattern, _, block, _, _, before, after = plan[c]
                if (rule.question is not None and rule.question != question) or (
                    rule.subject is not None and not _meets(rule.subject, subjects)
                ):
                    continue  # `_accept` would turn every match down
                if rule.negation == "require":
                    if negated < 0:
                        # any(), not `True in`: a truth test per flag, not a generic comparison.
                        negated = 1 if any(se.neg) or any(se.negb) else 0
                    if not negated:
                        continue  # likewise
                # A required element before the anchor must occur before it, one after it after
                # it: the anchor sits at jlo <= j < jhi, jlo past the first token of every bit of
                # `before`, jhi at the last token of every bit of `after` (byte tests).
                jlo = 0
                for x in range(0, len(before), 2):
                    byte, mask = before[x], before[x + 1]
                    k = 0
                    while k < n and not tcb[k][byte] & mask:
                        k += 1
                    if k + 1 > jlo:
                        jlo = k + 1
                jhi = n
                for x in range(0, len(after), 2):
                    byte, mask = after[x], after[x + 1]
                    k = n - 1
                    while k >= 0 and not tcb[k][byte] & mask:
                        k -= 1
                    if k < jhi:
                        jhi = k
                if jlo >= jhi:
                    continue  # `match_at` would find nothing anywhere
                view.block = block
                encoded = pattern.has_content
                skip = False
            if skip or j < jlo or j >= jhi:
                continue  # `match_at` would find nothing
            # Methods called directly, not through local aliases: compiled, an alias is a
            # generic Python call (boxed arguments) instead of a direct C call.
            enc = pattern.match_at(view, j, True)  # j holds one of its triggers
            if enc is None:
                continue
            if encoded:
                got, content = decode(enc)
            else:
                got, content = enc, []
            # Positions come in increasing order (elements match left to right).
            lo, hi = got[0], got[-1]
            if not self._accept(rule, se, got, content, j, doc, lo, hi):
                continue
            out.append(Raw(rule, si, lo, hi, (clause[lo], clause[hi]), tuple(got)))
        view.block = False

    def _accept(
        self,
        rule: Rule,
        se: Sentence,
        got: list[int],
        content: list[int],
        anchor: int,
        doc: Sequence[Sentence],
        lo: int,
        hi: int,
    ) -> bool:
        """`lo` and `hi` are min(got) and max(got)."""
        if rule.question is not None and rule.question != se.question:
            return False
        if rule.subject is not None:
            # The anchor's clause decides; a match that runs on into the next clause ("elke
            # keer als ik iets vertel, | pak je...") may take its subject from there.
            subj = se.clause_subject
            clause = se.view.clause
            want = rule.subject
            if (
                subj[clause[anchor]] not in want
                and subj[clause[lo]] not in want
                and subj[clause[hi]] not in want
            ):
                return False
        # Loops over the matched positions, not `True in list` first: compiled, that is a
        # generic comparison per element of the whole sentence.
        if not rule.quoted:
            quoted = se.quoted
            for q in got:
                if quoted[q]:
                    return False
        meta = se.meta
        for q in got:
            if meta[q]:
                return False
        # Negation is about the content words (lexicon matches) where the pattern has them,
        # otherwise about every matched word except the negation itself.
        if rule.negation == "block" or rule.negation == "require":
            neg = se.neg
            negb = se.negb
            pre = self.s.neg_pre
            toks = se.toks
            negated = False
            if content:
                for q in content:
                    if neg[q] and toks[q].form not in pre:
                        negated = True
                        break
            else:
                # Punctuation is never negated itself ("dat was niet oké, sorry").
                for q in got:
                    if (neg[q] or negb[q]) and toks[q].word and toks[q].form not in pre:
                        negated = True
                        break
            if rule.negation == "block" and negated:
                return False
            if rule.negation == "require" and not negated:
                return False
        if rule.unless and rule.unless_scope == "text":
            # The whole message: "ik ben er klaar mee. Welterusten." closes the conversation.
            unless = self._unless_bytes[rule.id]
            for other in doc or (se,):
                block = other.view.block
                have = other.view.cb
                try:
                    for p, need, single in unless:
                        if not _has_bits(have, need):
                            continue  # `search` would find nothing
                        other.view.block = single
                        # `need` covers what `search` checks first (see `Pattern.scan`).
                        if p.scan(other.view, 0, other.view.n) is not None:
                            return False
                finally:
                    other.view.block = block
            return True
        if rule.unless:
            clause = se.view.clause
            if rule.unless_scope == "sentence":
                lo, hi = 0, se.view.n
            else:
                # "clause": the clause before and after count too ("ik kan me voorstellen | dat
                # je..."); "own": only the clauses the match is in.
                wide = 0 if rule.unless_scope == "own" else 1
                c0, c1 = clause[lo] - wide, clause[hi]
                while lo > 0 and clause[lo - 1] >= c0:
                    lo -= 1
                hi += 1
                # The clause right after counts too: "je moet weten | dat ik van je hou".
                while hi < se.view.n and clause[hi] <= c1 + wide:
                    hi += 1
            block = se.view.block
            have = se.view.cb
            try:
                for p, need, single in self._unless_bytes[rule.id]:
                    if not _has_bits(have, need):
                        continue  # `search` would find nothing
                    # A bare word-list exclusion ("@positive") is not met by a negated word:
                    # "je bent nooit eerlijk" is no praise.
                    se.view.block = single
                    if p.scan(se.view, lo, hi) is not None:
                        return False
            finally:
                se.view.block = block
        return True

    @staticmethod
    def _resolve(raws: list[Raw], role: str, dedupe: bool = True) -> list[Raw]:
        # Rules that only count next to another finding ("ik vind dat" + a judgement).
        plain = [r for r in raws if not r.rule.requires]
        kept = list(plain)
        for r in raws:
            if r.rule.requires and any(
                o.sent == r.sent and o.rule.category_for(role) in r.rule.requires for o in plain
            ):
                kept.append(r)
        # Suppression: a finding can cancel weaker readings of the same words or the clause
        # right after it ("ik merk dat je niet..." is an observation, not a reproach).
        dropped: set[int] = set()
        for a in kept:
            if not a.rule.suppress:
                continue
            for bi, b in enumerate(kept):
                if b is a or b.sent != a.sent:
                    continue
                if (
                    b.rule.id not in a.rule.suppress
                    and b.rule.category_for(role) not in a.rule.suppress
                ):
                    continue
                scope = a.rule.suppress_scope
                overlaps = b.first <= a.last and a.first <= b.last
                after = b.first >= a.first and b.clauses[0] <= a.clauses[1] + 1
                if overlaps or scope == "sentence" or (scope == "next" and after):
                    dropped.add(bi)
        kept = [r for i, r in enumerate(kept) if i not in dropped]
        if not dedupe:
            return kept
        # One finding per category per stretch of words: keep the longest.
        kept.sort(key=lambda r: (r.sent, r.first, -(r.last - r.first), -r.rule.weight))
        out: list[Raw] = []
        for r in kept:
            cat = r.rule.category_for(role)
            if any(
                o.sent == r.sent
                and o.rule.category_for(role) == cat
                and o.first <= r.last
                and r.first <= o.last
                for o in out
            ):
                continue
            out.append(r)
        return out

    # -- public ----------------------------------------------------------------------------

    def fired(self, text: str, role: Role = "speaker") -> set[str]:
        """Ids of every rule that matched, before findings of one category are merged.
        For tests and rule authors: the rule examples are checked against this."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        folded = fold(text)
        sentences = [self._sentence(toks) for toks in self._tokens(folded.text)]
        self._quotes(sentences)
        raws: list[Raw] = []
        for si, se in enumerate(sentences):
            self._match_sentence(si, se, role, raws, sentences)
        return {r.rule.id for r in self._resolve(raws, role, dedupe=False)}

    def analyze(self, text: str, role: Role = "speaker", expect: Sequence[str] = ()) -> Analysis:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
        if isinstance(expect, str):
            expect = (expect,)
        expected = tuple(expect)
        for c in expected:
            if c not in CATEGORIES:
                raise ValueError(f"unknown category {c!r}")
        if not isinstance(text, str):
            # Compiled (api/native.py), a non-str is refused on the way in, also with TypeError.
            raise TypeError("text must be a str")
        folded = fold(text)
        sentences = [self._sentence(toks) for toks in self._tokens(folded.text)]
        # Quote marks are single-character tokens, so a text without any needs no pairing.
        if not _QUOTE_SET.isdisjoint(folded.text) and any(
            not t.word and t.form in QUOTE_CHARS for se in sentences for t in se.toks
        ):
            self._quotes(sentences)
        raws: list[Raw] = []
        for si, se in enumerate(sentences):
            self._match_sentence(si, se, role, raws, sentences)
        resolved = self._resolve(raws, role)
        findings = [self._finding(r, sentences, folded, text, role) for r in resolved]
        if self.cues is not None:
            findings = self.cues.extend(text, role, folded, sentences, findings)
        findings.sort(key=lambda f: (f.start, f.end))
        return self._analysis(text, role, findings, expected, resolved)

    def _finding(
        self, r: Raw, sentences: list[Sentence], folded: Folded, text: str, role: str
    ) -> Finding:
        se = sentences[r.sent]
        start, end = folded.span(se.toks[r.first].start, se.toks[r.last].end)
        cat = r.rule.category_for(role)
        suggestion = None
        if r.rule.suggestion:
            s0, s1 = folded.span(se.toks[0].start, se.toks[-1].end)
            clause = se.view.clause
            last = r.last
            while last + 1 < len(se.toks) and clause[last + 1] == clause[r.last]:
                last += 1
            feeling = next(
                (
                    self.s.feeling_hints[k]
                    for p in range(r.first, last + 1)
                    for k in se.toks[p].keys
                    if k in self.s.feeling_hints
                ),
                "…",
            )
            suggestion = _render(
                r.rule.suggestion,
                {"match": text[start:end], "sentence": text[s0:s1].strip(), "feeling": feeling},
            )
        category = CATEGORIES[cat]
        rule = r.rule
        # Positional arguments: noticeably cheaper than keywords for a frozen dataclass.
        return Finding(
            rule.id,  # rule_id
            cat,  # category
            category.polarity,
            start,
            end,
            text[start:end],  # text
            category.label,  # label
            rule.message,
            rule.tip,
            suggestion,
        )

    def _analysis(
        self,
        text: str,
        role: Role,
        findings: list[Finding],
        expected: tuple[str, ...],
        raws: list[Raw],
    ) -> Analysis:
        cats = frozenset(f.category for f in findings)
        unsafe = [f for f in findings if f.polarity == "unsafe"]
        verdict: Verdict = "unsafe" if unsafe else ("safe" if findings else "almost")
        weights = {r.rule.id: r.rule.weight for r in raws}
        summaries = self.s.summaries
        suggestion: str | None = None
        if unsafe:
            # A tentative cue finding names the main problem only when no rule found one.
            sure = [f for f in unsafe if not f.tentative] or unsafe
            main = max(sure, key=lambda f: (weights.get(f.rule_id, 1.0), -f.start))
            # str.format per call is costly; the labels are few (one per category).
            summary = self._unsafe_summary.get(main.label)
            if summary is None:
                summary = summaries.get("unsafe", "").format(label=main.label.lower())
                if len(self._unsafe_summary) < 1000:
                    self._unsafe_summary[main.label] = summary
            ranked = sorted(unsafe, key=lambda f: (-weights.get(f.rule_id, 1.0), f.start))
            suggestion = next((f.suggestion for f in ranked if f.suggestion), None)
        elif findings:
            sure = [f for f in findings if not f.tentative] or findings
            main = max(sure, key=lambda f: weights.get(f.rule_id, 1.0))
            summary = summaries.get(f"safe_{main.category}", summaries.get("safe", ""))
        else:
            summary = summaries.get(f"almost_{role}", summaries.get("almost", ""))
            suggestion = summaries.get(f"scaffold_{role}") or None
        missing = tuple(c for c in expected if c not in cats)
        # Positional, in field order (verdict, role, findings, expected, missing, summary,
        # suggestion, categories): cheaper than keywords for a frozen dataclass.
        return Analysis(
            verdict, role, tuple(findings), expected, missing, summary, suggestion, cats
        )


# Connectors that only open a clause when a subject follows ("sinds we samenwonen"), not as a
# preposition or pronoun ("sinds de zomer", "dank je dat je dat zegt").
_SPLIT_IF_SUBJECT = frozenset({"dat", "sinds", "als", "toen", "zoals"})
# A one-word quote next to these is someone's reported word ("dat je 'nooit' zegt").
_SPEECH_VERBS = frozenset({"zeggen", "noemen", "roepen", "schreeuwen", "vragen", "antwoorden"})
_SUBJECTISH = frozenset(
    [
        "ik",
        "je",
        "jij",
        "u",
        "ge",
        "gij",
        "jy",
        "we",
        "wij",
        "ze",
        "zij",
        "hij",
        "het",
        "dat",
        "die",
        "er",
        "men",
        "jullie",
        "mijn",
        "jouw",
        "zijn",
        "haar",
        "onze",
        "mensen",
        "iedereen",
        "niemand",
        "we",
    ]
)
_COORDINATORS = frozenset({"en", "maar", "of"})
_DETERMINERS = frozenset(
    {"de", "het", "een", "die", "dat", "dit", "deze", "mijn", "zijn", "haar", "onze", "ons", "hun"}
)
_DEMONSTRATIVE = frozenset({"dat", "dit", "het", "die", "daar", "hier", "zoiets"})
_PREPOSITIONS = frozenset(
    {"voor", "met", "aan", "van", "bij", "op", "tegen", "naar", "over", "om", "door", "zonder"}
)
_POSSESSIVE = frozenset({"mijn", "zijn", "haar", "onze", "ons", "hun"})
_STRONG = frozenset({"ik", "jij", "gij", "wij", "we", "zij", "hij", "jullie", "u", "je"})


def _drop_asides(toks: list[Tok]) -> list[Tok]:
    """Short asides in brackets ("mijn vriend (29M) heeft…", "ik (31V) merk…") are left out,
    so they do not split the clause they interrupt."""
    out: list[Tok] = []
    j = 0
    n = len(toks)
    while j < n:
        if toks[j].form == "(":
            k = j + 1
            while k < n and k - j <= 4 and toks[k].form != ")":
                k += 1
            if k < n and toks[k].form == ")" and k - j <= 4:
                j = k + 1
                continue
        out.append(toks[j])
        j += 1
    return out


def _clause_subject(words: list[str], pron: dict[str, str]) -> str:
    if not words:
        return "none"
    first = words[0]
    if first in _DEMONSTRATIVE:
        # "Dat heb ik nooit gezegd": object first, subject after the verb.
        if len(words) > 2 and words[2] in _STRONG and words[2] != "je" and words[2] in pron:
            return pron[words[2]]
        return "other"
    who = pron.get(first)
    if who is not None:
        return who
    # Inversion after an adverb or question word: "Nooit luister je", "Waarom doe je zo?"
    for w in words[1:4]:
        who = pron.get(w)
        if who is not None and w not in _POSSESSIVE:
            return who
    # After a longer fronted phrase: "Sinds de geboorte van onze dochter voel ik me…".
    for i in range(1, min(len(words), 8)):
        w = words[i]
        if w in _STRONG and w != "je" and words[i - 1] not in _PREPOSITIONS:
            return pron.get(w, "none")
    return "none"


_VOWELS = frozenset("aeiou")
_VOICE = {"f": "v", "s": "z"}


def _looks_imperative(w: str, lemma: str) -> bool:
    """A verb stem as used for orders: "leg" (leggen), "geef" (geven), "praat" (praten)."""
    if len(w) < 2 or lemma == w or not lemma.endswith("n") or not w.isalpha():
        return False
    if lemma.startswith(w) and len(lemma) - len(w) <= 3:
        return True
    stems = []
    if w[-1] in _VOICE:
        stems.append(w[:-1] + _VOICE[w[-1]])
    if len(w) >= 3 and w[-2] in _VOWELS and w[-2] == w[-3]:
        stems.append(w[:-2] + w[-1])  # "praat" -> "prat" (praten)
        if w[-1] in _VOICE:
            stems.append(w[:-2] + _VOICE[w[-1]])  # "lees" -> "lez" (lezen)
    return any(lemma.startswith(st) and len(lemma) - len(st) <= 3 for st in stems)


_RHET = frozenset({"?", "!"})
_PP_PREFIXES = ("ge", "be", "ver", "ont", "her", "er")


def _looks_participle(w: str, lemma: str) -> bool:
    """A past participle: "besteld", "gegamed", "uitgegeven", "vergokt"."""
    if len(w) < 5 or lemma == w or not lemma.endswith("n") or not w.isalpha():
        return False
    if not (w.endswith(("d", "t")) or w.endswith("en")):
        return False
    return w.startswith(_PP_PREFIXES) or "ge" in w[2:6]


def _sides(p: Pattern) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """Key sets of the required word elements before and after the anchor (see `required`)."""
    before: list[frozenset[str]] = []
    after: list[frozenset[str]] = []
    for k, e in enumerate(p.elements):
        if k != p.anchor and e.kind == WORD and not e.optional and not e.negated:
            (before if k < p.anchor else after).append(frozenset(e.index_keys()))
    return before, after


def _one_bit_pairs(bits: int) -> tuple[int, ...]:
    """Condition bits as flat (byte, mask) pairs with one bit in each mask."""
    out: list[int] = []
    b = 0
    while bits:
        if bits & 1:
            out.append(b >> 3)
            out.append(1 << (b & 7))
        bits >>= 1
        b += 1
    return tuple(out)


def _has_bits(cb: bytes, pairs: tuple[int, ...]) -> bool:
    """Whether the condition bytes `cb` have every bit of the flat (byte, mask) `pairs`."""
    for k in range(0, len(pairs), 2):
        mask = pairs[k + 1]
        if cb[pairs[k]] & mask != mask:
            return False
    return True


def _trigger_positions(p: Pattern, view: SentView) -> list[int]:
    """Where p's triggers are (the caller has checked the sentence can match it at all)."""
    tcb = view.tcb
    if p.tmask >= 0 and tcb:
        tb, tm = p.tbyte, p.tmask
        return [j for j in range(view.n) if tcb[j][tb] & tm]
    trig = p.triggers()
    return [j for j in range(view.n) if not trig.isdisjoint(view.keys[j])]


def _meets(want: frozenset[str], subjects: list[str]) -> bool:
    """Whether a clause subject is wanted: a loop over the few clauses, not a set built per
    sentence and a generic `isdisjoint` call per rule (compiled)."""
    for x in subjects:  # noqa: SIM110
        if x in want:
            return True
    return False


class _SafeDict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


# Suggestion templates split once into (literal, field name) pairs; None where the template
# needs `str.format_map` itself (format specs, conversions, field attributes, bad syntax).
# Keyed on the rules' templates only, so it stays as small as the rule set.
_TEMPLATES: dict[str, tuple[tuple[str, str | None], ...] | None] = {}


def _parse_template(template: str) -> tuple[tuple[str, str | None], ...] | None:
    try:
        parts = tuple(_FORMATTER.parse(template))
    except ValueError:
        return None
    out: list[tuple[str, str | None]] = []
    for literal, name, spec, conv in parts:
        if name is not None and (spec or conv or not name.isidentifier()):
            return None
        out.append((literal, name))
    return tuple(out)


def _render(template: str, values: dict[str, str]) -> str:
    if template in _TEMPLATES:
        parsed = _TEMPLATES[template]
    else:
        parsed = _parse_template(template)
        if len(_TEMPLATES) < 10_000:
            _TEMPLATES[template] = parsed
    if parsed is None:
        return template.format_map(_SafeDict(values)).replace("….", "…")
    # What format_map with `_SafeDict` gives: every value is a str, a missing field is "…".
    out: list[str] = []
    for literal, name in parsed:
        out.append(literal)
        if name is not None:
            out.append(values.get(name, "…"))
    return "".join(out).replace("….", "…")


def template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}
