"""Clients, homework links, progress for the therapist, and the client's own controls.

Who sees what: a therapist only reaches rows with their own `therapist_id` (every lookup filters
on it, so another therapist's id answers 404). A client reaches exactly one homework, through the
code in their link. Texts reach the therapist only when the client chose to share them; replies
that raised a safety alarm never do.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy.orm import Session

from api.db import mark_erased
from api.dialogue.diagnostics import CODES
from api.dialogue.lint import check_text, default_analyzer
from api.dialogue.models import PromptNode, Scenario
from api.errors import Conflict, NotFound, ValidationFailed
from api.feedback.taxonomy import UNSAFE_CATEGORIES, label_of
from api.homework import custom, repository
from api.homework.models import Client, CustomScenario, Homework, HomeworkScenario
from api.practice import service as practice
from api.practice.models import PracticeSession, SessionEvent, utcnow
from api.scenarios.service import Catalogue
from api.therapists.models import Therapist
from api.tokens import new_token, token_hash

CUSTOM_PREFIX = "eigen:"
Sharing = Literal["results", "texts"]

CLIENT_NOT_FOUND = "Deze cliënt bestaat niet, of hoort niet bij jouw account."
HOMEWORK_NOT_FOUND = "Deze huiswerkopdracht bestaat niet, of hoort niet bij jouw account."
LINK_NOT_FOUND = "Deze link werkt niet (meer). Vraag je therapeut om een nieuwe link."


class SharingNotChosen(Conflict):
    code = "sharing_not_chosen"
    default_detail = "Kies eerst wat je therapeut mag zien. Daarna kun je beginnen."


class HomeworkErased(Conflict):
    code = "homework_erased"
    default_detail = "Je hebt de gegevens van dit huiswerk gewist. Er kan niets meer bij."


# --- clients --------------------------------------------------------------------------------


def create_client(db: Session, therapist: Therapist, pseudonym: str) -> Client:
    client = Client(
        id=str(uuid.uuid4()),
        therapist_id=therapist.id,
        pseudonym=pseudonym.strip(),
        created_at=utcnow(),
    )
    repository.add(db, client)
    return client


def get_client(db: Session, therapist: Therapist, client_id: str) -> Client:
    client = repository.client_of(db, therapist.id, client_id)
    if client is None:
        raise NotFound(CLIENT_NOT_FOUND)
    return client


# --- scenarios a therapist may assign -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assignable:
    ref: str
    scenario: Scenario
    custom_row_id: str | None


def resolve_ref(
    db: Session, catalogue: Catalogue, therapist_id: str, ref: str, *, retired_too: bool = False
) -> Assignable:
    """A scenario to assign or start; `retired_too` also finds a deleted own scenario that
    clients practised, for showing their attempts."""
    if ref.startswith(CUSTOM_PREFIX):
        row = repository.custom_scenario_of(
            db, therapist_id, ref.removeprefix(CUSTOM_PREFIX), retired_too=retired_too
        )
        if row is None:
            raise NotFound(f"De oefening '{ref}' bestaat niet in jouw eigen oefeningen.")
        return Assignable(ref, custom.scenario_of(row), row.id)
    scenario = catalogue.get(ref)
    if scenario is None:
        raise NotFound(f"De oefening '{ref}' bestaat niet.")
    return Assignable(ref, scenario, None)


# --- homework -------------------------------------------------------------------------------


def create_homework(
    db: Session,
    catalogue: Catalogue,
    therapist: Therapist,
    client_id: str,
    refs: list[str],
    note: str,
    due_date: date | None,
) -> tuple[Homework, str]:
    client = get_client(db, therapist, client_id)
    unique_refs = list(dict.fromkeys(refs))
    for ref in unique_refs:
        resolve_ref(db, catalogue, therapist.id, ref)
    code = new_token()
    homework = Homework(
        id=str(uuid.uuid4()),
        therapist_id=therapist.id,
        client_id=client.id,
        note=note.strip(),
        due_date=due_date,
        code_hash=token_hash(code),
        created_at=utcnow(),
    )
    repository.add(db, homework)
    repository.add(
        db,
        *(
            HomeworkScenario(homework_id=homework.id, position=i, scenario_ref=ref)
            for i, ref in enumerate(unique_refs)
        ),
    )
    return homework, code


def get_homework(db: Session, therapist: Therapist, homework_id: str) -> Homework:
    homework = repository.homework_of(db, therapist.id, homework_id)
    if homework is None:
        raise NotFound(HOMEWORK_NOT_FOUND)
    return homework


def renew_code(homework: Homework) -> str:
    """A new link; the old one stops working at once."""
    code = new_token()
    homework.code_hash = token_hash(code)
    homework.revoked_at = None
    return code


def revoke(homework: Homework) -> None:
    homework.code_hash = None
    homework.revoked_at = utcnow()


# --- progress -------------------------------------------------------------------------------


def _replies(events: list[SessionEvent]) -> list[SessionEvent]:
    # Replies that raised a safety alarm are not the therapist's to see, nor to count.
    return [e for e in events if e.kind == "reply" and not e.data.get("safety")]


def progress(db: Session, catalogue: Catalogue, homework: Homework) -> dict[str, Any]:
    client = db.get(Client, homework.client_id)
    base: dict[str, Any] = {
        "id": homework.id,
        "client": {"id": homework.client_id, "pseudonym": client.pseudonym if client else ""},
        "note": homework.note,
        "due_date": homework.due_date.isoformat() if homework.due_date else None,
        "created_at": homework.created_at.isoformat(),
        "link_active": homework.code_hash is not None,
        "sharing": homework.sharing,
        "erased": homework.erased_at is not None,
        "scenarios": [],
        "recurring_categories": [],
        "safe_over_time": [],
    }
    if homework.erased_at is not None:
        # The client erased their data: the therapist learns that, and nothing more.
        return base
    show_texts = homework.sharing == "texts"
    sessions = repository.sessions_of(db, homework.id)
    events = list(repository.events_of(db, homework.id))
    by_session: dict[str, list[SessionEvent]] = {}
    for e in events:
        by_session.setdefault(e.session_id, []).append(e)

    recurring: Counter[str] = Counter()
    for ref in repository.scenario_refs(db, homework.id):
        try:
            assignable = resolve_ref(db, catalogue, homework.therapist_id, ref, retired_too=True)
            title, scenario = assignable.scenario.title, assignable.scenario
        except NotFound:
            title, scenario = ref, None
        mine = [s for s in sessions if _ref_of(s) == ref]
        prompts: dict[str, dict[str, Any]] = {}
        for s in mine:
            for e in _replies(by_session.get(s.id, [])):
                p = prompts.setdefault(
                    e.node_id,
                    {
                        "node_id": e.node_id,
                        "instruction": _instruction(scenario, e.node_id),
                        "attempts": 0,
                        "verdicts": {"safe": 0, "almost": 0, "unsafe": 0},
                        "first": None,
                        "last": None,
                    },
                )
                verdict = e.data.get("verdict") or "almost"
                p["attempts"] += 1
                p["verdicts"][verdict] = p["verdicts"].get(verdict, 0) + 1
                attempt = {
                    "verdict": verdict,
                    "categories": e.data.get("categories", []),
                    "at": e.created_at.isoformat(),
                    "text": e.text if show_texts else None,
                }
                if p["first"] is None:
                    p["first"] = attempt
                p["last"] = attempt
                recurring.update(c for c in attempt["categories"] if c in UNSAFE_CATEGORIES)
        base["scenarios"].append(
            {
                "ref": ref,
                "title": title,
                "started": len(mine),
                "finished": sum(1 for s in mine if s.status == "finished"),
                "prompts": list(prompts.values()),
            }
        )
    base["recurring_categories"] = [
        {"category": c, "label": label_of(c), "count": n} for c, n in recurring.most_common()
    ]
    base["safe_over_time"] = safe_over_time(_replies(events))
    return base


def safe_over_time(replies: list[SessionEvent]) -> list[dict[str, Any]]:
    """Per day: how many replies, how many of them safe."""
    days: dict[str, list[int]] = {}
    for e in replies:
        day = e.created_at.date().isoformat()
        counts = days.setdefault(day, [0, 0])
        counts[0] += 1
        counts[1] += e.data.get("verdict") == "safe"
    return [{"day": d, "replies": n, "safe": s} for d, (n, s) in sorted(days.items())]


def client_progress(db: Session, therapist: Therapist, client: Client) -> list[dict[str, Any]]:
    replies: list[SessionEvent] = []
    for hw in repository.homework_list(db, therapist.id, client.id):
        if hw.erased_at is None:
            replies.extend(_replies(list(repository.events_of(db, hw.id))))
    return safe_over_time(replies)


def _ref_of(session: PracticeSession) -> str:
    if session.custom_scenario_id:
        return CUSTOM_PREFIX + session.custom_scenario_id
    return session.scenario_id


def _instruction(scenario: Scenario | None, node_id: str) -> str:
    node = scenario.nodes.get(node_id) if scenario else None
    return node.instruction if isinstance(node, PromptNode) else ""


def export_rows(db: Session, catalogue: Catalogue, homework: Homework) -> list[dict[str, Any]]:
    """One row per attempt, flat, for CSV and JSON exports."""
    data = progress(db, catalogue, homework)
    rows: list[dict[str, Any]] = []
    if data["erased"]:
        return rows
    show_texts = homework.sharing == "texts"
    sessions = {s.id: s for s in repository.sessions_of(db, homework.id)}
    for e in _replies(list(repository.events_of(db, homework.id))):
        s = sessions[e.session_id]
        rows.append(
            {
                "client": data["client"]["pseudonym"],
                "scenario": _ref_of(s),
                "session": s.id,
                "prompt": e.node_id,
                "attempt": e.data.get("attempt"),
                "verdict": e.data.get("verdict"),
                "categories": " ".join(e.data.get("categories", [])),
                "at": e.created_at.isoformat(),
                "text": (e.text or "") if show_texts else "",
            }
        )
    return rows


# --- the client's side ----------------------------------------------------------------------


def open_link(db: Session, code: str) -> Homework:
    homework = repository.homework_by_code_hash(db, token_hash(code)) if code else None
    if homework is None:
        raise NotFound(LINK_NOT_FOUND)
    return homework


def client_view(db: Session, catalogue: Catalogue, homework: Homework) -> dict[str, Any]:
    sessions = repository.sessions_of(db, homework.id)
    scenarios = []
    # Scenarios the therapist deleted since: the client is told how many, so that an exercise
    # does not silently vanish from the list.
    withdrawn = 0
    for ref in repository.scenario_refs(db, homework.id):
        try:
            scenario = resolve_ref(db, catalogue, homework.therapist_id, ref).scenario
        except NotFound:
            withdrawn += 1
            continue
        mine = [s for s in sessions if _ref_of(s) == ref]
        status = "nieuw"
        if any(s.status == "finished" for s in mine):
            status = "klaar"
        elif mine:
            status = "bezig"
        scenarios.append(
            {
                "id": ref,
                "title": scenario.title,
                "role": scenario.role,
                "theme": scenario.theme,
                "level": scenario.level,
                "minutes": scenario.minutes,
                "summary": scenario.summary,
                "status": status,
                "sessions_started": len(mine),
            }
        )
    return {
        "note": homework.note,
        "due_date": homework.due_date.isoformat() if homework.due_date else None,
        "sharing": homework.sharing,
        "erased": homework.erased_at is not None,
        "scenarios": scenarios,
        "withdrawn": withdrawn,
    }


def set_sharing(homework: Homework, sharing: Sharing) -> None:
    """Applies to what is already there too: progress reads this flag every time."""
    if homework.erased_at is not None:
        raise HomeworkErased()
    homework.sharing = sharing


def start_session(
    db: Session, catalogue: Catalogue, homework: Homework, ref: str
) -> practice.Outcome:
    if homework.erased_at is not None:
        raise HomeworkErased()
    if homework.sharing is None:
        raise SharingNotChosen()
    if ref not in repository.scenario_refs(db, homework.id):
        raise NotFound("Deze oefening hoort niet bij dit huiswerk.")
    assignable = resolve_ref(db, catalogue, homework.therapist_id, ref)
    return practice.start_scenario(
        db,
        assignable.scenario,
        homework_id=homework.id,
        custom_scenario_id=assignable.custom_row_id,
    )


def client_export(db: Session, homework: Homework) -> dict[str, Any]:
    """Everything we keep about this homework's practice, for the client to take along."""
    out: dict[str, Any] = {
        "note": homework.note,
        "due_date": homework.due_date.isoformat() if homework.due_date else None,
        "sharing": homework.sharing,
        "sessions": [],
    }
    events = list(repository.events_of(db, homework.id))
    for s in repository.sessions_of(db, homework.id):
        out["sessions"].append(
            {
                "id": s.id,
                "scenario": _ref_of(s),
                "status": s.status,
                "started_at": s.created_at.isoformat(),
                "transcript": [
                    {"kind": e.kind, "node_id": e.node_id, "text": e.text, **_public(e.data)}
                    for e in events
                    if e.session_id == s.id
                ],
            }
        )
    return out


