"""All SQL for practice sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.practice.models import PracticeSession, SessionEvent, utcnow


@dataclass(frozen=True, slots=True)
class NewEvent:
    kind: str
    node_id: str
    text: str | None = None
    data: dict[str, Any] | None = None


def create(
    db: Session,
    *,
    session_id: str,
    token_hash: str,
    scenario_id: str,
    scenario_version: int,
    status: str,
    state: dict[str, Any],
    events: Sequence[NewEvent],
    homework_id: str | None = None,
    custom_scenario_id: str | None = None,
) -> PracticeSession:
    now = utcnow()
    row = PracticeSession(
        id=session_id,
        homework_id=homework_id,
        custom_scenario_id=custom_scenario_id,
        token_hash=token_hash,
        scenario_id=scenario_id,
        scenario_version=scenario_version,
        status=status,
        state=state,
        turn=0,
        event_count=len(events),
        created_at=now,
        updated_at=now,
    )
    db.add(row)
    db.flush()
    _add_events(db, session_id, turn=0, first_seq=0, events=events, now=now)
    return row


def get(db: Session, session_id: str) -> PracticeSession | None:
    return db.get(PracticeSession, session_id)


def advance(
    db: Session,
    row: PracticeSession,
    *,
    scenario_version: int,
    status: str,
    state: dict[str, Any],
    events: Sequence[NewEvent],
) -> bool:
    """Write the next turn only if nobody else wrote one since `row` was read.

    The conditional UPDATE is the race guard: of two replies that read the same turn, exactly one
    matches `turn = :read_turn`; the other updates nothing and the caller answers 409.
    """
    now = utcnow()
    read_turn, first_seq = row.turn, row.event_count
    result = db.execute(
        update(PracticeSession)
        .where(PracticeSession.id == row.id, PracticeSession.turn == read_turn)
        .values(
            turn=read_turn + 1,
            event_count=first_seq + len(events),
            scenario_version=scenario_version,
            status=status,
            state=state,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    _add_events(db, row.id, turn=read_turn + 1, first_seq=first_seq, events=events, now=now)
    db.expire(row)
    return True


def delete(db: Session, session_id: str) -> None:
    # Events go with it (ON DELETE CASCADE).
    db.execute(sa_delete(PracticeSession).where(PracticeSession.id == session_id))


def events(db: Session, session_id: str) -> Sequence[SessionEvent]:
    return db.scalars(
        select(SessionEvent).where(SessionEvent.session_id == session_id).order_by(SessionEvent.seq)
    ).all()


def _add_events(
    db: Session,
    session_id: str,
    *,
    turn: int,
    first_seq: int,
    events: Sequence[NewEvent],
    now: datetime,
) -> None:
    db.add_all(
        SessionEvent(
            session_id=session_id,
            seq=first_seq + i,
            turn=turn,
            kind=e.kind,
            node_id=e.node_id,
            text=e.text,
            data=e.data or {},
            created_at=now,
        )
        for i, e in enumerate(events)
    )
    db.flush()
