"""Tests for geo.distance: metric distances, degree margins and metric buffers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from geo.distance import (
    buffer_m,
    degree_margin,
    geodesic_distance_m,
    metre_factors,
    pair_distances_m,
)
from geo.index import BOUND_MARGIN

GEOD = Geod(ellps="WGS84")

# A ~850 m x ~1110 m square in Beijing, well inside UTM zone 50N.
SQUARE = box(116.39, 39.90, 116.40, 39.91)


def test_one_degree_of_latitude_along_meridian() -> None:
    expected = GEOD.inv(116.0, 40.0, 116.0, 41.0)[2]
    got = geodesic_distance_m(Point(116.0, 40.0), Point(116.0, 41.0))
    assert 111_000 < got < 111_100
    assert got == pytest.approx(expected, abs=0.5)


def test_point_1000_m_east_of_square() -> None:
    lon, lat, _ = GEOD.fwd(116.40, 39.905, 90.0, 1000.0)
    assert geodesic_distance_m(Point(lon, lat), SQUARE) == pytest.approx(1000.0, abs=1.0)
    assert geodesic_distance_m(SQUARE, Point(lon, lat)) == pytest.approx(1000.0, abs=1.0)


def test_inside_and_touching_are_zero() -> None:
    assert geodesic_distance_m(Point(116.395, 39.905), SQUARE) == 0.0
    assert geodesic_distance_m(Point(116.40, 39.905), SQUARE) == 0.0
    assert geodesic_distance_m(LineString([(116.0, 39.905), (117.0, 39.905)]), SQUARE) == 0.0


def test_empty_geometry_is_refused() -> None:
    with pytest.raises(ValueError):
        geodesic_distance_m(Point(), SQUARE)


def test_pairs_match_scalar() -> None:
    """Pairwise distances are geodesic_distance_m's, to the bit, in both UTM zones met."""
    rng = np.random.default_rng(42)
    lons = rng.uniform(116.30, 116.50, 200)
    lats = rng.uniform(39.85, 39.95, 200)
    items = np.array([Point(x, y) for x, y in zip(lons, lats, strict=True)] + [Point(113.9, 39.9)])
    targets = np.array([SQUARE] * len(items))
    outside = ~shapely.intersects(items, targets)
    got = pair_distances_m(items[outside], targets[outside])
    expected = [
        geodesic_distance_m(a, b) for a, b in zip(items[outside], targets[outside], strict=True)
    ]
    assert len(got) > 100 and got.tolist() == expected
    assert pair_distances_m(np.array([]), np.array([])).shape == (0,)


@pytest.mark.parametrize("lat", [0.0, 23.5, 40.0, -45.0, 60.0, 85.0])
@pytest.mark.parametrize("metres", [10.0, 1_000.0, 50_000.0])
def test_degree_margin_covers_metres(lat: float, metres: float) -> None:
    lon = 116.0
    dlon, dlat = degree_margin(lat, metres)
    assert GEOD.inv(lon, lat, lon + dlon, lat)[2] >= metres
    assert GEOD.inv(lon, lat, lon, lat + dlat)[2] >= metres
    assert GEOD.inv(lon, lat, lon, lat - dlat)[2] >= metres
    # Every point on the geodesic circle of radius `metres` lies inside the box.
    az = np.linspace(0.0, 360.0, 72, endpoint=False)
    clon, clat, _ = GEOD.fwd(
        np.full(az.shape, lon), np.full(az.shape, lat), az, np.full(az.shape, metres)
    )
    assert np.all(np.abs(clon - lon) <= dlon)
    assert np.all(np.abs(clat - lat) <= dlat)


def test_degree_margin_refuses_negative() -> None:
    with pytest.raises(ValueError):
        degree_margin(40.0, -1.0)


def test_buffer_point_by_10_km() -> None:
    centre = Point(116.4, 39.9)
    ring = buffer_m(centre, 10_000.0)
    assert ring.geom_type == "Polygon" and ring.is_valid
    xs, ys = shapely.get_coordinates(ring.exterior).T
    dist = GEOD.inv(np.full(xs.shape, centre.x), np.full(ys.shape, centre.y), xs, ys)[2]
    np.testing.assert_allclose(dist, 10_000.0, atol=5.0)
    # Lon/lat output: roughly 0.09 degrees of latitude, more of longitude at 40N.
    minx, miny, maxx, maxy = ring.bounds
    assert 0.08 < (maxy - miny) / 2 < 0.1
    assert (maxx - minx) > (maxy - miny)


def test_buffer_polygon_reaches_metres() -> None:
    grown = buffer_m(SQUARE, 500.0)
    assert grown.contains(SQUARE)
    lon, lat, _ = GEOD.fwd(116.40, 39.905, 90.0, 499.0)
    assert grown.contains(Point(lon, lat))
    lon, lat, _ = GEOD.fwd(116.40, 39.905, 90.0, 501.0)
    assert not grown.contains(Point(lon, lat))


@pytest.mark.parametrize("lat", [-60.0, -0.02, 0.0, 40.0, 41.5, 75.0])
@pytest.mark.parametrize("scale", [0.3, 0.74, 1.0])
def test_metre_factors_bound_geodesics(lat: float, scale: float) -> None:
    """Geodesics between points within a window lie within the factors' bounds (with the
    margin the index adds) times the scaled planar distance."""
    rng = np.random.default_rng(abs(int(lat * 100)) + int(scale * 10))
    metres = 10_000.0
    dlon, dlat = degree_margin(lat, metres)
    lon1, lon2 = 116.0 + rng.uniform(-dlon, dlon, (2, 500))
    lat1, lat2 = lat + rng.uniform(-dlat, dlat, (2, 500))
    lo, hi = metre_factors(np.array([lat]), np.array([lat]), metres, scale)
    planar = np.hypot((lon1 - lon2) * scale, lat1 - lat2)
    true = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    assert np.all(true >= planar * lo[0] * (1 - BOUND_MARGIN))
    assert np.all(true <= planar * hi[0] * (1 + BOUND_MARGIN))
