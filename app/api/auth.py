"""Accounts and tokens: registration, login, revocation, API tokens for machines."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import Authenticated, Principal, public
from app.deps import DbId, DbIdQuery, LeadReader, SessionDep, SettingsDep
from app.errors import Invalid
from app.http.routing import TransactionRoute
from app.presenters.rows import from_row
from app.schemas.auth import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    RegisterAccepted,
    RegisterRequest,
    TokenResponse,
    UserRead,
)
from app.services.accounts import auth as service
from app.services.accounts import tokens
from app.services.leads.workflow import assignable_users
from models import Organisation, User

router = APIRouter(prefix="/api/v1", tags=["auth"], route_class=TransactionRoute)
Caller = Annotated[Principal, Depends(Authenticated())]


def user_read(session: SessionDep, user: User) -> UserRead:
    """Render a user with its organisation code."""
    org = session.get(Organisation, user.org_id)
    return from_row(UserRead, user, org_code=org.code if org else "")


@router.post(
    "/auth/register",
    status_code=202,
    summary="Volunteer self-registration (public)",
    dependencies=[Depends(public)],
)
def register(req: RegisterRequest, session: SessionDep, settings: SettingsDep) -> RegisterAccepted:
    """Create a volunteer account; the answer is the same whether or not the phone or
    e-mail already has one (no account enumeration)."""
    service.register_volunteer(
        session,
        org_code=req.org_code or settings.default_org_code,
        password=req.password,
        display_name=req.display_name,
        phone=req.phone,
        email=req.email,
    )
    return RegisterAccepted()


@router.post(
    "/auth/token",
    summary="Log in: OAuth2 password form (public)",
    dependencies=[Depends(public)],
    responses={429: {"description": "too many failed sign-ins; see Retry-After"}},
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenResponse:
    """Exchange a phone/e-mail/username and password for a bearer token."""
    user = service.login(
        session,
        username=form.username,
        password=form.password,
        address=request.client.host if request.client else None,
        settings=settings,
    )
    raw, _token = tokens.issue_token(
        session, user=user, kind="session", ttl=timedelta(seconds=settings.session_ttl_s)
    )
    return TokenResponse(access_token=raw, expires_in=settings.session_ttl_s)


@router.post("/auth/revoke", status_code=204, summary="Revoke the token used to call this")
def revoke(session: SessionDep, caller: Caller) -> Response:
    """Log out: the bearer token, and the tokens created with it, stop working at once."""
    tokens.revoke_token(session, token=tokens.token_by_id(session, caller.token.id))
    return Response(status_code=204)


@router.get("/users/me", summary="Who am I")
def me(session: SessionDep, caller: Caller) -> UserRead:
    """Return the calling user."""
    return user_read(session, caller.user)


@router.post("/auth/api-tokens", status_code=201, summary="Create a long-lived API token")
def create_api_token(
    req: ApiTokenCreate, session: SessionDep, settings: SettingsDep, caller: Caller
) -> ApiTokenCreated:
    """Create an API token for yourself, at most with the calling token's scopes; the
    secret is shown only in this response. Unless you are an admin, it expires no later than
    the calling token and stops working when that one is revoked (e.g. at logout)."""
    if req.days > settings.api_token_max_days:
        raise Invalid(f"days must be at most {settings.api_token_max_days}")
    raw, token = tokens.mint_api_token(
        session,
        user=caller.user,
        via=caller.token,
        scopes=req.scopes,
        name=req.name,
        ttl=timedelta(days=req.days),
    )
    return ApiTokenCreated(token=raw, **ApiTokenRead.model_validate(token).model_dump())


@router.get("/auth/api-tokens", summary="List your API tokens")
def list_api_tokens(session: SessionDep, caller: Caller) -> list[ApiTokenRead]:
    """List your API tokens (without secrets)."""
    return [
        ApiTokenRead.model_validate(t) for t in tokens.list_api_tokens(session, user=caller.user)
    ]


@router.delete("/auth/api-tokens/{token_id}", status_code=204, summary="Revoke an API token")
def delete_api_token(token_id: DbId, session: SessionDep, caller: Caller) -> Response:
    """Revoke one of your API tokens (an admin may revoke anyone's)."""
    tokens.revoke_token(
        session, token=tokens.get_api_token(session, user=caller.user, token_id=token_id)
    )
    return Response(status_code=204)


@router.get("/users", summary="Prosecutors one may assign leads (or a given lead) to")
def colleagues(session: SessionDep, caller: LeadReader, lead: DbIdQuery = None) -> list[UserRead]:
    """Return the active prosecutors of the caller's organisations; with `lead`, only
    those whose organisation is responsible for that lead (whom assign accepts)."""
    found = assignable_users(session, user=caller.user, lead_id=lead)
    return [user_read(session, u) for u in found]
