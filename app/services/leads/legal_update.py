"""After the law changes: bring the legal bases in step with the seed, and re-match the bases
of the open leads, so that no lead being worked on cites a row the seed has corrected."""

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.leads.legal import seed_legal_bases
from app.services.leads.steps import reassess_legal
from models import Lead
from rules.workflow import OPEN_STATUSES

ACTOR = "system:legal-update"


def update_legal(
    session: Session, *, progress: Callable[[float, str], None] | None = None
) -> tuple[int, int]:
    """Sync the seed; when it wrote anything, re-match every open lead (each change logged).
    Return (rows written, leads whose bases changed). Closed leads keep what they cited."""
    written = seed_legal_bases(session)
    if not written:
        return 0, 0
    leads = list(session.scalars(select(Lead).where(Lead.status.in_(OPEN_STATUSES))))
    changed = 0
    for n, lead in enumerate(leads, start=1):
        before = lead.legal_bases
        reassess_legal(session, lead=lead, actor=ACTOR)
        changed += lead.legal_bases != before
        if progress is not None:
            progress(n / len(leads), f"lead {lead.id}")
    return written, changed
