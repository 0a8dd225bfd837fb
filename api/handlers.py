"""One place that turns every error into calm JSON: Dutch `detail`, a stable `code`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import AppError
from api.web import security_headers

log = logging.getLogger("api.errors")

_STATUS_TEXT = {
    400: ("bad_request", "Dit verzoek konden we niet lezen."),
    401: ("unauthorized", "Log eerst in."),
    403: ("forbidden", "Dit mag je niet doen."),
    404: ("not_found", "Dit konden we niet vinden."),
    405: ("method_not_allowed", "Dit kan op deze plek niet."),
    409: ("conflict", "Dit kan nu even niet, omdat er intussen iets veranderd is."),
    413: ("too_large", "Wat je stuurde is te groot."),
    415: ("unsupported_media_type", "Stuur de gegevens als JSON."),
    429: ("too_many_requests", "Even rustig aan: probeer het zo nog eens."),
    503: ("unavailable", "Het is nu erg druk. Probeer het zo nog eens."),
}


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "gegevens"


def dutch_validation_message(error: dict[str, Any]) -> str:
    """A short Dutch sentence for one pydantic error; never echoes the submitted value."""
    kind = error.get("type", "")
    field = _field(tuple(error.get("loc", ())))
    if kind == "json_invalid":
        return "Wat je stuurde is geen geldige JSON."
    if kind == "missing":
        return f"'{field}' ontbreekt."
    if kind in ("string_type", "string_unicode"):
        return f"'{field}' moet tekst zijn."
    if kind in ("int_type", "int_parsing"):
        return f"'{field}' moet een heel getal zijn."
    if kind == "extra_forbidden":
        return f"'{field}' kennen we niet."
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"'{field}' moet een van deze waarden zijn: {expected}."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "Stuur een JSON-object."
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return f"'{field}' is te lang (hoogstens {limit} tekens)."
    if kind == "value_error":
        # Our own validators raise ValueError with a Dutch sentence.
        return str(error.get("ctx", {}).get("error", "")) or f"'{field}' klopt niet."
    return f"'{field}' klopt niet."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            errors.append(
                {
                    "loc": list(err.get("loc", ())),
                    "type": err.get("type", ""),
                    "msg": dutch_validation_message(err),
                }
            )
        detail = errors[0]["msg"] if errors else "Er klopt iets niet aan wat je stuurde."
        return JSONResponse(
            {"detail": detail, "code": "validation_error", "errors": errors},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, text = _STATUS_TEXT.get(exc.status_code, ("error", "Dat lukte niet."))
        return JSONResponse(
            {"detail": text, "code": code},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The type only: the exception text may contain what the user wrote.
        log.error("unhandled error: %s", type(exc).__name__)
        # This answer leaves through Starlette's outermost middleware, past SecurityHeaders.
        return JSONResponse(
            {
                "detail": "Er ging bij ons iets mis. Probeer het zo nog eens.",
                "code": "internal_error",
            },
            status_code=500,
            headers=security_headers(request.url.path, request.url.scheme == "https"),
        )
