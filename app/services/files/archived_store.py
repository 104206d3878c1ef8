"""The evidence store a deployment is configured with: local disk, plus WORM object
storage for originals when `evidence_store` names a bucket.

Every file is staged on local disk first (so a slow or failed object store never loses an
accepted report); the archiver (archiving.py) copies committed originals to the bucket and
then drops their staged copies. Reads take the staged copy while it exists, else the
archived one, checked against its SHA-256.
"""

from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Literal

from app.services.files.archive import UNREACHABLE, ObjectArchive
from app.services.files.evidence_store import EvidenceStore, LocalEvidenceStore
from app.settings import Settings

# Key kinds (evidence_key's first part) that hold originals; the rest are derived files.
ORIGINAL_KINDS = ("originals", "image")


def digest_of(key: str) -> str:
    """The SHA-256 a content-addressed key names."""
    return key.split("/")[2][:64]


def is_original(key: str) -> bool:
    """Tell whether a key holds an original (as received), not a derived file."""
    return key.split("/")[0] in ORIGINAL_KINDS


class ArchivedEvidenceStore:
    """Local staging plus the archive of originals, as one EvidenceStore."""

    def __init__(self, local: LocalEvidenceStore, archive: ObjectArchive) -> None:
        self.local = local
        self.archive = archive

    def put(self, key: str, data: bytes) -> int | None:
        """Stage data under key (see LocalEvidenceStore.put)."""
        return self.local.put(key, data)

    def put_file(self, key: str, source: Path) -> int | None:
        """Stage a file under key (see LocalEvidenceStore.put_file)."""
        return self.local.put_file(key, source)

    def get(self, key: str) -> bytes:
        """The bytes under key: the staged copy, else the archived original."""
        try:
            return self.local.get(key)
        except FileNotFoundError:
            if not is_original(key):
                raise
        return self.archive.get(digest_of(key))

    def open(self, key: str) -> BinaryIO:
        """A stream of the bytes under key: the staged copy, else the archived original."""
        try:
            return self.local.open(key)
        except FileNotFoundError:
            if not is_original(key):
                raise
        return self.archive.open(digest_of(key))

    def local_path(self, key: str) -> str:
        """The staged copy's path (derived files are always staged)."""
        return self.local.local_path(key)

    def exists(self, key: str) -> bool:
        """Tell whether key is staged or archived."""
        if self.local.exists(key):
            return True
        return is_original(key) and self.archive.exists(digest_of(key))

    def discard(self, key: str, claim: int) -> bool:
        """Give up a staged file (only staged files have claims)."""
        return self.local.discard(key, claim)


@lru_cache(maxsize=8)
def _archive(url: str, retention_days: int) -> ObjectArchive:
    """One archive (and S3 client, which is thread-safe) per address and retention."""
    return ObjectArchive(url, retention_days=retention_days)


def evidence_store(settings: Settings) -> EvidenceStore:
    """The configured evidence store."""
    local = LocalEvidenceStore(settings.evidence_dir)
    if settings.evidence_store is None:
        return local
    return ArchivedEvidenceStore(
        local, _archive(settings.evidence_store, settings.evidence_retention_days)
    )


class ArchiveMisconfigured(RuntimeError):
    """The bucket ECOLEADS_EVIDENCE_STORE names cannot hold originals."""


def check_evidence_store(settings: Settings) -> str | None:
    """At start-up: refuse a bucket that cannot hold originals (missing, not versioned, no
    Object Lock, credentials refused) in one line; return the problem when the object store
    is only unreachable (the service starts and stages until it returns)."""
    if settings.evidence_store is None:
        return None
    problem = _archive(settings.evidence_store, settings.evidence_retention_days).problem()
    if problem is None or problem.startswith(UNREACHABLE):
        return problem
    raise ArchiveMisconfigured(
        f"refusing to start: ECOLEADS_EVIDENCE_STORE={settings.evidence_store}: {problem}"
    )


ArchiveState = Literal["ok", "unreachable", "misconfigured"]


def archive_state(settings: Settings) -> ArchiveState | None:
    """The object store's state: ok, unreachable or misconfigured (None when there is
    none)."""
    if settings.evidence_store is None:
        return None
    problem = _archive(settings.evidence_store, settings.evidence_retention_days).problem()
    if problem is None:
        return "ok"
    return "unreachable" if problem.startswith(UNREACHABLE) else "misconfigured"
