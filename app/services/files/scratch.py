"""Scratch space for heavy work (a COG being written, change rasters), owned per process.

Each process works in a directory of its own under the scratch root and holds an exclusive
lock on a file in it for as long as it lives; the kernel drops the lock when the process
ends, however it ends. A job killed mid-run (kill -9, power loss) leaves its temporary
rasters behind, so every process sweeps the root when it starts and its workers sweep it
as they recover jobs: a directory whose lock can be taken has no living owner and goes.
"""

import fcntl
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("ecoleads.files")
OWNER = ".owner"
MAKING_S = 60  # a directory younger than this without its owner file is still being made
_mine: dict[Path, tuple[Path, int]] = {}  # root -> (this process's directory, locked fd)
_lock = threading.Lock()


def process_scratch(root: Path) -> Path:
    """Return this process's scratch directory under root, made and locked on first use."""
    with _lock:
        found = _mine.get(root)
        if found is not None and found[0].is_dir():
            return found[0]
        path = root / f"{socket.gethostname()[:60]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        path.mkdir(parents=True)
        fd = os.open(path / OWNER, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held until this process ends
        os.set_inheritable(fd, False)
        _mine[root] = (path, fd)
        return path


@dataclass(frozen=True)
class ScratchSwept:
    """What a sweep removed."""

    directories: int = 0
    files: int = 0
    bytes: int = 0


def sweep_scratch(root: Path) -> ScratchSwept:
    """Remove whatever under root no living process owns: directories whose owner lock is
    free, and loose files (left by versions that wrote straight into the root)."""
    if not root.is_dir():
        return ScratchSwept()
    dirs = files = size = 0
    for entry in root.iterdir():
        if entry.is_dir() and _owned(entry):
            continue
        found = [p for p in (entry.rglob("*") if entry.is_dir() else [entry]) if p.is_file()]
        files += len(found)
        size += sum(p.stat().st_size for p in found)
        if entry.is_dir():
            dirs += 1
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    swept = ScratchSwept(dirs, files, size)
    if files:
        log.warning(
            "scratch left by stopped processes removed",
            extra={"files": files, "bytes": size, "directories": dirs},
        )
    return swept


def _owned(directory: Path) -> bool:
    """Whether a living process holds the directory's owner lock."""
    try:
        fd = os.open(directory / OWNER, os.O_RDWR)
    except FileNotFoundError:  # no owner file: one being made (young), or a leftover
        return time.time() - directory.stat().st_mtime < MAKING_S
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock we may have taken
    return False
