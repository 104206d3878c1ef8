"""Reserve grades (issue 19, 6): a nature-reserve layer records each reserve's grade, and
刑法 art. 342-1 (破坏自然保护地罪) is cited only in national parks and national-level
reserves; elsewhere 自然保护区条例 art. 26 is."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.main import create_app
from models import LayerFeature
from tests.api.test_concurrency import photo
from tests.api.test_legal_bases_api import square
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

NATIONAL = (115.45, 40.45)  # two reserves in Huailai county, inside the demo's service area
PROVINCIAL = (115.30, 40.52)


@pytest.fixture
def client(demo: Backend, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(demo, tmp_path))) as c:
        c.headers.update(bearer(login_as(demo, "admin")))
        yield c
    clear_activity(demo)


def reserves(grades: list[str]) -> bytes:
    """A reserve layer: one buffer zone per (place, grade), the grade in its own field."""
    features = []
    for where, grade in zip((NATIONAL, PROVINCIAL), grades, strict=True):
        f = square(*where, 0.02)
        f["properties"] = {"name": f"{grade}保护区", "功能区": "缓冲区", "保护区级别": grade}
        features.append(f)
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def report_mining(c: TestClient, demo: Backend, where: tuple[float, float], seed: int) -> int:
    """Report mining at `where`; return the id of the lead it started."""
    known = {lead["id"] for lead in c.get("/api/v1/leads").json()}
    r = c.post(
        "/api/v1/reports",
        headers=bearer(login_as(demo, "volunteer")),
        files=[("photos", ("p.jpg", photo(seed)))],
        data={"category": "illegal_mining", "description": "采矿", "lon": where[0],
              "lat": where[1]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    (new,) = [lead["id"] for lead in c.get("/api/v1/leads").json() if lead["id"] not in known]
    return int(new)


def test_342_1_only_in_a_national_reserve(client: TestClient, demo: Backend) -> None:
    r = client.post(
        "/api/v1/layers",
        files={"file": ("reserves.geojson", reserves(["国家级", "省级"]))},
        data={"name": "reserves", "kind": "nature_reserve", "level_field": "功能区"},
    )
    assert r.status_code == 201, r.text
    place = client.post("/api/v1/geocode", json={"lon": NATIONAL[0], "lat": NATIONAL[1]}).json()
    (zone,) = [z for z in place["zones"] if z["kind"] == "nature_reserve"]
    assert zone["grade"] == "national" and zone["level"] == "buffer"
    pro = bearer(login_as(demo, "prosecutor", org_code="130700"))
    for where, seed, crime in ((NATIONAL, 1, True), (PROVINCIAL, 2, False)):
        lead_id = report_mining(client, demo, where, seed)
        codes = {b["code"] for b in client.get(f"/api/v1/leads/{lead_id}", headers=pro).json()
                 ["legal_bases"]}  # fmt: skip
        assert ("cl-342-1" in codes) is crime and "nrr-26" in codes


def test_an_unknown_grade_is_refused_and_nothing_stored(client: TestClient, demo: Backend) -> None:
    with demo.sessions() as s:
        before = s.scalar(select(func.count()).select_from(LayerFeature))
    bad = client.post(
        "/api/v1/layers",
        files={"file": ("reserves.geojson", reserves(["国家级", "世界级"]))},
        data={"name": "reserves", "kind": "nature_reserve", "level_field": "功能区"},
    )
    assert bad.status_code == 422 and "世界级" in bad.json()["detail"]
    wrong_kind = client.post(
        "/api/v1/layers",
        files={"file": ("wetlands.geojson", reserves(["国家级", "省级"]))},
        data={"name": "wetlands2", "kind": "wetland", "grade": "国家级"},
    )
    assert wrong_kind.status_code == 422 and "nature reserves only" in wrong_kind.json()["detail"]
    with demo.sessions() as s:
        assert s.scalar(select(func.count()).select_from(LayerFeature)) == before
