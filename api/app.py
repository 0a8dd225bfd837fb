"""The application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from api import logs, retention, safety
from api.analysis.router import router as analysis_router
from api.config import Settings, get_settings
from api.db import build_engine, build_sessionmaker
from api.error_schemas import ERROR_RESPONSES
from api.handlers import install_error_handlers
from api.homework.router import client_router as homework_client_router
from api.homework.router import router as homework_router
from api.practice.router import router as practice_router
from api.scenarios.router import router as scenarios_router
from api.scenarios.service import load_catalogue
from api.secretbox import SecretBox
from api.therapists.router import router as therapists_router
from api.therapists.security import Passwords
from api.web import BodyLimit, LoadShedding, SecurityHeaders, install_docs

log = logging.getLogger("api")


async def _retention_loop(app: FastAPI, settings: Settings) -> None:
    """Deletes expired anonymous practice data now and then; safe in several processes at once."""
    while True:
        try:
            with app.state.sessionmaker() as db, db.begin():
                removed = retention.purge(db, older_than_days=settings.anonymous_retention_days)
            if removed:
                log.info("retention removed %d anonymous sessions", removed)
        except Exception as exc:  # a busy database must not stop the loop
            log.warning("retention skipped: %s", type(exc).__name__)
        await asyncio.sleep(settings.retention_interval_minutes * 60)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # Refuses to start with a scenario that has errors, and says which (raised here, at import of
    # api.main, so `uvicorn` stops before it listens).
    catalogue = load_catalogue(settings.dialogues_dir)

    engine = build_engine(settings.database_url)

    # Load the safety rules now (the feedback rules were loaded by the catalogue's lint), so
    # the first replies after a restart are not the slow ones.
    safety.get_engine()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        log.info("serving %d scenarios", len(catalogue.current))
        # Every request in flight must be able to get a worker thread. Otherwise a request that
        # has written (and holds SQLite's write lock until its commit) can wait for a thread
        # that every other request is using to wait for that same lock.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, settings.max_in_flight + 8)
        janitor = None
        if settings.retention_interval_minutes > 0:
            janitor = asyncio.create_task(_retention_loop(app, settings))
        try:
            yield
        finally:
            if janitor is not None:
                janitor.cancel()
            engine.dispose()

    app = FastAPI(
        title="Veilig Gezegd",
        summary="Oefen moeilijke dingen veilig te zeggen: feedback, oefengesprekken en huiswerk.",
        version="0.1.0",
        lifespan=lifespan,
        # Our own /docs page serves Swagger UI from this origin, under the strict CSP.
        docs_url=None,
        redoc_url=None,
        responses=ERROR_RESPONSES,
    )
    app.state.settings = settings
    app.state.catalogue = catalogue
    app.state.engine = engine
    app.state.sessionmaker = build_sessionmaker(engine)
    app.state.passwords = Passwords(settings)
    app.state.secret_box = SecretBox(settings.secret_key)
    logs.install()
    install_error_handlers(app)
    install_docs(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(LoadShedding, max_in_flight=settings.max_in_flight)
    app.add_middleware(SecurityHeaders, force_hsts=settings.hsts)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Liveness: answers without touching the database."""
        return {"status": "ok"}

    app.include_router(analysis_router)
    app.include_router(scenarios_router)
    app.include_router(practice_router)
    app.include_router(therapists_router)
    app.include_router(homework_router)
    app.include_router(homework_client_router)

    frontend = settings.frontend_dir
    if (frontend / "index.html").is_file():
        index = frontend / "index.html"

        @app.get("/", include_in_schema=False)
        def index_page() -> FileResponse:
            return FileResponse(index)

        therapist_page = frontend / "therapeut.html"

        @app.get("/therapeut", include_in_schema=False)
        def therapist_index() -> FileResponse:
            # The therapists' pages: a second small app next to the practice app.
            return FileResponse(therapist_page)

        @app.get("/therapeut/", include_in_schema=False)
        def therapist_slash() -> RedirectResponse:
            # With a trailing slash the page's relative URLs would point one level too deep.
            return RedirectResponse("/therapeut", status_code=308)

        app.mount("/", StaticFiles(directory=frontend), name="frontend")
    return app
