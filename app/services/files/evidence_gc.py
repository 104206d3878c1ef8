"""Sweep the evidence store of files no row references (left by a crash or a refused
request whose files another request did not take up)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.files.evidence_store import LocalEvidenceStore, SweepResult
from models import Image, ReportPhoto


def referenced_digests(session: Session) -> set[str]:
    """Every SHA-256 whose files (photo original, display copy, thumbnail; image original
    and COG) a row relies on."""
    return {
        *session.scalars(select(ReportPhoto.sha256).distinct()),
        *session.scalars(select(Image.original_sha256)),
        *(d for d in session.scalars(select(Image.cog_sha256)) if d),
    }


def sweep_evidence(session: Session, *, store: LocalEvidenceStore, grace_s: float) -> SweepResult:
    """Delete unreferenced evidence files untouched for `grace_s` seconds.

    The set of referenced digests is read first: a file put after that read is younger than
    the grace period (put freshens it), so a request in flight never loses its files.
    """
    digests = referenced_digests(session)
    return store.sweep(lambda key: key.split("/")[2][:64] in digests, grace_s)
