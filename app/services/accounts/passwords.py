"""Passwords: Argon2id hashing, constant-cost verification, and the rules a new one obeys."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.errors import Invalid

MIN_PASSWORD = 8
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified when there is no account (or it is disabled), so that a wrong password
    # costs the same Argon2 work whether or not the account exists.
    return _hasher.hash("no account has this password")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against a hash; with no hash, do the same work and return False."""
    try:
        ok = _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the 30,000 most common passwords (zxcvbn's list from leaked sets), lower-cased."""
    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def check_new_password(password: str, *, identifiers: tuple[str | None, ...]) -> None:
    """Refuse a password that is short, common, or the account's own name, phone or e-mail."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"password must have at least {MIN_PASSWORD} characters")
    folded = password.casefold()
    if any(i and folded == i.strip().casefold() for i in identifiers):
        raise Invalid("password must not be the account's username, phone number or e-mail")
    if password.lower() in common_passwords():
        raise Invalid(
            "password is one of the 30,000 most common passwords and would be guessed: "
            "choose another"
        )
