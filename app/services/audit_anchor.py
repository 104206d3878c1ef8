"""The audit chain's head, anchored outside the database.

After every commit that appended entries, the head (seq, hash) is written to a small file
signed with the server's Ed25519 key and kept beside the key, outside the database. It only
moves forward. Deleting the newest entries, all of them, or re-chaining the table behind a
forged head then no longer verifies: the anchored entry is missing or has another hash.
"""

import fcntl
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app.dossier.keys import load_or_create_key
from app.dossier.manifest import canonical_json
from models.base import utcnow


@lru_cache(maxsize=8)
def _key(path: Path) -> Any:
    """The server key, read and parsed once per process (not on every commit)."""
    return load_pem_private_key(load_or_create_key(path), password=None)


@dataclass(frozen=True)
class Head:
    """An anchored chain head."""

    seq: int
    hash: str
    at: str


class AnchorError(Exception):
    """The anchor file exists but cannot be trusted (bad signature or content)."""


@dataclass(frozen=True)
class Anchor:
    """Where a deployment's chain head is anchored, and the key that signs it."""

    path: Path
    key_path: Path

    def _sign(self, body: dict[str, Any]) -> str:
        return str(_key(self.key_path).sign(canonical_json(body)).hex())

    def read(self) -> Head | None:
        """Return the anchored head, None if nothing was anchored yet."""
        try:
            doc = json.loads(self.path.read_text("utf-8"))
            body, sig = doc["head"], bytes.fromhex(doc["signature"])
            _key(self.key_path).public_key().verify(sig, canonical_json(body))
            return Head(int(body["seq"]), str(body["hash"]), str(body["at"]))
        except FileNotFoundError:
            return None
        except InvalidSignature as exc:
            raise AnchorError(f"{self.path}: its signature does not match the server key") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"{self.path}: unreadable ({exc})") from exc

    def advance(self, seq: int, digest: str) -> None:
        """Anchor (seq, hash) unless a later head is anchored already."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with (self.path.parent / ".audit-head.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                current = self.read()
            except AnchorError:
                current = None  # a damaged anchor is reported by verify, and replaced here
            if current is not None and current.seq >= seq:
                return
            body = {"seq": seq, "hash": digest, "at": utcnow().isoformat()}
            text = json.dumps({"head": body, "signature": self._sign(body)}, indent=1)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".audit-head-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)


def attach_anchor(sessions: sessionmaker[Session], anchor: Anchor | None) -> None:
    """Make sessions from this factory anchor the chain head after each commit."""
    sessions.kw.setdefault("info", {})["audit_anchor"] = anchor


def note_head(session: Session, seq: int, digest: str) -> None:
    """Remember the head this transaction appended, to anchor once it commits."""
    session.info["audit_head"] = (seq, digest)


@event.listens_for(Session, "after_commit")
def _anchor_committed(session: Session) -> None:
    head = session.info.pop("audit_head", None)
    anchor = session.info.get("audit_anchor")
    if head is not None and anchor is not None:
        anchor.advance(*head)


@event.listens_for(Session, "after_rollback")
def _forget_head(session: Session) -> None:
    session.info.pop("audit_head", None)
