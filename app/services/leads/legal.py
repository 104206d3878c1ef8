"""The legal bases in force: the seeded `legal_bases` table as matching rows, kept in step
with the seed.

A basis version is a group of rows sharing (code, effective_from): one per category and zone.
A group the table lacks is inserted. A group whose stored rows nobody edited (each still
carries the digest it was seeded with, and is active) follows the seed when the seed corrects
it: its rows are replaced. A group with an edited or deactivated row stays as users left it.
"""

import dataclasses
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import LegalBasis
from models.spatial import hold_lock
from rules.legal import BasisRow, row_digest
from rules.legal_seed import SEED

Key = tuple[str | None, date | None]


def as_row(b: LegalBasis) -> BasisRow:
    """A stored basis as the matching rules read it (uncoded rows get empty placeholders:
    legal_rows never matches them)."""
    return BasisRow(
        b.code or "",
        b.category,
        b.zone_kind,
        b.zone_level,
        b.law,
        b.article,
        b.text,
        tuple(b.elements),
        b.effective_from or date.min,
        b.effective_to,
        b.source or "",
        b.needs_review,
        b.absent_note,
    )


def _stored(r: BasisRow) -> LegalBasis:
    return LegalBasis(
        **{**dataclasses.asdict(r), "elements": list(r.elements)},
        active=True,
        seed_digest=row_digest(r),
    )


def _untouched(b: LegalBasis) -> bool:
    return b.active and b.seed_digest is not None and b.seed_digest == row_digest(as_row(b))


def _stale(stored: list[LegalBasis]) -> dict[Key, tuple[list[LegalBasis], list[BasisRow]]]:
    """The seed's groups the table lacks or holds in an older, unedited form: each with the
    stored rows it replaces and the seed's rows."""
    groups: dict[Key, list[LegalBasis]] = defaultdict(list)
    for b in stored:
        groups[(b.code, b.effective_from)].append(b)
    seeded: dict[Key, list[BasisRow]] = defaultdict(list)
    for r in SEED:
        seeded[(r.code, r.effective_from)].append(r)
    stale = {}
    for key, rows in seeded.items():
        mine = groups.get(key, [])
        if mine and not all(_untouched(b) for b in mine):
            continue  # edited by users: theirs
        if sorted(b.seed_digest or "" for b in mine) != sorted(row_digest(r) for r in rows):
            stale[key] = (mine, rows)
    return stale


# Any 64-bit number works; this one spells "legal" so a DBA reading pg_locks can tell.
SYNC_LOCK = 0x6C6567616C0000


def _sync(session: Session, stored: list[LegalBasis]) -> tuple[list[LegalBasis], int]:
    """Bring the table in step with the seed (see the module docstring); return the rows
    after it (the stored ones kept, and those inserted) and how many were inserted.

    Writers take a lock and read the table again first, so that two processes meeting the
    same new seed write it once."""
    if not _stale(stored):
        return stored, 0
    hold_lock(session, SYNC_LOCK, "legal_bases")
    fresh = select(LegalBasis).order_by(LegalBasis.id).execution_options(populate_existing=True)
    stored = list(session.scalars(fresh))
    removed: set[int] = set()
    added: list[LegalBasis] = []
    for mine, rows in _stale(stored).values():
        for b in mine:
            session.delete(b)
            removed.add(id(b))
        added += [_stored(r) for r in rows]
    if added:
        session.add_all(added)
        session.flush()
    return [b for b in stored if id(b) not in removed] + added, len(added)


def seed_legal_bases(session: Session) -> int:
    """Bring the table in step with the seed; return how many rows were written."""
    return _sync(session, list(session.scalars(select(LegalBasis).order_by(LegalBasis.id))))[1]


def legal_rows(session: Session) -> list[BasisRow]:
    """Return the active, versioned legal bases, the table brought in step with the seed
    first (one read of the table serves both).

    Rows without a code or start date (copies of the seed from before versioning) are left in
    the table but not matched: the coded rows supersede them, and without a period they
    cannot be placed in time."""
    stored = list(session.scalars(select(LegalBasis).order_by(LegalBasis.id)))
    return [
        as_row(b)
        for b in _sync(session, stored)[0]
        if b.active and b.code is not None and b.effective_from is not None
    ]
