"""OGC API - Features under /ogc, read by real clients over HTTP: GDAL's ogrinfo (Debian),
pyogrio (its own GDAL), ogctests (the Part 1 conformance tests) and httpx."""

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest
import shapely
import uvicorn
from geoalchemy2.shape import from_shape
from sqlalchemy import select

from app.main import create_app
from app.services.accounts.auth import create_user
from app.services.accounts.tokens import issue_token
from models import (
    AirImport,
    AirReading,
    AirStation,
    FireHotspot,
    Layer,
    LayerFeature,
    LayerVersion,
    Lead,
    Organisation,
    Referral,
)
from tests.conftest import Backend, make_settings, wipe
from tests.ui.conftest import free_port

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
DAY = datetime(2025, 1, 10, tzinfo=UTC)  # leads' evidence days count from here
# Points of the seeded leads (lon, lat), all inside the jurisdiction box below.
LEAD_POINTS = [(115.60 + i * 0.01, 40.30 + i * 0.005) for i in range(7)]


@dataclass
class Live:
    """The seeded service on a loopback port, with tokens of each kind of caller."""

    url: str
    admin: str
    partner: str
    volunteer: str
    shared_lead: int
    unshared_lead: int


def _org(code: str, role: str, box: tuple[float, float, float, float]) -> Organisation:
    poly = shapely.MultiPolygon([shapely.box(*box)])
    return Organisation(
        code=code, name=f"院 {code}", role=role, level="city", jurisdiction=from_shape(poly, 4326)
    )


def _seed(backend: Backend) -> tuple[int, int]:
    """Organisations, layers, leads, a referral, a hotspot and a PM10 exceedance day."""
    with backend.sessions.begin() as s:
        own, partner = _org("130700", "own", (115.0, 40.0, 116.0, 41.0)), None
        partner = _org("110000", "partner", (116.0, 39.5, 117.0, 40.5))
        s.add_all([own, partner])
        s.flush()
        for i, (kind, level) in enumerate([("basin", None), ("water_source_zone", "I")]):
            layer = Layer(name=f"layer-{kind}", kind=kind)
            s.add(layer)
            s.flush()
            for version in (1, 2):  # only the current version is served
                v = LayerVersion(
                    layer_id=layer.id,
                    version=version,
                    source_filename="x.geojson",
                    source_sha256="0" * 64,
                    source_format="geojson",
                    source_crs="EPSG:4326",
                    feature_count=1,
                )
                s.add(v)
                s.flush()
                poly = shapely.box(115.5 + i * 0.2, 40.2, 115.7 + i * 0.2, 40.4 + version * 0.01)
                s.add(
                    LayerFeature(
                        layer_version_id=v.id,
                        name=f"{kind} v{version}",
                        level=level,
                        geom=from_shape(poly, 4326),
                    )
                )
        leads = [
            Lead(
                category="waste_dumping",
                geom=from_shape(shapely.Point(x, y), 4326),
                org_id=own.id,
                score=0.5 + i / 100,
                first_evidence_at=DAY + timedelta(days=i),
                last_evidence_at=DAY + timedelta(days=i + 1),
            )
            for i, (x, y) in enumerate(LEAD_POINTS)
        ]
        s.add_all(leads)
        s.flush()
        s.add(
            Referral(
                lead_id=leads[0].id,
                from_org_id=own.id,
                to_org_id=partner.id,
                basis="跨区域线索移送",
                status="sent",
                receipt_due_at=DAY + timedelta(days=7),
                created_at=DAY,
            )
        )
        imp = AirImport(format="csv", files=[], rows_read=24, rows_stored=24, report={}, actor="t")
        s.add(imp)
        s.flush()
        s.add(
            FireHotspot(
                key="VIIRS|N|2025-01-11|40.31|115.61",
                geom=from_shape(shapely.Point(115.61, 40.31), 4326),
                acquired_at=DAY + timedelta(days=1),
                instrument="VIIRS",
                satellite="N",
                confidence_raw="h",
                confidence_class="high",
                import_id=imp.id,
            )
        )
        station = AirStation(
            code="1001A", name="测试站", geom=from_shape(shapely.Point(115.5, 40.5), 4326)
        )
        s.add(station)
        s.flush()
        local_midnight = datetime(2025, 1, 11, tzinfo=UTC) - timedelta(hours=8)
        s.add_all(
            AirReading(
                station_id=station.id,
                at=local_midnight + timedelta(hours=h),
                pm10=200.0,
                import_id=imp.id,
            )
            for h in range(24)
        )
        return leads[0].id, leads[1].id


