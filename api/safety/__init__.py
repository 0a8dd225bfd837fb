"""Crisis and violence detection (PRODUCT.md section 5). Pure Python: no web or database imports.

`check(text)` runs before any feedback on phrasing. When it returns a result, the app stops
coaching the wording and shows `result.message` with `result.helplines` instead.

Levels
------
``crisis``
    A current risk to someone's life or body: suicidal thoughts, wishes or plans; self-harm;
    physical or sexual violence or a threat of it by a partner (or by the writer, or by anyone at
    home); a child who is hit, hurt or unsafe; being locked in; acute fear of the partner ("ik ben
    bang voor hem", "ik durf niet naar huis", "bang dat hij me iets aandoet").
``concern``
    Worth a gentle check-in, not an acute risk: the same topics negated ("ik denk niet aan
    zelfmoord", "hij heeft me nooit geslagen") or clearly in the past ("vroeger dacht ik weleens
    aan zelfmoord", unless "nu weer" or the like brings it back); coercive control (phone read,
    money taken, friends forbidden, tracked); general fear of the partner's anger ("ik ben bang
    voor zijn woede"); the writer's own threats to the partner ("ik vermoord je", no joke
    marker); crisis words inside a quote nobody is said to have spoken.

Not flagged at all: idioms and word-boundary look-alikes ("doodmoe", "ik schrok me dood", "ik
ga dood van het lachen", "dodelijk saai", "de klok slaat", "op slot", "hij sloeg de deur dicht",
"ik kan je wel schieten"), jokes about trivial things ("ik vermoord je als je de laatste koek pakt
😂"), fear that is not of the partner ("bang voor spinnen", "bang dat je me verlaat", "bang voor
je reactie") and checking one's own phone.

Quotes: a quote attributed to someone by a speech verb ("Hij zei: 'ik maak je af'", "'ik sla je',
riep ze") is a disclosure, and a threat in it counts as a threat by that person against the
writer (crisis). A bare quote with nobody attributed (a scenario line, a phrase someone asks
about) is not the writer's own disclosure: anything in it is reported at most as ``concern``.

When the rules find nothing, an optional logistic cue model (``cues.py``, weights in
``model/cues.json``, switched by ``cues.ENABLED``) may add one ``concern`` signal ``cue.<kind>``.

See README.md in this directory for the rule format. The matcher may run compiled with mypyc
when a current build exists (see api/native.py).
"""

from __future__ import annotations

from api import native

# Before any submodule is imported: decides between the compiled build and the sources.
native.use_compiled(__name__, __path__)

from functools import cache  # noqa: E402
from typing import Literal  # noqa: E402

from api.safety import cues  # noqa: E402
from api.safety.engine import Engine  # noqa: E402
from api.safety.loader import Messages, load_helplines, load_messages, load_rules  # noqa: E402
from api.safety.text import prepare  # noqa: E402
from api.safety.types import (  # noqa: E402
    KINDS,
    LEVELS,
    REGIONS,
    Helpline,
    Level,
    Region,
    SafetyResult,
    SafetySignal,
)

__all__ = [
    "KINDS",
    "LEVELS",
    "REGIONS",
    "Helpline",
    "SafetyResult",
    "SafetySignal",
    "check",
    "get_cue_model",
    "get_engine",
    "helplines",
    "signals",
]

# Upper bound on what one check looks at; the callers check sentences or short replies.
MAX_CHARS = 20_000


@cache
def get_engine() -> Engine:
    """The compiled rules, built once per process."""
    common, rules = load_rules()
    return Engine(common, rules)


@cache
def get_cue_model() -> cues.CueModel | None:
    """The shipped cue model (api/safety/cues.py), or None when it is switched off."""
    return cues.load_model(get_engine().negation) if cues.ENABLED else None


@cache
def _helpline_data() -> tuple[tuple[Helpline, ...], dict[tuple[str, str], list[str]]]:
    return load_helplines()


@cache
def _messages() -> Messages:
    return load_messages()


def _region_order(region: str | None) -> tuple[Region, ...]:
    if region is None:
        return REGIONS
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r} (known: NL, BE or None)")
    return (region,)


def helplines(region: str | None = None) -> tuple[Helpline, ...]:
    """All helplines for a region ("NL", "BE"), or for both with NL first when region is None."""
    lines, _ = _helpline_data()
    regions = _region_order(region)
    return tuple(h for r in regions for h in lines if h.region == r)


def signals(text: str) -> tuple[SafetySignal, ...]:
    """Every signal in the text, including overlapping ones (for highlighting and the eval)."""
    return tuple(get_engine().signals(text[:MAX_CHARS]))


def check(text: str, *, region: Literal["NL", "BE"] | None = None) -> SafetyResult | None:
    """Return a SafetyResult when the text calls for it, else None.

    Fast enough to run on every sentence: the rules are compiled once, the text is scanned in
    one pass and the common case (nothing found) stops after the token lookup.
    """
    regions = _region_order(region)
    prep = prepare(text[:MAX_CHARS])
    found = get_engine().signals_of(prep)
    if not found:
        # The rules found nothing: the cue model may still ask a gentle check-in (concern).
        model = get_cue_model()
        cue = model.judge(prep) if model is not None else None
        if cue is None:
            return None
        found = [cue]
    level: Level = "crisis" if any(s.level == "crisis" for s in found) else "concern"
    kinds = tuple(k for k in KINDS if any(s.kind == k for s in found))
    top = [k for k in kinds if any(s.kind == k and s.level == level for s in found)]
    primary = top[0]

    messages = _messages()
    fill_key = regions[0] if len(regions) == 1 else "both"
    message = messages.templates[(primary, level)].format(
        **{name: per_region[fill_key] for name, per_region in messages.fills.items()}
    )
    return SafetyResult(
        level=level,
        kinds=kinds,
        message=message,
        helplines=_select_helplines(kinds, level, regions),
        signals=tuple(found),
    )


def _select_helplines(
    kinds: tuple[str, ...], level: Level, regions: tuple[Region, ...]
) -> tuple[Helpline, ...]:
    """Lines relevant to the kinds found, most relevant first (order is data, per kind and
    level, in helplines.yaml); a crisis always includes the emergency number."""
    lines, order = _helpline_data()
    by_id = {h.id: h for h in lines}
    chosen: list[Helpline] = []
    for region in regions:
        picked: list[Helpline] = []
        for kind in kinds:
            for hid in order[(kind, level)]:
                h = by_id[hid]
                if h.region == region and h not in picked:
                    picked.append(h)
        if level == "crisis":
            picked.extend(
                h for h in lines if h.region == region and h.emergency and h not in picked
            )
        chosen.extend(picked)
    return tuple(chosen)
