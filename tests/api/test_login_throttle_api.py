"""Failed sign-in throttling (per account name, per address) and constant-cost login."""

import time
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.main import create_app
from models import LoginFailure
from models.base import utcnow
from tests.api.helpers import serve_process
from tests.conftest import Backend, clear_activity, login_as, make_settings

PASSWORD = "s3cret-pass"


def _app(db: Backend, tmp_path: Path, **overrides: object) -> object:
    login_as(db, "admin")  # creates organisation 130700
    return create_app(make_settings(db, tmp_path, **overrides))


def _register(c: TestClient, phone: str) -> None:
    r = c.post(
        "/api/v1/auth/register",
        json={"phone": phone, "password": PASSWORD, "display_name": "志愿者"},
    )
    assert r.status_code == 202, r.text


def _login(c: TestClient, username: str, password: str = PASSWORD) -> object:
    return c.post("/api/v1/auth/token", data={"username": username, "password": password})


def _answers(c: TestClient, username: str) -> list[tuple[int, str, str | None]]:
    """Five wrong passwords, then the right one: (status, detail, Retry-After) of each."""
    out = []
    for password in ["wrong-one"] * 5 + [PASSWORD]:
        r = _login(c, username, password)
        out.append((r.status_code, r.json().get("detail"), r.headers.get("retry-after")))  # type: ignore[attr-defined]
    return out


def test_account_throttled_alike_for_real_and_unknown_names(db: Backend, tmp_path: Path) -> None:
    app = _app(db, tmp_path)
    with TestClient(app) as c:  # type: ignore[arg-type]
        _register(c, "13800000011")
        real, unknown = _answers(c, "13800000011"), _answers(c, "13899999999")
        assert [a[0] for a in real] == [401] * 5 + [429]  # even the right password
        assert [(s, d) for s, d, _ in real] == [(s, d) for s, d, _ in unknown]
        retry = int(real[-1][2] or 0)
        assert 0 < retry <= 15 * 60 and unknown[-1][2] is not None
        # The name is normalised: case and spaces do not reset the count.
        assert _login(c, " 13800000011 ").status_code == 429  # type: ignore[attr-defined]
        # Another account from the same address is not blocked by this account's limit.
        _register(c, "13800000012")
        assert _login(c, "13800000012").status_code == 200  # type: ignore[attr-defined]
    # Another process (another app on the same database) sees the same counters.
    with TestClient(_app(db, tmp_path), client=("10.9.9.9", 1)) as other:  # type: ignore[arg-type]
        assert _login(other, "13800000011").status_code == 429  # type: ignore[attr-defined]
    # Once the failures leave the window, the right password works again.
    with db.sessions.begin() as s:
        s.execute(update(LoginFailure).values(failed_at=utcnow() - timedelta(hours=1)))
    with TestClient(app) as c:  # type: ignore[arg-type]
        assert _login(c, "13800000011").status_code == 200  # type: ignore[attr-defined]


def test_success_resets_the_account_counter(db: Backend, tmp_path: Path) -> None:
    with TestClient(_app(db, tmp_path)) as c:  # type: ignore[arg-type]
        _register(c, "13800000013")
        for _ in range(4):
            assert _login(c, "13800000013", "wrong-one").status_code == 401  # type: ignore[attr-defined]
        assert _login(c, "13800000013").status_code == 200  # type: ignore[attr-defined]
        for _ in range(4):
            assert _login(c, "13800000013", "wrong-one").status_code == 401  # type: ignore[attr-defined]
        assert _login(c, "13800000013").status_code == 200  # type: ignore[attr-defined]


def test_address_throttled_across_names(db: Backend, tmp_path: Path) -> None:
    app = _app(db, tmp_path, login_failures_per_address=6)
    with TestClient(app, client=("192.0.2.7", 1)) as attacker:  # type: ignore[arg-type]
        _register(attacker, "13800000014")
        for n in range(6):  # one or two guesses at many names stay under each account limit
            assert _login(attacker, f"1380000010{n}", "guess").status_code == 401  # type: ignore[attr-defined]
        blocked = _login(attacker, "13800000014")
        assert blocked.status_code == 429 and blocked.headers["retry-after"]  # type: ignore[attr-defined]
        assert blocked.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    with TestClient(app, client=("198.51.100.8", 1)) as elsewhere:  # type: ignore[arg-type]
        assert _login(elsewhere, "13800000014").status_code == 200  # type: ignore[attr-defined]


def _fastest(c: TestClient, username: str) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        assert _login(c, username, "wrong-one").status_code == 401  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
    return min(times)


def test_wrong_password_costs_the_same_for_unknown_accounts(db: Backend, tmp_path: Path) -> None:
    with TestClient(_app(db, tmp_path)) as c:  # type: ignore[arg-type]
        _register(c, "13800000015")
        real, unknown = _fastest(c, "13800000015"), _fastest(c, "13800000016")
    # Before the dummy Argon2 verification an unknown name answered about 10x faster; the
    # fastest of three tries keeps scheduling noise out, the factor 3 keeps it robust.
    assert max(real, unknown) / min(real, unknown) < 3, (real, unknown)


def test_forwarded_addresses_are_believed_only_from_configured_proxies(
    db: Backend, tmp_path: Path
) -> None:
    """A local client rotating X-Forwarded-For does not escape the per-address limit; behind
    a configured proxy, each forwarded address is counted on its own."""

    def failures(base: str) -> list[int]:
        return [
            httpx.post(f"{base}/api/v1/auth/token", timeout=30,
                       data={"username": f"nobody-{n}", "password": "wrong-one"},
                       headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
            for n in range(4)
        ]  # fmt: skip

    login_as(db, "admin")
    with serve_process(db.url, tmp_path, login_failures_per_address="2") as (base, _):
        assert failures(base) == [401, 401, 429, 429]
    clear_activity(db)
    with serve_process(db.url, tmp_path, login_failures_per_address="2",
                       trusted_proxies="127.0.0.1") as (base, _):  # fmt: skip
        assert failures(base) == [401] * 4
