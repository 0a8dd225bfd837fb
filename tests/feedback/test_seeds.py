"""The seed phrases from the product brief and the seed texts, as a table.

Each row: text, role, expected verdict, categories that must be found, categories that must not.
"""

from __future__ import annotations

import pytest

from api.feedback import analyze

S, L = "speaker", "listener"

SEEDS: list[tuple[str, str, str, set[str], set[str]]] = [
    ("Je luistert ook nooit!", S, "unsafe", {"absolute_language", "accusation"}, set()),
    ("Ik voelde me niet gehoord", S, "safe", {"feeling"}, set()),
    ("Je bent er nooit!", S, "unsafe", {"absolute_language", "accusation"}, set()),
    ("Ik had je nodig en voelde me alleen", S, "safe", {"need", "feeling"}, set()),
    ("Je negeert me altijd!", S, "unsafe", {"absolute_language", "accusation"}, set()),
    (
        "Ik merk dat je stil bent. Ik voel me onzeker en wil graag weten wat er speelt.",
        S,
        "safe",
        {"observation", "feeling"},
        set(),
    ),
    ("Je bent lui.", S, "unsafe", {"character_attack"}, set()),
    (
        "Ik raak gefrustreerd omdat ik bang ben alles alleen te moeten doen. "
        "Kunnen we samen kijken hoe het lichter kan?",
        S,
        "safe",
        {"feeling", "collaboration"},
        set(),
    ),
    ("Ik ben boos.", S, "safe", {"feeling"}, set()),
    (
        "Ik voel me bij je buitengesloten en dat doet me pijn en verdriet.",
        S,
        "safe",
        {"feeling"},
        set(),
    ),
    ("Vertel me wat dat met je deed. Ik wil het begrijpen.", L, "safe", {"curiosity"}, set()),
    ("Stel je niet aan.", L, "unsafe", {"dismissal"}, set()),
    ("Ik zie dat het je echt raakt. Vertel eens.", L, "safe", {"validation", "curiosity"}, set()),
    ("Dat valt toch wel mee?", L, "unsafe", {"dismissal"}, set()),
    ("Ik ben gewoon druk.", L, "unsafe", {"defensiveness"}, set()),
    (
        "Dank je dat je dat tegen me zegt… wanneer merk je dat vooral?",
        L,
        "safe",
        {"appreciation", "curiosity"},
        set(),
    ),
    ("Ik wil begrijpen wat je mist.", L, "safe", {"curiosity"}, set()),
    ("Wat je zegt raakt me.", L, "safe", {"feeling"}, set()),
    ("Ik merk dat ik me terugtrek.", L, "safe", {"responsibility"}, set()),
    ("Laten we even vertragen.", S, "safe", {"regulation"}, {"collaboration"}),
    ("Je koopt nooit bloemen voor me.", S, "unsafe", {"absolute_language", "accusation"}, set()),
    ("Je bekritiseert me altijd.", S, "unsafe", {"absolute_language", "accusation"}, set()),
    ("Als je zo over me denkt, stop ik ermee.", S, "unsafe", {"threat"}, set()),
    ("Ja hoor, alsof jij ooit iets plant.", S, "unsafe", {"contempt"}, set()),
    ("Laat me met rust.", S, "unsafe", {"stonewalling"}, set()),
    ("Vorig jaar deed je precies hetzelfde.", S, "unsafe", {"past_raking"}, set()),
    ("Ik vind dat jij egoïstisch bent.", S, "unsafe", {"pseudo_ik"}, set()),
    ("Je moet gewoon beter luisteren.", S, "unsafe", {"command"}, set()),
    ("Wat speelt er bij je?", L, "safe", {"curiosity"}, set()),
    ("Kunnen we samen kijken hoe het lichter kan?", S, "safe", {"collaboration"}, set()),
    ("Ik sta klaar voor je.", L, "safe", {"reassurance"}, set()),
    ("Ja, ik sta klaar voor je.", L, "safe", {"reassurance"}, set()),
    ("Sta je klaar voor mij? Doe ik ertoe voor jou?", S, "safe", {"need"}, set()),
    ("Waarom praat je zo weinig? Heb je me niets te zeggen?", S, "unsafe", {"accusation"}, set()),
    ("Ik red het zelf wel", S, "unsafe", {"stonewalling"}, set()),
    ("maak je geen zorgen", L, "unsafe", {"dismissal"}, set()),
    (
        "Ik merk dat dit me raakt. Laten we even vertragen.",
        S,
        "safe",
        {"feeling", "regulation"},
        set(),
    ),
]


@pytest.mark.parametrize(
    ("text", "role", "verdict", "must", "must_not"), SEEDS, ids=[s[0][:40] for s in SEEDS]
)
def test_seed_phrase(
    text: str, role: str, verdict: str, must: set[str], must_not: set[str]
) -> None:
    a = analyze(text, role)  # type: ignore[arg-type]
    assert a.verdict == verdict, [(f.rule_id, f.text) for f in a.findings]
    assert must <= a.categories, a.categories
    assert not (must_not & a.categories), a.categories
