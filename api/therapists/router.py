from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from api.db import SessionDep
from api.therapists import service, totp
from api.therapists.deps import (
    COOKIE_NAME,
    CurrentTherapist,
    PasswordsDep,
    SecretBoxDep,
    SettingsDep,
    refuse_cross_site,
)
from api.therapists.schemas import (
    ChangePasswordIn,
    DeleteAccountIn,
    LoginIn,
    LoginOut,
    PasswordAndCodeIn,
    RecoveryCodesOut,
    RegisterIn,
    TherapistOut,
    TotpCodeIn,
    TotpSetupOut,
)

router = APIRouter(prefix="/api/v1", tags=["therapists"])

CSRF_COOKIE = "vg_csrf"


def _me(auth: service.Login | CurrentTherapist) -> dict[str, Any]:
    therapist = auth.therapist
    return {
        "therapist": {
            "id": therapist.id,
            "email": therapist.email,
            "second_factor": therapist.totp_secret is not None,
        },
        "csrf_token": auth.auth.csrf_token,
    }


def _forget_cookies(response: Response, secure: bool) -> None:
    for name in (COOKIE_NAME, CSRF_COOKIE):
        response.delete_cookie(
            name, path="/", secure=secure, httponly=name == COOKIE_NAME, samesite="strict"
        )


@router.post(
    "/therapists",
    status_code=201,
    response_model=TherapistOut,
    dependencies=[Depends(refuse_cross_site)],
)
def register(body: RegisterIn, db: SessionDep, passwords: PasswordsDep) -> Any:
    """Make a therapist account (at least 12 characters for the password)."""
    therapist = service.register(db, passwords, body.email, body.password)
    return {"id": therapist.id, "email": therapist.email}


@router.post(
    "/auth/login",
    response_model=LoginOut,
    dependencies=[Depends(refuse_cross_site)],
    responses={401: {"description": "Wrong e-mail or password"}, 429: {"description": "Slow down"}},
)
def login(
    body: LoginIn,
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    passwords: PasswordsDep,
    box: SecretBoxDep,
) -> Any:
    """Log in. Sets the HttpOnly session cookie and a readable `vg_csrf` cookie; send the CSRF
    token back as `X-CSRF-Token` on every state-changing request."""
    address = request.client.host if request.client else None
    result = service.login(
        db,
        settings,
        passwords,
        body.email,
        body.password,
        address,
        box=box,
        totp_code=body.totp_code,
        recovery_code=body.recovery_code,
    )
    if isinstance(result, service.LoginRefused):
        # Returned, not raised: the failed attempt must be committed for the rate limit.
        return JSONResponse(result.error.body(), status_code=result.error.status_code)
    response = JSONResponse(_me(result))
    max_age = settings.session_absolute_hours * 3600
    secure = settings.secure_cookies
    response.set_cookie(
        COOKIE_NAME,
        result.cookie,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE,
        result.auth.csrf_token,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=False,
        samesite="strict",
    )
    return response


@router.get("/auth/me", response_model=LoginOut)
def me(who: CurrentTherapist) -> Any:
    """Who is logged in, and the CSRF token for this login."""
    return _me(who)


@router.post("/auth/logout", status_code=204)
def logout(who: CurrentTherapist, db: SessionDep, settings: SettingsDep) -> Response:
    """Log out: this login ends on the server at once."""
    service.logout(db, who.auth)
    response = Response(status_code=204)
    _forget_cookies(response, settings.secure_cookies)
    return response


@router.post("/auth/password", status_code=204)
def change_password(
    body: ChangePasswordIn, who: CurrentTherapist, db: SessionDep, passwords: PasswordsDep
) -> Response:
    """Change the password; logins on other devices end."""
    service.change_password(
        db, passwords, who.therapist, who.auth, body.current_password, body.new_password
    )
    return Response(status_code=204)


@router.delete("/therapists/me", status_code=204)
def delete_account(
    body: DeleteAccountIn,
    who: CurrentTherapist,
    db: SessionDep,
    settings: SettingsDep,
    passwords: PasswordsDep,
) -> Response:
    """Delete the account and everything under it: clients, homework, attempts, scenarios."""
    service.delete_account(db, passwords, who.therapist, body.password)
    response = Response(status_code=204)
    _forget_cookies(response, settings.secure_cookies)
    return response


@router.post("/auth/totp/setup", response_model=TotpSetupOut)
def totp_setup(who: CurrentTherapist, box: SecretBoxDep) -> Any:
    """Start switching on the second factor: add the secret to an authenticator app."""
    secret, uri = totp.begin_setup(who.therapist, box)
    return {"secret": secret, "otpauth_uri": uri}


@router.post("/auth/totp/enable", response_model=RecoveryCodesOut)
def totp_enable(body: TotpCodeIn, who: CurrentTherapist, db: SessionDep, box: SecretBoxDep) -> Any:
    """Confirm with a code from the app. From now on every login needs a code too."""
    return {"recovery_codes": totp.enable(db, who.therapist, box, body.code)}


def _confirm_password_and_code(
    body: PasswordAndCodeIn,
    who: CurrentTherapist,
    db: SessionDep,
    passwords: PasswordsDep,
    box: SecretBoxDep,
) -> None:
    """Changes to the second factor itself need the password and a current code."""
    ok, _ = passwords.verify(body.password, who.therapist.password_hash)
    if not ok:
        raise service.WrongCredentials("Je wachtwoord klopt niet.")
    if not totp.verify(db, who.therapist, box, body.code, None):
        raise totp.WrongSecondFactor()


@router.post("/auth/totp/recovery-codes", response_model=RecoveryCodesOut)
def totp_new_recovery_codes(
    body: PasswordAndCodeIn,
    who: CurrentTherapist,
    db: SessionDep,
    passwords: PasswordsDep,
    box: SecretBoxDep,
) -> Any:
    """Ten new recovery codes (password and a current code needed); the old ones stop working."""
    if who.therapist.totp_secret is None:
        raise totp.SecondFactorOff()
    _confirm_password_and_code(body, who, db, passwords, box)
    return {"recovery_codes": totp.renew_recovery_codes(db, who.therapist)}


@router.post("/auth/totp/disable", status_code=204)
def totp_disable(
    body: PasswordAndCodeIn,
    who: CurrentTherapist,
    db: SessionDep,
    passwords: PasswordsDep,
    box: SecretBoxDep,
) -> Response:
    """Switch the second factor off (password and a current code needed)."""
    _confirm_password_and_code(body, who, db, passwords, box)
    totp.disable(db, who.therapist)
    return Response(status_code=204)
