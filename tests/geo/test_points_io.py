"""Tests for geo.points_io: point lists from CSV and GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from geo.points_io import PointsFileError, read_points

DATA = Path(__file__).parents[1] / "data"
IDS = [f"P{i:02d}" for i in range(1, 21)]


def _write(tmp_path: Path, text: str, name: str = "pts.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _fc(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features})


def test_fixture_csv() -> None:
    pts = read_points(DATA / "points.csv", max_points=100)
    assert pts.ids == IDS
    assert (pts.xs[0], pts.ys[0]) == (115.52, 40.41)  # P01 沙城
    assert (pts.xs[15], pts.ys[15]) == (116.3975, 39.9087)  # P16 Tian'anmen
    assert (pts.xs[-1], pts.ys[-1]) == (121.0, 38.5)  # P20 Bohai Strait
    assert pts.xs.dtype == np.float64 and pts.xs.shape == pts.ys.shape == (20,)


def test_fixture_geojson_matches_csv() -> None:
    csv_pts = read_points(DATA / "points.csv", max_points=20)
    pts = read_points(DATA / "points.geojson", max_points=20)
    assert pts.ids == IDS
    np.testing.assert_array_equal(pts.xs, csv_pts.xs)
    np.testing.assert_array_equal(pts.ys, csv_pts.ys)


@pytest.mark.parametrize(
    "header", ["id,lng,latitude", "ID,Longitude,LAT", "编号,经度,纬度", " id , x , y "]
)
def test_alternative_headers(tmp_path: Path, header: str) -> None:
    pts = read_points(_write(tmp_path, f"{header}\nA,115.5,40.4\nB,116,39.9\n"), 10)
    assert pts.ids == ["A", "B"]
    assert pts.xs.tolist() == [115.5, 116.0] and pts.ys.tolist() == [40.4, 39.9]


def test_column_order_bom_and_blank_lines(tmp_path: Path) -> None:
    text = "\ufefflat,name,lon\n\n40.4,甲,115.5\n  ,  ,  \n39.9,乙,116.0\n\n"
    pts = read_points(_write(tmp_path, text), 10)
    assert pts.xs.tolist() == [115.5, 116.0] and pts.ys.tolist() == [40.4, 39.9]
    assert pts.ids == ["1", "2"]  # no id column: numbered from 1


def test_geojson_ids_from_feature_or_property(tmp_path: Path) -> None:
    feats = [
        {
            "type": "Feature",
            "id": 7,
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [115.5, 40.4]},
        },
        {
            "type": "Feature",
            "properties": {"id": "B"},
            "geometry": {"type": "Point", "coordinates": [116.0, 39.9, 50.0]},
        },
        {
            "type": "Feature",
            "properties": None,
            "geometry": {"type": "Point", "coordinates": [117.0, 39.0]},
        },
    ]
    pts = read_points(_write(tmp_path, _fc(feats), "p.json"), 10)
    assert pts.ids == ["7", "B", "3"]
    assert pts.xs.tolist() == [115.5, 116.0, 117.0] and pts.ys.tolist() == [40.4, 39.9, 39.0]


def test_missing_latitude_column(tmp_path: Path) -> None:
    with pytest.raises(PointsFileError, match="no latitude column"):
        read_points(_write(tmp_path, "id,lon,height\nA,115.5,40\n"), 10)


def test_missing_longitude_column(tmp_path: Path) -> None:
    with pytest.raises(PointsFileError, match="no longitude column"):
        read_points(_write(tmp_path, "id,east,lat\nA,115.5,40\n"), 10)


def test_non_numeric_coordinate_names_line(tmp_path: Path) -> None:
    # header = line 1, blank line 3 is skipped but still counted; the bad row is line 4.
    text = "id,lon,lat\nA,115.5,40.4\n\nB,115.6,北纬40度\n"
    with pytest.raises(PointsFileError, match="CSV line 4"):
        read_points(_write(tmp_path, text), 10)


def test_short_row_names_line(tmp_path: Path) -> None:
    with pytest.raises(PointsFileError, match="CSV line 3"):
        read_points(_write(tmp_path, "id,lon,lat\nA,115.5,40.4\nB,115.6\n"), 10)


def test_non_point_feature_names_index(tmp_path: Path) -> None:
    feats = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [115.5, 40.4]},
        },
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[115.5, 40.4], [115.6, 40.5]]},
        },
    ]
    with pytest.raises(PointsFileError, match="feature 1: not a Point"):
        read_points(_write(tmp_path, _fc(feats), "p.geojson"), 10)


def test_null_geometry_feature_names_index(tmp_path: Path) -> None:
    feats = [{"type": "Feature", "properties": {}, "geometry": None}]
    with pytest.raises(PointsFileError, match="feature 0: not a Point"):
        read_points(_write(tmp_path, _fc(feats), "p.geojson"), 10)


def test_point_with_null_coordinates_names_index(tmp_path: Path) -> None:
    feats = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [None, None]},
        }
    ]
    with pytest.raises(PointsFileError, match="feature 0"):
        read_points(_write(tmp_path, _fc(feats), "p.geojson"), 10)


def test_max_points(tmp_path: Path) -> None:
    rows = "".join(f"P{i},115.{i},40.{i}\n" for i in range(1, 6))
    path = _write(tmp_path, "id,lon,lat\n" + rows)
    assert len(read_points(path, max_points=5).ids) == 5
    with pytest.raises(PointsFileError, match="more than 4 points"):
        read_points(path, max_points=4)
    with pytest.raises(PointsFileError, match="more than 19 points"):
        read_points(DATA / "points.geojson", max_points=19)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "CSV is empty"),
        ("\n\n", "CSV is empty"),
        ("id,lon,lat\n\n", "holds no points"),
        ('{"type": "FeatureCollection", "features": []}', "holds no points"),
        ('{"type": "Point", "coordinates": [1, 2]}', "FeatureCollection"),
        ('{"type": "FeatureCollection", "features": [', "bad GeoJSON at line 1"),
    ],
)
def test_empty_or_unusable(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PointsFileError, match=message):
        read_points(_write(tmp_path, text), 10)


def test_not_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, "编号,经度,纬度\nA,115.5,40.4\n", encoding="gbk")
    with pytest.raises(PointsFileError, match="not UTF-8"):
        read_points(path, 10)
