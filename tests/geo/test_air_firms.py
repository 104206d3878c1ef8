"""Tests for geo.air.firms: NASA FIRMS MODIS / VIIRS active-fire CSV parsing."""

from __future__ import annotations

import codecs
import math
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from geo.air.firms import (
    MODIS_HIGH_FROM_PCT,
    MODIS_NOMINAL_FROM_PCT,
    FirmsError,
    FirmsFile,
    read_firms,
)

FIRMS = Path(__file__).parents[1] / "data" / "firms"
SEVEN_DAYS = "modis_c61_7d_2022-05-28_06-04_north_china.csv"
DAY_2025 = "modis_c61_24h_2025-04-22_23_north_china.csv"
MANGLED = "modis_c61_24h_2022-06-03_04_excel_mangled_north_china.csv"
SHORT_TIMES = "modis_c61_24h_2022-06-03_04_excel_short_times_global.csv"
VIIRS = "viirs_sample_handmade.csv"
MODIS_HEADER = (
    "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,confidence,"
    "version,bright_t31,frp,daynight"
)
VIIRS_HEADER = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_ti5,frp,daynight"
)
# Real row: line 4 of the spreadsheet-mangled fixture (Zhangjiakou anomaly), ISO-dated here.
MODIS_ROW = "40.75607,114.78522,328.61,1.1,1.05,2022-06-03,0319,T,77,6.1NRT,304.96,11.06,D"
ZHANGJIAKOU = {"lon": (113.8, 116.5), "lat": (39.5, 42.2)}


def _read(name: str) -> FirmsFile:
    return read_firms((FIRMS / name).read_bytes(), source_name=name)


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _modis(*rows: str) -> FirmsFile:
    return read_firms(_csv(MODIS_HEADER, *rows))


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _in_zhangjiakou(frame: pd.DataFrame) -> pd.DataFrame:
    inside = frame.lon.between(*ZHANGJIAKOU["lon"]) & frame.lat.between(*ZHANGJIAKOU["lat"])
    return frame[inside]


# --- real fixtures ---------------------------------------------------------------------------


def test_seven_day_file_reads_every_row() -> None:
    fires = _read(SEVEN_DAYS)
    assert (fires.instrument, fires.rows_read, fires.rejected) == ("MODIS", 20, [])
    assert fires.source_name == SEVEN_DAYS
    first = fires.frame.iloc[0]
    assert first.line == 2 and (first.lat, first.lon) == (48.84586, 123.799)
    assert first.acquired_at == _utc(2022, 5, 28, 2, 13)
    assert (first.satellite, first.satellite_raw) == ("Terra", "T")
    assert (first.frp, first.brightness, first.bright_t31) == (23.68, 322.75, 302.36)
    assert (first.scan, first.track, first.daynight, first.version) == (1.56, 1.23, "D", "6.1NRT")
    assert fires.frame.line.tolist() == list(range(2, 22))


def test_real_confidences_at_the_class_boundaries() -> None:
    frame = _read(SEVEN_DAYS).frame.set_index("line")
    # line 2: 79 %, line 3: 80 %, line 19: 29 %, line 20: 0 % (real detections)
    assert frame.loc[[2, 3, 19, 20], "confidence_raw"].tolist() == ["79", "80", "29", "0"]
    assert frame.loc[[2, 3, 19, 20], "confidence_pct"].tolist() == [79.0, 80.0, 29.0, 0.0]
    classes = frame.loc[[2, 3, 19, 20], "confidence_class"].tolist()
    assert classes == ["nominal", "high", "low", "low"]
    day = _read(DAY_2025).frame.set_index("line")
    assert day.loc[[4, 3, 18, 21], "confidence_class"].tolist() == [
        "nominal",  # 30
        "nominal",  # 79
        "high",  # 81
        "high",  # 100
    ]


def test_zhangjiakou_detections() -> None:
    assert len(_in_zhangjiakou(_read(SEVEN_DAYS).frame)) == 16
    day = _in_zhangjiakou(_read(DAY_2025).frame)
    assert len(day) == 15
    assert set(day.acquired_at.dt.date.astype(str)) == {"2025-04-22", "2025-04-23"}


def test_times_with_leading_zero_kept() -> None:
    frame = _read(DAY_2025).frame
    assert frame.acquired_at.iloc[0] == _utc(2025, 4, 22, 1, 47)  # "0147"
    night = frame[frame.daynight == "N"]
    assert night.acquired_at.tolist() == [_utc(2025, 4, 22, 12, 53), _utc(2025, 4, 23, 13, 33)]


