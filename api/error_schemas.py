"""The shapes of our error answers, published in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorOut(BaseModel):
    detail: str
    code: str


class FieldError(BaseModel):
    loc: list[str | int]
    type: str
    msg: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldError]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationErrorOut, "description": "The request did not validate"},
    "default": {"model": ErrorOut, "description": "An error: a Dutch detail and a stable code"},
}
