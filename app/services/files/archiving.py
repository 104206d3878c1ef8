"""The archiver: copy committed evidence originals to WORM object storage, record each
copy's custody, then drop the staged copy.

A pass takes the originals that rows rely on (report photos, imagery) and that have no
custody record yet; each is copied (the store checks its SHA-256 and locks it), checked
again, recorded (with an entry in the audit log) and only then dropped from local disk.
Any number of processes may run passes: a copy already there is checked, not written again,
and a custody record already made by another process is kept. A failure stops the pass and
leaves the rest staged for the next one (the background archiver waits longer after each
failure).
"""

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.services import audit
from app.services.files.archive import ArchivedCopy, ArchiveError, ObjectArchive
from app.services.files.archived_store import (
    ArchivedEvidenceStore,
    ArchiveState,
    archive_state,
    evidence_store,
)
from app.services.files.evidence_store import evidence_key
from app.settings import Settings
from geo.progress import Progress, no_progress
from models import ArchivedOriginal, Image, ReportPhoto

log = logging.getLogger("ecoleads.archive")


@dataclass
class ArchivePass:
    """What one pass did."""

    archived: list[str] = field(default_factory=list)  # SHA-256s newly recorded
    dropped: int = 0  # staged copies removed
    missing: list[str] = field(default_factory=list)  # neither staged nor archived
    last_photo: int = 0  # the newest report photo this pass looked at


def waiting_originals(session: Session) -> list[tuple[str, str]]:
    """(SHA-256, staged key) of every original a row relies on that has no custody record
    yet, oldest first."""
    done = select(ArchivedOriginal.sha256)
    photos = session.execute(
        select(ReportPhoto.sha256, ReportPhoto.id)
        .where(ReportPhoto.sha256.not_in(done))
        .order_by(ReportPhoto.id)
    ).all()
    images = session.execute(
        select(Image.original_sha256, Image.original_key)
        .where(Image.original_sha256.not_in(done))
        .order_by(Image.id)
    ).all()
    todo = {sha: evidence_key("originals", sha) for sha, _ in photos}
    todo.update({sha: key for sha, key in images if sha not in todo})
    return list(todo.items())


def waiting_count(session: Session) -> int:
    """How many originals rows rely on have no custody record yet (two counts)."""
    done = select(ArchivedOriginal.sha256)
    photos = select(func.count(func.distinct(ReportPhoto.sha256))).where(
        ReportPhoto.sha256.not_in(done)
    )
    images = select(func.count(Image.id)).where(Image.original_sha256.not_in(done))
    return int(session.scalar(photos) or 0) + int(session.scalar(images) or 0)


HEALTH_TTL_S = 10.0  # /health asks the object store and counts at most this often
_health: dict[str, tuple[float, ArchiveState, int]] = {}
_health_lock = threading.Lock()


def archive_health(session: Session, settings: Settings) -> tuple[ArchiveState, int] | None:
    """The object store's state and how many originals wait for it (None when there is no
    store), found at most every HEALTH_TTL_S seconds: /health is public and polled."""
    url = settings.evidence_store
    if url is None:
        return None
    with _health_lock:
        known = _health.get(url)
    if known is not None and time.monotonic() - known[0] < HEALTH_TTL_S:
        return known[1], known[2]
    state = archive_state(settings)
    assert state is not None
    waiting = waiting_count(session)
    with _health_lock:
        _health[url] = (time.monotonic(), state, waiting)
    return state, waiting


def _staged_again(session: Session, since_photo: int) -> tuple[set[str], int]:
    """Archived originals of report photos newer than `since_photo` (sent again, so staged
    again), and the newest photo's id."""
    archived = select(ArchivedOriginal.sha256)
    again = session.scalars(
        select(ReportPhoto.sha256).where(
            ReportPhoto.id > since_photo, ReportPhoto.sha256.in_(archived)
        )
    )
    last = session.scalar(select(func.max(ReportPhoto.id))) or 0
    return set(again), int(last)


def _record(session: Session, sha256: str, copy: ArchivedCopy) -> bool:
    """Write the custody record (unless another process has); return whether it is new."""
    if session.scalar(select(ArchivedOriginal.id).where(ArchivedOriginal.sha256 == sha256)):
        return False
    session.add(
        ArchivedOriginal(
            sha256=sha256,
            bytes=copy.size,
            bucket=copy.bucket,
            object_key=copy.key,
            version_id=copy.version_id,
            lock_mode=copy.lock_mode,
            retain_until=copy.retain_until,
            checksum_sha256=copy.checksum_sha256,
        )
    )
    audit.append(
        session,
        actor="system:archive",
        action="archive",
        change={
            "sha256": sha256,
            "bucket": copy.bucket,
            "key": copy.key,
            "version_id": copy.version_id,
            "lock_mode": copy.lock_mode,
            "retain_until": copy.retain_until.isoformat(),
        },
    )
    return True