def test_spreadsheet_mangled_dates_and_times() -> None:
    fires = _read(MANGLED)
    assert (fires.rows_read, fires.rejected) == (20, [])
    frame = fires.frame.set_index("line")
    assert frame.loc[2, "acquired_at"] == _utc(2022, 6, 3, 3, 17)  # 6/3/2022, 317
    assert frame.loc[14, "acquired_at"] == _utc(2022, 6, 3, 4, 59)  # 6/3/2022, 459, Aqua
    assert frame.loc[14, "satellite"] == "Aqua"
    assert frame.loc[17, "acquired_at"] == _utc(2022, 6, 4, 4, 2)  # 6/4/2022, 402
    assert frame.loc[21, "acquired_at"] == _utc(2022, 6, 4, 5, 42)  # 6/4/2022, 542


def test_mangled_file_agrees_with_the_clean_one() -> None:
    mangled = _read(MANGLED).frame.set_index("line").loc[4]
    clean = _read(SEVEN_DAYS).frame.set_index("line").loc[21]
    for column in ("lat", "lon", "acquired_at", "satellite", "confidence_pct", "frp"):
        assert mangled[column] == clean[column], column


def test_times_that_lost_two_or_three_zeros() -> None:
    fires = _read(SHORT_TIMES)  # real spreadsheet rows, CRLF line endings
    assert (fires.rows_read, fires.rejected) == (9, [])
    frame = fires.frame.set_index("line")
    assert frame.loc[2, "acquired_at"] == _utc(2022, 6, 3, 0, 18)  # "18"
    assert frame.loc[5, "acquired_at"] == _utc(2022, 6, 3, 0, 54)  # "54"
    assert frame.loc[6, "acquired_at"] == _utc(2022, 6, 3, 0, 9)  # "9"
    assert frame.loc[10, "acquired_at"] == _utc(2022, 6, 4, 0, 39)  # "39", 6/4/2022
    assert frame.loc[10, "daynight"] == "D" and frame.loc[10, "confidence_class"] == "high"


def test_handmade_viirs_sample() -> None:
    fires = _read(VIIRS)
    assert (fires.instrument, fires.rows_read, fires.rejected) == ("VIIRS", 5, [])
    frame = fires.frame
    assert frame.satellite.tolist() == ["N", "N", "N20", "N20", "1"]
    assert frame.confidence_raw.tolist() == ["n", "h", "l", "n", "h"]
    assert frame.confidence_class.tolist() == ["nominal", "high", "low", "nominal", "high"]
    assert frame.confidence_pct.isna().all()
    assert (frame.brightness.iloc[0], frame.bright_t31.iloc[0]) == (331.42, 296.11)  # ti4, ti5
    assert frame.acquired_at.iloc[-1] == _utc(2024, 4, 11, 4, 48)  # "448"
    assert set(frame.instrument) == {"VIIRS"}


def test_frame_types() -> None:
    frame = _read(SEVEN_DAYS).frame
    assert str(frame.acquired_at.dt.tz) == "UTC"
    assert frame.lat.dtype == frame.lon.dtype == frame.frp.dtype == "float64"
    assert frame.line.dtype == "int64"
    assert frame["type"].isna().all()


# --- confidence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [("0", "low"), ("29", "low"), ("29.9", "low"), ("30", "nominal"), ("79", "nominal"),
     ("80", "high"), ("100", "high")],
)  # fmt: skip
def test_modis_confidence_classes(confidence: str, expected: str) -> None:
    row = MODIS_ROW.replace(",77,", f",{confidence},")
    frame = _modis(row).frame
    assert frame.confidence_class.tolist() == [expected]
    assert frame.confidence_pct.tolist() == [float(confidence)]
    assert (MODIS_NOMINAL_FROM_PCT, MODIS_HIGH_FROM_PCT) == (30.0, 80.0)


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [("l", "low"), ("n", "nominal"), ("h", "high"), ("low", "low"), ("nominal", "nominal"),
     ("high", "high"), ("H", "high"), ("Nominal", "nominal")],
)  # fmt: skip
def test_viirs_confidence_letters_and_words(confidence: str, expected: str) -> None:
    row = f"40.7551,114.783,331.4,0.39,0.36,2024-04-10,0512,N,VIIRS,{confidence},2.0NRT,296.1,4.2,D"
    frame = read_firms(_csv(VIIRS_HEADER, row)).frame
    assert frame.confidence_class.tolist() == [expected]
    assert frame.confidence_raw.tolist() == [confidence]
    assert math.isnan(frame.confidence_pct.iloc[0])


def test_viirs_told_by_columns_without_instrument_column() -> None:
    header = VIIRS_HEADER.replace(",instrument", "")
    fires = read_firms(_csv(header, "40.1,115.2,330.0,0.4,0.4,2024-04-10,512,N20,h,2.0NRT,290,5,D"))
    assert fires.instrument == "VIIRS"
    assert fires.frame.acquired_at.tolist() == [_utc(2024, 4, 10, 5, 12)]


# --- layout variations -----------------------------------------------------------------------


