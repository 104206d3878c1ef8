"""Use cases for identity: users, passwords (Argon2), bearer tokens (stored as hashes)."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from app.services.login_throttle import (
    account_key,
    address_key,
    check_login_allowed,
    clear_login_failures,
    record_login_failure,
)
from app.services.organisations import get_organisation
from app.services.passwords import check_new_password, hash_password, verify_password
from app.settings import Settings
from models import Organisation, Token, User
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


def _token_hash(raw: str) -> str:
    # Tokens are 256-bit random: a plain SHA-256 is enough to keep them unusable at rest.
    return hashlib.sha256(raw.encode()).hexdigest()


def _check_new_user(
    *, role: str, password: str, username: str | None, phone: str | None, email: str | None
) -> str:
    """Refuse an invalid account; return its username (default the phone or e-mail)."""
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if phone is not None and not PHONE.match(phone):
        raise Invalid("phone must be 7 to 15 digits, optionally after a +")
    if email is not None and not EMAIL.match(email):
        raise Invalid("email is not an e-mail address")
    name = username or phone or email
    if not name:
        raise Invalid("give a phone number or an e-mail address")
    check_new_password(password, identifiers=(name, phone, email))
    return name


def _taken(session: Session, *, name: str, phone: str | None, email: str | None) -> bool:
    """Tell whether an account already uses this username, phone or e-mail."""
    clash = session.scalar(
        select(User.id).where(
            or_(
                User.username == name,
                User.phone == (phone or name),
                User.email == (email or name),
            )
        )
    )
    return clash is not None


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
    name = _check_new_user(
        role=role, password=password, username=username, phone=phone, email=email
    )
    if _taken(session, name=name, phone=phone, email=email):
        raise Conflict(f"an account for {name!r} already exists")
    org = get_organisation(session, code=org_code)
    return _add_user(
        session,
        org=org,
        role=role,
        name=name,
        phone=phone,
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
    )


def _add_user(
    session: Session,
    *,
    org: Organisation,
    role: str,
    name: str,
    phone: str | None,
    email: str | None,
    display_name: str,
    password_hash: str,
) -> User:
    """Insert an active user."""
    user = User(
        org_id=org.id,
        role=role,
        username=name,
        phone=phone,
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def joinable_organisation(session: Session, *, code: str) -> Organisation:
    """Return one of the platform's own organisations, which volunteers may join."""
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None or org.role != "own":
        # One answer for unknown and partner codes: volunteers join only our own.
        raise Invalid(f"org_code {code!r} is not an organisation volunteers can join here")
    return org


def register_volunteer(
    session: Session,
    *,
    org_code: str,
    password: str,
    display_name: str,
    phone: str | None,
    email: str | None,
) -> None:
    """Create a volunteer unless the phone/e-mail is taken; answer and cost the same either way."""
    name = _check_new_user(
        role="volunteer", password=password, username=None, phone=phone, email=email
    )
    org = joinable_organisation(session, code=org_code)
    password_hash = hash_password(password)  # also when taken: the same Argon2 work
    if _taken(session, name=name, phone=phone, email=email):
        return
    _add_user(
        session,
        org=org,
        role="volunteer",
        name=name,
        phone=phone,
        email=email,
        display_name=display_name,
        password_hash=password_hash,
    )


def authenticate(session: Session, *, username: str, password: str) -> User:
    """Return the active user with this username/phone/e-mail and password."""
    user = session.scalar(
        select(User).where(
            or_(User.username == username, User.phone == username, User.email == username)
        )
    )
    usable = user if user is not None and user.is_active else None
    # No account or a disabled one: verify against a dummy hash, so that cost says nothing.
    if not verify_password(usable.password_hash if usable else None, password) or usable is None:
        raise Unauthorized("wrong username or password")
    return usable


def login(
    session: Session, *, username: str, password: str, address: str | None, settings: Settings
) -> User:
    """Authenticate within the failed sign-in limits of the account name and the address."""
    account, source = account_key(username), address_key(address)
    check_login_allowed(session, account=account, address=source, settings=settings)
    try:
        user = authenticate(session, username=username, password=password)
    except Unauthorized:
        record_login_failure(session, account=account, address=source, settings=settings)
        raise
    clear_login_failures(session, account=account)
    return user


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
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return user, token


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