def _public(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "variables"}


def erase(db: Session, homework: Homework) -> None:
    repository.erase_sessions(db, homework.id)
    mark_erased(db)
    homework.erased_at = utcnow()
    homework.sharing = None


# --- therapists' own scenarios --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadResult:
    row: CustomScenario | None
    diagnostics: list[dict[str, Any]]


def upload_scenario(db: Session, therapist: Therapist, source_yaml: str) -> UploadResult:
    result = check_text(source_yaml, "upload.yaml", analyzer=default_analyzer())
    # Therapists read these: each line keeps the linter's precise message and adds what the
    # code means in plain Dutch.
    diagnostics = [d.to_dict() | {"explanation": CODES[d.code].nl} for d in result.diagnostics]
    if result.errors or result.scenario is None:
        return UploadResult(None, diagnostics)
    scenario = result.scenario
    version = repository.latest_custom_version(db, therapist.id, scenario.id) + 1
    row = CustomScenario(
        id=str(uuid.uuid4()),
        therapist_id=therapist.id,
        scenario_id=scenario.id,
        version=version,
        title=scenario.title,
        source_yaml=source_yaml,
        created_at=utcnow(),
    )
    repository.add(db, row)
    return UploadResult(row, diagnostics)


def get_custom(db: Session, therapist: Therapist, row_id: str) -> CustomScenario:
    row = repository.custom_scenario_of(db, therapist.id, row_id)
    if row is None:
        raise NotFound("Deze eigen oefening bestaat niet, of hoort niet bij jouw account.")
    return row


def check_upload_size(source_yaml: str) -> None:
    if len(source_yaml.encode()) > 200_000:
        raise ValidationFailed("Dit bestand is te groot (hoogstens 200 kB).")
