"""Air standards through the API on both backends: the edition of each day, the indicative
hourly PM IAQI, the HJ 663 annual evaluation and dust days left out."""

import io
import json
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient

from tests.api.test_air_api import air_import
from tests.conftest import Backend, bearer, login_as

MAPPING = {
    "station": "code",
    "station_name": "name",
    "lon": "lon",
    "lat": "lat",
    "time": "time",
    "time_format": "%Y-%m-%d %H:%M",
    "columns": {"pm10": "pm10", "pm25": "pm25"},
}


def days_csv(days: dict[date, tuple[float, float]]) -> bytes:
    """Station A, 24 hours of each local day at (PM10, PM2.5), times in Beijing time."""
    out = io.StringIO()
    out.write("code,name,lon,lat,time,pm10,pm25\n")
    for day, (pm10, pm25) in days.items():
        for h in range(24):
            at = datetime(day.year, day.month, day.day, h, tzinfo=UTC)  # read as local time
            out.write(f"A,站A,115.0,40.8,{at:%Y-%m-%d %H:%M},{pm10},{pm25}\n")
    return out.getvalue().encode()


def load(client: TestClient, days: dict[date, tuple[float, float]]) -> None:
    job = air_import(client, "csv", [("d.csv", days_csv(days))], mapping=json.dumps(MAPPING))
    assert job["status"] == "succeeded", job


DUST_DAY = date(2016, 4, 2)


def test_annual_evaluation_with_a_dust_day_left_out(client: TestClient) -> None:
    load(
        client,
        {date(2016, 4, 1): (100.0, 50.0), DUST_DAY: (300.0, 50.0), date(2016, 4, 3): (100.0, 50.0)},
    )
    url = "/api/v1/air/stations/A/annual"
    body = client.get(url, params={"year": 2016}).json()
    assert (body["standard"], body["evaluation_standard"], body["note"]) == (
        "GB 3095-2012",
        "HJ 663-2013",
        None,
    )
    pm10 = body["pollutants"][0]
    # Sorted 100 100 300: k = 1 + 2 * 0.95 = 2.9, s = 2: 100 + (300 - 100) * 0.9 = 280.
    assert (pm10["pollutant"], pm10["days_used"], pm10["p95"]) == ("pm10", 3, 280.0)
    # Three days are far from GB 3095-2012 表4's 324: the grades are not judged.
    assert not pm10["valid"] and pm10["meets"] == {"I": None, "II": None}
    # PM2.5 / PM10 = 50 / 300 < 0.3 with PM10 above 150: suggested, not excluded.
    assert [c["date"] for c in body["dust_candidates"]] == [DUST_DAY.isoformat()]
    assert body["dust_days"]["excluded_count"] == 0
    without = client.get(
        url, params={"year": 2016, "exclude_dust_days": [DUST_DAY.isoformat(), "2016-05-01"]}
    ).json()
    dust = without["dust_days"]
    assert dust["excluded"] == [DUST_DAY.isoformat()] and dust["excluded_count"] == 1
    assert dust["supplied"] == [DUST_DAY.isoformat(), "2016-05-01"]
    assert dust["basis"]["needs_review"] is True and "120号" in dust["basis"]["zh"]
    pm10 = without["pollutants"][0]
    assert (pm10["valid_days"], pm10["days_used"], pm10["p95"], pm10["annual_mean"]) == (
        3,
        2,
        100.0,
        100.0,
    )
    # The daily exceedances leave the dust day out too.
    ex = "/api/v1/air/exceedances"
    span = {"from": "2016-04-01", "to": "2016-04-03"}
    assert client.get(ex, params=span).json()["daily_exceedances_total"] == 1
    kept = client.get(ex, params={**span, "exclude_dust_days": DUST_DAY.isoformat()}).json()
    assert kept["daily_exceedances_total"] == 0 and kept["by_station"][0]["valid_days"] == 2
    assert kept["dust_days"]["excluded_count"] == 1
    assert kept["hourly_exceedances_total"] == 24  # the hourly screening is not affected
    bad = client.get(url, params={"year": 2016, "exclude_dust_days": "2016-13-01"})
    assert bad.status_code == 422
    assert client.get(url, params={"year": 1999}).status_code == 422
    assert client.get("/api/v1/air/stations/NOPE/annual", params={"year": 2016}).status_code == 404


