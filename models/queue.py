"""Claiming queued jobs and due webhook deliveries: the one place that knows how the two
databases hand out work.

PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` lets many workers take different jobs at once
without waiting on each other. SQLite has no row locks: the caller's writer transaction
(BEGIN IMMEDIATE, see models.spatial.writer) serialises claims across processes. On both, the
UPDATE is conditional on the job still being queued, so a claim is never given twice.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models.job import Job
from models.partners import Subscription, WebhookDelivery


def _skip_locked(stmt: Select[Any], dialect_name: str, of: Any = None) -> Select[Any]:
    """Lock the chosen rows (of `of`'s table only, in a join) and skip rows other workers
    hold (PostgreSQL only)."""
    if dialect_name == "postgresql":
        return stmt.with_for_update(skip_locked=True, of=of)
    return stmt  # SQLite: the writer transaction already excludes every other writer


def claim_next(session: Session, *, worker: str, now: datetime) -> str | None:
    """Mark the oldest queued job running for `worker` and return its id (None if none).

    Run it in a writer transaction (on SQLite) and commit at once: the claim is only visible
    to others, and only held, after the commit.
    """
    pick = select(Job.id).where(Job.status == "queued").order_by(Job.created_at, Job.id).limit(1)
    job_id = session.scalar(_skip_locked(pick, session.get_bind().dialect.name))
    if job_id is None:
        return None
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(
            status="running",
            claimed_by=worker,
            heartbeat_at=now,
            started_at=now,
            attempts=Job.attempts + 1,
            message="started",
        )
        .execution_options(synchronize_session=False)
    )
    return job_id if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def claim_delivery(session: Session, *, worker: str, now: datetime, lease_s: float) -> int | None:
    """Hold the most overdue pending delivery of an active subscription for `worker` until
    now + lease_s and return its id (None if none is due). A delivery whose hold expired
    (its worker stopped mid-send) is due again. Commit at once, as for claim_next."""
    due = (
        (WebhookDelivery.status == "pending")
        & (WebhookDelivery.next_attempt_at <= now)
        & ((WebhookDelivery.claimed_until.is_(None)) | (WebhookDelivery.claimed_until < now))
    )
    pick = (
        select(WebhookDelivery.id)
        .join(Subscription, Subscription.id == WebhookDelivery.subscription_id)
        .where(due, Subscription.active.is_(True))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(1)
    )
    delivery_id = session.scalar(
        _skip_locked(pick, session.get_bind().dialect.name, of=WebhookDelivery)
    )
    if delivery_id is None:
        return None
    claimed = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, due)
        .values(claimed_by=worker, claimed_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)
    )
    return delivery_id if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def write_window_probe(session: Session) -> Callable[[], bool]:
    """Return a check, safe from another thread, of whether the job's connection is inside
    a transaction. On SQLite a commit by another connection then would either wait for the
    job's write lock or leave the job with a snapshot it cannot write from (temp-table work,
    then a write): the heartbeat skips its turn. PostgreSQL: never in the way."""
    if session.get_bind().dialect.name != "sqlite":
        return lambda: False
    dbapi_conn = session.connection().connection.dbapi_connection
    return lambda: bool(dbapi_conn is not None and dbapi_conn.in_transaction)


def wrote_nothing(session: Session, exc: OperationalError) -> bool:
    """Tell whether a write failed only because the session's SQLite transaction is a stale
    reader (it had written nothing, else it would hold the write lock and nobody could have
    committed since): rolling it back loses nothing."""
    return session.get_bind().dialect.name == "sqlite" and "locked" in str(exc.orig)
