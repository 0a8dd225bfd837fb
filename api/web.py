"""Cross-cutting HTTP concerns: security headers on every response, a body size limit, and the
API docs served from our own origin."""

from __future__ import annotations

import json
from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = Path(__file__).with_name("static")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI sets style attributes from React; scripts stay as strict as everywhere else.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "x-frame-options": "DENY",
}


def security_headers(path: str, https: bool) -> dict[str, str]:
    headers = dict(BASE_HEADERS)
    headers["content-security-policy"] = DOCS_CSP if path.startswith("/docs") else CSP
    if path.startswith("/api/"):
        # Session, homework and account answers hold personal data: never cache them.
        headers["cache-control"] = "no-store"
    if https:
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return headers


class SecurityHeaders:
    """Pure ASGI, so streaming and error responses get the headers too."""

    def __init__(self, app: ASGIApp, *, force_hsts: bool = False) -> None:
        self.app = app
        self.force_hsts = force_hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = self.force_hsts or scope.get("scheme") == "https"
        extra = security_headers(scope.get("path", ""), https)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses bodies over the limit with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _too_large(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send)


class LoadShedding:
    """Answers 503 at once when too many requests are in flight, instead of queueing until every
    request is slow. /healthz is never shed, so a balancer sees the process is alive."""

    def __init__(self, app: ASGIApp, *, max_in_flight: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == "/healthz":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            await _json_error(
                send,
                503,
                "unavailable",
                "Het is nu erg druk. Probeer het zo nog eens.",
                retry_after="1",
            )
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    await _json_error(send, 413, "too_large", "Wat je stuurde is te groot.")


async def _json_error(
    send: Send, status: int, code: str, detail: str, retry_after: str | None = None
) -> None:
    body = json.dumps({"detail": detail, "code": code}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", retry_after.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Veilig Gezegd API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>"""

SECURITY_TXT = """Contact: mailto:security@veiliggezegd.nl
Expires: 2027-11-23T00:00:00Z
Preferred-Languages: nl, en
Policy: https://github.com/veilig-gezegd/veilig-gezegd/blob/main/SECURITY.md
"""


def install_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    @app.get("/.well-known/security.txt", include_in_schema=False)
    def security_txt() -> PlainTextResponse:
        return PlainTextResponse(SECURITY_TXT)

    @app.get("/docs/init.js", include_in_schema=False)
    def docs_init() -> FileResponse:
        return FileResponse(STATIC / "docs-init.js", media_type="text/javascript")

    app.mount(
        "/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets"
    )
