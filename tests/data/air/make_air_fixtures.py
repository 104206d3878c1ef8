"""Generate the air-quality test fixtures in tests/data/air/ (run once; outputs committed).

    .venv/bin/python tests/data/air/make_air_fixtures.py [--source /work/shared/data]

Every value comes from the UCI Beijing multi-site (PRSA) files; see README.md beside this.
"""

import argparse
import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRSA = "air_quality/beijing_prsa/PRSA_Data_{}_20130301-20170228.csv"
COORDS = "air_quality/stations/prsa_12_beijing_stations_coordinates.csv"
CNEMC_HEADER = (
    "timepoint,stationcode,longitude,latitude,area,positionname,primarypollutant,aqi,pm10,"
    "pm10_24h,pm2_5,pm2_5_24h,o3,o3_24h,o3_8h,o3_8h_24h,no2,no2_24h,so2,so2_24h,co,co_24h"
)


def head(source: Path, station: str, rows: int) -> list[str]:
    """Return the header and the first rows of a PRSA file, as lines."""
    with (source / PRSA.format(station)).open(encoding="utf-8") as fh:
        return [next(fh) for _ in range(rows + 1)]


def main() -> None:
    """Write the fixtures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=Path("/work/shared/data"))
    src = parser.parse_args().source
    # 1. Two real days of Dongsi, unchanged.
    (HERE / "PRSA_Data_Dongsi_20130301-20130302.csv").write_text(
        "".join(head(src, "Dongsi", 48)), encoding="utf-8"
    )
    # 2. Two real days of Tiantan with three faults injected (see README.md).
    lines = head(src, "Tiantan", 48)
    cells = [line.rstrip("\n").split(",") for line in lines]
    cells[11][6] = "-5"  # PM10 of 2013-03-01 10:00 made negative
    cells[12][6] = "NA"  # PM10 of 11:00 made missing
    cells.insert(6, list(cells[5]))  # 2013-03-01 04:00 repeated
    (HERE / "PRSA_Data_Tiantan_faults.csv").write_text(
        "".join(",".join(c) + "\n" for c in cells), encoding="utf-8"
    )
    # 3. One national-network hourly release (timepoint = hour end) built from the 12 PRSA
    # stations' values of 2013-03-01 00:00-01:00; `o3` and `o3_24h` swapped as CNEMC does.
    coords = list(csv.DictReader((src / COORDS).open(encoding="utf-8")))
    out = io.StringIO()
    out.write(CNEMC_HEADER + "\n")
    writer = csv.writer(out, lineterminator="\n")
    for c in coords:
        row = next(csv.DictReader(head(src, c["prsa_station"], 1)))
        val = {k: ("" if v == "NA" else v) for k, v in row.items()}
        co_mg = "" if not val["CO"] else f"{float(val['CO']) / 1000:.3f}"
        writer.writerow(
            [
                "2013-03-01 01:00:00", c["cnemc_code"], c["longitude"], c["latitude"], "北京",
                c["cnemc_name"], "PM10,PM2.5" if c["cnemc_code"] == "1003A" else "", "",
                val["PM10"], "", val["PM2.5"], "", "", val["O3"], "", "", val["NO2"], "",
                val["SO2"], "", co_mg, "",
            ]
        )  # fmt: skip
    (HERE / "cnemc_2013030101.csv").write_text(out.getvalue(), encoding="utf-8")
    # 4. The Dongsi day in another layout, with the mapping that reads it.
    rows = list(csv.DictReader(head(src, "Dongsi", 24)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["site", "site_name", "x", "y", "time_end", "PM10_ugm3", "wind"])
    for r in rows:
        hour_end = int(r["hour"]) + 1
        stamp = f"2013/03/{int(r['day']) + hour_end // 24:02d} {hour_end % 24:02d}:00"
        writer.writerow(["DS", "东四", "116.4174", "39.9289", stamp, r["PM10"], r["wd"]])
    (HERE / "mapped_dongsi.csv").write_text(out.getvalue(), encoding="utf-8")
    mapping = {
        "station": "site",
        "station_name": "site_name",
        "lon": "x",
        "lat": "y",
        "time": "time_end",
        "time_format": "%Y/%m/%d %H:%M",
        "time_label": "end",
        "columns": {"pm10": "PM10_ugm3", "wind_dir": "wind"},
    }
    (HERE / "mapped_dongsi.mapping.json").write_text(
        json.dumps(mapping, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
