"""Self-registration: no enumeration, password rules, only the platform's own organisations."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.errors import Invalid
from app.main import create_app
from app.services.accounts.auth import create_user
from app.services.accounts.organisations import upsert_organisation
from models import User
from tests.conftest import Backend, login_as, make_settings


@pytest.fixture
def anon(db: Backend, tmp_path: Path) -> TestClient:
    """A client with no credentials; organisation 130700 is own, 110000 a partner."""
    login_as(db, "admin")
    with db.sessions.begin() as s:
        upsert_organisation(s, code="110000", name="北京市检察院", role="partner", level="province")
    with TestClient(create_app(make_settings(db, tmp_path))) as c:
        yield c  # type: ignore[misc]


def _register(c: TestClient, **body: object) -> object:
    return c.post(
        "/api/v1/auth/register", json={"password": "s3cret-pass", "display_name": "志愿者", **body}
    )


def _users(db: Backend) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def test_taken_and_new_contacts_get_the_same_answer(anon: TestClient, db: Backend) -> None:
    new = _register(anon, phone="13800000031")
    taken = _register(anon, phone="13800000031", display_name="冒名者")
    also_new = _register(anon, email="fresh@example.org")
    for r in (new, taken, also_new):
        assert r.status_code == 202  # type: ignore[attr-defined]
    assert new.content == taken.content == also_new.content  # type: ignore[attr-defined]
    assert new.headers.keys() == taken.headers.keys()  # type: ignore[attr-defined]
    assert _users(db) == 1 + 2  # the admin, and two volunteers


@pytest.mark.parametrize(
    ("password", "phone", "why"),
    [
        ("12345678", "13800000041", "common"),
        ("password", "13800000042", "common"),
        ("PassWord1", "13800000043", "common"),
        ("13800000044", "13800000044", "phone"),
    ],
)
def test_weak_passwords_refused(
    anon: TestClient, db: Backend, password: str, phone: str, why: str
) -> None:
    before = _users(db)
    r = _register(anon, phone=phone, password=password)
    assert r.status_code == 422 and why in r.json()["detail"]  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert _users(db) == before


def test_weak_password_refused_for_every_account(db: Backend) -> None:
    login_as(db, "admin")
    with db.sessions() as s:
        with pytest.raises(Invalid, match="common"):
            create_user(
                s,
                role="prosecutor",
                org_code="130700",
                password="iloveyou",
                username="zhang",
                display_name="张",
            )
        with pytest.raises(Invalid, match="username"):
            create_user(
                s,
                role="prosecutor",
                org_code="130700",
                password="Zhang-Wei-88",
                username="zhang-wei-88",
                display_name="张",
            )


@pytest.mark.parametrize("org_code", ["110000", "999999"])
def test_only_own_organisations_can_be_joined(anon: TestClient, db: Backend, org_code: str) -> None:
    before = _users(db)
    r = _register(anon, phone="13800000051", org_code=org_code)
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert "not an organisation volunteers can join" in r.json()["detail"]  # type: ignore[attr-defined]
    assert _users(db) == before
    assert _register(anon, phone="13800000051", org_code="130700").status_code == 202  # type: ignore[attr-defined]


def test_concurrent_twins_register_once_and_are_answered_alike(db: Backend, tmp_path: Path) -> None:
    """Ten registrations of one phone at once: one account, ten identical answers, no 500."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from tests.api.test_concurrency import live

    login_as(db, "admin")
    with live(create_app(make_settings(db, tmp_path))) as base:

        def one(n: int) -> httpx.Response:
            body = {"phone": "13800000077", "password": "s3cret-pass", "display_name": f"v{n}"}
            return httpx.post(f"{base}/api/v1/auth/register", json=body, timeout=60)

        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(one, range(10)))
    assert {r.status_code for r in answers} == {202}, [r.text for r in answers]
    assert len({r.text for r in answers}) == 1
    with db.sessions() as s:
        assert s.scalar(select(func.count()).where(User.phone == "13800000077")) == 1