def _token(backend: Backend, role: str, org_code: str, scopes: list[str] | None) -> str:
    with backend.sessions.begin() as s:
        user = create_user(
            s,
            role=role,
            org_code=org_code,
            password="correct horse",
            username=f"ogc-{role}",
            display_name=role,
        )
        raw, _ = issue_token(s, user=user, kind="api", ttl=timedelta(hours=1), scopes=scopes)
    return raw


@pytest.fixture(scope="module")
def live(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The seeded database served by uvicorn in a thread."""
    wipe(backend)
    shared, unshared = _seed(backend)
    admin = _token(backend, "admin", "130700", None)
    partner = _token(backend, "partner", "110000", ["ogc:read"])
    volunteer = _token(backend, "volunteer", "130700", None)
    settings = make_settings(backend, tmp_path_factory.mktemp("ogc"))
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield Live(f"http://127.0.0.1:{port}/ogc", admin, partner, volunteer, shared, unshared)
    server.should_exit = True
    thread.join(timeout=30)
    wipe(backend)


def _get(live: Live, path: str, token: str | None = None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token or live.admin}"}
    return httpx.get(live.url + path, headers=headers, params=params, timeout=30)


def _db_counts(backend: Backend) -> dict[str, int]:
    with backend.sessions() as s:
        current = 2  # every seeded layer's current version
        layer_rows = s.execute(
            select(Layer.kind)
            .join(LayerVersion, LayerVersion.layer_id == Layer.id)
            .join(LayerFeature, LayerFeature.layer_version_id == LayerVersion.id)
            .where(LayerVersion.version == current)
        ).scalars()
        kinds = list(layer_rows)
        return {
            "leads": len(s.scalars(select(Lead.id)).all()),
            "referrals": len(s.scalars(select(Referral.id)).all()),
            "jurisdictions": len(s.scalars(select(Organisation.id)).all()),
            "basins": kinds.count("basin"),
            "protected-zones": kinds.count("water_source_zone"),
            "hotspots": len(s.scalars(select(FireHotspot.id)).all()),
            "exceedances": 1,
        }


def test_ogrinfo_lists_collections_with_database_counts(live: Live, backend: Backend) -> None:
    env = {**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Bearer {live.admin}"}
    out = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", f"OAPIF:{live.url}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    counts = {
        block.split("\n")[0].strip(): int(block.split("Feature Count: ")[1].split()[0])
        for block in out.split("Layer name: ")[1:]
    }
    assert counts == _db_counts(backend)


def test_pyogrio_reads_leads_in_cgcs2000_lat_lon(live: Live) -> None:
    # In a process of its own: GDAL holds the GIL while it waits for the in-thread server.
    script = (
        "import json, sys, pyogrio, shapely\n"
        "meta, _, geom, _ = pyogrio.raw.read(sys.argv[1], layer='leads', CRS='EPSG:4490')\n"
        "xy = shapely.get_coordinates(shapely.from_wkb(geom)).tolist()\n"
        "print(json.dumps({'crs': meta['crs'], 'xy': xy}))\n"
    )
    env = {**os.environ, "GDAL_HTTP_AUTH": "BEARER", "GDAL_HTTP_BEARER": live.admin}
    out = subprocess.run(
        [sys.executable, "-c", script, f"OAPIF:{live.url}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    read = json.loads(out.stdout)
    assert "4490" in read["crs"]
    # The server sends EPSG:4490 in its lat,lon order; GDAL puts it back in GIS order
    # (lon,lat), so the points read are those stored.
    got = sorted(map(tuple, read["xy"]))
    np.testing.assert_allclose(got, sorted(LEAD_POINTS), atol=1e-9)


def test_ogctests_conformance_suite_passes(live: Live) -> None:
    python = subprocess.run(
        [str(ROOT / "scripts" / "ogctests-venv.sh")],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout.strip()
    run = subprocess.run(
        [python, str(ROOT / "scripts" / "ogctests_run.py"), live.url],
        env={**os.environ, "OGC_TOKEN": live.admin},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_basic_auth_and_the_401_challenge(live: Live) -> None:
    ok = httpx.get(f"{live.url}/collections", auth=("anything", live.admin), timeout=30)
    assert ok.status_code == 200
    for auth in (None, ("anything", "wrong")):
        refused = httpx.get(f"{live.url}/collections", auth=auth, timeout=30)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == (
            'Bearer realm="ecoleads", Basic realm="ecoleads"'
        )
    assert _get(live, "/collections", live.volunteer).status_code == 403
    assert httpx.get(f"{live.url}/api", timeout=30).status_code == 200  # public


def test_landing_conformance_and_api_document(live: Live) -> None:
    rels = {link["rel"]: link for link in _get(live, "").json()["links"]}
    assert rels["service-desc"]["href"] == f"{live.url}/api"
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert {"self", "service-doc", "conformance", "data"} <= set(rels)
    classes = _get(live, "/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes
    assert _get(live, "/api").json()["openapi"].startswith("3.0")


def test_items_pages_crs_bbox_and_datetime(live: Live) -> None:
    first = _get(live, "/collections/leads/items", limit="3")
    assert first.headers["content-type"].startswith("application/geo+json")
    assert first.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    body = first.json()
    assert (body["numberMatched"], body["numberReturned"]) == (7, 3)
    links = {link["rel"]: link["href"] for link in body["links"]}
    ids = [f["id"] for f in body["features"]]
    while "next" in links:
        page = httpx.get(links["next"], headers={"Authorization": f"Bearer {live.admin}"}).json()
        ids += [f["id"] for f in page["features"]]
        links = {link["rel"]: link["href"] for link in page["links"]}
    assert len(set(ids)) == 7 and "prev" in links
    x, y = LEAD_POINTS[0]
    swapped = _get(
        live,
        "/collections/leads/items",
        crs="http://www.opengis.net/def/crs/EPSG/0/4490",
        bbox=f"{y - 0.001},{x - 0.001},{y + 0.001},{x + 0.001}",
        **{"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/4326"},
    )
    assert swapped.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/4490>"
    assert [f["geometry"]["coordinates"] for f in swapped.json()["features"]] == [[y, x]]
    in_time = _get(live, "/collections/leads/items", datetime="2025-01-10T12:00:00Z")
    assert in_time.json()["numberMatched"] == 1
    open_end = _get(live, "/collections/leads/items", datetime="2025-01-15T00:00:00Z/..")
    assert open_end.json()["numberMatched"] == 3  # days 5, 6 and the end of day 4
    assert _get(live, "/collections/leads/items", datetime="../2025-01-09").json()["features"] == []
    exceed = _get(live, "/collections/exceedances/items").json()["features"]
    assert [f["properties"]["date"] for f in exceed] == ["2025-01-11"]
    assert exceed[0]["properties"]["pm10_mean"] == 200.0
    one = _get(live, f"/collections/exceedances/items/{exceed[0]['id']}")
    assert one.status_code == 200 and one.json()["geometry"]["coordinates"] == [115.5, 40.5]


@pytest.mark.parametrize(
    "params",
    [
        {"foo": "1"},
        {"bbox": "1,2,3"},
        {"bbox": "1,2,0,3,4,5"},
        {"bbox": "a,b,c,d"},
        {"crs": "EPSG:3857"},
        {"datetime": "yesterday"},
        {"datetime": "2025-02-01/2025-01-01"},
        {"limit": "0"},
        {"limit": "many"},
    ],
)
def test_bad_queries_are_400_problems(live: Live, params: dict[str, str]) -> None:
    r = _get(live, "/collections/leads/items", **params)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"


def test_unknown_collection_and_feature_are_404(live: Live) -> None:
    for path in ("/collections/nope", "/collections/nope/items", "/collections/leads/items/999"):
        r = _get(live, path)
        assert r.status_code == 404 and r.json()["status"] == 404
    big = _get(live, "/collections/leads/items", limit="5000").json()
    assert big["numberReturned"] == 7  # above the maximum, the limit is clamped


def test_partner_sees_referred_lead_and_own_referrals_only(live: Live) -> None:
    leads = _get(live, "/collections/leads/items", live.partner).json()
    assert [f["id"] for f in leads["features"]] == [live.shared_lead]
    assert _get(live, f"/collections/leads/items/{live.shared_lead}", live.partner).is_success
    hidden = _get(live, f"/collections/leads/items/{live.unshared_lead}", live.partner)
    assert hidden.status_code == 404
    referrals = _get(live, "/collections/referrals/items", live.partner).json()["features"]
    assert [(f["properties"]["from_org"], f["properties"]["to_org"]) for f in referrals] == [
        ("130700", "110000")
    ]
    extent = _get(live, "/collections/leads", live.partner).json()["extent"]["spatial"]["bbox"]
    x, y = LEAD_POINTS[0]
    assert extent == [[x, y, x, y]]
    assert _get(live, "/collections/basins/items", live.partner).json()["numberMatched"] == 1
    assert json.loads(_get(live, "/collections", live.partner).text)["collections"]
