"""API tokens minted over the API: never wider or longer-lived than the calling token."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.main import create_app
from models import Token
from models.base import utcnow
from tests.conftest import Backend, bearer, login_as, make_settings

MINT = "/api/v1/auth/api-tokens"


@pytest.fixture
def c(db: Backend, tmp_path: Path) -> TestClient:
    """A client with no default credentials."""
    with TestClient(create_app(make_settings(db, tmp_path))) as client:
        yield client  # type: ignore[misc]


def _mint(c: TestClient, token: str, **body: object) -> object:
    return c.post(MINT, headers=bearer(token), json={"name": "machine", **body})


def _expires(r: object) -> datetime:
    return datetime.fromisoformat(r.json()["expires_at"])  # type: ignore[attr-defined]


def _expire(db: Backend, raw: str) -> None:
    with db.sessions.begin() as s:
        s.execute(
            update(Token)
            .where(Token.prefix == raw[:10])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )


def test_narrow_token_cannot_widen_and_defaults_to_its_scopes(c: TestClient, db: Backend) -> None:
    session = login_as(db, "prosecutor")
    narrow = _mint(c, session, scopes=["layers:read"], days=30)
    assert narrow.status_code == 201, narrow.text  # type: ignore[attr-defined]
    secret = narrow.json()["token"]  # type: ignore[attr-defined]
    wider = _mint(c, secret, scopes=["layers:read", "geocode", "leads:write"], days=30)
    assert wider.status_code == 403  # type: ignore[attr-defined]
    assert wider.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    detail = wider.json()["detail"]  # type: ignore[attr-defined]
    assert "geocode" in detail and "leads:write" in detail and "layers:read" not in detail
    default = _mint(c, secret, days=366)
    assert default.status_code == 201  # type: ignore[attr-defined]
    assert default.json()["scopes"] == ["layers:read"]  # type: ignore[attr-defined]
    # ...and no later than the narrow token (30 days), not 366 days.
    assert _expires(default) <= _expires(narrow)


def test_expiry_is_clamped_to_the_session(c: TestClient, db: Backend) -> None:
    session = login_as(db, "volunteer")  # a one-hour session
    r = _mint(c, session, days=90)
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    assert r.json()["scopes"] == ["reports:read", "reports:write"]  # type: ignore[attr-defined]
    assert _expires(r) <= utcnow() + timedelta(hours=1)


def test_session_revoke_or_expiry_kills_minted_tokens(c: TestClient, db: Backend) -> None:
    session = login_as(db, "prosecutor")
    child = _mint(c, session, scopes=["layers:read", "geocode"]).json()["token"]  # type: ignore[attr-defined]
    grandchild = _mint(c, child, scopes=["layers:read"]).json()["token"]  # type: ignore[attr-defined]
    for t in (child, grandchild):
        assert c.get("/api/v1/layers", headers=bearer(t)).status_code == 200
    assert c.post("/api/v1/auth/revoke", headers=bearer(session)).status_code == 204
    for t in (child, grandchild):
        assert c.get("/api/v1/layers", headers=bearer(t)).status_code == 401
    # Expiry of the session works the same way, even if the child's own date were later.
    other = login_as(db, "prosecutor")
    kid = _mint(c, other, scopes=["layers:read"]).json()["token"]  # type: ignore[attr-defined]
    with db.sessions.begin() as s:
        s.execute(
            update(Token)
            .where(Token.prefix == kid[:10])
            .values(expires_at=utcnow() + timedelta(days=30))
        )
    _expire(db, other)
    assert c.get("/api/v1/layers", headers=bearer(kid)).status_code == 401


def test_revoking_an_api_token_cascades_and_shows_in_the_list(c: TestClient, db: Backend) -> None:
    session = login_as(db, "prosecutor")
    parent = _mint(c, session, scopes=["layers:read"]).json()  # type: ignore[attr-defined]
    kid = _mint(c, parent["token"], name="kid").json()  # type: ignore[attr-defined]
    assert c.delete(f"{MINT}/{parent['id']}", headers=bearer(session)).status_code == 204
    assert c.get("/api/v1/layers", headers=bearer(kid["token"])).status_code == 401
    listed = {t["id"]: t for t in c.get(MINT, headers=bearer(session)).json()}
    assert listed[kid["id"]]["revoked_at"] is not None


def test_admin_minted_token_outlives_the_session(c: TestClient, db: Backend) -> None:
    session = login_as(db, "admin")
    r = _mint(c, session, scopes=["layers:read", "users:write"], days=90)
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    assert _expires(r) > utcnow() + timedelta(days=89)
    assert c.post("/api/v1/auth/revoke", headers=bearer(session)).status_code == 204
    token = r.json()["token"]  # type: ignore[attr-defined]
    assert c.get("/api/v1/layers", headers=bearer(token)).status_code == 200
    # An admin's narrow token (without users:write) follows the ordinary rules.
    narrow = _mint(c, token, scopes=["layers:read"], days=5).json()  # type: ignore[attr-defined]
    child = _mint(c, narrow["token"], days=90)
    assert _expires(child) <= datetime.fromisoformat(narrow["expires_at"])
