"""Practice sessions and their transcript events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, NulFreeString, NulFreeText


def utcnow() -> datetime:
    return datetime.now(UTC)


class PracticeSession(Base):
    __tablename__ = "practice_sessions"

    id: Mapped[str] = mapped_column(NulFreeString(36), primary_key=True)
    # Only a hash of the secret token is stored: a leaked database does not open sessions.
    token_hash: Mapped[str] = mapped_column(NulFreeString(64))
    scenario_id: Mapped[str] = mapped_column(NulFreeString(100), index=True)
    # Set when a therapist's own scenario is played (it lives in the database, not dialogues/).
    custom_scenario_id: Mapped[str | None] = mapped_column(
        ForeignKey("custom_scenarios.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # Set when the session is homework: the attempt then counts for that homework.
    homework_id: Mapped[str | None] = mapped_column(
        ForeignKey("homework.id", ondelete="CASCADE"), nullable=True, index=True
    )
    scenario_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(NulFreeString(20))
    # The runtime state (node, attempts, variables) as JSON; no user text lives here.
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Optimistic concurrency: a write only lands when the turn it read is still current.
    turn: Mapped[int] = mapped_column(Integer, default=0)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    events: Mapped[list[SessionEvent]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SessionEvent.seq",
    )


class SessionEvent(Base):
    """One line of the transcript: a partner message, a reply, a choice or the ending."""

    __tablename__ = "session_events"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    turn: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(NulFreeString(20))
    node_id: Mapped[str] = mapped_column(NulFreeString(100))
    # The user's own words for replies (the only user text we keep); scenario text otherwise.
    text: Mapped[str | None] = mapped_column(NulFreeText, nullable=True)
    # Kind-specific facts: speaker and name, verdict and categories, choice id, outcome,
    # and the variables after this step (for the connection chart).
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[PracticeSession] = relationship(back_populates="events")
