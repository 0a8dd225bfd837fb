"""Negation, quotes, questions, word order, pseudo-ik, roles, spelling: the hard cases."""

from __future__ import annotations

import pytest

from api.feedback import analyze


def cats(text: str, role: str = "speaker") -> frozenset[str]:
    return analyze(text, role).categories  # type: ignore[arg-type]


def verdict(text: str, role: str = "speaker") -> str:
    return analyze(text, role).verdict  # type: ignore[arg-type]


# -- negation -------------------------------------------------------------------------------


def test_meta_negation_cancels_the_absolute_and_the_reproach() -> None:
    assert "absolute_language" not in cats("Ik zeg niet dat je nooit luistert")
    assert "accusation" not in cats("Ik zeg niet dat je nooit luistert")
    assert verdict("Ik bedoel niet dat je lui bent.") != "unsafe"
    assert verdict("Ik denk niet dat je lui bent.") != "unsafe"


def test_negated_relational_feeling_is_still_a_feeling() -> None:
    for text in (
        "Ik voel me niet gehoord",
        "Ik voelde me niet gezien.",
        "Ik voel me niet belangrijk voor je.",
    ):
        assert "feeling" in cats(text), text
        assert verdict(text) == "safe", text


def test_negated_label_is_no_attack() -> None:
    assert "character_attack" not in cats("Je bent niet lui")
    assert "character_attack" not in cats("Jij bent helemaal niet egoïstisch.")


def test_label_that_contains_the_negation_is_an_attack() -> None:
    assert "character_attack" in cats("Jij bent niet te vertrouwen.")


def test_negation_does_not_make_a_reproach_safe() -> None:
    assert "accusation" in cats("Je luistert niet")
    assert verdict("Je helpt niet mee in huis.") == "unsafe"


def test_negation_scope_stops_at_maar() -> None:
    c = cats("Ik ben niet boos maar verdrietig.")
    assert "feeling" in c


def test_niet_altijd_is_not_absolute() -> None:
    assert "absolute_language" not in cats("Je luistert niet altijd naar me.")


def test_pseudo_negation_niet_alleen() -> None:
    assert "character_attack" in cats("Je bent niet alleen lui, je bent ook nog egoïstisch.")


def test_negated_feeling_word_is_not_a_feeling() -> None:
    assert "feeling" not in cats("Ik ben niet boos.")


def test_negated_reassurance_is_not_reassurance() -> None:
    assert "reassurance" not in cats("Ik hou niet van je.")
    assert "reassurance" in cats("Ik ga niet weg.")


# -- quotes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Toen je zei 'je bent lui', deed dat pijn",
        "Toen je zei “je bent lui”, deed dat pijn",
        "Toen je zei „je bent lui”, deed dat pijn",
        'Toen je zei "je bent lui", deed dat pijn',
        "Toen je zei ‘je bent lui’, deed dat pijn",
        "Toen je zei «je bent lui», deed dat pijn",
    ],
)
def test_quoted_attack_is_not_the_speakers_own(text: str) -> None:
    a = analyze(text)
    assert "character_attack" not in a.categories
    assert "feeling" in a.categories
    assert a.verdict == "safe"


def test_whole_sentence_in_quotes_is_still_judged() -> None:
    assert verdict("“Je bent lui.”") == "unsafe"
    assert verdict("'Je luistert ook nooit!'") == "unsafe"


def test_scare_quotes_around_one_word_stay_own_words() -> None:
    assert "character_attack" in cats("Je bent echt 'lui'.")


def test_apostrophes_are_not_quotes() -> None:
    assert "character_attack" in cats(
        "Da's nou typisch, je bent gewoon lui en m'n moeder zegt het ook"
    )


# -- questions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Waarom doe je altijd zo?",
        "Waarom luister je nooit?",
        "Hoe vaak moet ik het nog zeggen?",
        "Heb je me niets te zeggen?",
        "Waarom praat je zo weinig?",
    ],
)
def test_reproachful_questions_are_unsafe(text: str) -> None:
    assert verdict(text) == "unsafe"
    assert "curiosity" not in cats(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wat speelt er bij je?",
        "Wanneer merk je dat vooral?",
        "Wat heb je nodig?",
        "Hoe was dat voor jou?",
    ],
)
def test_open_questions_are_curiosity(text: str) -> None:
    assert "curiosity" in cats(text, "listener")
    assert verdict(text, "listener") == "safe"


# -- commands versus needs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Zou je nu eindelijk eens willen luisteren?",
        "Je moet gewoon beter luisteren.",
        "Doe normaal",
        "Stop daarmee",
    ],
)
def test_commands(text: str) -> None:
    assert "command" in cats(text)


@pytest.mark.parametrize(
    "text", ["Zou je me willen vasthouden?", "Ik zou graag willen dat we vaker samen eten."]
)
def test_requests_that_name_a_need(text: str) -> None:
    c = cats(text)
    assert "need" in c
    assert "command" not in c


# -- word order -----------------------------------------------------------------------------


def test_inversion_after_adverb() -> None:
    assert {"absolute_language", "accusation"} <= cats("Nooit luister je eens")
    assert "absolute_language" in cats("Altijd moet jij gelijk hebben")


def test_separable_verbs() -> None:
    assert "dismissal" in cats("Stel je niet aan", "listener")
    assert "dismissal" in cats("Stel je toch niet zo aan!", "listener")
    assert verdict("Val me niet lastig") == "unsafe"


def test_verb_final_subordinate_clause() -> None:
    assert "character_attack" in cats("Ik vind het erg dat jij zo egoïstisch bent.")


