"""Text preparation for the safety matcher: normalise, tokenise, find sentences, clauses and quotes.

Everything keeps character offsets into the text exactly as submitted, so signals can point at
the words that triggered them. The work is linear in the length of the text: every scan below
moves forward only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Attribution = Literal["none", "self", "other"]

_QUOTE_CHARS_RE = re.compile(r"[„“”\"«»‹›‘’']")
# Longest quote we pair up; beyond this an unmatched opening mark is taken as a stray character.
_MAX_QUOTE = 400
# Closing marks per opening mark.
_CLOSERS: dict[str, str] = {
    "„": '”“"',
    "“": '”"',
    "”": '”"',
    '"': '"”“',
    "«": "»",
    "»": "«",
    "‹": "›",
    "‘": "’'",
    "'": "'’",
    "’": "’'",
}
_APOSTROPHES = "'’‘"
# "'k", "'t", "'n", "'s", "'m", "'r": informal clitics, not quotes.
_CLITICS = frozenset("ktnsmr")

# Words that report speech or thought; they attribute a neighbouring quote to someone.
SPEECH_WORDS: frozenset[str] = frozenset(
    [
        "zei",
        "zegt",
        "zeg",
        "zeggen",
        "zeiden",
        "gezegd",
        "riep",
        "roept",
        "riepen",
        "geroepen",
        "schreeuwde",
        "schreeuwt",
        "schreeuwden",
        "geschreeuwd",
        "brulde",
        "brult",
        "gilde",
        "gilt",
        "dreigde",
        "dreigt",
        "gedreigd",
        "appte",
        "appt",
        "geappt",
        "smste",
        "sms'te",
        "stuurde",
        "stuurt",
        "gestuurd",
        "schreef",
        "schrijft",
        "geschreven",
        "fluisterde",
        "fluistert",
        "siste",
        "sist",
        "snauwde",
        "snauwt",
        "snauwen",
        "vroeg",
        "vraagt",
        "antwoordde",
        "antwoordt",
        "dacht",
        "denk",
        "denkt",
        "gedacht",
        "tierde",
        "tiert",
        "krijste",
        "zegde",
        "van",
    ]
)
FIRST_PERSON: frozenset[str] = frozenset({"ik", "k", "'k", "ikke", "ekke"})


class _FoldTable(dict[int, str]):
    """str.translate table that lowercases and strips accents, one character for one.

    Keeping the length means offsets in the folded text are offsets in the submitted text.
    Built lazily; capped so that exotic input cannot grow it without bound.
    """

    def __missing__(self, key: int) -> str:
        char = chr(key)
        decomposed = unicodedata.normalize("NFKD", char)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        # Empty (a lone combining mark) or several characters (ß, ligatures): keep one
        # character so the length is preserved. A lone mark stays itself and splits no word.
        value = folded[0] if folded else char
        if len(self) < 4096:
            self[key] = value
        return value


_FOLD = _FoldTable()


def fold(text: str) -> tuple[str, list[int] | None]:
    """Lowercase and strip accents.

    Returns the folded text and, only when its length differs from the input (decomposed
    accents), a map from folded index to submitted index.
    """
    if text.isascii():
        return text.lower(), None
    if unicodedata.is_normalized("NFC", text):
        return text.translate(_FOLD), None
    # Decomposed input ("e" + combining acute): drop the marks and remember where each folded
    # character came from.
    out: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        if unicodedata.combining(char):
            continue
        out.append(char.translate(_FOLD))
        index.append(i)
    index.append(len(text))
    return "".join(out), index


@dataclass(slots=True)
class Quote:
    start: int  # folded offset of the opening mark
    end: int  # folded offset just after the closing mark
    attribution: Attribution = "none"


def find_quotes(norm: str) -> list[Quote]:
    """Pair quotation marks left to right in one pass."""
    quotes: list[Quote] = []
    n = len(norm)
    open_char = ""
    open_at = -1
    for m in _QUOTE_CHARS_RE.finditer(norm):
        i = m.start()
        c = norm[i]
        prev = norm[i - 1] if i > 0 else " "
        nxt = norm[i + 1] if i + 1 < n else " "
        if open_char and i - open_at > _MAX_QUOTE:
            open_char = ""
        if open_char:
            if c in _CLOSERS[open_char] and _can_close(c, prev, nxt):
                quotes.append(Quote(open_at, i + 1))
                open_char = ""
            continue
        if c in _CLOSERS and _can_open(c, prev, nxt, norm, i):
            open_char = c
            open_at = i
    return quotes


def _can_open(c: str, prev: str, nxt: str, norm: str, i: int) -> bool:
    if nxt.isspace():
        return False
    if c in _APOSTROPHES:
        if prev.isalnum():
            return False  # "m'n", "da's"
        after = norm[i + 2] if i + 2 < len(norm) else " "
        if nxt in _CLITICS and not after.isalnum():
            return False  # "'k wil", "'t is"
    return True


def _can_close(c: str, prev: str, nxt: str) -> bool:
    if prev.isspace():
        return False
    return not (c in _APOSTROPHES and nxt.isalnum())


@dataclass(slots=True)
class Prepared:
    """A text ready for matching. Token data lives in parallel lists for speed."""

    text: str
    norm: str
    tokens: list[str]
    starts: list[int]  # submitted offsets
    ends: list[int]
    sentence: list[int]
    clause: list[int]
    quote: list[int]  # index into quotes, or -1
    quotes: list[Quote]


# One pass over the folded text, in order:
# - words (an apostrophe may join parts: "m'n", "z'n", "da's");
# - sentence ends; a newline ends a sentence too, people type one thought per line on a phone;
# - clause ends, which keep a negation in its own clause ("hij slaat me, niet normaal").
_SCAN_RE = re.compile(r"(?P<w>[^\W_]+(?:['’][^\W_]+)*)|(?P<s>[.!?;\n…]+)|(?P<c>[,:()\[\]–—]+| - )")


def prepare(text: str) -> Prepared:
    norm, index = fold(text)
    tokens: list[str] = []
    nstarts: list[int] = []
    nends: list[int] = []
    sentence: list[int] = []
    clause: list[int] = []
    sid = cid = 0
    for m in _SCAN_RE.finditer(norm):
        kind = m.lastgroup
        if kind == "w":
            tok = m.group()
            if "’" in tok:
                tok = tok.replace("’", "'")
            tokens.append(tok)
            nstarts.append(m.start())
            nends.append(m.end())
            sentence.append(sid)
            clause.append(cid)
        elif kind == "s":
            sid += 1
            cid += 1
        else:
            cid += 1
    if index is None:
        starts, ends = nstarts, nends
    else:
        starts = [index[s] for s in nstarts]
        ends = [index[e - 1] + 1 for e in nends]

    quotes = find_quotes(norm) if _QUOTE_CHARS_RE.search(norm) else []
    quote = [-1] * len(tokens)
    if quotes:
        q = 0
        for t, s in enumerate(nstarts):
            while q < len(quotes) and quotes[q].end <= s:
                q += 1
            if q < len(quotes) and quotes[q].start < s:
                quote[t] = q
        _attribute(quotes, tokens, nstarts)
    return Prepared(text, norm, tokens, starts, ends, sentence, clause, quote, quotes)


def _attribute(quotes: list[Quote], tokens: list[str], nstarts: list[int]) -> None:
    """Mark who a quote is attributed to: a speech verb just before or just after it.

    "Hij zei: 'ik maak je af'" and "'ik maak je af', riep ze" are attributed to someone else;
    "ik dacht: 'ik wil dood'" to the writer; a bare quote to nobody.
    """
    t = 0
    for q in quotes:
        while t < len(tokens) and nstarts[t] < q.start:
            t += 1
        before = tokens[max(0, t - 4) : t]
        after_start = t
        while after_start < len(tokens) and nstarts[after_start] < q.end:
            after_start += 1
        after = tokens[after_start : after_start + 3]
        for window in (before, after):
            if any(w in SPEECH_WORDS for w in window):
                q.attribution = "self" if any(w in FIRST_PERSON for w in window) else "other"
                break