def test_utf8_bom() -> None:
    fires = read_firms(codecs.BOM_UTF8 + _csv(MODIS_HEADER, MODIS_ROW))
    assert fires.rejected == [] and fires.frame.lat.tolist() == [40.75607]


def test_utf16_spreadsheet_export() -> None:
    text = _csv(MODIS_HEADER, MODIS_ROW).decode().replace(",", "\t")
    fires = read_firms(text.encode("utf-16"))
    assert fires.frame.acquired_at.tolist() == [_utc(2022, 6, 3, 3, 19)]


def test_semicolon_separated() -> None:
    fires = read_firms(_csv(MODIS_HEADER, MODIS_ROW).replace(b",", b";"))
    assert fires.frame.frp.tolist() == [11.06]


def test_column_order_extra_columns_and_case() -> None:
    header = "Station,ACQ_TIME,frp,Confidence,acq_date,longitude,latitude,brightness,note"
    fires = read_firms(_csv(header, "x,0319,11.06,77,2022-06-03,114.78522,40.75607,328.61,ok"))
    row = fires.frame.iloc[0]
    assert (row.lat, row.lon, row.frp, row.brightness) == (40.75607, 114.78522, 11.06, 328.61)
    assert row.acquired_at == _utc(2022, 6, 3, 3, 19)
    assert (row.satellite, row.version) == ("", "")  # optional columns absent
    assert math.isnan(row.scan) and "note" not in fires.frame.columns


def test_archive_type_and_instrument_columns() -> None:
    header = (
        "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,instrument,"
        "confidence,version,bright_t31,frp,daynight,type"
    )
    fires = read_firms(
        _csv(
            header,
            "40.75607,114.78522,328.61,1.1,1.05,2022-06-03,0319,Terra,MODIS,77,6.1,304.96,11.06,D,2",
            "40.74416,114.92013,330.04,1.32,1.14,2022-06-01,0512,Aqua,MODIS,76,6.1,313.91,13.5,D,0",
            "40.746,114.91079,326.88,1.03,1.01,2022-05-30,0523,Aqua,MODIS,73,6.1,309.19,8.38,D,",
        )
    )
    assert fires.instrument == "MODIS"
    assert fires.frame["type"].tolist() == [2, 0, pd.NA]
    assert fires.frame.satellite.tolist() == ["Terra", "Aqua", "Aqua"]


@pytest.mark.parametrize(
    ("acq_date", "acq_time", "expected"),
    [("2022-05-28", "0213", (2022, 5, 28, 2, 13)), ("6/3/2022", "18", (2022, 6, 3, 0, 18)),
     ("6/3/2022", "317", (2022, 6, 3, 3, 17)), ("12/31/2022", "2359", (2022, 12, 31, 23, 59)),
     ("6/3/22", "0147", (2022, 6, 3, 1, 47)), ("6/3/2022 0:00", "5", (2022, 6, 3, 0, 5)),
     ("2022/06/03", "0317", (2022, 6, 3, 3, 17)), ("2022-06-03", "317.0", (2022, 6, 3, 3, 17))],
)  # fmt: skip
def test_date_and_time_spellings(
    acq_date: str, acq_time: str, expected: tuple[int, int, int, int, int]
) -> None:
    row = MODIS_ROW.replace("2022-06-03,0319", f"{acq_date},{acq_time}")
    assert _modis(row).frame.acquired_at.tolist() == [_utc(*expected)]


# --- rejected rows ---------------------------------------------------------------------------


def test_rejected_rows_carry_their_line_numbers() -> None:
    bad = {
        "missing latitude": MODIS_ROW.replace("40.75607", ""),
        "bad longitude 'abc'": MODIS_ROW.replace("114.78522", "abc"),
        "latitude 95.1 outside [-90, 90]": MODIS_ROW.replace("40.75607", "95.1"),
        "longitude -181 outside [-180, 180]": MODIS_ROW.replace("114.78522", "-181"),
        "unparsable acq_date '2022-13-01'": MODIS_ROW.replace("2022-06-03", "2022-13-01"),
        "unparsable acq_date '31/12/2022'": MODIS_ROW.replace("2022-06-03", "31/12/2022"),
        "unparsable acq_date ''": MODIS_ROW.replace("2022-06-03", ""),
        "unparsable acq_time '2460'": MODIS_ROW.replace("0319", "2460"),
        "unparsable acq_time '1275'": MODIS_ROW.replace("0319", "1275"),
        "unparsable acq_time '3h19'": MODIS_ROW.replace("0319", "3h19"),
        "unknown confidence 'x'": MODIS_ROW.replace(",77,", ",x,"),
        "unknown confidence '101'": MODIS_ROW.replace(",77,", ",101,"),
        "unknown confidence ''": MODIS_ROW.replace(",77,", ",,"),
    }
    # line 1 header, line 2 good, line 3 blank (skipped), bad rows from line 4, good row last
    fires = _modis(MODIS_ROW, "", *bad.values(), MODIS_ROW)
    assert fires.rejected == [(line, reason) for line, reason in enumerate(bad, start=4)]
    assert fires.frame.line.tolist() == [2, 4 + len(bad)]
    assert fires.rows_read == 2 + len(bad)


