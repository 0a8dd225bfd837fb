"""Encryption at rest for the few secrets we must be able to read back (TOTP seeds).

Fernet (AES-128-CBC with HMAC-SHA256) from the cryptography package, with a key derived from
SECRET_KEY: a copy of the database alone does not reveal the seeds. Rotating SECRET_KEY means
therapists set up their second factor again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, secret_key: str) -> None:
        # A purpose-bound key: the same SECRET_KEY also keys the login rate-limit ledger.
        derived = hashlib.sha256(b"veilig-gezegd/totp-seed\x00" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, sealed: str) -> str | None:
        """None when the value was sealed with another key (SECRET_KEY was rotated)."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None
