"""Tests for geo.layers.read_layer: formats, CRSs, repair, attributes and refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import box

from geo.crs import gcj02_to_wgs84
from geo.layers import LayerFileError, ReadOptions, detect_format, read_layer

DATA = Path(__file__).parents[1] / "data"
GEOD = Geod(ellps="WGS84")
ZONES = ReadOptions(
    kind="water_source_zone", name_field="zone_name", level_field="grade", code_field="zcode"
)
NAMES = ["测试水源地一级保护区", "测试水源地二级保护区", "测试水源地准保护区"]
# Hand-copied from zones_wgs84.geojson.
T1 = box(115.6, 40.3, 115.61, 40.308)
T2 = box(115.612, 40.3, 115.625, 40.312)
TQ = shapely.Polygon(
    [(115.627, 40.3), (115.645, 40.3), (115.648, 40.309), (115.64, 40.316), (115.627, 40.312)]
)
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[115.6, 40.3], [115.61, 40.3], [115.61, 40.31], [115.6, 40.31], [115.6, 40.3]]
    ],
}


def _geojson(tmp_path: Path, features: list[tuple[dict | None, dict | None]], **top: Any) -> Path:
    doc = {
        "type": "FeatureCollection",
        **top,
        "features": [
            {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features
        ],
    }
    path = tmp_path / "layer.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _geoms(name: str, options: ReadOptions = ZONES) -> list[shapely.Geometry]:
    return [f.geometry for f in read_layer(DATA / name, options).features]


def test_wgs84_geojson_with_named_fields() -> None:
    result = read_layer(DATA / "zones_wgs84.geojson", ZONES)
    assert (result.source_format, result.source_crs) == ("geojson", "EPSG:4326")
    assert (result.repaired_count, result.skipped_count) == (0, 0)
    assert [f.name for f in result.features] == NAMES
    assert [f.code for f in result.features] == ["T-1", "T-2", "T-Q"]
    assert [f.level for f in result.features] == ["I", "II", "quasi"]
    assert {f.level for f in result.features} == {"I", "II", "quasi"}
    assert result.features[0].properties == {"zone_name": NAMES[0], "grade": "一级", "zcode": "T-1"}
    assert result.bbox == [115.6, 40.3, 115.648, 40.316]
    for got, want in zip(_geoms("zones_wgs84.geojson"), (T1, T2, TQ), strict=True):
        assert got.equals(want)
    assert result.features[0].geometry.area == pytest.approx(0.01 * 0.008, rel=1e-9)


def test_without_field_options_nothing_is_guessed_except_grade() -> None:
    result = read_layer(DATA / "zones_wgs84.geojson", ReadOptions(kind="water_source_zone"))
    # "grade" is among the level guesses; zone_name / zcode are not name/code guesses.
    assert [f.level for f in result.features] == ["I", "II", "quasi"]
    assert all(f.name is None and f.code is None for f in result.features)


def test_cgcs2000_geojson_keeps_coordinates() -> None:
    result = read_layer(DATA / "zones_cgcs2000.geojson", ZONES)
    assert (result.source_format, result.source_crs) == ("geojson", "EPSG:4490")
    assert [f.code for f in result.features] == ["T-1", "T-2", "T-Q"]
    for got, want in zip(result.features, _geoms("zones_wgs84.geojson"), strict=True):
        np.testing.assert_array_equal(
            shapely.get_coordinates(got.geometry), shapely.get_coordinates(want)
        )


def test_utm50_geopackage_is_reprojected() -> None:
    result = read_layer(DATA / "zones_utm50.gpkg", ZONES)
    assert (result.source_format, result.source_crs) == ("gpkg", "EPSG:32650")
    assert [f.level for f in result.features] == ["I", "II", "quasi"]
    assert [f.name for f in result.features] == NAMES
    for got, want in zip(result.features, _geoms("zones_wgs84.geojson"), strict=True):
        assert got.geometry.geom_type == "Polygon"
        assert shapely.hausdorff_distance(got.geometry, want) < 1e-6
        assert got.geometry.equals_exact(want, 1e-6)


def test_zipped_shapefile() -> None:
    result = read_layer(DATA / "zones_shp.zip", ZONES)
    assert (result.source_format, result.source_crs) == ("shapefile-zip", "EPSG:4326")
    assert [f.code for f in result.features] == ["T-1", "T-2", "T-Q"]
    assert [f.level for f in result.features] == ["I", "II", "quasi"]
    for got, want in zip(result.features, _geoms("zones_wgs84.geojson"), strict=True):
        assert got.geometry.equals(want)  # rings are clockwise: same shape, other vertex order
        assert shapely.hausdorff_distance(got.geometry, want) < 1e-12


def test_zipped_shapefile_with_upper_case_name(tmp_path: Path) -> None:
    path = tmp_path / "ZONES.ZIP"
    shutil.copy(DATA / "zones_shp.zip", path)
    assert read_layer(path, ZONES).source_crs == "EPSG:4326"


def test_zipped_shapefile_without_zip_suffix(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    shutil.copy(DATA / "zones_shp.zip", path)
    result = read_layer(path, ZONES)
    assert result.source_format == "shapefile-zip" and len(result.features) == 3


@pytest.mark.filterwarnings("ignore:.*non conformant file extension:RuntimeWarning")
def test_format_is_detected_from_content(tmp_path: Path) -> None:
    for src, name, fmt in [
        ("zones_wgs84.geojson", "zones.txt", "geojson"),
        ("zones_utm50.gpkg", "zones.dat", "gpkg"),
    ]:
        shutil.copy(DATA / src, tmp_path / name)
        assert detect_format(tmp_path / name).format == fmt
        assert len(read_layer(tmp_path / name, ZONES).features) == 3


def test_gcj02_counties_are_shifted_to_wgs84() -> None:
    raw = json.loads((DATA / "huailai_counties_gcj02.geojson").read_text(encoding="utf-8"))
    result = read_layer(
        DATA / "huailai_counties_gcj02.geojson", ReadOptions(kind="admin_division", crs="gcj02")
    )
    assert result.source_crs == "gcj02"
    assert [f.name for f in result.features] == ["怀来县", "延庆区", "涿鹿县"]
    assert [f.code for f in result.features] == ["130730", "110119", "130731"]
    assert {f.level for f in result.features} == {"county"}
    for feat, src in zip(result.features, raw["features"], strict=True):
        assert feat.geometry.geom_type == "MultiPolygon" and feat.geometry.is_valid
        gcj = np.array(
            [pt for poly in src["geometry"]["coordinates"] for ring in poly for pt in ring]
        )
        out = shapely.get_coordinates(feat.geometry)
        assert out.shape == gcj.shape
        want = np.column_stack(gcj02_to_wgs84(gcj[:, 0], gcj[:, 1]))
        np.testing.assert_allclose(out, want, rtol=0, atol=1e-9)
        shift = GEOD.inv(gcj[:, 0], gcj[:, 1], out[:, 0], out[:, 1])[2]
        assert shift.min() > 100 and shift.max() < 1000


def test_invalid_bow_tie_is_repaired_keeping_both_triangles() -> None:
    result = read_layer(DATA / "zones_invalid_geom.geojson", ReadOptions(kind="water_source_zone"))
    assert (result.repaired_count, result.skipped_count) == (1, 0)
    bow, square = (f.geometry for f in result.features)
    assert [f.code for f in result.features] == ["BAD-1", "OK-2"]
    assert bow.is_valid and bow.geom_type in ("Polygon", "MultiPolygon")
    # Ring (115.56 40.33)-(115.57 40.34)-(115.57 40.33)-(115.56 40.34) crosses itself at
    # (115.565 40.335): two triangles, each base 0.01 x height 0.005 / 2 = 2.5e-5 deg².
    assert bow.area == pytest.approx(2 * 0.01 * 0.005 / 2, rel=1e-9)
    assert bow.contains(shapely.Point(115.561, 40.335))
    assert bow.contains(shapely.Point(115.569, 40.335))
    assert square.equals(box(115.58, 40.33, 115.59, 40.34))


@pytest.mark.parametrize(
    ("name", "needles"),
    [
        ("bad_geometry.geojson", ["invalid JSON", "line 56"]),
        ("empty.geojson", ["0 features"]),
        ("no_geometry.geojson", ["all 2 features lack a geometry"]),
        ("zones_shp_noprj.zip", ["no .prj"]),
        ("not_a_layer.txt", ["unreadable content"]),
    ],
)
def test_fixture_refusals(name: str, needles: list[str]) -> None:
    if name == "bad_geometry.geojson":
        # The truncation (…115.6) is on the last line: 55 newlines before it.
        assert (DATA / name).read_bytes().count(b"\n") + 1 == 56
    with pytest.raises(LayerFileError) as info:
        read_layer(DATA / name, ReadOptions(kind="water_source_zone"))
    for needle in needles:
        assert needle in str(info.value)


def test_noprj_shapefile_reads_with_crs_override() -> None:
    result = read_layer(
        DATA / "zones_shp_noprj.zip", ReadOptions(kind="water_source_zone", crs="EPSG:4490")
    )
    assert result.source_crs == "EPSG:4490"
    assert [f.level for f in result.features] == ["I", "II", "quasi"]


def test_unknown_crs_override() -> None:
    with pytest.raises(LayerFileError, match="EPSG:99999"):
        read_layer(DATA / "zones_wgs84.geojson", ReadOptions(kind="wetland", crs="EPSG:99999"))


def test_level_outside_vocabulary(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [({"level": "一级"}, SQUARE), ({"level": "五级"}, SQUARE)])
    with pytest.raises(LayerFileError, match="'五级'"):
        read_layer(path, ReadOptions(kind="water_source_zone"))
    # Free kinds keep it.
    assert read_layer(path, ReadOptions(kind="wetland")).features[1].level == "五级"


def test_missing_name_field_lists_fields() -> None:
    with pytest.raises(LayerFileError, match=r"'nom'.*fields are: zone_name, grade, zcode$"):
        read_layer(DATA / "zones_wgs84.geojson", ReadOptions(kind="wetland", name_field="nom"))


def test_projected_coordinates_declared_as_lonlat(tmp_path: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}}
    geom = {
        "type": "Polygon",
        "coordinates": [
            [[500000, 4400000], [501000, 4400000], [501000, 4401000], [500000, 4400000]]
        ],
    }
    path = _geojson(tmp_path, [({"name": "utm"}, geom)], crs=crs)
    with pytest.raises(LayerFileError, match="not longitude/latitude"):
        read_layer(path, ReadOptions(kind="wetland"))


def test_constant_level_applies_to_every_feature(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [({"level": "二级"}, SQUARE), ({}, SQUARE), (None, SQUARE)])
    result = read_layer(path, ReadOptions(kind="water_source_zone", level="准保护区"))
    assert [f.level for f in result.features] == ["quasi"] * 3
    assert result.features[0].properties["level"] == "二级"  # raw value survives


def test_null_geometries_are_skipped(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [({"name": "a"}, SQUARE), ({"name": "b"}, None)])
    result = read_layer(path, ReadOptions(kind="wetland"))
    assert [f.name for f in result.features] == ["a"]
    assert result.skipped_count == 1


def test_properties_are_json_safe(tmp_path: Path) -> None:
    path = tmp_path / "nan.geojson"
    # NaN is not JSON, but GDAL and Python's json module both accept it.
    feats = [
        '{"type":"Feature","properties":{"v":NaN,"w":1.5,"n":3,"s":"甲","code":130730.0},'
        f'"geometry":{json.dumps(SQUARE)}}}',
        '{"type":"Feature","properties":{"v":2.5,"w":null,"n":null,"s":null,"code":null},'
        f'"geometry":{json.dumps(SQUARE)}}}',
    ]
    path.write_text(
        f'{{"type":"FeatureCollection","features":[{",".join(feats)}]}}', encoding="utf-8"
    )
    first, second = (f for f in read_layer(path, ReadOptions(kind="wetland")).features)
    assert first.properties["v"] is None and second.properties["w"] is None
    assert first.properties["w"] == 1.5 and second.properties["v"] == 2.5
    assert first.properties["n"] == 3 and second.properties["n"] is None
    assert first.properties["s"] == "甲" and second.properties["s"] is None
    assert first.code == "130730" and second.code is None  # integral float -> "130730"
    for feat in (first, second):
        json.dumps(feat.properties, allow_nan=False)
        assert all(type(v) in (str, int, float, bool, type(None)) for v in feat.properties.values())


def test_missing_date_property_is_none(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [({"surveyed": "2024-01-02"}, SQUARE), ({"surveyed": None}, SQUARE)])
    first, second = read_layer(path, ReadOptions(kind="wetland")).features
    assert str(first.properties["surveyed"]).startswith("2024-01-02")
    assert second.properties["surveyed"] is None


def test_invalid_multilinestring_keeps_its_line(tmp_path: Path) -> None:
    geom = {
        "type": "MultiLineString",
        "coordinates": [[[115.6, 40.3], [115.61, 40.31]], [[115.62, 40.32], [115.62, 40.32]]],
    }
    result = read_layer(
        _geojson(tmp_path, [({"name": "river"}, geom)]), ReadOptions(kind="water_body")
    )
    assert result.repaired_count == 1 and result.skipped_count == 0
    assert result.features[0].geometry.length == pytest.approx(np.hypot(0.01, 0.01))


def test_progress_is_reported() -> None:
    calls: list[tuple[float, str]] = []
    read_layer(DATA / "zones_utm50.gpkg", ZONES, lambda f, m: calls.append((f, m)))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] <= 1
    assert any("EPSG:32650" in m for _, m in calls)
