"""The tamper-evident log: append entries chained by SHA-256, and verify the chain.

Each entry's hash covers its time, actor, action, subject and change (canonical JSON) and
the previous entry's hash; editing, deleting or reordering any entry breaks every later
link, and `verify` names the first entry that does not match.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import AuditEntry
from models.base import utcnow

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-native form of a change (what the database will give back)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


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


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    change: dict[str, Any],
    lead_id: int | None = None,
    evidence_id: int | None = None,
) -> AuditEntry:
    """Append an entry after the current tail (a unique prev_hash forbids forks)."""
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    at = utcnow()
    body = _canonical(change)
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        lead_id=lead_id,
        evidence_id=evidence_id,
        change=body,
        prev_hash=prev or GENESIS,
        hash=entry_hash(
            prev_hash=prev or GENESIS,
            at=at,
            actor=actor,
            action=action,
            lead_id=lead_id,
            evidence_id=evidence_id,
            change=body,
        ),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass
class ChainReport:
    """The outcome of walking the chain."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None


def verify(session: Session) -> ChainReport:
    """Walk the chain from its start; stop at the first entry that does not match."""
    prev = GENESIS
    checked = 0
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if e.prev_hash != prev:
            return ChainReport(False, checked, e.id, "its prev_hash is not the previous hash")
        expected = entry_hash(
            prev_hash=e.prev_hash,
            at=e.at,
            actor=e.actor,
            action=e.action,
            lead_id=e.lead_id,
            evidence_id=e.evidence_id,
            change=e.change,
        )
        if e.hash != expected:
            return ChainReport(False, checked, e.id, "its content does not match its hash")
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


def append_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Append many entries in order with one tail lookup (bulk work such as clustering)."""
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev = prev or GENESIS
    rows = []
    for e in entries:
        at, body = utcnow(), _canonical(e["change"])
        digest = entry_hash(
            prev_hash=prev,
            at=at,
            actor=e["actor"],
            action=e["action"],
            lead_id=e.get("lead_id"),
            evidence_id=e.get("evidence_id"),
            change=body,
        )
        rows.append(
            {
                "at": at,
                "actor": e["actor"],
                "action": e["action"],
                "lead_id": e.get("lead_id"),
                "evidence_id": e.get("evidence_id"),
                "change": body,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    if rows:
        # Core executemany: thousands of ORM objects would cost more than the hashing.
        session.execute(insert(AuditEntry), rows)
