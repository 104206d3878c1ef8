"""Layer import through the API: formats, CRSs, versions, refusals, jobs."""

import hashlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from geo.crs import gcj02_to_wgs84
from tests.api.helpers import DATA, layer_state, upload_layer, wait_for_job
from tests.conftest import Backend, bearer, login_as, make_settings

ZONE_FIELDS = {"name_field": "zone_name", "level_field": "grade", "code_field": "zcode"}


def test_geojson_import_with_field_mapping(client: TestClient) -> None:
    r = upload_layer(
        client, "zones_wgs84.geojson", name="zones", kind="water_source_zone", **ZONE_FIELDS
    )
    assert r.status_code == 201, r.text
    version = r.json()["version"]
    digest = hashlib.sha256((DATA / "zones_wgs84.geojson").read_bytes()).hexdigest()
    assert version["source_sha256"] == digest
    assert version["feature_count"] == 3 and version["version"] == 1
    assert version["source_crs"] == "EPSG:4326" and version["source_format"] == "geojson"
    feats = client.get("/api/v1/layers/zones/features").json()["features"]
    assert sorted(f["properties"]["level"] for f in feats) == ["I", "II", "quasi"]
    src = json.loads((DATA / "zones_wgs84.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["name"] for f in feats} == {
        f["properties"]["zone_name"] for f in src["features"]
    }


@pytest.mark.parametrize(
    ("fixture", "crs", "fmt"),
    [
        ("zones_cgcs2000.geojson", "EPSG:4490", "geojson"),
        ("zones_utm50.gpkg", "EPSG:32650", "gpkg"),
        ("zones_shp.zip", "EPSG:4326", "shapefile-zip"),
    ],
)
def test_other_formats_and_crs_land_on_wgs84(
    client: TestClient, fixture: str, crs: str, fmt: str
) -> None:
    assert (
        upload_layer(
            client, "zones_wgs84.geojson", name="ref", kind="water_source_zone", **ZONE_FIELDS
        ).status_code
        == 201
    )
    r = upload_layer(client, fixture, name="other", kind="water_source_zone", **ZONE_FIELDS)
    assert r.status_code == 201, r.text
    assert r.json()["version"]["source_crs"] == crs
    assert r.json()["version"]["source_format"] == fmt
    ref = client.get("/api/v1/layers/ref/features").json()["features"]
    got = client.get("/api/v1/layers/other/features").json()["features"]
    by_code = {f["properties"]["code"]: f["geometry"] for f in ref}
    for f in got:
        expect = by_code[f["properties"]["code"]]
        a = _ring(expect)
        b = _ring(f["geometry"])
        assert len(a) == len(b)
        # Shapefiles store rings clockwise: compare as sets of vertices, to 1e-6 degrees.
        for x, y in b:
            assert min(abs(x - u) + abs(y - v) for u, v in a) < 1e-6


def _ring(geometry: dict) -> list[tuple[float, float]]:
    coords = geometry["coordinates"]
    ring = coords[0][0] if geometry["type"] == "MultiPolygon" else coords[0]
    return [tuple(c) for c in ring]


def test_gcj02_override_converts_to_wgs84(client: TestClient) -> None:
    r = upload_layer(
        client,
        "huailai_counties_gcj02.geojson",
        name="counties",
        kind="admin_division",
        crs="gcj02",
        code_field="adcode",
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"]["source_crs"] == "gcj02"
    src = json.loads((DATA / "huailai_counties_gcj02.geojson").read_text(encoding="utf-8"))
    first = src["features"][0]
    lon, lat = _ring(first["geometry"])[0]
    feats = client.get("/api/v1/layers/counties/features").json()["features"]
    stored = next(f for f in feats if f["properties"]["code"] == first["properties"]["adcode"])
    assert stored["properties"]["level"] == "county"
    x, y = _ring(stored["geometry"])[0]
    ex, ey = gcj02_to_wgs84(lon, lat)
    assert abs(x - ex) < 1e-9 and abs(y - ey) < 1e-9


def test_invalid_geometry_is_repaired_and_counted(client: TestClient) -> None:
    r = upload_layer(client, "zones_invalid_geom.geojson", name="fixme", kind="wetland")
    assert r.status_code == 201, r.text
    assert r.json()["version"]["repaired_count"] == 1
    assert r.json()["version"]["feature_count"] == 2


def test_reimport_makes_new_version_and_old_stays_queryable(client: TestClient) -> None:
    upload_layer(client, "zones_wgs84.geojson", name="z", kind="water_source_zone", **ZONE_FIELDS)
    r = upload_layer(
        client, "zones_cgcs2000.geojson", name="z", kind="water_source_zone", **ZONE_FIELDS
    )
    assert r.json()["version"]["version"] == 2
    layer = client.get("/api/v1/layers/z").json()
    assert [v["version"] for v in layer["versions"]] == [2, 1]
    assert layer["current_version"]["source_crs"] == "EPSG:4490"
    v1 = client.get("/api/v1/layers/z/features", params={"version": 1}).json()
    assert v1["version"] == 1 and v1["numberMatched"] == 3
    assert client.get("/api/v1/layers/z/features", params={"version": 3}).status_code == 404
    # A layer keeps its kind: importing under another kind is a conflict.
    clash = upload_layer(client, "zones_wgs84.geojson", name="z", kind="wetland")
    assert clash.status_code == 409


def test_features_bbox_and_paging(client: TestClient) -> None:
    upload_layer(
        client,
        "huailai_counties_gcj02.geojson",
        name="c",
        kind="admin_division",
        crs="gcj02",
        code_field="adcode",
    )
    page = client.get("/api/v1/layers/c/features", params={"limit": 2}).json()
    assert page["numberMatched"] == 3 and page["numberReturned"] == 2
    rest = client.get("/api/v1/layers/c/features", params={"limit": 2, "offset": 2}).json()
    assert rest["numberReturned"] == 1
    assert {f["id"] for f in page["features"]}.isdisjoint({f["id"] for f in rest["features"]})
    # Central Huailai only: 延庆 starts east of 115.73 E, 涿鹿 stops west of 115.52 E there.
    inside = client.get("/api/v1/layers/c/features", params={"bbox": "115.55,40.35,115.65,40.45"})
    assert [f["properties"]["name"] for f in inside.json()["features"]] == ["怀来县"]
    assert inside.headers["content-type"] == "application/geo+json"
    bad = client.get("/api/v1/layers/c/features", params={"bbox": "1,2,3"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("fixture", "form", "problem"),
    [
        ("bad_geometry.geojson", {}, "invalid JSON at line"),
        ("zones_shp_noprj.zip", {}, "no .prj"),
        ("empty.geojson", {}, "0 features"),
        ("no_geometry.geojson", {}, "lack a geometry"),
        ("not_a_layer.txt", {}, "unreadable content"),
        ("zones_wgs84.geojson", {"crs": "EPSG:99999"}, "unknown coordinate system"),
        ("zones_wgs84.geojson", {"name_field": "nope"}, "name field 'nope' not in the file"),
        ("zones_wgs84.geojson", {"kind": "Bad Kind"}, "invalid layer kind"),
    ],
)
def test_broken_files_are_refused_and_change_nothing(
    client: TestClient, fixture: str, form: dict[str, str], problem: str
) -> None:
    upload_layer(
        client, "zones_wgs84.geojson", name="keep", kind="water_source_zone", **ZONE_FIELDS
    )
    before = layer_state(client)
    fields = {"name": "keep", "kind": "water_source_zone", **ZONE_FIELDS, **form}
    if "name_field" in form:
        fields["name_field"] = form["name_field"]
    r = upload_layer(client, fixture, **fields)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert problem in r.json()["detail"]
    assert layer_state(client) == before
    uploads = Path(client.app.state.settings.uploads_dir)  # type: ignore[attr-defined]
    assert not uploads.exists() or not any(uploads.iterdir())


def test_large_upload_runs_as_job(db: Backend, tmp_path: Path) -> None:
    settings = make_settings(db, tmp_path, sync_import_max_bytes=100)
    with TestClient(create_app(settings)) as client:
        client.headers.update(bearer(login_as(db, "admin")))
        r = upload_layer(
            client,
            "huailai_counties_gcj02.geojson",
            name="big",
            kind="admin_division",
            crs="gcj02",
            code_field="adcode",
        )
        assert r.status_code == 202, r.text
        assert r.headers["location"] == f"/api/v1/jobs/{r.json()['id']}"
        job = wait_for_job(client, r.json()["id"])
        assert job["status"] == "succeeded", job
        assert job["progress"] == 1.0 and job["result"]["feature_count"] == 3
        assert layer_state(client) == [("big", 1)]
        bad = upload_layer(client, "bad_geometry.geojson", name="broken", kind="wetland")
        failed = wait_for_job(client, bad.json()["id"])
        assert failed["status"] == "failed"
        assert "invalid JSON" in failed["error"]["detail"]
        assert layer_state(client) == [("big", 1)]
        assert not any(settings.uploads_dir.iterdir())


def test_unknown_layer_and_job_are_404(client: TestClient) -> None:
    assert client.get("/api/v1/layers/nope").status_code == 404
    r = client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000")
    assert r.status_code == 404 and r.json()["title"] == "Not found"
