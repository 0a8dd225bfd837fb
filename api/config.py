"""Settings, read once from the environment (and `.env` in development)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent

# Values that are fine on a laptop and a disaster in production.
_DEV_SECRET = "dev-only-not-secret-change-me"  # noqa: S105 (refused outside development)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'veilig-gezegd.db'}"
    dialogues_dir: Path = ROOT / "dialogues"
    frontend_dir: Path = ROOT / "frontend"
    secret_key: str = _DEV_SECRET
    # The longest sentence we analyse, in characters as the user sees them (code points).
    max_text_length: int = 1000
    log_level: str = "INFO"

    # argon2id cost; raising these rehashes each password at its next login.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    max_concurrent_password_hashes: int = 4
    # Therapist login sessions: ended after this much inactivity, and after this long regardless.
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    # Send cookies only over HTTPS. On by default in production.
    cookie_secure: bool | None = None
    # Failed logins allowed per e-mail address and per client address in the window.
    login_window_minutes: int = 15
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 30
    # Requests with a larger body get 413 before they are read.
    max_body_bytes: int = 256 * 1024
    # Requests handled at once per process; more get 503 and Retry-After rather than a long queue.
    max_in_flight: int = 64
    # Send Strict-Transport-Security even when TLS ends at a proxy in front of us.
    hsts: bool = False
    # Anonymous practice sessions (not homework) are deleted this long after their last reply.
    anonymous_retention_days: int = 30
    # How often a running app applies that (0: never; then run `python -m api.retention`).
    retention_interval_minutes: int = 60
    # Where homework links point; empty means "the host the request came in on".
    public_url: str = ""

    @field_validator("database_url")
    @classmethod
    def _normalise_db_url(cls, value: str) -> str:
        # Accept the URLs people paste from hosting dashboards; we always talk psycopg 3.
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production" and self.secret_key == _DEV_SECRET:
            raise ValueError("SECRET_KEY must be set to a long random value in production")
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is None:
            return self.environment == "production"
        return self.cookie_secure

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
