"""All SQL for therapist accounts, login sessions and the login rate-limit ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.therapists.models import AuthSession, LoginAttempt, Therapist


def by_email(db: Session, email: str) -> Therapist | None:
    return db.scalar(select(Therapist).where(Therapist.email == email))


def by_id(db: Session, therapist_id: str) -> Therapist | None:
    return db.get(Therapist, therapist_id)


def add(db: Session, therapist: Therapist) -> None:
    db.add(therapist)
    db.flush()


def delete_therapist(db: Session, therapist: Therapist) -> None:
    # Foreign keys cascade to clients, homework, sessions, attempts and login sessions.
    db.execute(delete(Therapist).where(Therapist.id == therapist.id))


def add_session(db: Session, auth: AuthSession) -> None:
    db.add(auth)
    db.flush()


def session_by_hash(db: Session, session_hash: str) -> AuthSession | None:
    return db.get(AuthSession, session_hash)


def end_session(db: Session, session_hash: str) -> None:
    db.execute(delete(AuthSession).where(AuthSession.id == session_hash))


def end_all_sessions(db: Session, therapist_id: str, *, keep: str | None = None) -> None:
    stmt = delete(AuthSession).where(AuthSession.therapist_id == therapist_id)
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    db.execute(stmt)


def purge_expired_sessions(db: Session, now: datetime) -> None:
    db.execute(delete(AuthSession).where(AuthSession.expires_at < now))


def record_failure(db: Session, keys: list[str], at: datetime) -> None:
    db.add_all(LoginAttempt(key=k, at=at) for k in keys)
    db.flush()


def failures_since(db: Session, key: str, since: datetime) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.key == key, LoginAttempt.at >= since)
        )
        or 0
    )


def clear_failures(db: Session, key: str) -> None:
    db.execute(delete(LoginAttempt).where(LoginAttempt.key == key))


def purge_failures(db: Session, before: datetime) -> None:
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < before))
