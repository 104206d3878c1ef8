"""Tests for geo.geocode: relations, admin chains, zones, nearest features, organisations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, box

from geo.distance import geodesic_distance_m
from geo.geocode import (
    FeatureInfo,
    OrgInfo,
    admin_chain,
    as_point,
    org_answer,
    zone_entries,
)
from geo.index import Indexed
from geo.locate import Reference, locate, relations

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
    assert relations(np.array([item]), np.array([ZONE]))[0] == expected


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


def _reference(
    features: list[tuple[FeatureInfo, object]], orgs: list[tuple[OrgInfo, object]]
) -> Reference:
    return Reference(
        [],
        Indexed.build([f for f, _ in features], [g for _, g in features],
                      [f.kind == "water_body" for f, _ in features]),
        Indexed.build([o for o, _ in orgs], [g for _, g in orgs], [True] * len(orgs)),
        ("water_body",),
    )  # fmt: skip


def test_locate_nearest_agrees_with_geodesic_distance() -> None:
    """The nearest water body of each point (within max_m) is the one a geodesic distance to
    each whole geometry picks, at the same distance; the other kinds are not measured."""
    rng = np.random.default_rng(20240601)
    lons = LON0 + rng.uniform(-0.12, 0.12, 200)
    lats = LAT0 + rng.uniform(-0.09, 0.09, 200)
    ring = [(115.42 + 0.04 * math.cos(t), 40.35 + 0.03 * math.sin(t))
            for t in np.linspace(0, 2 * math.pi, 400)[:-1]]  # fmt: skip
    geoms = [
        Polygon(ring),  # 399 vertices: seven outline pieces
        LineString([(115.50, 40.43), (115.55, 40.45), (115.58, 40.42)]),
        Polygon([(115.52, 40.33), (115.56, 40.33), (115.54, 40.36)]),
        Point(115.45, 40.45),
    ]
    water = [_feature(k, "water_body", None, f"c{k}") for k in range(4)]
    other = (_feature(9, "wetland", None, "far"), box(115.0, 40.0, 116.0, 41.0))
    items = np.array([Point(x, y) for x, y in zip(lons, lats, strict=True)])
    max_m = 4000.0
    found = locate(items, _reference([*zip(water, geoms, strict=True), other], []),
                   partner_distance_m=1000.0, nearest_max_m=max_m)  # fmt: skip
    seen = set()
    for i, item in enumerate(items):
        dists = [geodesic_distance_m(item, g) for g in geoms]
        best = int(np.argmin(dists))
        near = found.nearest[i][0]
        if dists[best] > max_m:
            assert near is None
        else:
            assert near is not None and near[0] == best
            assert near[1] == pytest.approx(dists[best], abs=1e-6)
            seen.add(best)
            if near[1] == 0:
                seen.add(-1)
    assert seen == {-1, 0, 1, 2, 3}


def test_locate_organisations() -> None:
    item = Point(LON0, LAT0)
    lon2, _ = _east(2000.0)
    lon5, _ = _east(5000.0)
    lon20, _ = _east(20000.0)
    orgs = [
        (OWN_COUNTY, box(LON0 - 0.1, LAT0 - 0.1, LON0 + 0.01, LAT0 + 0.1)),  # containing
        (OWN_OTHER, _strip(lon5)),
        (PARTNER, _strip(lon2)),
        (_org(5, "110100", "partner", "city"), _strip(lon20)),
    ]
    found = locate(np.array([item]), _reference([], orgs), partner_distance_m=10000.0,
                   nearest_max_m=1000.0)  # fmt: skip
    answer = found.place(0)
    nearby = answer["nearby_organisations"]
    assert [o["code"] for o in nearby] == ["110119", "130731"]  # by distance, 20 km dropped
    assert nearby[0]["distance_m"] == pytest.approx(2000.0, abs=1.0)
    assert nearby[1]["distance_m"] == pytest.approx(5000.0, abs=2.0)
    assert [o["code"] for o in answer["responsible_organisations"]] == ["130730"]
    assert [p["code"] for p in answer["partner_organisations"]] == ["110119"]
    assert answer["cross_boundary"] is True
    assert answer["nearest"] == {"water_body": None}
    closer = locate(np.array([item]), _reference([], orgs), partner_distance_m=1000.0,
                    nearest_max_m=1000.0)  # fmt: skip
    assert closer.place(0)["cross_boundary"] is False


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


@pytest.mark.parametrize("lat", [-52.0, 0.0, 23.0, 41.0, 66.0])
def test_locate_pruning_matches_every_geometry(lat: float) -> None:
    """Far from the index's middle latitude too (where its planar scale is off), the
    distance bounds drop no piece that could be nearest: nearest features and partner
    distances equal those measured to every whole geometry."""
    rng = np.random.default_rng(int(lat) + 100)
    # Two clumps of features, 30 degrees of latitude apart: the scale fits neither.
    shapes = []
    for k in range(60):
        x = 115.0 + rng.uniform(-0.3, 0.3)
        y = lat + (0.0 if k % 2 else 30.0 if lat < 50 else -30.0) + rng.uniform(-0.2, 0.2)
        r = rng.uniform(0.002, 0.03)
        shapes.append(box(x - r, y - r, x + r * 1.7, y + r) if k % 3 else
                      LineString([(x, y), (x + r, y + r), (x + 2 * r, y - r)]))  # fmt: skip
    kinds = ("water_body", "wetland")
    features = [_feature(k, kinds[k % 2] if k % 4 else kinds[0], None, f"f{k}")
                for k in range(len(shapes))]  # fmt: skip
    orgs = [(_org(100 + k, f"9{k:05d}", "partner", "county"), g)
            for k, g in enumerate(shapes[:20])]  # fmt: skip
    ref = Reference(
        [],
        Indexed.build(features, shapes, [True] * len(shapes)),
        Indexed.build([o for o, _ in orgs], [g for _, g in orgs], [True] * len(orgs)),
        kinds,
    )
    items = np.array([Point(115.0 + rng.uniform(-0.4, 0.4), lat + rng.uniform(-0.3, 0.3))
                      for _ in range(150)])  # fmt: skip
    max_m, partner_m = 8000.0, 6000.0
    found = locate(items, ref, partner_distance_m=partner_m, nearest_max_m=max_m)
    for i, item in enumerate(items):
        dists = np.array([geodesic_distance_m(item, g) for g in shapes])
        for k, kind in enumerate(kinds):
            mine = [j for j, f in enumerate(features) if f.kind == kind]
            best = min(mine, key=lambda j: (dists[j], j))
            near = found.nearest[i][k]
            if dists[best] > max_m:
                assert near is None
            else:
                assert near is not None and near[0] == best
                assert near[1] == pytest.approx(dists[best], abs=1e-6)
        expected = {j: dists[j] for j in range(len(orgs)) if 0 < dists[j] <= partner_m}
        assert dict(found.nearby[i]) == pytest.approx(expected, abs=1e-6)
