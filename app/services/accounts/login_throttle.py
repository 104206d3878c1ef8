"""Failed sign-in throttling per account name and per client address, kept in the database.

The counters live in `login_failures` so every service process sees the same ones. The
account key is the name as typed (normalised), whether or not such an account exists, so
being throttled says nothing about which accounts exist.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from app.errors import TooManyRequests
from app.settings import Settings
from models import LoginFailure
from models.base import utcnow


def account_key(username: str) -> str:
    """Return the throttling key of a typed account name."""
    return username.strip().casefold()[:200]


def address_key(address: str | None) -> str:
    """Return the throttling key of a client address."""
    return (address or "unknown")[:64]


def _wait(
    session: Session, where: ColumnElement[bool], limit: int, since: datetime, window: timedelta
) -> float:
    """Seconds until fewer than `limit` failures matching `where` are in the window (0: now)."""
    if limit <= 0:
        return 0.0
    times = session.scalars(
        select(LoginFailure.failed_at)
        .where(where, LoginFailure.failed_at > since)
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    ).all()
    if len(times) < limit:
        return 0.0
    # Blocked until the limit-th newest failure leaves the window.
    return (times[-1] + window - utcnow()).total_seconds()


def check_login_allowed(
    session: Session, *, account: str, address: str, settings: Settings
) -> None:
    """Raise TooManyRequests while the account name or the address is over its limit."""
    window = timedelta(seconds=settings.login_failure_window_s)
    since = utcnow() - window
    wait = max(
        _wait(
            session,
            LoginFailure.account == account,
            settings.login_failures_per_account,
            since,
            window,
        ),
        _wait(
            session,
            LoginFailure.address == address,
            settings.login_failures_per_address,
            since,
            window,
        ),
    )
    if wait > 0:
        raise TooManyRequests(
            "too many failed sign-ins; wait before trying again", max(1, math.ceil(wait))
        )


def record_login_failure(
    session: Session, *, account: str, address: str, settings: Settings
) -> None:
    """Store a failed sign-in in its own transaction (the request's is rolled back)."""
    now = utcnow()
    with Session(bind=session.get_bind()) as own, own.begin():
        own.add(LoginFailure(account=account, address=address, failed_at=now))
        # Keep the table to the window: older rows no longer count.
        cutoff = now - timedelta(seconds=settings.login_failure_window_s)
        own.execute(delete(LoginFailure).where(LoginFailure.failed_at < cutoff))


def clear_login_failures(session: Session, *, account: str) -> None:
    """Reset an account name's counter after a successful sign-in."""
    session.execute(delete(LoginFailure).where(LoginFailure.account == account))
