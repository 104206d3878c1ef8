"""Duplicate flags: a volunteer learns a photo was seen before, not whose report it was."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.services.demo.base import load_demo
from tests.conftest import Backend, bearer, login_as, make_settings, wipe

PHOTOS = Path(__file__).parents[1] / "data" / "photos"


@pytest.fixture
def c(db: Backend, tmp_path: Path) -> Iterator[TestClient]:
    """A client on the demo layers and organisations, with no default credentials."""
    with db.sessions.begin() as s:
        load_demo(s)
    with TestClient(create_app(make_settings(db, tmp_path))) as client:
        yield client
    wipe(db)


def _submit(c: TestClient, token: str) -> dict[str, object]:
    r = c.post(
        "/api/v1/reports",
        headers=bearer(token),
        files=[("photos", ("gps_ne.jpg", (PHOTOS / "gps_ne.jpg").read_bytes()))],
        data={"category": "waste_dumping", "description": "倾倒垃圾"},
    )
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


def test_volunteer_sees_only_that_a_photo_was_seen_before(c: TestClient, db: Backend) -> None:
    alice, bob = login_as(db, "volunteer"), login_as(db, "volunteer")
    first = _submit(c, alice)
    assert first["seen_before"] is False and first["duplicate_of_report_id"] is None
    theirs = _submit(c, bob)
    assert "duplicate_photo" in theirs["flags"]  # type: ignore[operator]
    assert theirs["seen_before"] is True and theirs["duplicate_of_report_id"] is None
    photo = theirs["photos"][0]  # type: ignore[index]
    assert photo["seen_before"] is True and photo["duplicate_of_photo_id"] is None
    again = c.get(f"/api/v1/reports/{theirs['id']}", headers=bearer(bob)).json()
    assert again["duplicate_of_report_id"] is None
    assert c.get("/api/v1/reports", headers=bearer(bob)).json()[0]["seen_before"] is True
    # Their own earlier report may be named.
    mine = _submit(c, alice)
    assert mine["duplicate_of_report_id"] == first["id"]
    assert mine["photos"][0]["duplicate_of_photo_id"] is not None  # type: ignore[index]
    # Reviewers keep the ids.
    admin = c.get(f"/api/v1/reports/{theirs['id']}", headers=bearer(login_as(db, "admin")))
    shown = admin.json()
    assert shown["duplicate_of_report_id"] == first["id"] and shown["seen_before"] is True
    assert shown["photos"][0]["duplicate_of_photo_id"] is not None
