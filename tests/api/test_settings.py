from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.config import Settings


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(environment="production", secret_key="kort")
    ok = Settings(environment="production", secret_key="x" * 40)
    assert ok.secure_cookies is True


def test_postgres_urls_are_normalised_to_psycopg() -> None:
    assert Settings(database_url="postgres://u@h/db").database_url == "postgresql+psycopg://u@h/db"
    assert (
        Settings(database_url="postgresql://u@h/db").database_url == "postgresql+psycopg://u@h/db"
    )