def test_days_around_2026_03_01_record_their_edition(client: TestClient) -> None:
    load(client, {date(2026, 2, 28): (200.0, 80.0), date(2026, 3, 1): (200.0, 80.0)})
    span = {"from": "2026-02-28", "to": "2026-03-01"}
    stats = client.get("/api/v1/air/stations/A/statistics", params=span).json()
    before, on = stats["days"]
    assert (before["standard"], before["note"], before["iaqi_standard"]) == (
        "GB 3095-2012",
        None,
        "HJ 633-2012",
    )
    assert on["standard"] == "GB 3095-2012" and on["iaqi_standard"] == "HJ 633-2012"
    assert "GB 3095-2026" in on["note"] and "未能从原文核实" in on["note"]
    assert before["iaqi"] == on["iaqi"] == 125.0
    assert [e["in_force"][0] for e in stats["editions"]] == ["GB 3095-2012", "GB 3095-2026"]
    ex = client.get("/api/v1/air/exceedances", params=span).json()
    assert [(d["date"], d["limit"], d["note"] is None) for d in ex["daily_exceedances"]] == [
        ("2026-02-28", 150.0, True),
        ("2026-03-01", 150.0, False),
    ]
    assert ex["daily_limit"]["value"] == 150.0 and len(ex["editions"]) == 2
    day = client.get("/api/v1/air/stations", params={"day": "2026-03-01"}).json()
    assert day["edition"]["in_force"][0] == "GB 3095-2026" and not day["edition"]["confirmed"]
    assert day["stations"][0]["pm10_day"]["note"] == day["edition"]["note"]
    # The hourly PM10 IAQI is labelled indicative: HJ 633 defines none for 1-hour PM.
    start = datetime(2026, 2, 28, 16, tzinfo=UTC) - timedelta(hours=1)
    readings = client.get(
        "/api/v1/air/stations/A/readings", params={"from": start.isoformat()}
    ).json()
    assert readings["pm10_iaqi_label"] == {
        "indicative": True,
        "zh": "仅供参考（HJ 633 未规定PM小时IAQI）",
        "en": "indicative only (HJ 633 defines no hourly PM IAQI)",
    }
    first, second = readings["hours"][:2]  # 2026-02-28 23:00 and 2026-03-01 00:00 local
    assert first["pm10_iaqi_indicative"] and first["note"] is None
    assert second["iaqi_standard"] == "HJ 633-2012" and "GB 3095-2026" in second["note"]


def test_a_class_1_station_is_judged_by_grade_i(client: TestClient, db: Backend) -> None:
    # Issue 19: stations in class-1 areas (一类区) take grade I limits (PM10 24-hour 50).
    days = {date(2017, 5, 1): (80.0, 30.0), date(2017, 5, 2): (80.0, 30.0)}
    job = air_import(
        client,
        "csv",
        [("d.csv", days_csv(days))],
        mapping=json.dumps(MAPPING),
        station_area_class="1",
    )
    assert job["status"] == "succeeded", job
    assert client.get("/api/v1/air/stations/A").json()["area_class"] == 1
    span = {"from": "2017-05-01", "to": "2017-05-02"}
    ex = client.get("/api/v1/air/exceedances", params=span).json()
    assert [(d["limit"], d["grade"]) for d in ex["daily_exceedances"]] == [(50.0, "I")] * 2
    assert ex["daily_limit"]["grade"] == "I" and ex["daily_limit"]["value"] == 50.0
    stats = client.get("/api/v1/air/stations/A/statistics", params=span).json()
    assert (stats["area_class"], stats["grade"]) == (1, "I")
    assert stats["summary"][0]["exceedance_days"] == 2
    annual = client.get("/api/v1/air/stations/A/annual", params={"year": 2017}).json()
    assert (annual["area_class"], annual["grade"]) == (1, "I")
    # An explicit grade still applies to every station.
    ex_ii = client.get("/api/v1/air/exceedances", params={**span, "grade": "II"}).json()
    assert ex_ii["daily_exceedances_total"] == 0
    # Back to class 2 through the station update path (admins only).
    prosecutor = bearer(login_as(db, "prosecutor"))
    url = "/api/v1/air/stations/A"
    assert client.patch(url, json={"area_class": 2}, headers=prosecutor).status_code == 403
    assert client.patch(url, json={"area_class": 3}).status_code == 422
    r = client.patch(url, json={"area_class": 2})
    assert r.status_code == 200 and r.json()["area_class"] == 2
    ex = client.get("/api/v1/air/exceedances", params=span).json()
    assert ex["daily_exceedances_total"] == 0 and ex["daily_limit"]["value"] == 150.0


def test_days_before_2016_are_judged_by_gb3095_1996(client: TestClient) -> None:
    # Issue 19: GB 3095-2012 took effect nationwide on 2016-01-01; PM2.5 had no limit before.
    load(
        client,
        {
            date(2015, 12, 31): (200.0, 80.0),
            date(2016, 1, 1): (200.0, 80.0),
            date(2016, 1, 2): (50.4, 10.0),
        },
    )
    span = {"from": "2015-12-31", "to": "2016-01-02"}
    stats = client.get("/api/v1/air/stations/A/statistics", params=span).json()
    before, on, rounded = stats["days"]
    assert (before["standard"], before["iaqi"], before["iaqi_in_force"]) == (
        "GB 3095-1996",
        125.0,
        False,
    )
    assert "GB 3095-1996" in before["note"] and "API" in before["note"]
    assert (on["standard"], on["iaqi_in_force"], on["note"]) == ("GB 3095-2012", True, None)
    assert rounded["iaqi"] == 51.0  # 50.2 rounded up (HJ 633-2012 进位取整数)
    first, second = stats["editions"]
    assert (first["standard"], first["validity_standard"], first["confirmed"]) == (
        "GB 3095-1996",
        "GB 3095-2012",
        False,
    )
    assert second["confirmed"] and second["iaqi_in_force"]
    pm25 = client.get("/api/v1/air/exceedances", params={**span, "pollutant": "pm25"}).json()
    assert [d["date"] for d in pm25["daily_exceedances"]] == ["2016-01-01"]
    assert pm25["daily_limit"]["value"] is None  # none before 2016, 75 from 2016
    pm10 = client.get("/api/v1/air/exceedances", params=span).json()
    assert pm10["daily_limit"]["value"] == 150.0 and pm10["daily_exceedances_total"] == 2
    annual = client.get("/api/v1/air/stations/A/annual", params={"year": 2015}).json()
    assert annual["standard"] == "GB 3095-1996"
    assert annual["pollutants"][0]["limits"]["year"] == {"I": 40.0, "II": 100.0}
    assert annual["pollutants"][1]["limits"] == {}
