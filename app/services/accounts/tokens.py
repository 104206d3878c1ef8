"""Bearer tokens: login sessions and API tokens, stored as hashes, bound to their maker."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound, Unauthorized
from models import Token, User
from models.base import utcnow

# A token's last use is written at most this often, outside the request's transaction.
TOUCH_INTERVAL = timedelta(minutes=1)
# What each role may do; API tokens carry a subset of their owner's role scopes.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            "layers:read",
            "layers:write",
            "geocode",
            "jobs:read",
            "organisations:read",
            "reports:read",
            "reports:write",
            "users:write",
            "leads:read",
            "leads:write",
            "air:read",
            "air:write",
            "imagery:read",
            "imagery:write",
            "ogc:read",
            "referrals:write",
            "subscriptions:write",
        }
    ),
    "prosecutor": frozenset(
        {
            "air:read",
            "air:write",
            "layers:read",
            "geocode",
            "jobs:read",
            "organisations:read",
            "reports:read",
            "leads:read",
            "leads:write",
            "imagery:read",
            "imagery:write",
            "ogc:read",
            "referrals:write",
            "subscriptions:write",
        }
    ),
    "partner": frozenset(
        {
            "air:read",
            "layers:read",
            "geocode",
            "jobs:read",
            "organisations:read",
            "leads:read",
            "reports:read",
            "ogc:read",
            "referrals:write",
            "subscriptions:write",
        }
    ),
    "volunteer": frozenset({"reports:read", "reports:write"}),
}


def _token_hash(raw: str) -> str:
    # Tokens are 256-bit random: a plain SHA-256 is enough to keep them unusable at rest.
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    session: Session,
    *,
    user: User,
    kind: str,
    ttl: timedelta,
    scopes: list[str] | None = None,
    name: str | None = None,
    parent: Token | None = None,
) -> tuple[str, Token]:
    """Create a token (bound to `parent` and not outliving it, if given); return the secret."""
    allowed = ROLE_SCOPES[user.role]
    wanted = set(scopes) if scopes is not None else set(allowed)
    if not wanted <= allowed:
        raise Forbidden(f"a {user.role} cannot hold scopes {', '.join(sorted(wanted - allowed))}")
    expires_at = utcnow() + ttl
    if parent is not None:
        expires_at = min(expires_at, parent.expires_at)
    raw = ("elk_" if kind == "api" else "els_") + secrets.token_urlsafe(32)
    token = Token(
        user_id=user.id,
        kind=kind,
        token_hash=_token_hash(raw),
        prefix=raw[:10],
        name=name,
        scopes=sorted(wanted),
        expires_at=expires_at,
        parent_token_id=parent.id if parent is not None else None,
    )
    session.add(token)
    session.flush()
    return raw, token


def mint_api_token(
    session: Session,
    *,
    user: User,
    via: Token,
    name: str,
    scopes: list[str] | None,
    ttl: timedelta,
) -> tuple[str, Token]:
    """Create an API token from the calling token: at most its scopes, bound to it.

    A non-admin's new token expires no later than the calling token and stops working when
    that one is revoked or expires. An admin calling with a full token (holding
    `users:write`) mints a free-standing token of the asked lifetime.
    """
    wanted = sorted(via.scopes) if scopes is None else sorted(set(scopes))
    extra = set(wanted) - set(via.scopes)
    if extra:
        raise Forbidden(f"this token cannot grant scopes it lacks: {', '.join(sorted(extra))}")
    free = user.role == "admin" and "users:write" in via.scopes
    return issue_token(
        session,
        user=user,
        kind="api",
        scopes=wanted,
        name=name,
        ttl=ttl,
        parent=None if free else via,
    )


def _live(token: Token, now: datetime) -> bool:
    return token.revoked_at is None and token.expires_at > now


def resolve_token(session: Session, raw: str) -> tuple[User, Token]:
    """Return the user and token for a bearer secret, or raise Unauthorized."""
    token = session.scalar(select(Token).where(Token.token_hash == _token_hash(raw)))
    now = utcnow()
    if token is None or not _live(token, now):
        raise Unauthorized("missing, expired or revoked token")
    parent_id = token.parent_token_id
    while parent_id is not None:  # every token it was minted from must still be live
        parent = session.get(Token, parent_id)
        if parent is None or not _live(parent, now):
            raise Unauthorized("the token it was created from has expired or was revoked")
        parent_id = parent.parent_token_id
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("the token's account is disabled")
    return user, token


def token_needs_touch(token: Token) -> bool:
    """Tell whether a token's last use is worth recording (at most once a minute)."""
    return token.last_used_at is None or utcnow() - token.last_used_at > TOUCH_INTERVAL


def touch_token(session: Session, *, token_id: int) -> None:
    """Record that a token was used now."""
    session.execute(update(Token).where(Token.id == token_id).values(last_used_at=utcnow()))


def token_by_id(session: Session, token_id: int) -> Token:
    """Return a token record in this session."""
    token = session.get(Token, token_id)
    if token is None:
        raise Unauthorized("missing, expired or revoked token")
    return token


def revoke_token(session: Session, *, token: Token) -> None:
    """Revoke a token now, and every token minted from it."""
    now = utcnow()
    if token.revoked_at is None:
        token.revoked_at = now
    ids = [token.id]
    while ids:
        children = session.scalars(
            select(Token).where(Token.parent_token_id.in_(ids), Token.revoked_at.is_(None))
        ).all()
        for child in children:
            child.revoked_at = now
        ids = [c.id for c in children]
    session.flush()


def list_api_tokens(session: Session, *, user: User) -> list[Token]:
    """Return a user's API tokens, newest first."""
    return list(
        session.scalars(
            select(Token)
            .where(Token.user_id == user.id, Token.kind == "api")
            .order_by(Token.id.desc())
        )
    )


def get_api_token(session: Session, *, user: User, token_id: int) -> Token:
    """Return one of the user's API tokens (any user's, for an admin)."""
    token = session.get(Token, token_id)
    if token is None or token.kind != "api" or (token.user_id != user.id and user.role != "admin"):
        raise NotFound(f"API token {token_id} not found")
    return token