# -- pseudo ik ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ik vind dat jij egoïstisch bent.",
        "Ik voel dat je nooit luistert",
        "Ik heb het gevoel dat jij nooit naar me luistert.",
        "Ik denk dat jij gewoon lui bent",
    ],
)
def test_pseudo_ik(text: str) -> None:
    assert "pseudo_ik" in cats(text)
    assert verdict(text) == "unsafe"


def test_real_ik_message_is_not_pseudo() -> None:
    for text in ("Ik voel me eenzaam.", "Ik heb het gevoel dat ik er alleen voor sta."):
        assert "pseudo_ik" not in cats(text), text


# -- roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Dat valt toch wel mee", "dismissal"),
        ("Stel je niet aan", "dismissal"),
        ("Je overdrijft", "dismissal"),
        ("Zo erg is het niet", "dismissal"),
        ("Ik ben gewoon druk", "defensiveness"),
        ("Ja maar jij…", "defensiveness"),
        ("Jij deed het eerst", "defensiveness"),
        ("Dat heb ik nooit gezegd", "defensiveness"),
        ("Ik kan er ook niks aan doen", "defensiveness"),
        ("Ik snap dat dat pijn doet", "validation"),
        ("Dat klinkt eenzaam", "validation"),
        ("Ik zie dat het je raakt", "validation"),
        ("Het spijt me", "responsibility"),
        ("Ik merk dat ik me terugtrek", "responsibility"),
        ("Dat was niet eerlijk van mij", "responsibility"),
        ("Dank je dat je dat zegt", "appreciation"),
    ],
)
def test_listener_replies(text: str, category: str) -> None:
    assert category in cats(text, "listener")


def test_role_changes_the_reading() -> None:
    # Only in a reply to a worry is "maak je geen zorgen" brushing it off.
    assert "dismissal" in cats("Maak je geen zorgen.", "listener")
    assert "dismissal" not in cats("Maak je geen zorgen.", "speaker")
    # A busy excuse without "gewoon" only reads as defending in a reply.
    assert "defensiveness" in cats("Ik ben druk.", "listener")
    assert "defensiveness" not in cats("Ik ben druk.", "speaker")
    # "Je overdrijft" from the one raising a complaint is a reproach; in a reply it brushes off.
    assert "accusation" in cats("Je overdrijft altijd.", "speaker")


def test_unknown_role_raises() -> None:
    with pytest.raises(ValueError, match="role"):
        analyze("Hoi", "therapeut")  # type: ignore[arg-type]


# -- mixed, several sentences, spelling -----------------------------------------------------


def test_mixed_sentence_is_unsafe_and_keeps_strengths() -> None:
    a = analyze("Ik voel me verdrietig omdat jij nooit luistert")
    assert a.verdict == "unsafe"
    assert "feeling" in a.categories
    assert "absolute_language" in a.categories
    assert a.safe
    assert a.unsafe


def test_several_sentences() -> None:
    a = analyze("Ik voel me alleen. Je bent lui. Kunnen we samen kijken?")
    assert {"feeling", "character_attack", "collaboration"} <= a.categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Je bént lui", "character_attack"),
        ("JE BENT LUI!!!", "character_attack"),
        ("je bent gewoon egoistisch", "character_attack"),
        ("je bent egoistish", "character_attack"),
        ("je luistert nooooit", "absolute_language"),
        ("je bent er altyd te laat", "absolute_language"),
        ("je bent er altijt te laat", "absolute_language"),
        ("Jy luistert nooit", "absolute_language"),
        ("Ge zijt nooit thuis", "absolute_language"),
        ("Gij luistert nooit", "absolute_language"),
        ("U luistert nooit", "absolute_language"),
        ("da's nou typisch jou", "accusation"),
        ("ik voel me ff heel alleen", "feeling"),
        ("kvoel me verdietig", "feeling"),
        ("idd, ik snap dat het je raakt", "validation"),
        ("Je bent lui 😡", "character_attack"),
        ("Je be\u0301nt lui", "character_attack"),
        ("Je bent lu\u200bi", "character_attack"),
    ],
)
def test_spelling_variation(text: str, category: str) -> None:
    assert category in cats(text), [(f.rule_id, f.text) for f in analyze(text).findings]


# -- result shape ---------------------------------------------------------------------------


def test_findings_have_dutch_texts_and_are_sorted() -> None:
    a = analyze("Je bent lui en je luistert nooit. Ik voel me alleen.")
    starts = [f.start for f in a.findings]
    assert starts == sorted(starts)
    for f in a.findings:
        assert f.label
        assert f.message
        assert f.tip
    assert a.summary


def test_suggestion_scaffold_from_the_sentence() -> None:
    a = analyze("Je luistert nooit naar me")
    assert a.suggestion is not None
    assert a.suggestion.startswith("Ik voelde me niet gehoord toen")
    assert "Ik heb nodig dat" in a.suggestion


def test_expected_and_missing() -> None:
    a = analyze("Ik voel me alleen.", expect=["feeling", "need"])
    assert a.expected == ("feeling", "need")
    assert a.missing == ("need",)
    assert a.verdict == "safe"


def test_unknown_expected_category_raises() -> None:
    with pytest.raises(ValueError, match="sarcasme"):
        analyze("Ik voel me alleen.", expect=["sarcasme"])


def test_almost_has_a_gentle_summary() -> None:
    a = analyze("Ik wil het even over gisteren hebben.")
    assert a.verdict == "almost"
    assert a.findings == ()
    assert a.summary
