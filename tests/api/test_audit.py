"""The tamper-evident log on both backends: a row edited behind the app's back is caught."""

from pathlib import Path

import pytest
from sqlalchemy import text

from app.services.audit import GENESIS, append, verify
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


def test_cli_reports_an_intact_log(db: Backend, tmp_path: Path) -> None:
    _fill(db, 3)
    cli = ecoleads(db, tmp_path, "audit", "verify")
    assert cli.returncode == 0 and "3 entries verified" in cli.stdout