def test_all_problems_of_a_row_are_named() -> None:
    row = MODIS_ROW.replace("40.75607", "x").replace("0319", "9999").replace(",77,", ",?,")
    ((line, reason),) = _modis(row).rejected
    assert line == 2
    assert reason == "bad latitude 'x'; unparsable acq_time '9999'; unknown confidence '?'"


def test_short_row_is_rejected_not_fatal() -> None:
    fires = _modis("40.75607,114.78522,328.61", MODIS_ROW)
    assert fires.rejected == [(2, "unparsable acq_date ''; unknown confidence ''")]
    assert fires.frame.line.tolist() == [3]


def test_viirs_numeric_confidence_is_unknown() -> None:
    row = "40.7551,114.783,331.4,0.39,0.36,2024-04-10,0512,N,VIIRS,57,2.0NRT,296.1,4.2,D"
    assert read_firms(_csv(VIIRS_HEADER, row)).rejected == [(2, "unknown confidence '57'")]


def test_every_row_rejected_gives_an_empty_typed_frame() -> None:
    fires = _modis(MODIS_ROW.replace("40.75607", "north"))
    assert fires.rows_read == 1 and len(fires.rejected) == 1
    assert fires.frame.empty and str(fires.frame.acquired_at.dtype) == "datetime64[ns, UTC]"
    assert fires.frame.lat.dtype == "float64"


def test_bad_optional_numbers_become_nan() -> None:
    row = MODIS_ROW.replace("328.61", "n/a").replace("11.06", "")
    frame = _modis(row).frame
    assert math.isnan(frame.brightness.iloc[0]) and math.isnan(frame.frp.iloc[0])


# --- unusable files --------------------------------------------------------------------------


def test_missing_columns_are_named() -> None:
    header = "latitude,longitude,brightness,scan,track,satellite,version,bright_t31,daynight"
    with pytest.raises(FirmsError, match="acq_date, acq_time, confidence, frp"):
        read_firms(_csv(header, "40.7,114.7,328.6,1.1,1.0,T,6.1NRT,304.9,D"))


def test_missing_brightness_means_unknown_instrument() -> None:
    header = "latitude,longitude,acq_date,acq_time,confidence,frp"
    with pytest.raises(FirmsError, match=r"brightness \(MODIS\) or bright_ti4 \(VIIRS\)"):
        read_firms(_csv(header, "40.7,114.7,2022-06-03,0319,77,11.06"))


@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n", codecs.BOM_UTF8])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(FirmsError, match="empty file"):
        read_firms(data)


def test_header_only() -> None:
    with pytest.raises(FirmsError, match="no rows"):
        read_firms(_csv(MODIS_HEADER, "", ""))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x08\x00",
        bytes(range(256)),
        b"\xff\xfe\x00",  # UTF-16 byte-order mark, then an odd byte
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
    ],
)
def test_binary_garbage(data: bytes) -> None:
    with pytest.raises(FirmsError, match="not a CSV text file"):
        read_firms(data)


def test_latin1_bytes_are_not_utf8() -> None:
    with pytest.raises(FirmsError, match=r"byte 0xe9 at offset 1 is not UTF-8"):
        read_firms(b"l\xe9titude,longitude\n1,2\n")


def test_text_that_is_not_csv() -> None:
    with pytest.raises(FirmsError, match="not a CSV file"):
        read_firms(b"<!DOCTYPE html>\n<html><body>Service unavailable</body></html>\n")


def test_mixed_or_unknown_instruments() -> None:
    rows = [
        "40.1,115.2,330.0,0.4,0.4,2024-04-10,0512,N,VIIRS,h,2.0NRT,290,5,D",
        "40.1,115.2,330.0,0.4,0.4,2024-04-10,0512,T,MODIS,80,6.1NRT,290,5,D",
    ]
    with pytest.raises(FirmsError, match="mixed instruments"):
        read_firms(_csv(VIIRS_HEADER, *rows))
    with pytest.raises(FirmsError, match="unknown instrument 'AVHRR'"):
        read_firms(_csv(VIIRS_HEADER, rows[0].replace("VIIRS", "AVHRR")))


def test_source_name_is_in_the_message() -> None:
    with pytest.raises(FirmsError, match=r"^upload\.csv: no rows"):
        read_firms(_csv(MODIS_HEADER), source_name="upload.csv")
    assert issubclass(FirmsError, ValueError)
