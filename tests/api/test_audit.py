"""The tamper-evident log on both backends: a row edited behind the app's back is caught."""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import anchor_of, make_sessionmaker
from app.services.audit import GENESIS, append, verify
from app.services.audit_anchor import Anchor, attach_anchor
from app.settings import Settings
from tests.api.test_cli import ecoleads
from tests.conftest import Backend


def _fill(db: Backend, n: int = 5) -> None:
    with db.sessions.begin() as s:
        for i in range(n):
            append(s, actor="user:1", action="transition", change={"to": f"s{i}", "note": "审查"})


def test_chain_links_and_verifies(db: Backend) -> None:
    _fill(db)
    with db.sessions() as s:
        report = verify(s)
        assert report.ok and report.checked == 5
        rows = s.execute(text("SELECT prev_hash, hash FROM audit_entries ORDER BY id")).all()
    assert rows[0][0] == GENESIS
    assert all(rows[i][0] == rows[i - 1][1] for i in range(1, 5))


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE audit_entries SET actor = 'user:666' WHERE id = 3", "content"),
        ('UPDATE audit_entries SET change = \'{"to": "closed"}\' WHERE id = 3', "content"),
        ("DELETE FROM audit_entries WHERE id = 3", "prev_hash"),
    ],
)
def test_tampering_is_caught_and_named(db: Backend, tmp_path: Path, sql: str, reason: str) -> None:
    _fill(db)
    with db.engine.begin() as conn:
        conn.execute(text(sql))
    with db.sessions() as s:
        report = verify(s)
    assert not report.ok and reason in (report.reason or "")
    assert report.first_bad_id == (4 if sql.startswith("DELETE") else 3)
    cli = ecoleads(db, tmp_path, "audit", "verify")
    assert cli.returncode == 1 and f"BROKEN at entry {report.first_bad_id}" in cli.stderr


def test_a_deleted_anchor_fails_verification(db: Backend, tmp_path: Path) -> None:
    """Without the anchor, truncating the newest entries would go unseen: a chain with
    entries but no anchored head does not verify; an empty one with none does."""
    assert ecoleads(db, tmp_path, "audit", "verify").returncode == 0
    anchor = _anchored(db, tmp_path)
    anchor.path.unlink()
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq > 3"))
    with db.sessions() as s:
        report = verify(s, anchor)
    assert not report.ok and "missing" in (report.reason or ""), report
    cli = ecoleads(db, tmp_path, "audit", "verify")
    assert cli.returncode == 1 and "anchor" in cli.stderr and "missing" in cli.stderr


def _anchored(db: Backend, tmp_path: Path) -> Anchor:
    """Anchor the chain where the CLI (data dir tmp_path) looks for it."""
    anchor = anchor_of(Settings(data_dir=tmp_path))
    sessions = make_sessionmaker(db.engine)
    attach_anchor(sessions, anchor)
    with sessions.begin() as s:
        for i in range(5):
            append(s, actor="user:1", action="transition", change={"to": f"s{i}"})
    head = anchor.read()
    assert head is not None and head.seq == 5
    return anchor


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("DELETE FROM audit_entries WHERE seq > 3", "truncated: 3 entries, but entry 5"),
        ("DELETE FROM audit_entries", "truncated: 0 entries, but entry 5"),
    ],
)
def test_truncation_is_caught_by_the_anchored_head(
    db: Backend, tmp_path: Path, sql: str, reason: str
) -> None:
    anchor = _anchored(db, tmp_path)
    with db.engine.begin() as conn:
        conn.execute(text(sql))
    with db.sessions() as s:
        assert verify(s).ok  # what remains is a consistent chain: only the anchor can tell
        report = verify(s, anchor)
    assert not report.ok and reason in (report.reason or ""), report
    cli = ecoleads(db, tmp_path, "audit", "verify")
    assert cli.returncode == 1 and "BROKEN" in cli.stderr and "truncated" in cli.stderr


def test_a_rewritten_chain_is_caught(db: Backend, tmp_path: Path) -> None:
    anchor = _anchored(db, tmp_path)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries"))
    _fill(db, 6)  # a forged, self-consistent chain longer than the anchored one
    with db.sessions() as s:
        report = verify(s, anchor)
    assert not report.ok and "rewritten" in (report.reason or ""), report


def test_a_forged_anchor_is_refused(db: Backend, tmp_path: Path) -> None:
    anchor = _anchored(db, tmp_path)
    doc = json.loads(anchor.path.read_text())
    doc["head"]["seq"] = 2
    anchor.path.write_text(json.dumps(doc))
    with db.sessions() as s:
        report = verify(s, anchor)
    assert not report.ok and "cannot be trusted" in (report.reason or "")


def test_anchored_log_verifies_from_the_cli(db: Backend, tmp_path: Path) -> None:
    _anchored(db, tmp_path)
    cli = ecoleads(db, tmp_path, "audit", "verify")
    assert cli.returncode == 0 and "5 entries verified" in cli.stdout


def test_fifty_concurrent_appends_keep_one_chain(db: Backend) -> None:
    """Writers in separate sessions at once: none fails, none forks the chain."""

    def one(i: int) -> None:
        with db.sessions.begin() as s:
            append(s, actor=f"user:{i}", action="note", change={"n": i})

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(one, range(50)))
    with db.sessions() as s:
        report = verify(s)
    assert report.ok and report.checked == 50
