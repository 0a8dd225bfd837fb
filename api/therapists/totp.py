"""Second factor: TOTP (RFC 6238) with one-time recovery codes."""

from __future__ import annotations

import secrets
import time

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import AppError, Conflict
from api.practice.models import utcnow
from api.secretbox import SecretBox
from api.therapists.models import RecoveryCode, Therapist
from api.tokens import token_hash

ISSUER = "Veilig Gezegd"
RECOVERY_CODES = 10


class WrongSecondFactor(AppError):
    status_code = 401
    code = "wrong_second_factor"
    default_detail = "Deze code klopt niet. Kijk in je app voor de code van nu."


class SecondFactorRequired(AppError):
    status_code = 401
    code = "second_factor_required"
    default_detail = "Vul ook de code uit je authenticator-app in."


class NoPendingSetup(Conflict):
    code = "totp_not_started"
    default_detail = "Start eerst het instellen van de tweede stap."


class SecondFactorOff(Conflict):
    code = "totp_not_enabled"
    default_detail = "De tweede stap staat uit. Zet hem eerst aan."


def begin_setup(therapist: Therapist, box: SecretBox) -> tuple[str, str]:
    secret = pyotp.random_base32()
    therapist.totp_pending_secret = box.seal(secret)
    uri = pyotp.TOTP(secret).provisioning_uri(name=therapist.email, issuer_name=ISSUER)
    return secret, uri


def _matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step the code belongs to (one step of clock drift either way), or None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue  # a code is good once
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def enable(db: Session, therapist: Therapist, box: SecretBox, code: str) -> list[str]:
    sealed = therapist.totp_pending_secret
    pending = box.open(sealed) if sealed is not None else None
    if sealed is None or pending is None:
        raise NoPendingSetup()
    step = _matching_step(pending, code, None)
    if step is None:
        raise WrongSecondFactor()
    therapist.totp_secret, therapist.totp_pending_secret = sealed, None
    therapist.totp_last_step = step
    return _new_recovery_codes(db, therapist)


def disable(db: Session, therapist: Therapist) -> None:
    therapist.totp_secret = therapist.totp_pending_secret = None
    therapist.totp_last_step = None
    for row in db.scalars(select(RecoveryCode).where(RecoveryCode.therapist_id == therapist.id)):
        db.delete(row)


def verify(
    db: Session, therapist: Therapist, box: SecretBox, code: str | None, recovery: str | None
) -> bool:
    """For a login: a current TOTP code, or an unused recovery code (which is then used up)."""
    if therapist.totp_secret is None:
        return True
    secret = box.open(therapist.totp_secret)
    if code and secret is not None:
        step = _matching_step(secret, code, therapist.totp_last_step)
        if step is not None:
            therapist.totp_last_step = step
            return True
    if recovery:
        wanted = token_hash(recovery.strip().lower().replace(" ", ""))
        row = db.scalar(
            select(RecoveryCode).where(
                RecoveryCode.therapist_id == therapist.id,
                RecoveryCode.code_hash == wanted,
                RecoveryCode.used_at.is_(None),
            )
        )
        if row is not None:
            row.used_at = utcnow()
            return True
    return False


def renew_recovery_codes(db: Session, therapist: Therapist) -> list[str]:
    """Ten fresh codes; the old ones, used or not, stop working."""
    if therapist.totp_secret is None:
        raise SecondFactorOff()
    return _new_recovery_codes(db, therapist)


def _new_recovery_codes(db: Session, therapist: Therapist) -> list[str]:
    for row in db.scalars(select(RecoveryCode).where(RecoveryCode.therapist_id == therapist.id)):
        db.delete(row)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]  # 40 bits, single use
    db.add_all(RecoveryCode(therapist_id=therapist.id, code_hash=token_hash(c)) for c in codes)
    db.flush()
    return codes
