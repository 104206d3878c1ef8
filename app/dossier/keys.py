"""The server's dossier signing key on disk: created private, kept away from the database.

The private key is never world- or group-readable, not even for an instant: it is written to
a temporary file opened with O_CREAT|O_EXCL and mode 0600, then hard-linked to its name, so
the name appears atomically with the whole key behind it. When two processes create it at
once, link() lets exactly one win; the other discards its own key and uses the winner's.
"""

import logging
import os
import secrets
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from app.dossier.manifest import generate_key

log = logging.getLogger("ecoleads")


class KeyLocationError(RuntimeError):
    """The signing key would lie inside the SQLite database's directory."""


def public_key_path(key_path: Path) -> Path:
    """Where the public half is written next to the private key (…/NAME.pub.pem)."""
    return key_path.with_suffix(".pub.pem")


def load_or_create_key(path: Path) -> bytes:
    """Return the Ed25519 private key PEM at `path`, creating it (mode 0600) on first use."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # mkdir's mode is filtered by the umask
    private, public = generate_key()
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(private)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic, and never replaces an existing key
        except FileExistsError:
            log.info("another process created the signing key first; using it")
            return _read(path)
    finally:
        tmp.unlink(missing_ok=True)
    _write_public(path, public)
    log.warning("created a new dossier signing key", extra={"path": str(path)})
    return private


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning(
            "the dossier signing key is readable by others; chmod 600 it",
            extra={"path": str(path), "mode": oct(mode)},
        )
    return data


def _write_public(key_path: Path, public: bytes) -> None:
    """Write the public key (not secret) atomically beside the private one."""
    target = public_key_path(key_path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(public)
    os.replace(tmp, target)


def sqlite_directory(database_url: str) -> Path | None:
    """The directory holding a SQLite database file; None for other databases or :memory:."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve().parent


def check_key_location(key_path: Path, database_url: str) -> None:
    """Refuse a signing key inside the SQLite database's directory (or below it).

    Whoever copies, backs up or hands over the database directory must not get the key
    that makes dossiers evidence: keep them apart (ECOLEADS_KEYS_DIR, ECOLEADS_SIGNING_KEY).
    """
    db_dir = sqlite_directory(database_url)
    if db_dir is None:
        return
    key = key_path.resolve()
    if key.is_relative_to(db_dir):
        raise KeyLocationError(
            f"refusing to start: the dossier signing key {key} lies inside the SQLite "
            f"database's directory {db_dir}. Keep them apart: set ECOLEADS_KEYS_DIR (or "
            "ECOLEADS_SIGNING_KEY) to a directory outside it, or move the database into a "
            "directory of its own (the default is <data dir>/db/ecoleads.db, keys in "
            "<data dir>/keys/; an old <data dir>/ecoleads.db moves with its -wal/-shm files)."
        )
