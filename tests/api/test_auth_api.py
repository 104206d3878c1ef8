"""Accounts, tokens and access rules, on both backends."""

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.auth import api_routes, check_routes, roles_of
from app.main import create_app
from models import Token
from models.base import utcnow
from tests.api.test_cli import ecoleads
from tests.conftest import Backend, bearer, login_as, make_settings


@pytest.fixture
def anon(db: Backend, tmp_path: Path) -> TestClient:
    """A client with no credentials (the city's organisation exists)."""
    login_as(db, "admin")  # creates organisation 130700
    with TestClient(create_app(make_settings(db, tmp_path))) as c:
        yield c  # type: ignore[misc]


def _register(c: TestClient, **body: object) -> object:
    return c.post(
        "/api/v1/auth/register", json={"password": "s3cret-pass", "display_name": "志愿者", **body}
    )


def _login(c: TestClient, username: str, password: str = "s3cret-pass") -> object:
    return c.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_register_login_me_revoke(anon: TestClient, db: Backend) -> None:
    r = _register(anon, phone="13800000001")
    assert r.status_code == 202, r.text  # type: ignore[attr-defined]
    assert "id" not in r.json() and "s3cret-pass" not in r.text  # type: ignore[attr-defined]
    tok = _login(anon, "13800000001").json()  # type: ignore[attr-defined]
    assert tok["token_type"] == "bearer" and tok["expires_in"] > 0
    with db.sessions() as s:  # only a hash is stored
        assert s.scalar(select(Token.token_hash)) != tok["access_token"]
        assert tok["access_token"] not in str(s.scalars(select(Token)).all()[0].__dict__)
    headers = bearer(tok["access_token"])
    user = anon.get("/api/v1/users/me", headers=headers).json()
    assert user["display_name"] == "志愿者" and user["role"] == "volunteer"
    assert user["org_code"] == "130700" and "password" not in str(user)
    assert anon.post("/api/v1/auth/revoke", headers=headers).status_code == 204
    after = anon.get("/api/v1/users/me", headers=headers)
    assert after.status_code == 401 and after.headers["www-authenticate"] == "Bearer"


def test_register_by_email_and_refusals(anon: TestClient) -> None:
    first = _register(anon, email="v@example.org")
    assert first.status_code == 202  # type: ignore[attr-defined]
    assert _login(anon, "v@example.org").status_code == 200  # type: ignore[attr-defined]
    dup = _register(anon, email="v@example.org", password="another-pass")
    assert dup.status_code == 202 and dup.json() == first.json()  # type: ignore[attr-defined]
    assert _login(anon, "v@example.org", "another-pass").status_code == 401  # type: ignore[attr-defined]
    assert _register(anon).status_code == 422  # type: ignore[attr-defined]
    short = anon.post(
        "/api/v1/auth/register",
        json={"phone": "13800000002", "password": "short", "display_name": "x"},
    )
    assert short.status_code == 422
    bad = _register(anon, phone="call me")
    assert bad.status_code == 422 and "phone" in bad.json()["detail"]  # type: ignore[attr-defined]
    wrong = _login(anon, "v@example.org", "wrong-password")
    assert wrong.status_code == 401  # type: ignore[attr-defined]
    assert wrong.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]


