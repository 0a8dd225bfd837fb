"""Clients (pseudonyms), homework with its private link, and therapists' own scenarios."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, NulFreeString, NulFreeText
from api.practice.models import utcnow


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(NulFreeString(36), primary_key=True)
    therapist_id: Mapped[str] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), index=True
    )
    # A name the therapist picks ("Stel A"); real names are never required.
    pseudonym: Mapped[str] = mapped_column(NulFreeString(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Homework(Base):
    __tablename__ = "homework"

    id: Mapped[str] = mapped_column(NulFreeString(36), primary_key=True)
    therapist_id: Mapped[str] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(NulFreeText, default="")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # SHA-256 of the link code: the code is shown once; renewing makes a new one.
    code_hash: Mapped[str | None] = mapped_column(NulFreeString(64), unique=True, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # What the client lets the therapist see: None until they choose, then "results" or "texts".
    sharing: Mapped[str | None] = mapped_column(NulFreeString(10), nullable=True)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HomeworkScenario(Base):
    __tablename__ = "homework_scenarios"
    __table_args__ = (UniqueConstraint("homework_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    homework_id: Mapped[str] = mapped_column(
        ForeignKey("homework.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    # A library scenario id, or "eigen:<custom scenario row id>" for a therapist's own.
    scenario_ref: Mapped[str] = mapped_column(NulFreeString(140))


class CustomScenario(Base):
    """A scenario a therapist uploaded: usable in their homework only."""

    __tablename__ = "custom_scenarios"
    __table_args__ = (UniqueConstraint("therapist_id", "scenario_id", "version"),)

    id: Mapped[str] = mapped_column(NulFreeString(36), primary_key=True)
    therapist_id: Mapped[str] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), index=True
    )
    scenario_id: Mapped[str] = mapped_column(NulFreeString(100))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(NulFreeString(200))
    source_yaml: Mapped[str] = mapped_column(NulFreeText)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when the therapist deletes a scenario that clients already practised: it leaves the
    # therapist's list and cannot be started again, but the clients' attempts are theirs and
    # stay. The row goes once no attempt refers to it any more (api/retention.py).
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
