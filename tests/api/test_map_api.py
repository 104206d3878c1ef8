"""What the map UI asks of the API: the page, its config, clusters, colleagues, base map."""

import random
from datetime import timedelta

from fastapi.testclient import TestClient
from geoalchemy2.shape import from_shape
from shapely import Point
from sqlalchemy import insert

from app.services.leads.map_view import cell_degrees
from models import Lead
from models.base import utcnow
from tests.api.helpers import upload_layer
from tests.conftest import Backend, bearer, login_as


def test_page_and_config_are_public_and_utf8(client: TestClient) -> None:
    page = client.get("/", headers={"Authorization": ""})
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    config = client.get("/api/v1/ui/config", headers={"Authorization": ""}).json()
    assert config["tile_url"] is None and config["languages"] == ["zh-CN", "en"]
    js = client.get("/static/vendor/leaflet/leaflet.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]


def add_leads(db: Backend, n: int, box: tuple[float, float, float, float]) -> None:
    """Insert n scored leads at random points of a box (the map only reads them)."""
    rng = random.Random(7)
    now = utcnow()
    rows = [
        {
            "category": "waste_dumping",
            "geom": from_shape(
                Point(rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])), 4326
            ),
            "status": "new",
            "score": float(k % 100),
            "score_breakdown": [],
            "legal_bases": [],
            "geocode": {},
            "first_evidence_at": now - timedelta(days=k % 30),
            "last_evidence_at": now - timedelta(days=k % 30),
        }
        for k in range(n)
    ]
    with db.sessions.begin() as s:
        s.execute(insert(Lead), rows)


def test_map_sends_leads_or_clusters(client: TestClient, db: Backend) -> None:
    add_leads(db, 3000, (114.0, 40.0, 115.0, 41.0))
    view = {"bbox": "114,40,115,41"}
    many = client.get("/api/v1/leads/map", params={**view, "zoom": 8}).json()
    assert many["mode"] == "clusters" and many["total"] == 3000
    assert sum(f["properties"]["count"] for f in many["features"]) == 3000
    assert len(many["features"]) < 300
    size = cell_degrees(8)
    for f in many["features"]:  # every cluster stays inside its grid cell
        x0, y0, x1, y1 = f["properties"]["bbox"]
        assert int((x0 + 180) / size) == int((x1 + 180) / size)
        assert int((y0 + 90) / size) == int((y1 + 90) / size)
        assert f["properties"]["max_score"] <= 99
    few = client.get(
        "/api/v1/leads/map", params={"bbox": "114.0,40.0,114.3,40.3", "zoom": 12}
    ).json()
    assert few["mode"] == "leads" and 0 < few["total"] <= 1500
    assert {f["properties"]["kind"] for f in few["features"]} == {"lead"}
    high = client.get("/api/v1/leads/map", params={**view, "zoom": 8, "min_score": 95}).json()
    assert high["mode"] == "leads" and high["total"] == 150  # scores 95..99, 30 each
    assert client.get("/api/v1/leads/map", params={"zoom": 8}).status_code == 422


def test_colleagues_are_prosecutors_of_the_organisation(client: TestClient, db: Backend) -> None:
    pro = bearer(login_as(db, "prosecutor", username="zhang"))
    login_as(db, "volunteer", username="wang")
    login_as(db, "prosecutor", org_code="110000", username="beijing")
    names = [u["username"] for u in client.get("/api/v1/users", headers=pro).json()]
    assert "zhang" in names and "wang" not in names and "beijing" not in names
    assert client.get("/api/v1/users", headers=pro, params={"lead": 999}).status_code == 404


def test_base_map_features_simplified(client: TestClient) -> None:
    assert (
        upload_layer(
            client, "huailai_counties_gcj02.geojson", name="c", kind="admin_division", crs="gcj02"
        ).status_code
        == 201
    )
    full = client.get("/api/v1/layers/c/features").json()
    light = client.get("/api/v1/layers/c/features", params={"tolerance": 0.01}).json()

    def size(fc: dict) -> int:
        return len(str(fc["features"]))

    assert len(light["features"]) == len(full["features"]) == 3
    assert size(light) < size(full) / 3
