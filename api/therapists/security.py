"""Password hashing and secret tokens.

argon2id through pwdlib. Logins for unknown e-mail addresses verify against a dummy hash, so an
unknown address and a wrong password take the same time. A semaphore bounds how many hashes run
at once: argon2 takes 64 MiB each, and a burst of logins must not exhaust memory.
"""

from __future__ import annotations

import secrets
import threading

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from api.config import Settings

MIN_PASSWORD_LENGTH = 12
# Long passphrases are welcome; this only stops megabyte "passwords" used as a hashing DoS.
MAX_PASSWORD_LENGTH = 1024


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
                ),
            )
        )
        self._slots = threading.BoundedSemaphore(settings.max_concurrent_password_hashes)
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, password: str, stored_hash: str | None) -> tuple[bool, str | None]:
        """(matches, a new hash when the stored one used older parameters)."""
        with self._slots:
            if stored_hash is None:
                if self._dummy is None:
                    self._dummy = self._hasher.hash(secrets.token_urlsafe(24))
                self._hasher.verify(password, self._dummy)
                return False, None
            return self._hasher.verify_and_update(password, stored_hash)
