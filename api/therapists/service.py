"""Therapist accounts and logins. Services never commit; the request's session does."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from api.config import Settings
from api.errors import AppError, Conflict, ValidationFailed
from api.practice.models import utcnow
from api.secretbox import SecretBox
from api.therapists import repository, totp
from api.therapists.models import AuthSession, Therapist
from api.therapists.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, Passwords
from api.tokens import new_token, token_hash


class NotLoggedIn(AppError):
    status_code = 401
    code = "not_logged_in"
    default_detail = "Je bent niet (meer) ingelogd. Log opnieuw in."


class WrongCredentials(AppError):
    status_code = 401
    code = "wrong_credentials"
    # The same words for an unknown address and a wrong password: no account enumeration.
    default_detail = "Dit e-mailadres en wachtwoord passen niet bij elkaar."


class TooManyAttempts(AppError):
    status_code = 429
    code = "too_many_attempts"
    default_detail = "Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw."


class EmailTaken(Conflict):
    code = "email_taken"
    default_detail = "Er is al een account met dit e-mailadres. Log in of kies een ander adres."


SITE_WORDS = ("veilig", "gezegd", "veiliggezegd", "therapeut", "praktijk", "wachtwoord")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str, email: str = "") -> None:
    """Length and guessability only: no composition rules, no truncation."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens. "
            "Een zin van een paar woorden werkt goed."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(f"Een wachtwoord mag hoogstens {MAX_PASSWORD_LENGTH} tekens hebben.")
    if is_guessable(password, email):
        raise ValidationFailed(
            "Dit wachtwoord is te makkelijk te raden. Kies bijvoorbeeld een zin van vier of vijf "
            "woorden die alleen jij kent."
        )


def is_guessable(password: str, email: str = "") -> bool:
    # The first 100 characters decide: zxcvbn slows down on very long input, and a passphrase
    # that long is not guessable anyway.
    hints = [*email.replace("@", " ").replace(".", " ").split(), *SITE_WORDS]
    return int(zxcvbn(password[:100], user_inputs=hints)["score"]) < 3


def register(db: Session, passwords: Passwords, email: str, password: str) -> Therapist:
    email = normalise_email(email)
    check_password_rules(password, email)
    if repository.by_email(db, email) is not None:
        raise EmailTaken()
    therapist = Therapist(
        id=str(uuid.uuid4()),
        email=email,
        password_hash=passwords.hash(password),
        created_at=utcnow(),
    )
    try:
        with db.begin_nested():
            repository.add(db, therapist)
    except IntegrityError as exc:  # two registrations for one address at the same moment
        raise EmailTaken() from exc
    return therapist


@dataclass(frozen=True, slots=True)
class Login:
    therapist: Therapist
    cookie: str
    auth: AuthSession


@dataclass(frozen=True, slots=True)
class LoginRefused:
    error: AppError


def _limit_keys(secret: str, email: str, address: str | None) -> tuple[str, str]:
    # Keyed hashes: the ledger cannot be turned back into addresses by trying every IPv4.
    def keyed(value: str) -> str:
        return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]

    return f"acct:{keyed(email)}", f"addr:{keyed(address or '-')}"


def login(
    db: Session,
    settings: Settings,
    passwords: Passwords,
    email: str,
    password: str,
    address: str | None,
    box: SecretBox,
    totp_code: str | None = None,
    recovery_code: str | None = None,
) -> Login | LoginRefused:
    """A refusal is returned, not raised: the failure must be recorded (committed) even though
    the answer is an error."""
    now = utcnow()
    email = normalise_email(email)
    account_key, address_key = _limit_keys(settings.secret_key, email, address)
    since = now - timedelta(minutes=settings.login_window_minutes)
    if (
        repository.failures_since(db, account_key, since) >= settings.login_max_failures_per_account
        or repository.failures_since(db, address_key, since)
        >= settings.login_max_failures_per_address
    ):
        return LoginRefused(TooManyAttempts())
    therapist = repository.by_email(db, email)
    ok, new_hash = passwords.verify(password, therapist.password_hash if therapist else None)
    if not ok or therapist is None:
        repository.record_failure(db, [account_key, address_key], now)
        return LoginRefused(WrongCredentials())
    if therapist.totp_secret is not None:
        if not totp_code and not recovery_code:
            return LoginRefused(totp.SecondFactorRequired())
        if not totp.verify(db, therapist, box, totp_code, recovery_code):
            repository.record_failure(db, [account_key, address_key], now)
            return LoginRefused(totp.WrongSecondFactor())
    if new_hash is not None:
        therapist.password_hash = new_hash
    repository.clear_failures(db, account_key)
    repository.purge_expired_sessions(db, now)
    repository.purge_failures(db, since)
    cookie = new_token()
    auth = AuthSession(
        id=token_hash(cookie),
        therapist_id=therapist.id,
        csrf_token=new_token(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
    )
    repository.add_session(db, auth)
    return Login(therapist=therapist, cookie=cookie, auth=auth)


def authenticate(
    db: Session, settings: Settings, cookie: str | None
) -> tuple[Therapist, AuthSession]:
    if not cookie:
        raise NotLoggedIn()
    auth = repository.session_by_hash(db, token_hash(cookie))
    now = utcnow()
    if auth is None:
        raise NotLoggedIn()
    idle_limit = _aware(auth.last_seen_at) + timedelta(minutes=settings.session_idle_minutes)
    if _aware(auth.expires_at) <= now or idle_limit <= now:
        repository.end_session(db, auth.id)
        raise NotLoggedIn("Je was een tijdje niet actief en bent uitgelogd. Log opnieuw in.")
    therapist = repository.by_id(db, auth.therapist_id)
    if therapist is None:
        raise NotLoggedIn()
    # Touch at most once a minute, so reads don't turn into a write per request.
    if now - _aware(auth.last_seen_at) > timedelta(minutes=1):
        auth.last_seen_at = now
    return therapist, auth


def logout(db: Session, auth: AuthSession) -> None:
    repository.end_session(db, auth.id)


def change_password(
    db: Session, passwords: Passwords, therapist: Therapist, auth: AuthSession, old: str, new: str
) -> None:
    ok, _ = passwords.verify(old, therapist.password_hash)
    if not ok:
        raise WrongCredentials("Je huidige wachtwoord klopt niet.")
    check_password_rules(new, therapist.email)
    therapist.password_hash = passwords.hash(new)
    # Other devices are logged out; this one stays.
    repository.end_all_sessions(db, therapist.id, keep=auth.id)


def delete_account(db: Session, passwords: Passwords, therapist: Therapist, password: str) -> None:
    ok, _ = passwords.verify(password, therapist.password_hash)
    if not ok:
        raise WrongCredentials("Je wachtwoord klopt niet. Je account is niet verwijderd.")
    repository.delete_therapist(db, therapist)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
