"""The `ecoleads worker` process: a pool of worker loops and its signal handling."""

import logging
import signal
import threading
from types import FrameType

from app.db import anchor_of, make_engine, make_sessionmaker
from app.http.logging import configure_logging
from app.jobs.worker import WorkerPool
from app.services.audit_anchor import attach_anchor
from app.services.files.archived_store import check_evidence_store
from app.services.files.archiving import start_archiver
from app.services.webhooks.dispatcher import start_dispatcher
from app.settings import Settings

log = logging.getLogger("ecoleads.jobs")


def run_worker(settings: Settings, *, concurrency: int, once: bool) -> int:
    """Run worker loops (and the webhook dispatcher and, unless once, the evidence archiver)
    until the queue is empty (once) or a signal arrives; return the exit code (0 after a
    clean stop, 1 when running jobs had to be given back)."""
    configure_logging(settings.log_level, settings.log_json)
    if unreachable := check_evidence_store(settings):
        log.warning("starting without the evidence archive: %s", unreachable)
    engine = make_engine(settings.resolved_database_url, settings)
    sessions, write_sessions = make_sessionmaker(engine), make_sessionmaker(engine, write=True)
    for factory in (sessions, write_sessions):
        attach_anchor(factory, anchor_of(settings))
    pool = WorkerPool(sessions, write_sessions, settings, concurrency, once=once)
    signals = threading.Semaphore(0)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        signals.release()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    log.info("worker started", extra={"workers": [w.name for w in pool.workers]})
    pool.start()
    dispatcher = start_dispatcher(settings, sessions, write_sessions)
    archiver = None if once else start_archiver(settings, sessions, write_sessions)
    code = 0
    try:
        stopping = False
        while not pool.join(timeout=0.2):
            if not signals.acquire(blocking=False):
                continue
            if not stopping:
                log.info("worker stopping: running jobs finish first (signal again to release)")
                pool.stop()
                stopping = True
            else:
                pool.release()
                code = 1
                break
    finally:
        if dispatcher is not None:
            dispatcher.stop()
        if archiver is not None:
            archiver.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
        if code == 0:
            engine.dispose()
    log.info("worker stopped", extra={"exit_code": code})
    return code
