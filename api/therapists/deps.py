"""`CurrentTherapist`: the logged-in therapist, with CSRF checked on every state change."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from api.config import Settings
from api.db import SessionDep
from api.errors import AppError
from api.secretbox import SecretBox
from api.therapists import service
from api.therapists.models import AuthSession, Therapist
from api.therapists.security import Passwords

COOKIE_NAME = "vg_sessie"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(AppError):
    status_code = 403
    code = "csrf_failed"
    default_detail = "Dit verzoek kwam niet van onze eigen pagina. Laad de pagina opnieuw."


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


def get_secret_box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SecretBoxDep = Annotated[SecretBox, Depends(get_secret_box)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]


def refuse_cross_site(request: Request) -> None:
    """Browsers tell us where a request came from; a cookie alone never proves intent."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfRefused()
    origin = request.headers.get("origin")
    if origin and origin != "null":
        if urlsplit(origin).netloc != request.headers.get("host", ""):
            raise CsrfRefused()
    elif origin == "null":
        raise CsrfRefused()


@dataclass(frozen=True, slots=True)
class Authenticated:
    therapist: Therapist
    auth: AuthSession


def current(request: Request, db: SessionDep, settings: SettingsDep) -> Authenticated:
    therapist, auth = service.authenticate(db, settings, request.cookies.get(COOKIE_NAME))
    if request.method not in SAFE_METHODS:
        refuse_cross_site(request)
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), auth.csrf_token.encode()):
            raise CsrfRefused()
    return Authenticated(therapist, auth)


CurrentTherapist = Annotated[Authenticated, Depends(current)]