def test_api_tokens_scopes_and_expiry(anon: TestClient, db: Backend) -> None:
    prosecutor = bearer(login_as(db, "prosecutor"))
    r = anon.post(
        "/api/v1/auth/api-tokens",
        headers=prosecutor,
        json={"name": "QGIS", "scopes": ["layers:read"], "days": 30},
    )
    assert r.status_code == 201, r.text
    secret = r.json()["token"]
    assert secret.startswith("elk_") and r.json()["scopes"] == ["layers:read"]
    listed = anon.get("/api/v1/auth/api-tokens", headers=prosecutor).json()
    assert [t["name"] for t in listed] == ["QGIS"] and "token" not in listed[0]
    machine = bearer(secret)
    assert anon.get("/api/v1/layers", headers=machine).status_code == 200
    no_scope = anon.post("/api/v1/geocode", headers=machine, json={"lon": 115.5, "lat": 40.4})
    assert no_scope.status_code == 403 and "scope" in no_scope.json()["detail"]
    too_much = anon.post(
        "/api/v1/auth/api-tokens",
        headers=prosecutor,
        json={"name": "x", "scopes": ["layers:write"]},
    )
    assert too_much.status_code == 403
    with db.sessions.begin() as s:
        s.execute(
            update(Token)
            .where(Token.prefix == secret[:10])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert anon.get("/api/v1/layers", headers=machine).status_code == 401
    assert (
        anon.delete(f"/api/v1/auth/api-tokens/{listed[0]['id']}", headers=prosecutor).status_code
        == 204
    )


@pytest.mark.parametrize(
    ("role", "method", "path", "status"),
    [
        (None, "get", "/api/v1/layers", 401),
        ("volunteer", "get", "/api/v1/layers", 403),
        ("volunteer", "post", "/api/v1/geocode", 403),
        ("partner", "get", "/api/v1/layers", 200),
        ("partner", "post", "/api/v1/layers", 403),
        ("prosecutor", "get", "/api/v1/organisations", 200),
        ("prosecutor", "post", "/api/v1/layers", 403),
        (None, "get", "/health", 200),
    ],
)
def test_roles_per_endpoint(
    anon: TestClient, db: Backend, role: str | None, method: str, path: str, status: int
) -> None:
    headers = bearer(login_as(db, role)) if role else {}
    kwargs = {"json": {"lon": 115.5, "lat": 40.4}} if path.endswith("geocode") else {}
    assert getattr(anon, method)(path, headers=headers, **kwargs).status_code == status


def test_every_route_declares_access_and_default_is_deny(db: Backend, tmp_path: Path) -> None:
    app = create_app(make_settings(db, tmp_path))
    declared = {r.path: roles_of(r) for r in api_routes(app.routes)}
    assert len(declared) >= 17
    assert declared["/health"] is None and declared["/api/v1/auth/register"] is None
    assert declared["/api/v1/layers"] is not None
    bare = FastAPI()

    @bare.get("/forgotten")
    def forgotten() -> None:
        return None

    with pytest.raises(RuntimeError, match="/forgotten"):
        check_routes(bare)


def test_jobs_are_private_to_their_creator(db: Backend, tmp_path: Path) -> None:
    settings = make_settings(db, tmp_path, sync_batch_max_points=1)
    with TestClient(create_app(settings)) as c:
        mine, other = bearer(login_as(db, "prosecutor")), bearer(login_as(db, "partner"))
        r = c.post(
            "/api/v1/geocode/batch",
            headers=mine,
            files={"file": ("p.csv", b"id,lon,lat\n1,115.5,40.4\n2,115.6,40.5\n")},
        )
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        assert c.get(f"/api/v1/jobs/{job_id}", headers=mine).status_code == 200
        assert c.get(f"/api/v1/jobs/{job_id}", headers=other).status_code == 404


def test_cli_users_and_tokens(db: Backend, tmp_path: Path) -> None:
    login_as(db, "admin")  # organisation 130700
    made = ecoleads(
        db,
        tmp_path,
        "users",
        "create",
        "--username",
        "zhang",
        "--password",
        "prosecute-well",
        "--role",
        "prosecutor",
        "--org",
        "130700",
    )
    assert made.returncode == 0, made.stderr
    tok = ecoleads(
        db,
        tmp_path,
        "tokens",
        "create",
        "--username",
        "zhang",
        "--name",
        "QGIS",
        "--scopes",
        "layers:read",
        "--days",
        "7",
    )
    assert tok.returncode == 0 and tok.stdout.strip().startswith("elk_")
    assert "will not be shown again" in tok.stderr
    with TestClient(create_app(make_settings(db, tmp_path))) as c:
        assert c.get("/api/v1/layers", headers=bearer(tok.stdout.strip())).status_code == 200
    bad = ecoleads(
        db,
        tmp_path,
        "users",
        "create",
        "--username",
        "x",
        "--password",
        "short",
        "--role",
        "prosecutor",
        "--org",
        "130700",
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: password")
