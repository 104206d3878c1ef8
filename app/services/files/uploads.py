"""Uploaded files: streamed to disk under a limit, hashed, always cleaned up."""

import hashlib
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import BinaryIO

from app.errors import Invalid, TooLarge

CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_name(filename: str | None) -> str:
    """Return a file name safe to use on disk (the original is kept in the database)."""
    name = Path(filename or "upload").name
    name = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE).strip("._")
    return name[:120] or "upload"


def save_upload(stream: BinaryIO, filename: str | None, root: Path, max_bytes: int) -> Path:
    """Copy a stream into a fresh directory under root; refuse empty or oversized files."""
    folder = root / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / safe_name(filename)
    size = 0
    try:
        with target.open("wb") as out:
            for block in iter(lambda: stream.read(CHUNK), b""):
                size += len(block)
                if size > max_bytes:
                    raise TooLarge(f"upload exceeds the limit of {max_bytes} bytes")
                out.write(block)
        if size == 0:
            raise Invalid("the uploaded file is empty")
    except BaseException:
        discard_upload(target)
        raise
    return target


def discard_upload(path: Path) -> None:
    """Remove an uploaded file and its private directory."""
    shutil.rmtree(path.parent, ignore_errors=True)


def prune_uploads(root: Path, keep: set[Path], *, grace_s: float = 0.0) -> int:
    """Remove upload directories that no pending job refers to and that are older than
    grace_s (younger ones may belong to a request another process is still serving)."""
    if not root.exists():
        return 0
    keep_dirs = {p.parent.resolve() for p in keep}
    cutoff = time.time() - grace_s
    removed = 0
    for folder in root.iterdir():
        if (
            folder.is_dir()
            and folder.resolve() not in keep_dirs
            and folder.stat().st_mtime < cutoff
        ):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
