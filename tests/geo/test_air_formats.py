"""Reading PRSA, CNEMC and mapped CSV files; plausibility checks and duplicates."""

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from geo.air.formats import (
    ReadingsError,
    drop_duplicates,
    parse_mapping,
    prsa_stations,
    read_cnemc,
    read_mapped,
    read_prsa,
)
from geo.air.quality import bit, check_ranges, flagged

AIR = Path(__file__).resolve().parents[1] / "data" / "air"


def read(name: str) -> bytes:
    return (AIR / name).read_bytes()


def test_prsa_rows_are_utc_hour_starts_with_co_in_mg() -> None:
    parsed = read_prsa(read("PRSA_Data_Dongsi_20130301-20130302.csv"), "dongsi.csv")
    f = parsed.frame
    assert len(f) == 48 and set(f["station_code"]) == {"1003A"}
    # 2013-03-01 00:00 Beijing time is 2013-02-28 16:00 UTC.
    assert f["at"].iloc[0] == datetime(2013, 2, 28, 16, tzinfo=UTC)
    first = f.iloc[0]
    assert (first.pm10, first.pm25, first.co, first.o3) == (9.0, 9.0, 0.3, 89.0)
    assert first.wind_dir == 337.5 and first.wind_speed == 5.7  # "NNW"
    assert parsed.stations["1003A"].name == "东四"
    assert parsed.stations["1003A"].lon == pytest.approx(116.4174)
    assert "pm10" in parsed.provided and "humidity" not in parsed.provided
    assert np.isnan(f["humidity"]).all()


def test_prsa_unknown_station_is_refused() -> None:
    with pytest.raises(ReadingsError, match="no coordinates for station"):
        read_prsa(read("PRSA_Data_Dongsi_20130301-20130302.csv"), "x.csv", stations={})
    assert len(prsa_stations()) == 12


def test_faults_are_found_and_reported() -> None:
    parsed = read_prsa(read("PRSA_Data_Tiantan_faults.csv"), "tiantan.csv")
    frame, dups, examples = drop_duplicates(parsed.frame)
    assert (len(parsed.frame), len(frame), dups) == (49, 48, 1)
    assert examples == [{"line": 7, "station": "1004A", "at": "2013-02-28T20:00:00+00:00"}]
    mask, findings, missing = check_ranges(frame)
    (pm10,) = [f for f in findings if f.column == "pm10"]
    assert pm10.count == 1 and pm10.examples[0]["value"] == -5.0
    assert pm10.examples[0]["at"] == "2013-03-01T02:00:00+00:00"  # 10:00 Beijing time
    assert missing["pm10"] == 1
    row = int(np.flatnonzero(mask)[0])
    assert flagged(int(mask[row])) == ["pm10"] and mask[row] == bit("pm10")
    assert frame["pm10"].iloc[row] == -5.0  # kept as read, flagged, not dropped


def test_cnemc_release() -> None:
    parsed = read_cnemc(read("cnemc_2013030101.csv"), "cnemc.csv")
    f = parsed.frame.set_index("station_code")
    assert len(f) == 12 and len(parsed.stations) == 12
    # timepoint 01:00 Beijing time closes the hour 00:00-01:00 = 2013-02-28 16:00 UTC.
    assert set(f["at"]) == {datetime(2013, 2, 28, 16, tzinfo=UTC)}
    dongsi = f.loc["1003A"]
    assert (dongsi.pm10, dongsi.o3, dongsi.co) == (9.0, 89.0, 0.3)  # o3 read from o3_24h
    assert np.isnan(f.loc["1002A", "no2"])  # an empty cell is missing
    assert parsed.stations["1011A"].name == "奥体中心" and parsed.stations["1011A"].city == "北京"
    assert any("swapped" in n for n in parsed.notes)


def test_cnemc_missing_columns_named() -> None:
    with pytest.raises(ReadingsError, match=r"missing columns .*pm10"):
        read_cnemc(b"timepoint,stationcode,longitude,latitude,positionname\n1,2,3,4,5\n", "x")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02binary", "binary"),
        (b"", "no data rows|unreadable"),
        ("timepoint\n".encode("gbk") + "北京".encode("gbk"), "not UTF-8"),
        (b"timepoint,stationcode\n", "no data rows"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ReadingsError, match=message):
        read_cnemc(data, "bad.csv")


def test_mapped_csv_with_hour_end_stamps() -> None:
    mapping = parse_mapping(json.loads(read("mapped_dongsi.mapping.json")))
    parsed = read_mapped(read("mapped_dongsi.csv"), "mapped.csv", mapping)
    prsa = read_prsa(read("PRSA_Data_Dongsi_20130301-20130302.csv"), "dongsi.csv").frame
    assert parsed.frame["at"].tolist() == prsa["at"].iloc[:24].tolist()
    assert parsed.frame["pm10"].tolist() == prsa["pm10"].iloc[:24].tolist()
    assert parsed.frame["wind_dir"].tolist() == prsa["wind_dir"].iloc[:24].tolist()
    assert parsed.stations["DS"].lon == pytest.approx(116.4174)
    assert parsed.provided == ("pm10", "wind_dir")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"time": "t", "columns": {}}, "'station' is required"),
        ({"station": "s", "time": "t", "columns": {"pm99": "x"}}, "unknown columns"),
        ({"station": "s", "time": "t", "columns": {}, "time_label": "middle"}, "time_label"),
        ({"station": "s", "time": "t", "columns": {}, "colour": "red"}, "unknown keys"),
    ],
)
def test_bad_mappings_are_refused(spec: dict[str, object], message: str) -> None:
    with pytest.raises(ReadingsError, match=message):
        parse_mapping(spec)


def test_rows_without_time_or_station_are_rejected_with_lines() -> None:
    mapping = parse_mapping({"station": "s", "time": "t", "columns": {"pm10": "v"}})
    data = b"s,t,v\nA,2024-01-01 01:00,10\n,2024-01-01 02:00,11\nA,not a time,12\n"
    parsed = read_mapped(data, "x.csv", mapping)
    assert len(parsed.frame) == 1
    assert parsed.rejected == [(3, "no station code"), (4, "unreadable time")]
