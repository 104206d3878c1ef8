"""Hostile layer files and names are refused with a problem naming the cause; nothing is stored."""

import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from fastapi.testclient import TestClient

from tests.api.helpers import DATA, layer_state
from tests.api.test_cli import ecoleads
from tests.conftest import Backend

SQUARE = "[[[115.58,40.33],[115.59,40.33],[115.59,40.34],[115.58,40.34],[115.58,40.33]]]"


def nested_collection(path: Path, depth: int) -> Path:
    """Write a GeoJSON whose one geometry is a polygon inside `depth` GeometryCollections."""
    inner = f'{{"type":"Polygon","coordinates":{SQUARE}}}'
    nested = '{"type":"GeometryCollection","geometries":[' * depth + inner + "]}" * depth
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        f'"geometry":{nested}}}]}}',
        encoding="utf-8",
    )
    return path


def mixed_collection(path: Path) -> Path:
    """Write a GeoJSON whose one geometry is a collection of a polygon and a point."""
    point = '{"type":"Point","coordinates":[115.6,40.3]}'
    poly = f'{{"type":"Polygon","coordinates":{SQUARE}}}'
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        f'"geometry":{{"type":"GeometryCollection","geometries":[{poly},{point}]}}}}]}}',
        encoding="utf-8",
    )
    return path


def plain_sqlite(path: Path) -> Path:
    """Write an SQLite database with one ordinary table (not a GeoPackage)."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE zones (name TEXT, wkt TEXT)")
        conn.execute("INSERT INTO zones VALUES ('a', 'POINT (115.6 40.3)')")
    return path


def nan_geopackage(path: Path) -> Path:
    """Write a real GeoPackage whose one polygon has a NaN vertex."""
    poly = shapely.Polygon([(115.58, 40.33), (float("nan"), 40.33), (115.59, 40.34)])
    gpd.GeoDataFrame({"name": ["n"]}, geometry=[poly], crs=4326).to_file(path, driver="GPKG")
    return path


def post(client: TestClient, path: Path, name: str = "zones") -> object:
    with path.open("rb") as fh:
        return client.post(
            "/api/v1/layers",
            files={"file": (path.name, fh)},
            data={"name": name, "kind": "wetland"},
        )


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda tmp: DATA / "nan_coords.geojson", "feature 1: a coordinate is not a finite number"),
        (lambda tmp: DATA / "infinity_coords.geojson", "(NaN or Infinity)"),
        (lambda tmp: DATA / "unknown_crs.geojson", "unknown CRS: the GeoJSON declares 'urn:ogc"),
        (lambda tmp: DATA / "garbage_crs.geojson", "'not a coordinate system'"),
        (lambda tmp: nested_collection(tmp / "deep.geojson", 5000), "nested too deeply"),
        (lambda tmp: nested_collection(tmp / "deep10.geojson", 10), "nested more than 4"),
        (lambda tmp: mixed_collection(tmp / "mixed.geojson"), "mixing points, lines and areas"),
        (lambda tmp: plain_sqlite(tmp / "plain.gpkg"), "not a GeoPackage"),
        (lambda tmp: nan_geopackage(tmp / "nan.gpkg"), "not a finite number"),
    ],
)
def test_hostile_files_are_422_and_store_nothing(
    client: TestClient, tmp_path: Path, make: object, needle: str
) -> None:
    r = post(client, make(tmp_path))  # type: ignore[operator]
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert needle in r.json()["detail"]  # type: ignore[attr-defined]
    assert layer_state(client) == []


def test_shallow_collections_load_flattened(client: TestClient, tmp_path: Path) -> None:
    for depth in (1, 4):
        r = post(client, nested_collection(tmp_path / f"gc{depth}.geojson", depth))
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    assert layer_state(client) == [("zones", 2)]
    features = client.get("/api/v1/layers/zones/features").json()["features"]
    assert [f["geometry"]["type"] for f in features] == ["MultiPolygon"]


@pytest.mark.parametrize("name", ["../x", "a/b", "Zones", "x" * 64, "-a", "1a", "a b", "", "é"])
def test_layer_names_are_identifiers(client: TestClient, name: str) -> None:
    r = post(client, DATA / "zones_wgs84.geojson", name=name)
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert "name" in r.json()["detail"]  # type: ignore[attr-defined]
    assert layer_state(client) == []


@pytest.mark.parametrize(
    ("file", "name", "needle"),
    [
        ("zones_wgs84.geojson", "../x", "not an identifier"),
        ("unknown_crs.geojson", "x", "unknown CRS"),
        ("deep", "x", "nested too deeply"),
    ],
)
def test_cli_refusals_are_one_line_and_exit_2(
    db: Backend, tmp_path: Path, file: str, name: str, needle: str
) -> None:
    path = nested_collection(tmp_path / "deep.geojson", 5000) if file == "deep" else DATA / file
    r = ecoleads(db, tmp_path, "layers", "import", str(path), "--kind", "wetland", "--name", name)
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert ecoleads(db, tmp_path, "layers", "list").stdout == ""
