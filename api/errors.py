"""Typed application errors with one handler.

Services raise these; the handler turns them into `{"detail": <Dutch text>, "code": <id>}` so
people get a message they understand and API clients get a stable code to branch on.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    default_detail: ClassVar[str] = "Dat lukte niet."

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        self.detail = detail or self.default_detail
        self.extra = extra
        super().__init__(self.detail)

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "code": self.code, **self.extra}


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    default_detail = "Dit konden we niet vinden."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    default_detail = "Dit kan nu even niet, omdat er intussen iets veranderd is."


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_error"
    default_detail = "Er klopt iets niet aan wat je stuurde."

    def body(self) -> dict[str, Any]:
        # The same shape as a request that failed validation, so clients handle one 422.
        return {"errors": [], **super().body()}
