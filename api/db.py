"""Database engine, the request-scoped session, and the declarative base.

The request's session dependency commits when the handler returns and rolls back when it raises;
services and repositories never commit. SQLite is the embedded default, PostgreSQL scales out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Dialect, Engine, MetaData, String, Text, TypeDecorator, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Stable constraint names so Alembic migrations look the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _NulFree(TypeDecorator[str]):
    """PostgreSQL text cannot hold NUL bytes, and no person means one. They are dropped on the
    way in, for stored text and for the values we look rows up by alike, so a NUL in any input
    is a harmless no-op instead of a database error."""

    impl: Any = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return value.replace("\x00", "") if isinstance(value, str) else value


class NulFreeString(_NulFree):
    impl = String
    cache_ok = True


class NulFreeText(_NulFree):
    impl = Text
    cache_ok = True


SQLITE_PRAGMAS = (
    # WAL lets readers and one writer work at once; FULL makes every commit durable on power loss.
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    # Deleted user text is overwritten on disk, not just unlinked from the b-tree.
    "PRAGMA secure_delete=ON",
)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def build_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=8,
            max_overflow=8,
            # SQL errors must not carry what people wrote into logs and tracebacks.
            hide_parameters=True,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
    )


def build_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    maker = sessionmaker(bind=engine, expire_on_commit=False)
    event.listen(maker, "after_commit", _checkpoint_after_erasure)
    return maker


ERASED = "erased_user_text"


def mark_erased(session: Session) -> None:
    """Call when a transaction deletes user text: once it commits, SQLite's write-ahead log is
    checkpointed and truncated, so no copy of the text survives in the -wal file either."""
    session.info[ERASED] = True


def _checkpoint_after_erasure(session: Session) -> None:
    if not session.info.pop(ERASED, False):
        return
    bind = session.get_bind()
    if bind.dialect.name != "sqlite" or not isinstance(bind, Engine):
        return
    with bind.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def get_db(request: Request) -> Iterator[Session]:
    # Each app owns its engine (app.state), so tests can run apps on SQLite and PostgreSQL side
    # by side without a global to reset.
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function" commits before the response is sent: an acknowledged write is durable.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
