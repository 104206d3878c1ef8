"""Use cases for identity: users, registration and sign-in (tokens: accounts/tokens.py)."""

import re

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound, Unauthorized
from app.services.accounts.login_throttle import (
    account_key,
    address_key,
    check_login_allowed,
    clear_login_failures,
    record_login_failure,
)
from app.services.accounts.organisations import get_organisation
from app.services.accounts.passwords import check_new_password, hash_password, verify_password
from app.settings import Settings
from models import Organisation, User
from models.org import ROLES

PHONE = re.compile(r"^\+?\d{7,15}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


# Roles that act on the platform's own leads and reports: their accounts belong to its own
# organisations. A partner procuratorate's prosecutors use partner accounts.
OWN_ORG_ROLES = ("admin", "prosecutor", "volunteer")


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
    if role in OWN_ORG_ROLES and org.role != "own":
        raise Invalid(
            f"a {role} belongs to one of this platform's own organisations; {org.code} "
            f"({org.name}) is a partner, whose staff have partner accounts (read-only on "
            "what is shared with them)"
        )
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
    # Hashed before the first query (a writer's transaction holds SQLite's lock), and also
    # when the contact is taken: the same Argon2 work either way.
    password_hash = hash_password(password)
    org = joinable_organisation(session, code=org_code)
    if _taken(session, name=name, phone=phone, email=email):
        return
    try:
        with session.begin_nested():  # a concurrent twin may take the contact first
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
    except IntegrityError:
        return  # taken after all: answered like any taken contact


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
        # End the request's transaction first: it is rolled back anyway, and on SQLite it holds
        # the write lock that the failure's own transaction needs.
        session.rollback()
        record_login_failure(session, account=account, address=source, settings=settings)
        raise
    clear_login_failures(session, account=account)
    return user


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
