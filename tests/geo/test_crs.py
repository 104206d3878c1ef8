"""Tests for geo.crs: GCJ-02 / BD-09 conversions, CRS parsing and geometry transforms."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, Polygon

from geo.crs import (
    BD09,
    GCJ02,
    WGS84,
    CoordSystem,
    CRSError,
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84_coords,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    geometry_from_wgs84,
    geometry_to_wgs84,
    parse_crs,
    to_wgs84_coords,
    transform_geometry,
    utm_epsg_for,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")
DEG_TOL = 1e-6

# (wgs_lon, wgs_lat, gcj_lon, gcj_lat)
GCJ_PAIRS = [
    # googollee/eviltransform test suite (go/transform_test.go, python/test.py): Shanghai,
    # Shenzhen, Beijing.
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    # wandergis/coordtransform README: wgs84togcj02(116.404, 39.915).
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
]

# (gcj_lon, gcj_lat, bd_lon, bd_lat)
BD_FORWARD_PAIRS = [
    # wandergis/coordtransform README: gcj02tobd09(116.404, 39.915).
    (116.404, 39.915, 116.41036949371029, 39.92133699351021),
    # Alibaba Cloud address-purification TransferCoord API docs sample (6 decimals):
    # GCJ02 "120.026268,30.279164" -> BD09 "120.032768,30.285238".
    (120.026268, 30.279164, 120.032768, 30.285238),
]

# wandergis/coordtransform README: bd09togcj02(116.404, 39.915). That library uses the one-step
# closed form; ours refines it, which moves the result by < 5e-7 degrees (~5 cm).
BD_INVERSE_PAIR = (116.404, 39.915, 116.39762729119315, 39.90865673957631)

# Grid over (and slightly beyond the populated part of) China's bounding box.
GRID_LON, GRID_LAT = np.meshgrid(np.linspace(73.0, 135.0, 63), np.linspace(18.0, 53.5, 36))


def _metres(lon1: object, lat1: object, lon2: object, lat2: object) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), GCJ_PAIRS)
def test_wgs84_to_gcj02_matches_published_pairs(
    wlon: float, wlat: float, glon: float, glat: float
) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=DEG_TOL)
    assert lat == pytest.approx(glat, abs=DEG_TOL)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), GCJ_PAIRS)
def test_gcj02_to_wgs84_inverts_published_pairs(
    wlon: float, wlat: float, glon: float, glat: float
) -> None:
    lon, lat = gcj02_to_wgs84(glon, glat)
    # eviltransform's own threshold for its "exact" inverse is 0.5 m; we aim far tighter.
    assert _metres(lon, lat, wlon, wlat) < 0.01


def test_gcj02_to_wgs84_is_iterative_not_one_step() -> None:
    # Alibaba Cloud TransferCoord docs sample: GCJ02 "120.026268,30.279164" -> WGS84
    # "120.021519,30.281543", which is the one-step approximation (wgs = gcj - offset(gcj)).
    gcj = (120.026268, 30.279164)
    one_step = (120.021519, 30.281543)
    exact = gcj02_to_wgs84(*gcj)
    assert _metres(*wgs84_to_gcj02(*one_step), *gcj) > 1.0  # one step misses by ~1.7 m here
    assert _metres(*wgs84_to_gcj02(*exact), *gcj) < 1e-6
    assert _metres(*exact, *one_step) < 5.0  # same neighbourhood, just more accurate


@pytest.mark.parametrize(("glon", "glat", "blon", "blat"), BD_FORWARD_PAIRS)
def test_gcj02_to_bd09_matches_published_pairs(
    glon: float, glat: float, blon: float, blat: float
) -> None:
    lon, lat = gcj02_to_bd09(glon, glat)
    assert lon == pytest.approx(blon, abs=DEG_TOL)
    assert lat == pytest.approx(blat, abs=DEG_TOL)


def test_bd09_to_gcj02_matches_published_pair() -> None:
    blon, blat, glon, glat = BD_INVERSE_PAIR
    lon, lat = bd09_to_gcj02(blon, blat)
    assert lon == pytest.approx(glon, abs=DEG_TOL)
    assert lat == pytest.approx(glat, abs=DEG_TOL)


def test_bd09_gcj02_round_trip_is_exact() -> None:
    blon, blat = gcj02_to_bd09(GRID_LON, GRID_LAT)
    glon, glat = bd09_to_gcj02(blon, blat)
    assert np.abs(glon - GRID_LON).max() < 1e-10
    assert np.abs(glat - GRID_LAT).max() < 1e-10


def test_wgs_gcj_wgs_round_trip_over_china_grid() -> None:
    glon, glat = wgs84_to_gcj02(GRID_LON, GRID_LAT)
    assert glon.shape == GRID_LON.shape
    assert _metres(GRID_LON, GRID_LAT, glon, glat).max() > 100.0  # the offset really applies
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert _metres(GRID_LON, GRID_LAT, lon, lat).max() < 0.01


def test_wgs_bd_wgs_round_trip_over_china_grid() -> None:
    blon, blat = wgs84_to_bd09(GRID_LON, GRID_LAT)
    lon, lat = bd09_to_wgs84(blon, blat)
    assert lon.shape == GRID_LON.shape
    assert _metres(GRID_LON, GRID_LAT, lon, lat).max() < 0.01


def test_floats_in_floats_out_and_shapes_kept() -> None:
    for fn in (
        wgs84_to_gcj02,
        gcj02_to_wgs84,
        gcj02_to_bd09,
        bd09_to_gcj02,
        wgs84_to_bd09,
        bd09_to_wgs84,
    ):
        lon, lat = fn(116.4, 39.9)
        assert type(lon) is float and type(lat) is float
        alon, alat = fn(np.full((2, 3), 116.4), np.full((2, 3), 39.9))
        assert alon.shape == alat.shape == (2, 3)
        assert alon[1, 2] == pytest.approx(lon, abs=1e-12)
        # A scalar broadcasts against an array.
        mlon, _ = fn(np.asarray(116.4), np.array([39.9, 40.0]))
        assert mlon.shape == (2,)


def test_outside_china_is_unchanged() -> None:
    # Paris, New York, Tokyo (east of the box), Sydney, null island, Ulaanbaatar (north).
    lons = np.array([2.3522, -74.006, 139.6917, 151.2093, 0.0, 106.9, 116.4])
    lats = np.array([48.8566, 40.7128, 35.6895, -33.8688, 0.0, 56.5, 39.9])
    glon, glat = wgs84_to_gcj02(lons, lats)
    np.testing.assert_array_equal(glon[:-1], lons[:-1])
    np.testing.assert_array_equal(glat[:-1], lats[:-1])
    assert glon[-1] != lons[-1]  # the Beijing point in the same batch is still offset
    wlon, wlat = gcj02_to_wgs84(lons[:-1], lats[:-1])
    np.testing.assert_array_equal(wlon, lons[:-1])
    np.testing.assert_array_equal(wlat, lats[:-1])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("wgs84", WGS84),
        ("WGS84", WGS84),
        (" Gcj02 ", GCJ02),
        ("BD09", BD09),
        ("EPSG:4326", WGS84),
        ("EPSG:4490", CoordSystem("epsg", 4490)),
        ("epsg:32650", CoordSystem("epsg", 32650)),
        ("4490", CoordSystem("epsg", 4490)),
    ],
)
def test_parse_crs_accepts(value: str, expected: CoordSystem) -> None:
    assert parse_crs(value) == expected


@pytest.mark.parametrize(
    "value", ["", "mars", "wgs-84", "EPSG:", "EPSG:99999", "4490.0", "utm50", "EPSG:4490:1"]
)
def test_parse_crs_refuses(value: str) -> None:
    with pytest.raises(CRSError) as info:
        parse_crs(value)
    message = str(info.value)
    assert repr(value) in message
    assert "EPSG:<code>" in message and "gcj02" in message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_str_round_trips_through_parse() -> None:
    for cs in (WGS84, GCJ02, BD09, CoordSystem("epsg", 32650)):
        assert parse_crs(str(cs)) == cs


def test_epsg_4490_is_identity() -> None:
    lons, lats = np.array([116.4, 121.5]), np.array([39.9, 31.2])
    for conv in (to_wgs84_coords, from_wgs84_coords):
        x, y = conv("EPSG:4490", lons, lats)
        np.testing.assert_array_equal(x, lons)
        np.testing.assert_array_equal(y, lats)
    assert to_wgs84_coords(WGS84, 116.4, 39.9) == (116.4, 39.9)


def test_epsg_32650_round_trip() -> None:
    utm = parse_crs("EPSG:32650")
    # 117E is the central meridian of UTM 50N, where easting is exactly the false easting.
    x, y = from_wgs84_coords(utm, 117.0, 40.0)
    assert x == pytest.approx(500000.0, abs=1e-6)
    assert 4.42e6 < y < 4.44e6
    x, y = from_wgs84_coords(utm, 116.3, 39.9)
    lon, lat = to_wgs84_coords(utm, x, y)
    assert isinstance(lon, float)
    assert lon == pytest.approx(116.3, abs=1e-9)
    assert lat == pytest.approx(39.9, abs=1e-9)


def test_named_systems_in_coordinate_dispatch() -> None:
    assert to_wgs84_coords("gcj02", 116.41024449916938, 39.91640428150164) == pytest.approx(
        (116.404, 39.915), abs=1e-9
    )
    assert from_wgs84_coords("bd09", 116.4, 39.9) == wgs84_to_bd09(116.4, 39.9)


def test_geometry_round_trip_gcj02() -> None:
    poly = Polygon([(116.30, 39.90), (116.40, 39.90), (116.40, 39.95), (116.30, 39.95)])
    gcj = geometry_from_wgs84(poly, "gcj02")
    assert gcj.geom_type == "Polygon"
    assert not shapely.equals_exact(gcj, poly, tolerance=1e-4)
    back = geometry_to_wgs84(gcj, GCJ02)
    assert shapely.equals_exact(back, poly, tolerance=1e-9)


def test_geometry_to_wgs84_from_utm() -> None:
    x, y = from_wgs84_coords("EPSG:32650", 116.3, 39.9)
    pt = geometry_to_wgs84(Point(x, y), "EPSG:32650")
    assert pt.x == pytest.approx(116.3, abs=1e-9)
    assert pt.y == pytest.approx(39.9, abs=1e-9)
    assert geometry_to_wgs84(pt, WGS84) is pt


def test_transform_geometry_keeps_z() -> None:
    out = transform_geometry(Point(1.0, 2.0, 30.0), lambda c: c + 1.0)
    assert out.has_z
    assert (out.x, out.y, out.z) == (2.0, 3.0, 30.0)


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (116.4, 39.9, 32650),
        (121.5, 31.2, 32651),
        (-70.6, -33.4, 32719),
        (0.0, 0.0, 32631),
        (-180.0, 10.0, 32601),
        (180.0, 10.0, 32601),
        (179.9, -10.0, 32760),
    ],
)
def test_utm_epsg_for(lon: float, lat: float, epsg: int) -> None:
    assert utm_epsg_for(lon, lat) == epsg
