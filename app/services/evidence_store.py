"""The evidence store: original files kept byte for byte, addressed by their SHA-256.

`EvidenceStore` is the interface; `LocalEvidenceStore` keeps files in a directory. An
S3-compatible store implements the same four methods (put with If-None-Match, get, exists,
delete). Files written for a transaction that rolls back are removed (`stage`).
"""

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = re.compile(r"^[a-z]+/[0-9a-f]{2}/[0-9a-f]{64}(\.[a-z]+)?$")


class EvidenceStore(Protocol):
    """Where evidence bytes live."""

    def put(self, key: str, data: bytes) -> bool:
        """Store data under key unless present; return True if this call created it."""

    def get(self, key: str) -> bytes:
        """Return the bytes under key."""

    def exists(self, key: str) -> bool:
        """Tell whether key is stored."""

    def delete(self, key: str) -> None:
        """Remove key (only for files of a transaction that rolled back)."""


def evidence_key(kind: str, sha256: str, suffix: str = "") -> str:
    """Return the store key of a file: kind/ab/abcdef….suffix."""
    key = f"{kind}/{sha256[:2]}/{sha256}{suffix}"
    if not _KEY.match(key):
        raise ValueError(f"bad evidence key {key!r}")
    return key


class LocalEvidenceStore:
    """Evidence in a local directory; files are written atomically and made read-only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"bad evidence key {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> bool:
        """Store data under key unless present; return True if this call created it."""
        path = self._path(key)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def get(self, key: str) -> bytes:
        """Return the bytes under key."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """Tell whether key is stored."""
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        """Remove key."""
        self._path(key).unlink(missing_ok=True)

    def files(self) -> list[str]:
        """Return every stored key (for checks and tests)."""
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())


def stage(session: Session, store: EvidenceStore, key: str, data: bytes) -> None:
    """Store a file for this transaction: it is removed again if the transaction rolls back."""
    if store.put(key, data):
        session.info.setdefault("staged_evidence", []).append((store, key))


@event.listens_for(Session, "after_commit")
def _keep_staged(session: Session) -> None:
    session.info.pop("staged_evidence", None)


@event.listens_for(Session, "after_rollback")
def _remove_staged(session: Session) -> None:
    for store, key in session.info.pop("staged_evidence", []):
        store.delete(key)
