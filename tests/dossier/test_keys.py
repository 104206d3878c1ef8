"""The dossier signing key on disk: private from creation, one key under a race, kept apart."""

import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from app.dossier.keys import (
    KeyLocationError,
    check_key_location,
    load_or_create_key,
    public_key_path,
)
from app.dossier.manifest import pack, public_key_of, verify
from app.settings import Settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_is_created_private_in_a_private_directory(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: the old code left a world-readable window
    try:
        path = tmp_path / "keys" / "dossier_ed25519.pem"
        pem = load_or_create_key(path)
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert path.read_bytes() == pem and pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public_key_path(path).read_bytes() == public_key_of(pem)
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "dossier_ed25519.pem",
        "dossier_ed25519.pub.pem",
    ]
    assert load_or_create_key(path) == pem, "the same key on every later use"
    assert verify(pack({"a.txt": b"x"}, {}, pem), public_key_of(pem)).ok


def test_the_private_key_is_never_opened_with_a_wider_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[int, int]] = []
    real_open = os.open

    def spy(path: str | Path, flags: int, mode: int = 0o777, **kw: object) -> int:
        opened.append((flags, mode))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", spy)
    load_or_create_key(tmp_path / "k" / "key.pem")
    flags, first_mode = opened[0]
    assert flags & os.O_CREAT and flags & os.O_EXCL
    assert first_mode == 0o600


def _create(path: str, start: "multiprocessing.synchronize.Event") -> bytes:
    start.wait()
    return load_or_create_key(Path(path))


def test_concurrent_creators_end_with_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "key.pem"
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager:
        start = manager.Event()
        with ctx.Pool(6) as pool:
            pending = [pool.apply_async(_create, (str(path), start)) for _ in range(12)]
            start.set()
            keys = {r.get(timeout=60) for r in pending}
    assert keys == {path.read_bytes()}, "every process signs with the winner's key"
    assert mode(path) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_key_inside_the_database_directory_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ecoleads.db'}"
    with pytest.raises(KeyLocationError, match="inside the SQLite database's directory"):
        check_key_location(tmp_path / "keys" / "k.pem", url)
    with pytest.raises(KeyLocationError):
        check_key_location(tmp_path / "k.pem", url)
    check_key_location(tmp_path.parent / "elsewhere" / "k.pem", url)
    check_key_location(tmp_path / "k.pem", "postgresql+psycopg://u:p@localhost/db")
    check_key_location(tmp_path / "k.pem", "sqlite://")


def test_default_layout_keeps_keys_out_of_the_database_directory(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    assert s.resolved_database_url == f"sqlite:///{(tmp_path / 'db' / 'ecoleads.db').resolve()}"
    assert s.dossier_key_path == tmp_path / "keys" / "dossier_ed25519.pem"
    check_key_location(s.dossier_key_path, s.resolved_database_url)
    moved = Settings(data_dir=tmp_path, keys_dir=tmp_path / "secret")
    assert moved.dossier_key_path == tmp_path / "secret" / "dossier_ed25519.pem"


def test_an_old_default_database_is_kept_and_start_up_says_to_move_it(tmp_path: Path) -> None:
    (tmp_path / "ecoleads.db").write_bytes(b"")
    s = Settings(data_dir=tmp_path)
    assert s.resolved_database_url.endswith(f"{tmp_path.resolve()}/ecoleads.db")
    with pytest.raises(KeyLocationError, match=r"db/ecoleads\.db"):
        check_key_location(s.dossier_key_path, s.resolved_database_url)


def test_the_service_refuses_to_start_with_the_key_beside_the_database(tmp_path: Path) -> None:
    from app.main import create_app

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'ecoleads.db'}", data_dir=tmp_path, log_json=False
    )
    with pytest.raises(KeyLocationError, match="ECOLEADS_KEYS_DIR"):
        create_app(settings)
    assert not (tmp_path / "ecoleads.db").exists(), "refused before touching the database"
