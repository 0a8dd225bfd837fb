from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: StrictStr = Field(
        min_length=3, max_length=254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"
    )
    password: StrictStr = Field(max_length=1024)


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: StrictStr = Field(max_length=254)
    password: StrictStr = Field(max_length=1024)
    # Needed once the second factor is on: the app's current code, or one recovery code.
    totp_code: StrictStr | None = Field(default=None, max_length=12)
    recovery_code: StrictStr | None = Field(default=None, max_length=40)


class TotpSetupOut(BaseModel):
    # Shown once, to put in an authenticator app (or scan the otpauth URI as a QR code).
    secret: str
    otpauth_uri: str


class TotpCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: StrictStr = Field(max_length=12)


class PasswordAndCodeIn(BaseModel):
    """For changes to the second factor itself: the password and a current code from the app."""

    model_config = ConfigDict(extra="forbid")
    password: StrictStr = Field(max_length=1024)
    code: StrictStr = Field(max_length=12)


class RecoveryCodesOut(BaseModel):
    # Shown once; each works one time, for when the authenticator app is lost.
    recovery_codes: list[str]


class ChangePasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: StrictStr = Field(max_length=1024)
    new_password: StrictStr = Field(max_length=1024)


class DeleteAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: StrictStr = Field(max_length=1024)


class TherapistOut(BaseModel):
    id: str
    email: str
    second_factor: bool = False


class LoginOut(BaseModel):
    therapist: TherapistOut
    # Send this back as the X-CSRF-Token header on every POST, PUT, PATCH and DELETE.
    csrf_token: str
