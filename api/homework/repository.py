"""All SQL for clients, homework, homework scenarios and therapists' own scenarios."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Exists, delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.homework.models import Client, CustomScenario, Homework, HomeworkScenario
from api.practice.models import PracticeSession, SessionEvent, utcnow


def add(db: Session, *rows: object) -> None:
    db.add_all(rows)
    db.flush()


def client_of(db: Session, therapist_id: str, client_id: str) -> Client | None:
    return db.scalar(
        select(Client).where(Client.id == client_id, Client.therapist_id == therapist_id)
    )


def clients_of(db: Session, therapist_id: str) -> Sequence[Client]:
    return db.scalars(
        select(Client).where(Client.therapist_id == therapist_id).order_by(Client.created_at)
    ).all()


def delete_client(db: Session, client: Client) -> None:
    db.execute(delete(Client).where(Client.id == client.id))


def homework_of(db: Session, therapist_id: str, homework_id: str) -> Homework | None:
    return db.scalar(
        select(Homework).where(Homework.id == homework_id, Homework.therapist_id == therapist_id)
    )


def homework_list(
    db: Session, therapist_id: str, client_id: str | None = None
) -> Sequence[Homework]:
    stmt = select(Homework).where(Homework.therapist_id == therapist_id)
    if client_id is not None:
        stmt = stmt.where(Homework.client_id == client_id)
    return db.scalars(stmt.order_by(Homework.created_at)).all()


def homework_by_code_hash(db: Session, code_hash: str) -> Homework | None:
    return db.scalar(select(Homework).where(Homework.code_hash == code_hash))


def delete_homework(db: Session, homework: Homework) -> None:
    db.execute(delete(Homework).where(Homework.id == homework.id))


def scenario_refs(db: Session, homework_id: str) -> list[str]:
    return list(
        db.scalars(
            select(HomeworkScenario.scenario_ref)
            .where(HomeworkScenario.homework_id == homework_id)
            .order_by(HomeworkScenario.position)
        )
    )


def sessions_of(db: Session, homework_id: str) -> Sequence[PracticeSession]:
    return db.scalars(
        select(PracticeSession)
        .where(PracticeSession.homework_id == homework_id)
        .order_by(PracticeSession.created_at)
    ).all()


def events_of(db: Session, homework_id: str) -> Sequence[SessionEvent]:
    return db.scalars(
        select(SessionEvent)
        .join(PracticeSession, PracticeSession.id == SessionEvent.session_id)
        .where(PracticeSession.homework_id == homework_id)
        .order_by(PracticeSession.created_at, SessionEvent.seq)
    ).all()


def erase_sessions(db: Session, homework_id: str) -> None:
    # Events go with their session (ON DELETE CASCADE); secure_delete overwrites the pages.
    db.execute(delete(PracticeSession).where(PracticeSession.homework_id == homework_id))


def custom_scenario_of(
    db: Session, therapist_id: str, row_id: str, *, retired_too: bool = False
) -> CustomScenario | None:
    query = select(CustomScenario).where(
        CustomScenario.id == row_id, CustomScenario.therapist_id == therapist_id
    )
    if not retired_too:
        query = query.where(CustomScenario.retired_at.is_(None))
    return db.scalar(query)


def custom_scenario(db: Session, row_id: str) -> CustomScenario | None:
    return db.get(CustomScenario, row_id)


def custom_scenarios_of(db: Session, therapist_id: str) -> Sequence[CustomScenario]:
    return db.scalars(
        select(CustomScenario)
        .where(CustomScenario.therapist_id == therapist_id, CustomScenario.retired_at.is_(None))
        .order_by(CustomScenario.created_at)
    ).all()


def latest_custom_version(db: Session, therapist_id: str, scenario_id: str) -> int:
    versions = db.scalars(
        select(CustomScenario.version).where(
            CustomScenario.therapist_id == therapist_id, CustomScenario.scenario_id == scenario_id
        )
    ).all()
    return max(versions, default=0)


def _practised(row_id: str | ColumnElement[str] | InstrumentedAttribute[str]) -> Exists:
    return select(PracticeSession.id).where(PracticeSession.custom_scenario_id == row_id).exists()


def delete_custom_scenario(db: Session, row: CustomScenario) -> None:
    """Gone at once when nobody practised it; otherwise retired, so that the attempts stay."""
    if db.scalar(select(_practised(row.id))):
        row.retired_at = utcnow()
        db.flush()
    else:
        db.execute(delete(CustomScenario).where(CustomScenario.id == row.id))


def purge_retired_custom_scenarios(db: Session) -> int:
    """Retired scenarios that no attempt refers to any more (the clients erased them)."""
    result = db.execute(
        delete(CustomScenario).where(
            CustomScenario.retired_at.is_not(None), ~_practised(CustomScenario.id)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
