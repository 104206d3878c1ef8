"""Identity schemas."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RegisterRequest(BaseModel):
    """A volunteer's self-registration: phone or e-mail, password, display name."""

    phone: str | None = Field(None, examples=["13800000000"])
    email: str | None = Field(None, examples=["volunteer@example.org"])
    password: str = Field(min_length=8, max_length=200)
    display_name: str = Field(min_length=1, max_length=200)
    org_code: str | None = Field(None, description="platform joined; default the city's")

    @model_validator(mode="after")
    def _contact(self) -> "RegisterRequest":
        if not (self.phone or self.email):
            raise ValueError("give a phone number or an e-mail address")
        return self


class RegisterAccepted(BaseModel):
    """The one answer to every accepted registration, whether or not the contact was new."""

    status: str = "accepted"
    detail: str = (
        "If this phone number or e-mail address was not registered yet, its account is "
        "ready: sign in with it and your password. If it was, sign in with the password "
        "you set before."
    )


class UserRead(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    phone: str | None
    email: str | None
    display_name: str
    role: str
    org_code: str
    created_at: datetime


class TokenResponse(BaseModel):
    """OAuth2 bearer token response."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int


class ApiTokenCreate(BaseModel):
    """Ask for a long-lived API token for a machine client."""

    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] | None = Field(
        None, description="at most the calling token's scopes; default: all of them"
    )
    days: int = Field(90, ge=1, le=3660)


class ApiTokenRead(BaseModel):
    """An API token's record (the secret is never shown again)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str | None
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    """A new API token with its secret, shown this once."""

    token: str