def archive_originals(
    sessions: sessionmaker[Session],
    write_sessions: sessionmaker[Session],
    store: ArchivedEvidenceStore,
    *,
    keep_staged: bool = False,
    since_photo: int = 0,
    progress: Progress = no_progress,
) -> ArchivePass:
    """One pass: archive, check, record and drop every waiting original, and drop the staged
    copies of originals sent again after they were archived (report photos after
    `since_photo`); raises ArchiveError when the object store fails (what was done stays
    done)."""
    with sessions() as session:
        todo = waiting_originals(session)
        again, last = _staged_again(session, since_photo)
    done = ArchivePass(last_photo=last)
    archive: ObjectArchive = store.archive
    for n, (sha256, key) in enumerate(todo):
        progress(n / max(len(todo), 1), f"archiving {n + 1:,} of {len(todo):,}")
        staged = store.local.root / key
        if staged.exists():
            copy = archive.put(sha256, staged)
        elif archive.exists(sha256):  # copied by a pass that stopped before recording it
            copy = archive.check(sha256)
        else:
            done.missing.append(sha256)
            continue
        with write_sessions.begin() as session:
            if _record(session, sha256, copy):
                done.archived.append(sha256)
        if not keep_staged and store.local.drop(key):
            done.dropped += 1
    if not keep_staged:
        done.dropped += sum(store.local.drop(evidence_key("originals", sha)) for sha in again)
    if done.missing:
        log.error("originals neither staged nor archived", extra={"sha256": done.missing})
    progress(1.0, f"{len(done.archived):,} originals archived")
    return done


@dataclass
class Fixity:
    """What a fixity audit of the archive found."""

    checked: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (SHA-256, what is wrong)
    waiting: int = 0  # originals not archived yet (staged)


def verify_archive(
    sessions: sessionmaker[Session], archive: ObjectArchive, *, progress: Progress = no_progress
) -> Fixity:
    """Check every recorded copy in the object store: the very version recorded exists, its
    SHA-256 (as the store computes it) matches, and its COMPLIANCE retention still runs
    until the recorded date or later."""
    with sessions() as session:
        copies = list(session.scalars(select(ArchivedOriginal).order_by(ArchivedOriginal.id)))
        found = Fixity(waiting=waiting_count(session))
    for n, copy in enumerate(copies):
        progress(n / max(len(copies), 1), f"checking {n + 1:,} of {len(copies):,}")
        try:
            stored = archive.check(copy.sha256, copy.version_id)
        except ArchiveError as exc:
            found.problems.append((copy.sha256, exc.message))
            continue
        if stored.key != copy.object_key or stored.bucket != copy.bucket:
            found.problems.append((copy.sha256, "recorded in another bucket or under another key"))
        elif stored.retain_until < copy.retain_until:
            found.problems.append((copy.sha256, "its retention ends before the recorded date"))
        found.checked += 1
    progress(1.0, f"{found.checked:,} copies checked")
    return found


class Archiver:
    """A thread that runs archive passes: every poll interval, and after a failure twice
    as late each time (up to the maximum wait)."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        write_sessions: sessionmaker[Session],
    ) -> None:
        store = evidence_store(settings)
        assert isinstance(store, ArchivedEvidenceStore)
        self._store = store
        self._settings = settings
        self._sessions = sessions
        self._write = write_sessions
        self._since_photo = 0  # the first pass looks at every photo
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name="archiver", daemon=True)

    def run(self) -> None:
        """Run passes until stopped."""
        wait = self._settings.evidence_archive_poll_s
        while not self._stop.is_set():
            try:
                done = archive_originals(
                    self._sessions,
                    self._write,
                    self._store,
                    keep_staged=self._settings.evidence_keep_staged,
                    since_photo=self._since_photo,
                )
                self._since_photo = done.last_photo
                wait = self._settings.evidence_archive_poll_s
            except Exception as exc:  # object store or database away: try again later
                wait = min(wait * 2, self._settings.evidence_archive_max_wait_s)
                log.warning(
                    "archive pass failed: %s", exc, extra={"error": str(exc), "retry_s": wait}
                )
            self._stop.wait(wait)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the copy under way."""
        self._stop.set()
        self._thread.join(60)


def start_archiver(
    settings: Settings, sessions: sessionmaker[Session], write_sessions: sessionmaker[Session]
) -> Archiver | None:
    """Start the archiver when an object store is configured."""
    if settings.evidence_store is None:
        return None
    archiver = Archiver(settings, sessions, write_sessions)
    archiver.start()
    return archiver
