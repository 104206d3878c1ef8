"""Access rules: every route declares who may call it, and the default is deny.

A route depends on `Allow(scope, *roles)` (a bearer token of one of those roles, carrying
that scope) or on `public`. `check_routes` refuses to start an app with a route that
declares neither.
"""

import base64
import binascii
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import BackgroundTasks, Depends, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import BaseRoute

from app.errors import Forbidden, Unauthorized
from app.http.routing import TransactionRoute
from app.services.accounts.tokens import resolve_token, token_needs_touch, touch_token
from models import Token, User

log = logging.getLogger("ecoleads.auth")
bearer = HTTPBearer(auto_error=False, description="login or API token")


@dataclass
class Principal:
    """The authenticated caller."""

    user: User
    token: Token


class Allow:
    """Dependency: require a token whose user has one of `roles` and whose scopes hold `scope`."""

    def __init__(self, scope: str, *roles: str) -> None:
        self.scope = scope
        self.roles = roles

    def permit(self, user: User, token: Token) -> None:
        """Refuse a caller outside the roles or without the scope."""
        if user.role not in self.roles:
            raise Forbidden(f"a {user.role} may not do this (allowed: {', '.join(self.roles)})")
        if self.scope not in token.scopes:
            raise Forbidden(f"this token lacks the scope {self.scope!r}")

    def __call__(
        self,
        request: Request,
        background: BackgroundTasks,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        """Resolve the caller or refuse.

        The check reads in a short session of its own, so it neither opens the request's
        transaction (a writer's, on SQLite, holds the write lock) nor writes: the token's
        last use is recorded after the response, at most once a minute.
        """
        if credentials is None:
            raise Unauthorized("this endpoint needs a bearer token")
        return self.resolve(request, background, credentials.credentials)

    def resolve(self, request: Request, background: BackgroundTasks, raw: str) -> Principal:
        """Resolve a token secret to the caller, or refuse."""
        with request.app.state.sessions() as session:
            user, token = resolve_token(session, raw)
        self.permit(user, token)
        if token_needs_touch(token):
            background.add_task(_touch, request.app.state.write_sessions, token.id)
        return Principal(user, token)


def _touch(sessions: sessionmaker[Session], token_id: int) -> None:
    """Record a token's use; losing this to a busy database is harmless."""
    try:
        with sessions.begin() as session:
            touch_token(session, token_id=token_id)
    except OperationalError as exc:
        log.info("token use not recorded: %s", exc.orig)


class AllowBasic(Allow):
    """Allow, also taking the token as an HTTP Basic password (the user name is ignored), for
    clients that can only send user:password (GIS desktop tools)."""

    CHALLENGE = 'Bearer realm="ecoleads", Basic realm="ecoleads"'

    def __call__(  # type: ignore[override]
        self, request: Request, background: BackgroundTasks
    ) -> Principal:
        """Resolve a bearer or Basic caller, or refuse with both challenges."""
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        raw = value.strip() if scheme.lower() == "bearer" else _basic_password(scheme, value)
        if not raw:
            raise Unauthorized(
                "send an API token: Bearer, or Basic with it as password", self.CHALLENGE
            )
        try:
            return self.resolve(request, background, raw)
        except Unauthorized as exc:
            raise Unauthorized(exc.message, self.CHALLENGE) from None


def _basic_password(scheme: str, value: str) -> str | None:
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2] or None


def public() -> None:
    """Dependency marking a route as open to anyone."""


class Authenticated(Allow):
    """Any signed-in caller, whatever the token's scopes (e.g. to revoke the token)."""

    def __init__(self) -> None:
        super().__init__("", "admin", "prosecutor", "volunteer", "partner")

    def permit(self, user: User, token: Token) -> None:
        """Accept every valid token."""


def _declares_access(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is public or isinstance(dep.call, Allow):  # Authenticated is an Allow
            return True
        stack.extend(dep.dependencies)
    return False


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Yield every API route, including those of included routers."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        # FastAPI wraps included routers; older versions copy their routes instead.
        inner = getattr(route, "original_router", None) or getattr(route, "app", None)
        if inner is not None and hasattr(inner, "routes"):
            yield from api_routes(inner.routes)


def check_routes(app: FastAPI) -> None:
    """Refuse an app with a route that does not declare who may call it; state it in the docs."""
    routes = list(api_routes(app.routes))
    for route in routes:
        roles = roles_of(route)
        who = "public" if roles is None else ", ".join(roles)
        route.description = f"{route.description or ''}\n\n**Access:** {who}".strip()
    missing = [r.path for r in routes if not _declares_access(r)]
    if missing:
        raise RuntimeError(f"routes without an access rule (default deny): {', '.join(missing)}")
    plain = [r.path for r in routes if not isinstance(r, TransactionRoute)]
    if plain:
        raise RuntimeError(f"routes that would commit after serialising: {', '.join(plain)}")


def roles_of(route: APIRoute) -> tuple[str, ...] | None:
    """Return the roles a route allows, or None for a public route."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Allow):
            return dep.call.roles
        stack.extend(dep.dependencies)
    return None
