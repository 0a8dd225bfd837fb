"""Behaviour of check(): levels, quotes, offsets, messages, helplines, speed."""

from __future__ import annotations

import time

import pytest

from api.safety import check, helplines, signals


def test_nothing_for_empty_or_plain_text() -> None:
    assert check("") is None
    assert check("   ") is None
    assert check("Ik voelde me niet gehoord.") is None


@pytest.mark.parametrize(
    ("text", "level", "kind"),
    [
        ("ik denk aan zelfmoord", "crisis", "suicide"),
        ("ik denk niet aan zelfmoord", "concern", "suicide"),
        ("vroeger dacht ik weleens aan zelfmoord", "concern", "suicide"),
        ("vroeger dacht ik aan zelfmoord en nu weer", "crisis", "suicide"),
        ("hij slaat me", "crisis", "partner_violence"),
        ("hij heeft me nooit geslagen", "concern", "partner_violence"),
        ("hij leest al mijn berichten", "concern", "coercion"),
        ("ze sluit me op", "crisis", "coercion"),
        ("ik ben bang voor hem", "crisis", "fear_of_partner"),
        ("ik ben bang voor zijn woede", "concern", "fear_of_partner"),
        ("ik ben bang dat hij de kinderen iets aandoet", "crisis", "child_danger"),
        ("ik vermoord je", "concern", "partner_violence"),
    ],
)
def test_levels(text: str, level: str, kind: str) -> None:
    result = check(text)
    assert result is not None
    assert result.level == level
    assert kind in result.kinds


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # `meer$` only matches at the end of a clause (trailing fillers like "hoor" allowed).
        ("ik kan niet meer", "concern"),
        ("ik kan niet meer, ik ben op", "concern"),
        ("ik kan echt niet meer hoor", "concern"),
        ("ik kan niet meer wachten tot de vakantie", None),
        ("ik kan niet meer slapen sinds de baby er is", None),
        ("ik kan niet meer haha", None),
        ('hij zei "ik kan niet meer" en liep weg', "concern"),
    ],
)
def test_clause_final_terms(text: str, level: str | None) -> None:
    result = check(text)
    assert (result.level if result else None) == level


def test_quotes_attributed_to_someone_else_are_disclosures() -> None:
    r = check('Hij zei: "ik maak je af"')
    assert r is not None
    assert r.level == "crisis"
    assert "partner_violence" in r.kinds
    r = check("„Ik sla je helemaal in elkaar”, riep hij.")
    assert r is not None
    assert r.level == "crisis"


def test_bare_quotes_are_at_most_concern() -> None:
    r = check('"ik wil dood"')
    assert r is not None
    assert r.level == "concern"
    assert check("Toen je zei 'je bent lui', deed dat pijn") is None


def test_apostrophes_are_not_quotes() -> None:
    r = check("'k wil dood")
    assert r is not None
    assert r.level == "crisis"
    r = check("m'n vent slaat me")
    assert r is not None
    assert r.level == "crisis"


def test_offsets_point_into_the_submitted_text() -> None:
    text = "Sorry. Hij heeft me gisteren weer GESLAGEN!"
    result = check(text)
    assert result is not None
    sig = result.signals[0]
    assert text[sig.start : sig.end] == "Hij heeft me gisteren weer GESLAGEN"


def test_offsets_survive_decomposed_accents() -> None:
    text = "Ik ben sui\u0308cidaal"
    (sig,) = signals(text)
    assert text[sig.start : sig.end] == "sui\u0308cidaal"


def test_accents_and_case_do_not_matter() -> None:
    for text in ("ik ben suïcidaal", "IK BEN SUICIDAAL", "ik wil mijn leven beëindigen"):
        r = check(text)
        assert r is not None
        assert r.level == "crisis"


def test_message_and_helplines_for_suicide_nl() -> None:
    r = check("ik wil er niet meer zijn", region="NL")
    assert r is not None
    assert "113" in r.message
    assert "1813" not in r.message
    ids = [h.id for h in r.helplines]
    assert ids[0] == "nl_113"
    assert "nl_112" in ids
    assert all(h.region == "NL" for h in r.helplines)


def test_message_and_helplines_for_violence_be() -> None:
    r = check("mijne vent slaat mij", region="BE")
    assert r is not None
    assert "1712" in r.message
    assert "geweld of dwang" in r.message
    ids = [h.id for h in r.helplines]
    assert ids[0] == "be_1712"
    assert "be_112" in ids


def test_unknown_region_lists_nl_then_be() -> None:
    r = check("ik wil dood")
    assert r is not None
    regions = [h.region for h in r.helplines]
    assert regions == sorted(regions, key=lambda x: x != "NL")
    assert "NL" in regions
    assert "BE" in regions
    assert "113" in r.message
    assert "1813" in r.message


def test_concern_has_no_emergency_number_and_asks_how_they_are() -> None:
    r = check("hij leest al mijn berichten")
    assert r is not None
    assert r.level == "concern"
    assert "Gaat het met je?" in r.message
    assert not any(h.emergency for h in r.helplines)


def test_several_kinds_suicide_message_wins_and_lines_merge() -> None:
    r = check("hij slaat me en ik wil dood", region="NL")
    assert r is not None
    assert r.kinds[:2] == ("suicide", "partner_violence")
    ids = [h.id for h in r.helplines]
    assert ids.index("nl_113") < ids.index("nl_veilig_thuis")


def test_helplines_function() -> None:
    assert [h.region for h in helplines("NL")] == ["NL"] * len(helplines("NL"))
    both = helplines()
    assert {h.id for h in both} >= {"nl_113", "nl_veilig_thuis", "be_1813", "be_1712", "be_112"}
    assert both[0].region == "NL"
    for h in both:
        assert h.purpose
        assert h.hours
    with pytest.raises(ValueError, match="region"):
        helplines("DE")


def _per_call(text: str, n: int, rounds: int = 5) -> float:
    """Best of several rounds: other processes on a busy machine only ever add time."""
    check(text)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            check(text)
        best = min(best, (time.perf_counter() - start) / n)
    return best


def test_typical_sentence_is_fast() -> None:
    text = "Ik voel me echt niet gehoord als jij altijd op je telefoon zit terwijl ik iets vertel"
    assert len(text.split()) >= 16
    # The budget is 100 µs; allow slow CI machines some room but catch regressions.
    assert _per_call(text, 500) < 250e-6


@pytest.mark.parametrize(
    "unit",
    ["hij slaat me niet ", "a", "'x' ", "ik wil dood " * 2, "zelfmoordd ", "„ ", "niet "],
)
def test_adversarial_input_stays_linear(unit: str) -> None:
    short = (unit * 1000)[:250]
    long = (unit * 1000)[:1000]
    t_short = _per_call(short, 10)
    t_long = _per_call(long, 10)
    assert t_long < 20e-3
    # Four times the text may cost at most about four times as much (plus noise).
    assert t_long < 8 * t_short + 1e-3
