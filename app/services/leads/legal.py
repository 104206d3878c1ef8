"""The legal bases in force: the seeded, user-editable `legal_bases` table as matching rows."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import LegalBasis
from rules.legal import BasisRow
from rules.legal_seed import SEED


def _add_missing(session: Session, stored: list[LegalBasis]) -> list[LegalBasis]:
    """Add every seed row whose (code, effective_from) is not among `stored`; return them."""
    present = {(b.code, b.effective_from) for b in stored}
    new = [
        LegalBasis(
            code=r.code,
            category=r.category,
            zone_kind=r.zone_kind,
            zone_level=r.zone_level,
            law=r.law,
            article=r.article,
            text=r.text,
            elements=list(r.elements),
            effective_from=r.effective_from,
            effective_to=r.effective_to,
            source=r.source,
            needs_review=r.needs_review,
            absent_note=r.absent_note,
            active=True,
        )
        for r in SEED
        if (r.code, r.effective_from) not in present
    ]
    if new:
        session.add_all(new)
        session.flush()
    return new


def seed_legal_bases(session: Session) -> int:
    """Insert every seed row whose (code, effective_from) the table lacks, so a deployment
    receives new bases and versions; rows already there, edited or not, stay as they are.
    Return how many rows were added."""
    return len(_add_missing(session, list(session.scalars(select(LegalBasis)))))


def legal_rows(session: Session) -> list[BasisRow]:
    """Return the active, versioned legal bases, seeding the new seed rows first (one read of
    the table serves both).

    Rows without a code or start date (copies of the seed from before versioning) are left in
    the table but not matched: the coded rows supersede them, and without a period they
    cannot be placed in time."""
    stored = list(session.scalars(select(LegalBasis).order_by(LegalBasis.id)))
    stored += _add_missing(session, stored)
    return [
        BasisRow(
            b.code,
            b.category,
            b.zone_kind,
            b.zone_level,
            b.law,
            b.article,
            b.text,
            tuple(b.elements),
            b.effective_from,
            b.effective_to,
            b.source or "",
            b.needs_review,
            b.absent_note,
        )
        for b in stored
        if b.active and b.code is not None and b.effective_from is not None
    ]
