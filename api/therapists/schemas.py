from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: StrictStr = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: StrictStr = Field(max_length=1024)


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: StrictStr = Field(max_length=254)
    password: StrictStr = Field(max_length=1024)


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


class LoginOut(BaseModel):
    therapist: TherapistOut
    # Send this back as the X-CSRF-Token header on every POST, PUT, PATCH and DELETE.
    csrf_token: str
