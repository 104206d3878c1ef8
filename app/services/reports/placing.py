"""Placing reports in leads, once they are answered: all waiting reports in one batch.

Intake stores a report and its evidence item and answers; placing it in a lead (clustering,
re-assessing the lead, legal bases, webhooks) follows in a transaction of its own, for every
report that waits at that moment. A placement that fails leaves its reports waiting: the
next one, or the service's start, places them.
"""

import logging
import threading
import weakref

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import Unavailable
from app.services.leads.pipeline import place
from app.settings import Settings
from models import EvidenceItem

log = logging.getLogger("ecoleads.reports")


def place_waiting_reports(session: Session, *, settings: Settings) -> int:
    """Place every report's evidence item that belongs to no lead yet, oldest first; return
    how many were placed. Items another transaction is placing are skipped (PostgreSQL's
    SKIP LOCKED; SQLite's write lock lets one placement run at a time)."""
    waiting = list(
        session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.lead_id.is_(None), EvidenceItem.report_id.is_not(None))
            .order_by(EvidenceItem.id)
            .with_for_update(skip_locked=True)
        )
    )
    # The platform places them (each item's source names its volunteer).
    place(session, waiting, actor="system", settings=settings)
    return len(waiting)


class _Placer:
    """One placement at a time per database in this process: an answer that comes while one
    runs asks it to go round again, so that under load many reports are placed in one
    batch."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = False
        self._again = False

    def run(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        """Place the waiting reports, or have the running placement do it."""
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
        try:
            while True:
                with self._lock:
                    self._again = False
                _place_once(sessions, settings)
                with self._lock:
                    if not self._again:
                        self._running = False  # decided under the lock: no wake-up lost
                        return
        except BaseException:
            with self._lock:
                self._running = False
            raise


def _place_once(sessions: sessionmaker[Session], settings: Settings) -> None:
    try:
        with sessions.begin() as session:
            place_waiting_reports(session, settings=settings)
    except (SQLAlchemyError, Unavailable) as exc:
        log.warning("reports left waiting for a lead", extra={"error": str(exc)})


_placers: "weakref.WeakKeyDictionary[sessionmaker[Session], _Placer]" = weakref.WeakKeyDictionary()
_placers_lock = threading.Lock()


def place_waiting_reports_now(sessions: sessionmaker[Session], settings: Settings) -> None:
    """Place the waiting reports in a transaction of their own (or have the placement that
    runs in this process go round again); on failure log it and leave them waiting for the
    next placement."""
    with _placers_lock:
        placer = _placers.setdefault(sessions, _Placer())
    placer.run(sessions, settings)
