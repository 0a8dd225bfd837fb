"""Therapist accounts, their server-side login sessions, and the login rate-limit ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, NulFreeString
from api.practice.models import utcnow


class Therapist(Base):
    __tablename__ = "therapists"

    id: Mapped[str] = mapped_column(NulFreeString(36), primary_key=True)
    # Lower-cased on the way in, so "Anna@Praktijk.nl" and "anna@praktijk.nl" are one account.
    email: Mapped[str] = mapped_column(NulFreeString(254), unique=True)
    password_hash: Mapped[str] = mapped_column(NulFreeString(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Second factor (TOTP). The seed must be readable to check codes, so it is encrypted
    # (api.secretbox) rather than hashed; it is never sent back after setup.
    # `totp_last_step` stops a code from being used twice.
    totp_secret: Mapped[str | None] = mapped_column(NulFreeString(255), nullable=True)
    totp_pending_secret: Mapped[str | None] = mapped_column(NulFreeString(255), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)


class RecoveryCode(Base):
    """One-time codes for when the authenticator app is lost; only their hashes are kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    therapist_id: Mapped[str] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(NulFreeString(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuthSession(Base):
    """A login. Kept server side so logout, expiry and account deletion end it everywhere."""

    __tablename__ = "auth_sessions"

    # SHA-256 of the cookie value: the cookie itself is never stored.
    id: Mapped[str] = mapped_column(NulFreeString(64), primary_key=True)
    therapist_id: Mapped[str] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(NulFreeString(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """Failed logins, counted per key (a hash of the e-mail, or of the client address) in a
    sliding window. In the database, so every app process sees the same count."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(NulFreeString(80))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
