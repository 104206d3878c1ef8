"""Geocoding against the demo layers: points, geometries, CRSs, batches, errors."""

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from pyproj import Transformer

from geo.crs import wgs84_to_bd09, wgs84_to_gcj02
from geo.distance import geodesic_distance_m
from tests.api.helpers import DATA, wait_for_job

HUAILAI = (115.52, 40.41)  # Huailai county town (沙城), WGS-84
BORDER = (115.70, 40.42)  # Huailai, about 6 km from Yanqing (Beijing)


def _geocode(client: TestClient, **body: object) -> dict:
    r = client.post("/api/v1/geocode", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_point_in_huailai(demo_client: TestClient) -> None:
    g = _geocode(demo_client, lon=HUAILAI[0], lat=HUAILAI[1])
    assert [(a["level"], a["name"]) for a in g["admin"]] == [
        ("province", "河北省"),
        ("city", "张家口市"),
        ("county", "怀来县"),
    ]
    assert [o["name"] for o in g["responsible_organisations"]] == [
        "怀来县人民检察院",
        "张家口市人民检察院",
    ]
    assert g["partner_organisations"] == [] and g["cross_boundary"] is False
    assert {v["layer"] for v in g["layer_versions"]} >= {"admin-county", "water-source-zones"}
    assert all(len(v["source_sha256"]) == 64 for v in g["layer_versions"])


def test_point_near_beijing_flags_partners(demo_client: TestClient) -> None:
    g = _geocode(demo_client, lon=BORDER[0], lat=BORDER[1])
    assert g["admin"][-1]["name"] == "怀来县"
    partners = {o["code"]: o["distance_m"] for o in g["partner_organisations"]}
    assert set(partners) == {"110000", "110119"}  # Beijing and its Yanqing district
    assert 5_000 < partners["110119"] < 7_000
    assert g["cross_boundary"] is True
    # The reported distance is the geodesic distance to Yanqing's jurisdiction.
    yanqing = demo_client.get("/api/v1/organisations/110119", params={"geometry": True}).json()
    from shapely.geometry import Point, shape

    expected = geodesic_distance_m(Point(*BORDER), shape(yanqing["jurisdiction"]))
    assert partners["110119"] == pytest.approx(expected, abs=0.1)
    # A narrower search radius drops them.
    near = _geocode(demo_client, lon=BORDER[0], lat=BORDER[1], partner_distance_m=1000)
    assert near["partner_organisations"] == [] and near["cross_boundary"] is False


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "EPSG:32650", "EPSG:4490"])
def test_input_coordinate_systems(demo_client: TestClient, crs: str) -> None:
    lon, lat = HUAILAI
    if crs == "gcj02":
        x, y = wgs84_to_gcj02(lon, lat)
    elif crs == "bd09":
        x, y = wgs84_to_bd09(lon, lat)
    elif crs == "EPSG:32650":
        x, y = Transformer.from_crs(4326, 32650, always_xy=True).transform(lon, lat)
    else:
        x, y = lon, lat
    g = _geocode(demo_client, lon=x, lat=y, crs=crs)
    got = g["geometry"]["coordinates"]
    assert got == pytest.approx([lon, lat], abs=1e-7)
    assert g["admin"][-1]["name"] == "怀来县"


def test_point_inside_level_one_zone(demo_client: TestClient) -> None:
    zones = demo_client.get("/api/v1/layers/water-source-zones/features").json()["features"]
    level_one = next(f for f in zones if f["properties"]["level"] == "I")
    from shapely.geometry import shape

    inside = shape(level_one["geometry"]).representative_point()
    g = _geocode(demo_client, lon=inside.x, lat=inside.y)
    hit = [z for z in g["zones"] if z["kind"] == "water_source_zone"]
    assert [(z["level"], z["relation"], z["protected"]) for z in hit] == [("I", "within", True)]
    assert g["nearest"]["water_source_zone"]["distance_m"] == 0.0


def test_polygon_crossing_the_boundary(demo_client: TestClient) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [
            [[115.70, 40.40], [115.80, 40.40], [115.80, 40.48], [115.70, 40.48], [115.70, 40.40]]
        ],
    }
    g = _geocode(demo_client, geometry=square)
    counties = {a["name"] for a in g["admin"] if a["level"] == "county"}
    assert counties == {"怀来县", "延庆区"}
    assert g["cross_boundary"] is True
    assert {z["relation"] for z in g["zones"]} <= {"overlaps", "within", "contains", "on_boundary"}


