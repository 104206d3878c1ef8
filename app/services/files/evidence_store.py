"""The evidence store: original files kept byte for byte, addressed by their SHA-256.

`EvidenceStore` is the interface; `LocalEvidenceStore` keeps files in a directory, and
`ArchivedEvidenceStore` (archived_store.py) adds WORM object storage for originals: files are
staged here, and originals read from the archive once their staged copy is dropped.

Content addressing means two requests can carry the same file: a file is never deleted
because one of them failed while another may rely on it. `put` hands out a claim (the
file's version) to the request that created the file and freshens the file for any later
one; `discard` deletes only a file whose version is still the creator's claim, so a file
someone else has since put is kept. Files left by a crash are swept by `sweep` (at start-up
and by `ecoleads evidence gc`): unreferenced and untouched for a grace period.
"""

import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = re.compile(r"^[a-z]+/[0-9a-f]{2}/[0-9a-f]{64}(\.[a-z]+)?$")
_PART = ".part-"


class EvidenceStore(Protocol):
    """Where evidence bytes live."""

    def put(self, key: str, data: bytes) -> int | None:
        """Store data under key unless present (then freshen it); return the new file's
        claim, or None when the key was already stored."""

    def put_file(self, key: str, source: Path) -> int | None:
        """Like put, streaming the bytes from a file (large images)."""

    def get(self, key: str) -> bytes:
        """Return the bytes under key."""

    def open(self, key: str) -> BinaryIO:
        """A stream of the bytes under key."""

    def local_path(self, key: str) -> str:
        """The key's path on this machine (derived files: display copies, COGs; an
        original may have moved to the archive, so read it with get or open)."""

    def exists(self, key: str) -> bool:
        """Tell whether key is stored."""

    def discard(self, key: str, claim: int) -> bool:
        """Delete key if nobody has put it since `claim`; return whether it was deleted."""


def evidence_key(kind: str, sha256: str, suffix: str = "") -> str:
    """Return the store key of a file: kind/ab/abcdef….suffix."""
    key = f"{kind}/{sha256[:2]}/{sha256}{suffix}"
    if not _KEY.match(key):
        raise ValueError(f"bad evidence key {key!r}")
    return key


@dataclass
class SweepResult:
    """What a sweep of unreferenced files did."""

    checked: int
    removed: list[str]
    kept_young: int


class LocalEvidenceStore:
    """Evidence in a local directory; files are written atomically and made read-only.

    A file's modification time (ns) is its version: set explicitly when it is created and
    moved forward whenever it is put again. An advisory lock per key prefix makes "exists,
    else write" and "unchanged, so delete" atomic across threads and processes.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"bad evidence key {key!r}")
        return self.root / key

    @contextmanager
    def _locked(self, key: str) -> Iterator[None]:
        locks = self.root / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        with (locks / key.split("/")[1]).open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def put(self, key: str, data: bytes) -> int | None:
        """Store data under key unless present (then freshen it); return the new file's
        claim, or None when the key was already stored."""
        return self._store(key, lambda fh: fh.write(data))

    def put_file(self, key: str, source: Path) -> int | None:
        """Like put, streaming the bytes from a file (large images)."""

        def copy(fh: BinaryIO) -> None:
            with source.open("rb") as src:
                shutil.copyfileobj(src, fh, 1024 * 1024)

        return self._store(key, copy)

    def _store(self, key: str, write: Callable[[BinaryIO], object]) -> int | None:
        path = self._path(key)
        with self._locked(key):
            if path.exists():
                # Someone else may rely on it now: move its version on, so neither a
                # creator's discard nor a sweep's grace period removes it.
                stamp = max(time.time_ns(), path.stat().st_mtime_ns + 1)
                os.utime(path, ns=(stamp, stamp))
                return None
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_PART)
            try:
                with os.fdopen(fd, "wb") as fh:
                    write(fh)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o444)
                stamp = time.time_ns()
                os.utime(tmp, ns=(stamp, stamp))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            return stamp

    def get(self, key: str) -> bytes:
        """Return the bytes under key."""
        return self._path(key).read_bytes()

    def open(self, key: str) -> BinaryIO:
        """A stream of the bytes under key."""
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        """Tell whether key is stored."""
        return self._path(key).exists()

    def drop(self, key: str) -> bool:
        """Delete a staged file whose archived copy has been checked; return whether it was
        there. A request that puts it again meanwhile reads it from the archive."""
        with self._locked(key):
            try:
                self._path(key).unlink()
            except FileNotFoundError:
                return False
            return True

    def local_path(self, key: str) -> str:
        """The file's path on this machine."""
        return str(self._path(key))

    def discard(self, key: str, claim: int) -> bool:
        """Delete key if nobody has put it since `claim`; return whether it was deleted."""
        path = self._path(key)
        with self._locked(key):
            try:
                if path.stat().st_mtime_ns != claim:
                    return False
            except FileNotFoundError:
                return False
            path.unlink()
            return True

    def files(self) -> list[str]:
        """Return every stored key (for checks and tests)."""
        return sorted(
            str(p.relative_to(self.root))
            for p in self.root.rglob("*")
            if p.is_file() and not p.name.startswith(_PART) and ".locks" not in p.parts
        )

    def sweep(self, referenced: Callable[[str], bool], grace_s: float) -> SweepResult:
        """Delete files no row references and nobody has put for `grace_s` seconds, and
        partial writes as old; `referenced(key)` asks the database."""
        now, removed, young, checked = time.time_ns(), [], 0, 0
        for path in sorted(self.root.glob("*/*/*")):
            if ".locks" in path.parts or not path.is_file():
                continue
            key = str(path.relative_to(self.root))
            checked += 1
            if path.name.startswith(_PART):
                if now - path.stat().st_mtime_ns > grace_s * 1e9:
                    path.unlink(missing_ok=True)
                    removed.append(key)
                continue
            stamp = path.stat().st_mtime_ns
            if now - stamp <= grace_s * 1e9:
                young += 1
            elif not referenced(key) and self.discard(key, stamp):
                removed.append(key)
        return SweepResult(checked, removed, young)


def stage(session: Session, store: EvidenceStore, key: str, data: bytes) -> None:
    """Store a file for this transaction: if the transaction rolls back, the file goes again
    unless another request has put it since."""
    claim = store.put(key, data)
    if claim is not None:
        session.info.setdefault("staged_evidence", []).append((store, key, claim))


def stage_file(session: Session, store: EvidenceStore, key: str, source: Path) -> None:
    """Like stage, streaming the bytes from a file."""
    claim = store.put_file(key, source)
    if claim is not None:
        session.info.setdefault("staged_evidence", []).append((store, key, claim))


def stage_when_made(session: Session, store: EvidenceStore, key: str, data: Future[bytes]) -> None:
    """Like stage, for bytes still being made: they are staged when the transaction commits
    (before it does; a failure to make them fails the commit)."""
    session.info.setdefault("evidence_being_made", []).append((store, key, data))


@event.listens_for(Session, "before_commit")
def _stage_made(session: Session) -> None:
    for store, key, data in session.info.pop("evidence_being_made", []):
        stage(session, store, key, data.result())


def unstage(session: Session) -> None:
    """Give up the files staged for this session's work (it failed before committing)."""
    for store, key, claim in session.info.pop("staged_evidence", []):
        store.discard(key, claim)


@event.listens_for(Session, "after_commit")
def _keep_staged(session: Session) -> None:
    session.info.pop("staged_evidence", None)


@event.listens_for(Session, "after_rollback")
def _remove_staged(session: Session) -> None:
    session.info.pop("evidence_being_made", None)
    unstage(session)
