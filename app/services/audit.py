"""The tamper-evident log: append entries chained by SHA-256, and verify the chain.

Each entry's hash covers its time, actor, action, subject and change (canonical JSON) and
the previous entry's hash; editing, deleting or reordering any entry breaks every later
link, and `verify` names the first entry that does not match. Entries recorded in a
transaction join the chain when it commits, in one locked insert (`seal`).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from app.services.audit_anchor import Anchor, AnchorError, Head, note_head
from models import AuditEntry, User
from models.audit import lock_chain
from models.base import utcnow

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-native form of a change (what the database will give back)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


# What an entry's hash covers: entry_hash's parameters, named as the entry's columns.
_HASHED = ("prev_hash", "at", "actor", "action", "lead_id", "evidence_id", "change")


def entry_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    lead_id: int | None,
    evidence_id: int | None,
    change: dict[str, Any],
) -> str:
    """Return the SHA-256 of an entry's content chained to its predecessor."""
    doc = {
        "prev": prev_hash,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "lead": lead_id,
        "evidence": evidence_id,
        "change": change,
    }
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# session.info key: entries recorded in this transaction, chained when it commits.
_PENDING = "audit_pending"


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    change: dict[str, Any],
    lead_id: int | None = None,
    evidence_id: int | None = None,
) -> None:
    """Record an entry; it joins the chain when the transaction commits (see `seal`)."""
    append_many(
        session,
        [
            {
                "actor": actor,
                "action": action,
                "change": change,
                "lead_id": lead_id,
                "evidence_id": evidence_id,
            }
        ],
    )


def actor_of(user: User) -> str:
    """Name a user as the actor of an entry."""
    return f"user:{user.id}"


def append_by(
    session: Session,
    user: User,
    action: str,
    *,
    change: dict[str, Any],
    lead_id: int | None = None,
) -> None:
    """Record an entry for what a user did."""
    append(session, actor=actor_of(user), action=action, change=change, lead_id=lead_id)


def append_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Record many entries in order (each: actor, action, change, optional lead_id and
    evidence_id); their changes are fixed now, their place in the chain at commit."""
    pending = session.info.setdefault(_PENDING, [])
    pending.extend({**e, "change": _canonical(e["change"])} for e in entries)


def seal(session: Session) -> None:
    """Chain the entries this transaction recorded, after the current tail.

    Runs just before the transaction commits: the chain's lock is the last lock a writer
    takes and is held only for the insert and the commit, so writers never wait for it while
    holding it in turn or form a lock cycle with the rows they changed.
    """
    entries = session.info.pop(_PENDING, None)
    if not entries:
        return
    seq, prev = _tail(session)
    at = utcnow()
    rows = []
    for e in entries:
        seq += 1
        digest = entry_hash(
            prev_hash=prev,
            at=at,
            actor=e["actor"],
            action=e["action"],
            lead_id=e.get("lead_id"),
            evidence_id=e.get("evidence_id"),
            change=e["change"],
        )
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": e["actor"],
                "action": e["action"],
                "lead_id": e.get("lead_id"),
                "evidence_id": e.get("evidence_id"),
                "change": e["change"],
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    # Core executemany: thousands of ORM objects would cost more than the hashing.
    session.execute(insert(AuditEntry), rows)
    note_head(session, seq, prev)


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release is not the commit
        seal(session)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _tail(session: Session) -> tuple[int, str]:
    """Lock the chain and return its head's (seq, hash); (0, GENESIS) when empty."""
    lock_chain(session)
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


@dataclass
class ChainReport:
    """The outcome of walking the chain."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None


def verify(session: Session, anchor: Anchor | None = None) -> ChainReport:
    """Walk the chain from its start; stop at the first entry that does not match. With an
    anchor, the anchored head must still be in the chain (truncation, re-chaining), and a
    chain with entries must have an anchored head (a deleted anchor hides truncation)."""
    try:
        head = anchor.read() if anchor is not None else None
    except AnchorError as exc:
        return ChainReport(False, 0, None, f"the anchored head cannot be trusted: {exc}")
    report = _walk(session, head)
    if report.ok and anchor is not None and head is None and report.checked:
        return ChainReport(
            False,
            report.checked,
            None,
            f"the anchor {anchor.path} is missing but the chain holds {report.checked} "
            "entries: without it a truncation cannot be seen (restore the anchor file)",
        )
    if report.ok and head is not None and report.checked < head.seq:
        return ChainReport(
            False,
            report.checked,
            None,
            f"truncated: {report.checked} entries, but entry {head.seq} "
            f"(hash {head.hash[:12]}…) was anchored on {head.at}",
        )
    return report


def _walk(session: Session, head: Head | None) -> ChainReport:
    prev = GENESIS
    checked = 0
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if e.prev_hash != prev:
            return ChainReport(False, checked, e.id, "its prev_hash is not the previous hash")
        expected = entry_hash(**{name: getattr(e, name) for name in _HASHED})
        if e.hash != expected:
            return ChainReport(False, checked, e.id, "its content does not match its hash")
        if e.seq != checked + 1:
            return ChainReport(False, checked, e.id, f"its place {e.seq} should be {checked + 1}")
        if head is not None and e.seq == head.seq and e.hash != head.hash:
            return ChainReport(
                False,
                checked,
                e.id,
                f"it is not the entry anchored as number {head.seq}: the chain was rewritten",
            )
        prev = e.hash
        checked += 1
    return ChainReport(True, checked)


def history(session: Session, *, lead_id: int) -> list[AuditEntry]:
    """Return a lead's entries, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.lead_id == lead_id).order_by(AuditEntry.id)
        )
    )