def test_point_outside_every_layer(demo_client: TestClient) -> None:
    g = _geocode(demo_client, lon=121.0, lat=38.5)
    assert g["admin"] == [] and g["responsible_organisations"] == [] and g["zones"] == []
    assert g["nearest"] == {"water_body": None, "water_source_zone": None}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"lon": 200, "lat": 40}, "not a longitude/latitude"),
        (
            {"lon": 115, "lat": 40, "geometry": {"type": "Point", "coordinates": [1, 2]}},
            "either lon and lat, or geometry",
        ),
        ({"lon": 115}, "either lon and lat"),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                }
            },
            "invalid",
        ),
        ({"geometry": {"type": "Nope"}}, "not valid GeoJSON"),
        ({"lon": 115, "lat": 40, "crs": "mars"}, "unknown coordinate system"),
    ],
)
def test_bad_geocode_input_is_a_problem(demo_client: TestClient, body: dict, needle: str) -> None:
    r = demo_client.post("/api/v1/geocode", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert needle in r.json()["detail"]


def _upload_points(client: TestClient, name: str, content: bytes, **form: str) -> object:
    return client.post("/api/v1/geocode/batch", files={"file": (name, content)}, data=form)


def test_batch_inline_matches_single_geocodes(demo_client: TestClient) -> None:
    r = _upload_points(demo_client, "points.csv", (DATA / "points.csv").read_bytes())
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    rows = r.json()["rows"]  # type: ignore[attr-defined]
    assert len(rows) == 20
    for row in rows:
        g = _geocode(demo_client, lon=row["lon"], lat=row["lat"])
        chain = {a["level"]: a["name"] for a in g["admin"]}
        assert (row["province"], row["city"], row["county"]) == (
            chain.get("province"),
            chain.get("city"),
            chain.get("county"),
        )
        assert row["responsible"] == ";".join(o["code"] for o in g["responsible_organisations"])
        assert row["cross_boundary"] == g["cross_boundary"]
        assert row["partners"] == ";".join(
            f"{o['code']}:{o['distance_m']}" for o in g["partner_organisations"]
        )
        for kind in ("water_body", "water_source_zone"):
            near = g["nearest"][kind]
            assert row[f"nearest_{kind}_m"] == (near["distance_m"] if near else None)
        zones = {f"{z['kind']}/{z['level'] or ''}/{z['name'] or ''}" for z in g["zones"]}
        assert set(filter(None, row["zones"].split(";"))) == zones


def test_batch_geojson_and_gcj02(demo_client: TestClient) -> None:
    doc = json.loads((DATA / "points.geojson").read_text(encoding="utf-8"))
    for f in doc["features"]:
        f["geometry"]["coordinates"] = list(wgs84_to_gcj02(*f["geometry"]["coordinates"]))
    r = _upload_points(demo_client, "p.geojson", json.dumps(doc).encode(), crs="gcj02")
    csv_rows = list(csv.DictReader(io.StringIO((DATA / "points.csv").read_text("utf-8"))))
    got = r.json()["rows"]  # type: ignore[attr-defined]
    for want, row in zip(csv_rows, got, strict=True):
        assert row["lon_wgs84"] == pytest.approx(float(want["lon"]), abs=1e-6)
        assert row["lat_wgs84"] == pytest.approx(float(want["lat"]), abs=1e-6)


def test_bad_batch_file_is_refused(demo_client: TestClient) -> None:
    r = _upload_points(demo_client, "p.csv", b"id,lon,lat\n1,115.5,not-a-number\n")
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "CSV line 2" in r.json()["detail"]  # type: ignore[attr-defined]


def test_large_batch_runs_as_job_with_csv_result(demo_client: TestClient) -> None:
    lines = ["id,lon,lat"] + [f"p{i},{114.5 + i * 0.01},{40.3 + i * 0.003}" for i in range(120)]
    r = _upload_points(demo_client, "many.csv", "\n".join(lines).encode())
    assert r.status_code == 202, r.text  # type: ignore[attr-defined]
    job = wait_for_job(demo_client, r.json()["id"])  # type: ignore[attr-defined]
    assert job["status"] == "succeeded", job
    assert job["result"]["points"] == 120
    result = demo_client.get(job["result"]["download"])
    assert result.status_code == 200 and result.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(result.text)))
    assert [r["id"] for r in rows] == [f"p{i}" for i in range(120)]
    chain = {a["level"]: a["name"] for a in _geocode(demo_client, lon=114.5, lat=40.3)["admin"]}
    assert (rows[0]["city"], rows[0]["county"]) == ("大同市", "")  # no Datong counties in the demo
    assert rows[0]["city"] == chain["city"] and "county" not in chain

