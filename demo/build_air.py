"""Build the demo air data in ``demo/air/`` from real public data (outputs are committed).

    .venv/bin/python demo/build_air.py [--source /work/shared/data]

* ``PRSA_Data_<station>_201702.csv``: the February 2017 rows (672 hours) of each UCI Beijing
  multi-site file, header and values unchanged (a row subset).
* ``firms_*.csv``: the NASA FIRMS MODIS detections of the three north-China files that fall
  in and around Zhangjiakou (113.5-117.5 E, 39.4-42.7 N), rows unchanged.
* ``no_burn_areas.geojson``: ILLUSTRATIVE no-burn areas, not official designations.
"""

import argparse
import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent / "air"
BBOX = (113.5, 39.4, 117.5, 42.7)
NO_BURN = [
    ("NB-ZJK", "张家口主城区秸秆禁烧区（示意）", (114.70, 40.62, 114.96, 40.86)),
    ("NB-GT", "官厅水库周边秸秆禁烧区（示意）", (115.40, 40.20, 116.00, 40.50)),
]


def main() -> None:
    """Write the demo air files."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=Path("/work/shared/data"))
    src = parser.parse_args().source
    HERE.mkdir(exist_ok=True)
    for path in sorted((src / "air_quality/beijing_prsa").glob("PRSA_Data_*.csv")):
        station = path.name.split("_")[2]
        with path.open(encoding="utf-8") as fh:
            header = next(fh)
            rows = [line for line in fh if ",2017,2," in line]
        (HERE / f"PRSA_Data_{station}_201702.csv").write_text(header + "".join(rows), "utf-8")
    for path in sorted((src / "fire_firms/derived_north_china").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            lines = fh.read().splitlines(keepends=True)
        keep = [
            line
            for line, row in zip(lines[1:], csv.DictReader(lines), strict=True)
            if BBOX[0] <= float(row["longitude"]) <= BBOX[2]
            and BBOX[1] <= float(row["latitude"]) <= BBOX[3]
        ]
        name = "firms_" + path.name.split("__bbox")[0].replace("__", "_") + ".csv"
        (HERE / name).write_text(lines[0] + "".join(keep), "utf-8")
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": code,
                "name": name,
                "illustrative": True,
                "note": "示意范围，非官方划定 (illustrative, not an official designation)",
            },
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
            },
        }
        for code, name, (w, s, e, n) in NO_BURN
    ]
    (HERE / "no_burn_areas.geojson").write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1
        )
        + "\n",
        "utf-8",
    )


if __name__ == "__main__":
    main()
