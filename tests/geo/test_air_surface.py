"""Tests for geo.air.surface: grids, IDW, kriging, leave-one-out CV, GeoTIFF and GeoJSON."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
import shapely
from pykrige import core as pykrige_core
from pyproj import Geod

from geo.air import surface_io
from geo.air.surface import (
    cells_geojson,
    estimate_surface,
    idw,
    loo_cv,
    make_grid,
    ordinary_kriging,
    project_metric,
    write_geotiff,
)

GEOD = Geod(ellps="WGS84")
# A ~17 km x ~11 km box in Beijing, well inside UTM zone 50N; 2 km cells keep grids tiny.
BBOX = (116.30, 39.85, 116.50, 39.95)
CELL_M = 2000.0
# Six stations spread over the box, with PM10 in µg/m³.
CODES = ["A", "B", "C", "D", "E", "F"]
LONS = [116.32, 116.47, 116.35, 116.44, 116.40, 116.31]
LATS = [39.87, 39.86, 39.93, 39.94, 39.897, 39.91]
PM10 = [80.0, 95.0, 60.0, 70.0, 85.0, 65.0]


def test_idw_reproduces_stations_exactly() -> None:
    sx, sy = np.array([0.0, 1000.0, 250.0]), np.array([0.0, 0.0, 900.0])
    sv = np.array([12.3, 45.6, 78.9])
    assert idw(sx, sy, sv, sx, sy).tolist() == sv.tolist()


def test_idw_of_constant_field_is_constant() -> None:
    sx, sy = np.array([0.0, 1000.0, 250.0, 3000.0]), np.array([0.0, 0.0, 900.0, -400.0])
    qx, qy = np.meshgrid(np.linspace(-500, 3500, 7), np.linspace(-800, 1200, 5))
    got = idw(sx, sy, np.full(4, 42.0), qx, qy)
    assert got.shape == qx.shape
    np.testing.assert_allclose(got, 42.0, rtol=1e-12)


def test_idw_at_midpoint_is_mean() -> None:
    got = idw([0.0, 2000.0], [0.0, 0.0], [30.0, 90.0], [1000.0], [0.0])
    assert got[0] == pytest.approx(60.0)


def test_idw_refuses_bad_power() -> None:
    with pytest.raises(ValueError, match="power"):
        idw([0.0], [0.0], [1.0], [1.0], [1.0], power=0.0)


def test_kriging_of_linear_trend_at_held_out_point() -> None:
    # 20 scattered stations over 20 km x 20 km; the held-out point (9 km, 11 km) is interior.
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0.0, 20_000.0, 20), rng.uniform(0.0, 20_000.0, 20)
    trend = 40.0 + 0.002 * x + 0.001 * y  # 40 .. 100 µg/m³ across the square
    notes: list[str] = []
    values, variances = ordinary_kriging(x, y, trend, [9000.0], [11_000.0], notes=notes)
    # Truth is 40 + 18 + 11 = 69; within 1 µg/m³ (over five seeds the error stays below 0.8).
    assert values[0] == pytest.approx(69.0, abs=1.0)
    assert variances[0] >= 0.0
    assert notes == []


def test_kriging_of_constant_field_is_constant_with_note() -> None:
    notes: list[str] = []
    x, y = np.array([0.0, 1000.0, 0.0, 1000.0]), np.array([0.0, 0.0, 1000.0, 1000.0])
    qx, qy = [500.0, 100.0], [500.0, 900.0]
    values, _ = ordinary_kriging(x, y, np.full(4, 55.0), qx, qy, notes=notes)
    np.testing.assert_allclose(values, 55.0)
    assert len(notes) == 1 and "equal" in notes[0] and "linear" in notes[0]


def test_kriging_falls_back_to_linear_when_fit_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    real_fit = pykrige_core._calculate_variogram_model

    def spherical_fails(lags: Any, semivariance: Any, model: str, *args: Any) -> Any:
        if model != "linear":
            raise ValueError("simulated fit failure")
        return real_fit(lags, semivariance, model, *args)

    monkeypatch.setattr(pykrige_core, "_calculate_variogram_model", spherical_fails)
    x, y = np.array([0.0, 1000.0, 0.0, 1000.0, 400.0]), np.array([0.0, 0.0, 1000.0, 1000.0, 600.0])
    v = np.array([40.0, 60.0, 50.0, 70.0, 58.0])
    notes: list[str] = []
    values, _ = ordinary_kriging(x, y, v, x, y, notes=notes)
    np.testing.assert_allclose(values, v)  # still exact at the stations
    assert notes == [
        "kriging: spherical variogram fit failed (simulated fit failure);"
        " fell back to a linear variogram"
    ]


def test_loo_baseline_by_hand() -> None:
    # Stations at 0, 1 and 2 km with 10, 20, 60: each predicted by the mean of the others.
    cv = loo_cv([0.0, 1000.0, 2000.0], [0.0, 0.0, 0.0], [10.0, 20.0, 60.0], "baseline")
    assert cv.predicted == pytest.approx((40.0, 35.0, 15.0))
    assert cv.observed == (10.0, 20.0, 60.0)
    # Errors 30, 15, -45.
    assert cv.rmse == pytest.approx(math.sqrt((900 + 225 + 2025) / 3))
    assert cv.mae == pytest.approx(30.0)
    assert cv.bias == pytest.approx(0.0)
    assert cv.n == 3


def test_loo_idw_by_hand() -> None:
    cv = loo_cv([0.0, 1000.0, 2000.0], [0.0, 0.0, 0.0], [10.0, 20.0, 60.0], "idw")
    # Weights 1/d²: station 0 from (20 at 1 km, 60 at 2 km) = (20 + 60/4) / 1.25 = 28;
    # station 1 from two stations 1 km away = 35; station 2 = (10/4 + 20) / 1.25 = 18.
    assert cv.predicted == pytest.approx((28.0, 35.0, 18.0))
    assert cv.rmse == pytest.approx(math.sqrt((18**2 + 15**2 + 42**2) / 3))
    assert cv.mae == pytest.approx(25.0)
    assert cv.bias == pytest.approx(-3.0)


def test_loo_refusals() -> None:
    with pytest.raises(ValueError, match="method"):
        loo_cv([0.0, 1.0], [0.0, 0.0], [1.0, 2.0], "nearest")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 3"):
        loo_cv([0.0, 1.0], [0.0, 0.0], [1.0, 2.0], "kriging")


def test_make_grid_sizes() -> None:
    grid = make_grid(BBOX, CELL_M)
    # 0.1° of latitude ≈ 11.1 km and 0.2° of longitude ≈ 17.1 km at 39.9°N.
    assert (grid.width, grid.height) == (9, 6)
    assert grid.min_lon + grid.width * grid.dlon == pytest.approx(BBOX[2])
    assert grid.max_lat - grid.height * grid.dlat == pytest.approx(BBOX[1])
    lons, lats = grid.centres()
    assert lons.shape == lats.shape == (grid.height, grid.width)
    assert lats[0, 0] > lats[-1, 0]  # rows run north to south
    assert grid.transform @ (0, 0) == pytest.approx((BBOX[0], BBOX[3]))
    assert grid.utm_epsg == 32650


@pytest.mark.parametrize(
    ("bbox", "cell_m", "match"),
    [
        ((116.5, 39.85, 116.3, 39.95), CELL_M, "minLon < maxLon"),
        ((116.3, 39.95, 116.5, 39.95), CELL_M, "minLat < maxLat"),
        ((116.3, 39.85, 181.0, 39.95), CELL_M, "180"),
        ((116.3, 39.85, 116.5, 91.0), CELL_M, "90"),
        ((116.3, math.nan, 116.5, 39.95), CELL_M, "finite"),
        ((116.3, 39.85, 116.5), CELL_M, "bbox must be"),
        (BBOX, 0.0, "cell_m"),
        (BBOX, -100.0, "cell_m"),
        (BBOX, math.nan, "cell_m"),
        (BBOX, 10.0, "max_cells"),
    ],
)
def test_make_grid_refusals(bbox: tuple[float, ...], cell_m: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make_grid(bbox, cell_m)


def test_auto_picks_idw_with_five_and_kriging_with_six() -> None:
    grid = make_grid(BBOX, CELL_M)
    five = estimate_surface(CODES[:5], LONS[:5], LATS[:5], PM10[:5], grid)
    six = estimate_surface(CODES, LONS, LATS, PM10, grid)
    assert five.method == "idw" and five.cv.method == "idw" and five.variance is None
    assert six.method == "kriging" and six.cv.method == "kriging"
    assert six.variance is not None and six.variance.shape == six.values.shape
    assert six.baseline_cv.method == "baseline" and six.baseline_cv.n == 6
    assert six.values.shape == (grid.height, grid.width)
    assert np.isfinite(six.values).all()


def test_nan_stations_are_ignored() -> None:
    grid = make_grid(BBOX, CELL_M)
    values = [*PM10[:4], math.nan]
    with_nan = estimate_surface(CODES[:5], LONS[:5], LATS[:5], values, grid)
    without = estimate_surface(CODES[:4], LONS[:4], LATS[:4], PM10[:4], grid)
    assert with_nan.codes == ("A", "B", "C", "D")
    assert any("E" in note for note in with_nan.notes)
    np.testing.assert_array_equal(with_nan.values, without.values)
    assert with_nan.cv == without.cv


def test_fewer_than_three_stations_refused() -> None:
    grid = make_grid(BBOX, CELL_M)
    with pytest.raises(ValueError, match="at least 3 stations"):
        estimate_surface(CODES[:3], LONS[:3], LATS[:3], [50.0, math.nan, 60.0], grid)


def test_surface_distances_are_metric() -> None:
    # At 60°N a degree of longitude is half a degree of latitude: equal in degrees, not metres.
    grid = make_grid((10.0, 60.0, 10.2, 60.1), 1000.0)
    lons, lats = grid.centres()
    q_lon, q_lat = float(lons[3, 4]), float(lats[3, 4])
    st_lons = [q_lon + 0.02, q_lon, q_lon - 0.05]
    st_lats = [q_lat, q_lat + 0.02, q_lat - 0.03]
    vals = [10.0, 50.0, 90.0]
    surface = estimate_surface(["a", "b", "c"], st_lons, st_lats, vals, grid)
    _, _, dist = GEOD.inv([q_lon] * 3, [q_lat] * 3, st_lons, st_lats)
    w = 1.0 / np.asarray(dist) ** 2
    assert surface.values[3, 4] == pytest.approx(float(w @ vals / w.sum()), rel=1e-3)


def test_geotiff_round_trip(tmp_path: Path) -> None:
    grid = make_grid(BBOX, CELL_M)
    surface = estimate_surface(CODES[:5], LONS[:5], LATS[:5], PM10[:5], grid)
    path = tmp_path / "pm10.tif"
    write_geotiff(surface, path, {"time": "2024-01-15T00:00:00Z", "pollutant": "PM10"})
    assert [p.name for p in tmp_path.iterdir()] == ["pm10.tif"]  # no temp file left behind
    with rasterio.open(path) as src:
        data = src.read(1)
        assert src.dtypes == ("float32",)
        assert src.crs.to_epsg() == 4326
        assert src.nodata == -9999.0
        assert src.transform.almost_equals(grid.transform)
        tags = src.tags()
    np.testing.assert_allclose(data, surface.values, rtol=1e-6)
    assert tags["time"] == "2024-01-15T00:00:00Z" and tags["pollutant"] == "PM10"
    assert tags["method"] == "idw"
    for key in ("rmse", "mae", "bias"):
        assert float(tags[key]) == pytest.approx(getattr(surface.cv, key), rel=1e-5, abs=1e-9)


def test_geotiff_refuses_reserved_tag(tmp_path: Path) -> None:
    grid = make_grid(BBOX, CELL_M)
    surface = estimate_surface(CODES[:3], LONS[:3], LATS[:3], PM10[:3], grid)
    with pytest.raises(ValueError, match="method"):
        write_geotiff(surface, tmp_path / "x.tif", {"method": "mine"})
    assert list(tmp_path.iterdir()) == []


def test_geotiff_refuses_values_not_matching_grid(tmp_path: Path) -> None:
    grid = make_grid(BBOX, CELL_M)
    good = estimate_surface(CODES[:3], LONS[:3], LATS[:3], PM10[:3], grid)
    with pytest.raises(ValueError, match="do not match"):
        write_geotiff(dataclasses.replace(good, values=np.zeros((2, 2))), tmp_path / "x.tif", {})


def test_geotiff_failure_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid = make_grid(BBOX, CELL_M)
    surface = estimate_surface(CODES[:3], LONS[:3], LATS[:3], PM10[:3], grid)
    path = tmp_path / "pm10.tif"
    path.write_bytes(b"previous")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(surface_io.os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        write_geotiff(surface, path, {})
    assert [p.name for p in tmp_path.iterdir()] == ["pm10.tif"]
    assert path.read_bytes() == b"previous"


def test_cells_geojson() -> None:
    grid = make_grid(BBOX, CELL_M)
    surface = estimate_surface(CODES, LONS, LATS, PM10, grid, method="idw")
    fc = cells_geojson(surface)
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == grid.width * grid.height
    station = shapely.Point(LONS[4], LATS[4])  # E, 85 µg/m³, near the middle of the box
    (cell,) = [f for f in fc["features"] if shapely.geometry.shape(f["geometry"]).contains(station)]
    props = cell["properties"]
    assert props["value"] == round(float(surface.values[props["row"], props["col"]]), 1)
    # The cell centre is within ~1.4 km of E and its neighbours are >= 5 km away.
    assert props["value"] == pytest.approx(PM10[4], abs=5.0)


def test_project_metric_is_utm() -> None:
    grid = make_grid(BBOX, CELL_M)
    x, y = project_metric(grid, [116.40, 116.40], [39.90, 39.91])
    _, _, dist = GEOD.inv(116.40, 39.90, 116.40, 39.91)
    assert math.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(dist, rel=1e-3)
