"""Use cases for identity: users, passwords (Argon2), bearer tokens (stored as hashes)."""

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from app.services.organisations import get_organisation
from models import Token, User
from models.base import utcnow
from models.org import ROLES

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
        }
    ),
    "partner": frozenset({"air:read", "layers:read", "geocode", "jobs:read", "organisations:read"}),
    "volunteer": frozenset({"reports:read", "reports:write"}),
}
PHONE = re.compile(r"^\+?\d{7,15}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
# A token's last use is written at most this often, outside the request's transaction.
TOUCH_INTERVAL = timedelta(minutes=1)
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _hasher.hash(password)


def _token_hash(raw: str) -> str:
    # Tokens are 256-bit random: a plain SHA-256 is enough to keep them unusable at rest.
    return hashlib.sha256(raw.encode()).hexdigest()


def create_user(
    session: Session,
    *,
    role: str,
    org_code: str,
    password: str,
    display_name: str,
    username: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> User:
    """Create a user; the username defaults to the phone or e-mail."""
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if phone is not None and not PHONE.match(phone):
        raise Invalid("phone must be 7 to 15 digits, optionally after a +")
    if email is not None and not EMAIL.match(email):
        raise Invalid("email is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"password must have at least {MIN_PASSWORD} characters")
    name = username or phone or email
    if not name:
        raise Invalid("give a phone number or an e-mail address")
    clash = session.scalar(
        select(User.id).where(
            or_(
                User.username == name,
                User.phone == (phone or name),
                User.email == (email or name),
            )
        )
    )
    if clash is not None:
        raise Conflict(f"an account for {name!r} already exists")
    org = get_organisation(session, code=org_code)
    user = User(
        org_id=org.id,
        role=role,
        username=name,
        phone=phone,
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, username: str, password: str) -> User:
    """Return the active user with this username/phone/e-mail and password."""
    user = session.scalar(
        select(User).where(
            or_(User.username == username, User.phone == username, User.email == username)
        )
    )
    try:
        ok = user is not None and user.is_active and _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        raise Unauthorized("wrong username or password")
    return user


def issue_token(
    session: Session,
    *,
    user: User,
    kind: str,
    ttl: timedelta,
    scopes: list[str] | None = None,
    name: str | None = None,
) -> tuple[str, Token]:
    """Create a token; return the secret (shown once) and its record."""
    allowed = ROLE_SCOPES[user.role]
    wanted = set(scopes) if scopes is not None else set(allowed)
    if not wanted <= allowed:
        raise Forbidden(f"a {user.role} cannot hold scopes {', '.join(sorted(wanted - allowed))}")
    raw = ("elk_" if kind == "api" else "els_") + secrets.token_urlsafe(32)
    token = Token(
        user_id=user.id,
        kind=kind,
        token_hash=_token_hash(raw),
        prefix=raw[:10],
        name=name,
        scopes=sorted(wanted),
        expires_at=utcnow() + ttl,
    )
    session.add(token)
    session.flush()
    return raw, token


def resolve_token(session: Session, raw: str) -> tuple[User, Token]:
    """Return the user and token for a bearer secret, or raise Unauthorized."""
    token = session.scalar(select(Token).where(Token.token_hash == _token_hash(raw)))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise Unauthorized("missing, expired or revoked token")
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
    """Revoke a token now."""
    token.revoked_at = utcnow()
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


def get_user(session: Session, *, username: str) -> User:
    """Return a user by username, phone or e-mail."""
    user = session.scalar(
        select(User).where(
            or_(User.username == username, User.phone == username, User.email == username)
        )
    )
    if user is None:
        raise NotFound(f"user {username!r} not found")
    return user
