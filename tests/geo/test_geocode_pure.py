"""Tests for geo.geocode: relations, admin chains, zones, nearest features, organisations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, box

from geo.geocode import (
    FeatureInfo,
    OrgInfo,
    admin_chain,
    as_point,
    nearest,
    nearest_for_points,
    org_answer,
    organisations_near,
    relation,
    zone_entries,
)

GEOD = Geod(ellps="WGS84")
LON0, LAT0 = 115.5, 40.4
ZONE = box(115.60, 40.30, 115.62, 40.32)


def _feature(
    fid: int, kind: str, level: str | None, name: str, code: str | None = None
) -> FeatureInfo:
    return FeatureInfo(fid, f"layer_{kind}", kind, 1, name, level, code)


def _org(oid: int, code: str, role: str, level: str) -> OrgInfo:
    return OrgInfo(oid, code, f"org {code}", None, role, level)


def _east(metres: float, lon: float = LON0, lat: float = LAT0) -> tuple[float, float]:
    lon2, lat2, _ = GEOD.fwd(lon, lat, 90.0, metres)
    return lon2, lat2


def _strip(west_lon: float) -> Polygon:
    """A 0.05 deg wide box whose west edge is at west_lon, centred on LAT0."""
    return box(west_lon, LAT0 - 0.05, west_lon + 0.05, LAT0 + 0.05)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (Point(115.61, 40.31), "within"),
        (Point(115.60, 40.31), "on_boundary"),  # on the west edge
        (Point(115.60, 40.30), "on_boundary"),  # a corner
        (box(115.605, 40.305, 115.615, 40.315), "within"),
        (ZONE, "within"),  # equal geometries
        (box(115.61, 40.31, 115.63, 40.33), "overlaps"),
        (box(115.59, 40.29, 115.63, 40.33), "contains"),
        (box(115.62, 40.30, 115.63, 40.32), "on_boundary"),  # shares the east edge only
        (LineString([(115.59, 40.31), (115.61, 40.31)]), "overlaps"),
    ],
)
def test_relation(item: object, expected: str) -> None:
    assert relation(item, ZONE) == expected


def test_admin_chain_orders_province_to_township() -> None:
    features = [
        _feature(1, "admin_division", "township", "沙城镇", "130730100"),
        _feature(2, "water_source_zone", "I", "一级保护区", "T-1"),
        _feature(3, "admin_division", "county", "怀来县", "130730"),
        _feature(4, "admin_division", "province", "河北省", "130000"),
        _feature(5, "wetland", "county", "not admin"),
        _feature(6, "admin_division", "city", "张家口市", "130700"),
        _feature(7, "admin_division", None, "no level"),
        _feature(8, "admin_division", "county", "涿鹿县", "130731"),
    ]
    chain = admin_chain(features)
    assert [(c["level"], c["name"]) for c in chain] == [
        ("province", "河北省"),
        ("city", "张家口市"),
        ("county", "怀来县"),
        ("county", "涿鹿县"),
        ("township", "沙城镇"),
    ]
    assert chain[0] == {
        "level": "province",
        "name": "河北省",
        "code": "130000",
        "layer": "layer_admin_division",
        "feature_id": 4,
    }
    assert admin_chain([_feature(2, "water_source_zone", "I", "z")]) == []


def test_zone_entries_protected_first_and_skip_admin() -> None:
    hits = [
        (_feature(1, "water_body", None, "官厅水库"), "within"),
        (_feature(2, "admin_division", "county", "怀来县"), "within"),
        (_feature(3, "wetland", None, "湿地"), "overlaps"),
        (_feature(4, "water_source_zone", "II", "二级"), "on_boundary"),
        (_feature(5, "illegal_dumping_sites", "big", "dump"), "contains"),
        (_feature(6, "water_source_zone", "I", "一级"), "within"),
    ]
    zones = zone_entries(hits)
    # Strictest first (level I before II, source zones before wetlands), free kinds last.
    assert [z["feature_id"] for z in zones] == [6, 4, 3, 1, 5]
    assert [z["protected"] for z in zones] == [True, True, True, False, False]
    assert zones[0]["kind_title"] == "饮用水水源保护区" and zones[0]["relation"] == "within"
    assert zones[1]["relation"] == "on_boundary"
    assert zones[4]["kind_title"] == "illegal_dumping_sites"  # free kind: its own slug
    assert zones[4]["level"] == "big" and zones[4]["version"] == 1


def test_nearest_picks_closer_candidate_with_geodesic_distance() -> None:
    item = Point(LON0, LAT0)
    near = _feature(1, "water_body", None, "1 km east")
    far = _feature(2, "water_body", None, "3 km east")
    lon1, lat1 = _east(1000.0)
    lon3, _ = _east(3000.0)
    candidates = [
        (far, box(lon3, LAT0 - 0.01, lon3 + 0.01, LAT0 + 0.01)),
        (near, Point(lon1, lat1)),
    ]
    info, dist = nearest(item, candidates, max_m=5000.0)
    assert info == near
    assert dist == pytest.approx(1000.0, abs=1.0)
    assert nearest(item, candidates[:1], 5000.0)[1] == pytest.approx(3000.0, abs=1.0)
    assert nearest(item, candidates, max_m=999.0) is None
    assert nearest(item, candidates, max_m=2000.0)[0] == near
    assert nearest(item, [], max_m=5000.0) is None
    # Inside a candidate: distance 0.
    assert nearest(Point(lon3 + 0.005, LAT0), candidates, 10.0) == (far, 0.0)


def test_nearest_for_points_agrees_with_nearest() -> None:
    rng = np.random.default_rng(20240601)
    lons = LON0 + rng.uniform(-0.12, 0.12, 200)
    lats = LAT0 + rng.uniform(-0.09, 0.09, 200)
    geoms = [
        box(115.42, 40.34, 115.46, 40.37),
        LineString([(115.50, 40.43), (115.55, 40.45), (115.58, 40.42)]),
        Polygon([(115.52, 40.33), (115.56, 40.33), (115.54, 40.36)]),
    ]
    infos = [_feature(k, "water_body", None, f"c{k}") for k in range(3)]
    max_m = 4000.0
    idx, dist = nearest_for_points(lons, lats, geoms, max_m)
    assert idx.shape == dist.shape == (200,)
    for i in range(200):
        best = nearest(Point(lons[i], lats[i]), list(zip(infos, geoms, strict=True)), max_m)
        if best is None:
            assert idx[i] == -1 and math.isnan(dist[i])
        else:
            assert idx[i] == best[0].id
            assert dist[i] == pytest.approx(best[1], abs=0.01)
    # The sample exercises every candidate, points inside, and points beyond max_m.
    assert set(idx.tolist()) == {-1, 0, 1, 2}
    assert (dist == 0).any() and (dist > 1000).any()


def test_nearest_for_points_beyond_max_m() -> None:
    lon1, lat1 = _east(1000.0)
    geoms = [Point(lon1, lat1)]
    lons = np.array([LON0, 118.0, np.nan])
    lats = np.array([LAT0, 40.4, 40.4])
    idx, dist = nearest_for_points(lons, lats, geoms, 999.0)
    assert idx.tolist() == [-1, -1, -1] and np.isnan(dist).all()
    idx, dist = nearest_for_points(lons, lats, geoms, 1001.0)
    assert idx.tolist() == [0, -1, -1]
    assert dist[0] == pytest.approx(1000.0, abs=1.0) and np.isnan(dist[1:]).all()


OWN_COUNTY = _org(1, "130730", "own", "county")
OWN_CITY = _org(2, "130700", "own", "city")
PARTNER = _org(3, "110119", "partner", "county")
OWN_OTHER = _org(4, "130731", "own", "county")


def test_org_answer_cross_boundary() -> None:
    answer = org_answer([OWN_CITY, OWN_COUNTY], [(PARTNER, 6000.04)])
    assert [o["code"] for o in answer["responsible_organisations"]] == ["130730", "130700"]
    assert answer["nearby_organisations"] == [
        {
            "id": 3,
            "code": "110119",
            "name": "org 110119",
            "name_en": None,
            "role": "partner",
            "level": "county",
            "distance_m": 6000.0,
        }
    ]
    assert [(p["code"], p["distance_m"]) for p in answer["partner_organisations"]] == [
        ("110119", 6000.0)
    ]
    assert answer["cross_boundary"] is True


def test_org_answer_own_only() -> None:
    answer = org_answer([OWN_COUNTY, OWN_CITY], [(OWN_OTHER, 1500.0)])
    assert [o["code"] for o in answer["responsible_organisations"]] == ["130730", "130700"]
    assert answer["partner_organisations"] == []
    assert answer["cross_boundary"] is False
    assert org_answer([], [])["cross_boundary"] is False


def test_org_answer_inside_partner_with_own_nearby() -> None:
    answer = org_answer([PARTNER], [(OWN_COUNTY, 800.0)])
    assert [o["code"] for o in answer["responsible_organisations"]] == ["110119"]
    assert [(p["code"], p["distance_m"]) for p in answer["partner_organisations"]] == [
        ("110119", 0.0)
    ]
    assert answer["cross_boundary"] is True


def test_organisations_near() -> None:
    item = Point(LON0, LAT0)
    lon2, _ = _east(2000.0)
    lon5, _ = _east(5000.0)
    lon20, _ = _east(20000.0)
    others = [
        (OWN_COUNTY, box(LON0 - 0.1, LAT0 - 0.1, LON0 + 0.01, LAT0 + 0.1)),  # containing
        (OWN_OTHER, _strip(lon5)),
        (PARTNER, _strip(lon2)),
        (_org(5, "110100", "partner", "city"), _strip(lon20)),
    ]
    answer = organisations_near(item, [OWN_COUNTY], others, max_m=10000.0)
    nearby = answer["nearby_organisations"]
    assert [o["code"] for o in nearby] == ["110119", "130731"]  # by distance, 20 km dropped
    assert nearby[0]["distance_m"] == pytest.approx(2000.0, abs=1.0)
    assert nearby[1]["distance_m"] == pytest.approx(5000.0, abs=2.0)
    assert [o["code"] for o in answer["responsible_organisations"]] == ["130730"]
    assert [p["code"] for p in answer["partner_organisations"]] == ["110119"]
    assert answer["cross_boundary"] is True
    assert organisations_near(item, [OWN_COUNTY], others, 1000.0)["cross_boundary"] is False


def test_as_point() -> None:
    assert as_point(115.5, 40.4).equals(Point(115.5, 40.4))
    assert as_point(-180.0, -90.0).equals(Point(-180, -90))


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(200.0, 40.0), (115.0, 91.0), (math.nan, 40.0), (115.0, math.nan), (math.inf, 40.0)],
)
def test_as_point_refuses(lon: float, lat: float) -> None:
    with pytest.raises(ValueError, match="not a longitude/latitude pair"):
        as_point(lon, lat)
