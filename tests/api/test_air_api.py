"""The air model through the API and CLI, on both backends."""

import io
import json
import time
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import rasterio
from fastapi.testclient import TestClient
from PIL import Image
from pyproj import Geod
from sqlalchemy import func, select

from app.schemas.air_maps import HotspotCollection, SurfaceCells
from app.services.demo.base import load_demo
from models import AirReading, AirStation
from tests.api.helpers import wait_for_job
from tests.api.test_cli import ecoleads
from tests.conftest import Backend, bearer, login_as

AIR = Path(__file__).parents[1] / "data" / "air"
GEOD = Geod(ellps="WGS84")
MAPPING = {
    "station": "code",
    "station_name": "name",
    "lon": "lon",
    "lat": "lat",
    "time": "time",
    "time_format": "%Y-%m-%d %H:%M",
    "columns": {"pm10": "pm10", "wind_dir": "wd", "wind_speed": "ws"},
}


def mapped_csv(rows: list[tuple[str, float, float, datetime, float, float, float]]) -> bytes:
    """Readings as CSV in Beijing time for MAPPING: (code, lon, lat, utc, pm10, wd, ws)."""
    out = io.StringIO()
    out.write("code,name,lon,lat,time,pm10,wd,ws\n")
    for code, lon, lat, at, pm10, wd, ws in rows:
        local = at + timedelta(hours=8)
        out.write(f"{code},站{code},{lon},{lat},{local:%Y-%m-%d %H:%M},{pm10},{wd},{ws}\n")
    return out.getvalue().encode()


def air_import(
    c: TestClient, fmt: str, files: list[tuple[str, bytes]], **form: str
) -> dict[str, Any]:
    """Import through the job API and return the finished job."""
    r = c.post(
        "/api/v1/air/imports",
        files=[("files", (name, data)) for name, data in files],
        data={"format": fmt, **form},
    )
    assert r.status_code == 202, r.text
    return wait_for_job(c, r.json()["id"])


def test_prsa_import_reports_faults_and_keeps_them_out_of_statistics(
    db: Backend, tmp_path: Path, client: TestClient
) -> None:
    files = [str(AIR / "PRSA_Data_Dongsi_20130301-20130302.csv")]
    files.append(str(AIR / "PRSA_Data_Tiantan_faults.csv"))
    r = ecoleads(db, tmp_path, "air", "import", *files, "--format", "prsa")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["rows_read"] == 97 and report["rows_stored"] == 96
    assert report["duplicates_in_files"]["count"] == 1
    assert report["duplicates_in_files"]["examples"][0]["line"] == 7
    (oor,) = report["out_of_range"]
    assert oor["column"] == "pm10" and oor["count"] == 1 and oor["examples"][0]["value"] == -5.0
    assert report["missing"]["pm10"] == 1 and "humidity" not in report["missing"]
    assert sorted(report["stations"]["new"]) == ["1003A", "1004A"]
    # The fault is kept as read, flagged, and left out of the day's mean.
    hours = client.get(
        "/api/v1/air/stations/1004A/readings",
        params={"from": "2013-03-01T02:00:00Z", "to": "2013-03-01T04:00:00Z"},
    ).json()["hours"]
    assert hours[0]["values"]["pm10"] == -5.0 and hours[0]["out_of_range"] == ["pm10"]
    assert hours[1]["values"]["pm10"] is None and "pm10" in hours[1]["missing"]
    day = client.get(
        "/api/v1/air/stations/1004A/statistics",
        params={"from": "2013-03-01", "to": "2013-03-01", "period": "day"},
    ).json()["days"][0]
    assert day["hours"] == 22 and day["valid"] is True  # 24 - 1 missing - 1 out of range
    # Re-importing a file stores nothing and says why.
    again = ecoleads(db, tmp_path, "air", "import", files[0], "--format", "prsa")
    assert json.loads(again.stdout)["duplicates_in_database"]["count"] == 48
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AirReading)) == 96


def test_cli_refuses_a_bad_file_with_one_line_and_stores_nothing(
    db: Backend, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("year,month\n2013,3\n", encoding="utf-8")
    good = str(AIR / "PRSA_Data_Dongsi_20130301-20130302.csv")
    r = ecoleads(db, tmp_path, "air", "import", good, str(bad), "--format", "prsa")
    last = r.stderr.strip().splitlines()[-1]  # after the progress bar: one line of error
    assert r.returncode == 2 and last.startswith("error: bad.csv: missing columns day, hour")
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AirStation)) == 0


def test_cnemc_release_through_the_job_api(client: TestClient, db: Backend) -> None:
    job = air_import(
        client, "cnemc", [("2013030101.csv", (AIR / "cnemc_2013030101.csv").read_bytes())]
    )
    assert job["status"] == "succeeded", job
    assert job["result"]["rows_stored"] == 12
    stations = client.get("/api/v1/air/stations", params={"format": "geojson"}).json()
    assert len(stations["features"]) == 12
    dongsi = client.get("/api/v1/air/stations/1003A").json()
    assert dongsi["name"] == "东四" and dongsi["lon"] == 116.4174
    hour = client.get(
        "/api/v1/air/stations/1003A/readings", params={"from": "2013-02-28T16:00:00Z"}
    ).json()["hours"]
    assert hour[0]["values"]["o3"] == 89.0  # read from the swapped o3_24h column
    # A broken file fails the job with a problem and leaves nothing behind.
    broken = air_import(client, "cnemc", [("x.csv", b"\x00\x01binary")])
    assert broken["status"] == "failed" and "binary" in broken["error"]["detail"]
    assert len(client.get("/api/v1/air/imports").json()) == 1


def test_mapped_csv_and_refusals(client: TestClient) -> None:
    data = (AIR / "mapped_dongsi.csv").read_bytes()
    mapping = (AIR / "mapped_dongsi.mapping.json").read_text()
    job = air_import(client, "csv", [("m.csv", data)], mapping=mapping)
    assert job["status"] == "succeeded" and job["result"]["rows_stored"] == 24
    r = client.post(
        "/api/v1/air/imports", files=[("files", ("m.csv", data))], data={"format": "csv"}
    )
    assert r.status_code == 422 and "mapping" in r.json()["detail"]
    r = client.post(
        "/api/v1/air/imports",
        files=[("files", ("m.csv", data))],
        data={"format": "csv", "mapping": '{"station": "s"}'},
    )
    assert r.status_code == 422 and "'time' is required" in r.json()["detail"]


def test_validity_exceedances_and_coverage(client: TestClient) -> None:
    day1 = datetime(2024, 1, 9, 16, tzinfo=UTC)  # 2024-01-10 00:00 Beijing time
    rows = [("A", 116.0, 40.0, day1 + timedelta(hours=h), 200.0, 0.0, 2.0) for h in range(20)]
    rows += [
        ("A", 116.0, 40.0, day1 + timedelta(days=1, hours=h), 300.0, 0.0, 2.0) for h in range(19)
    ]
    rows += [
        ("A", 116.0, 40.0, day1 + timedelta(days=2, hours=h), 150.0, 0.0, 2.0) for h in range(24)
    ]
    job = air_import(client, "csv", [("v.csv", mapped_csv(rows))], mapping=json.dumps(MAPPING))
    assert job["status"] == "succeeded", job
    days = client.get(
        "/api/v1/air/stations/A/statistics",
        params={"from": "2024-01-10", "to": "2024-01-12", "period": "day"},
    ).json()["days"]
    assert [(d["date"], d["hours"], d["valid"]) for d in days] == [
        ("2024-01-10", 20, True),
        ("2024-01-11", 19, False),
        ("2024-01-12", 24, True),
    ]
    assert days[0]["iaqi"] == 125.0  # 200 between 150 -> 100 and 250 -> 150
    ex = client.get("/api/v1/air/exceedances", params={"from": "2024-01-10", "to": "2024-01-12"})
    body = ex.json()
    # 200 on a valid day counts; 300 on a 19-hour day does not; exactly 150 is no exceedance.
    assert [(d["date"], d["mean"], d["coverage"]) for d in body["daily_exceedances"]] == [
        ("2024-01-10", 200.0, round(20 / 24, 2))
    ]
    assert body["hourly_exceedances_total"] == 39  # hours above 150 (screening)
    assert body["hourly_exceedances"][25]["day_hours"] == 19
    assert body["by_station"][0]["valid_days"] == 2
    strict = client.get(
        "/api/v1/air/exceedances",
        params={"from": "2024-01-10", "to": "2024-01-12", "daily_limit": 100},
    ).json()
    assert [d["date"] for d in strict["daily_exceedances"]] == ["2024-01-10", "2024-01-12"]
    assert strict["daily_limit"] == {"grade": None, "value": 100.0, "source": "given"}


def test_surface_job_geotiff_and_cells(client: TestClient) -> None:
    job = air_import(client, "cnemc", [("c.csv", (AIR / "cnemc_2013030101.csv").read_bytes())])
    assert job["status"] == "succeeded"
    r = client.post(
        "/api/v1/air/surfaces",
        json={
            "bbox": [116.1, 39.8, 116.7, 40.4],
            "cell_m": 2000,
            "hour": "2013-02-28T16:00:00Z",
            "method": "idw",
        },
    )
    assert r.status_code == 202, r.text
    done = wait_for_job(client, r.json()["id"])
    assert done["status"] == "succeeded", done
    surface = client.get(f"/api/v1/air/surfaces/{done['result']['surface_id']}").json()
    assert surface["method"] == "idw" and surface["stats"]["cross_validation"]["n"] == 12
    assert {"rmse", "mae", "bias"} <= set(surface["stats"]["cross_validation"])
    tif = client.get(surface["geotiff"])
    with rasterio.MemoryFile(tif.content) as mem, mem.open() as src:
        assert src.crs.to_epsg() == 4326 and src.tags()["method"] == "idw"
        values = src.read(1)
    assert values.shape == (surface["height"], surface["width"])
    seen = [st["value"] for st in surface["stats"]["stations"]]
    # IDW is a weighted mean: never below the lowest or above the highest station.
    assert min(seen) - 1e-3 <= float(values.min()) <= float(values.max()) <= max(seen) + 1e-3
    cells = client.get(surface["cells"]).json()
    assert len(cells["features"]) == surface["width"] * surface["height"]
    # answered as built, not re-validated: the documented schema must still describe it
    assert SurfaceCells.model_validate(cells).model_dump(mode="json") == cells
    bad = client.post("/api/v1/air/surfaces", json={"bbox": [116, 39, 117, 40], "cell_m": 1000})
    assert bad.status_code == 422 and "exactly one of" in bad.json()["detail"]


def test_hotspot_in_a_no_burn_area_becomes_a_lead(client: TestClient, tmp_path: Path) -> None:
    zone = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "测试禁烧区", "code": "NB-T"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[114.7, 40.7], [114.9, 40.7], [114.9, 40.8], [114.7, 40.8], [114.7, 40.7]]
                    ],
                },
            }
        ],
    }
    r = client.post(
        "/api/v1/layers",
        files={"file": ("nb.geojson", json.dumps(zone).encode())},
        data={"name": "no-burn", "kind": "no_burn_area"},
    )
    assert r.status_code == 201, r.text
    firms = (Path(__file__).parents[1] / "data" / "firms").glob("modis_c61_7d_*.csv")
    data = next(firms).read_bytes()
    job = air_import(client, "firms", [("firms.csv", data)])
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["evidence_items"] >= 1 and result["rules"]["no_burn_area"] >= 1
    lead = client.get(f"/api/v1/leads/{result['leads'][0]}").json()
    assert lead["category"] == "straw_burning"
    (item,) = [e for e in lead["evidence"] if e["kind"] == "fire_hotspot"][:1]
    assert item["provenance"]["rule"] == "no_burn_area" and item["provenance"]["frp_mw"] > 0
    assert any(z["kind"] == "no_burn_area" for z in lead["geocode"]["zones"])
    spots = client.get("/api/v1/air/hotspots", params={"bbox": "114.7,40.7,114.9,40.8"}).json()
    assert all(f["properties"]["evidence_id"] for f in spots["features"])
    assert spots["features"] and HotspotCollection.model_validate(spots).model_dump() == spots
    again = air_import(client, "firms", [("firms.csv", data)])
    assert again["result"]["duplicates_in_database"] == result["rows_stored"]
    assert again["result"]["evidence_items"] == 0


CST = timezone(timedelta(hours=8))


def photo_taken(at: datetime) -> bytes:
    """A JPEG whose EXIF says it was taken at `at` (local China time with its offset)."""
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = at.astimezone(CST).strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    sub[0x9011] = "+08:00"  # OffsetTimeOriginal
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 110, 90)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_attribution_of_a_straw_burning_lead(client: TestClient, db: Backend) -> None:
    """A fire 10 km north of station A; A smoky under a north wind, B and C clean."""
    with db.sessions.begin() as s:
        load_demo(s)  # the service area: volunteers may report only inside it
    a = (115.60, 40.40)
    fire = GEOD.fwd(a[0], a[1], 0.0, 10_000.0)[:2]
    t0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=30)
    rows = []
    for h in range(24):
        at = t0 + timedelta(hours=h)
        smoky = 6 <= h < 10
        rows.append(("A", *a, at, 260.0 if smoky else 60.0, 0.0, 3.0))
        rows.append(("B", 115.75, 40.30, at, 60.0, 0.0, 3.0))
        rows.append(("C", 115.45, 40.30, at, 70.0, 0.0, 3.0))
    job = air_import(client, "csv", [("r.csv", mapped_csv(rows))], mapping=json.dumps(MAPPING))
    assert job["status"] == "succeeded", job
    volunteer = bearer(login_as(db, "volunteer"))
    # The fire is dated by the photo's capture time (a measured time), not a typed one.
    r = client.post(
        "/api/v1/reports",
        headers={**volunteer, "Idempotency-Key": "fire-1"},
        files=[("photos", ("p.jpg", photo_taken(t0 + timedelta(hours=6))))],
        data={
            "category": "straw_burning",
            "description": "焚烧秸秆",
            "lat": fire[1],
            "lon": fire[0],
        },
    )
    assert r.status_code == 201, r.text
    (lead,) = client.get("/api/v1/leads").json()
    att = client.get(f"/api/v1/air/leads/{lead['id']}/attribution").json()
    assert att["applicable"] and att["stations"] == ["A", "B", "C"]
    assert {h["station"] for h in att["hours"]} == {"A"}
    # Excess 260 - median(60, 70) = 195 at A in the 4 smoky hours inside the window.
    assert len(att["hours"]) == 4 and att["mean_excess"] == 195.0
    assert att["value"] == round(4 / 6, 4)
    detail = client.get(f"/api/v1/leads/{lead['id']}").json()
    air = next(e for e in detail["score_breakdown"] if e["name"] == "air_quality")
    assert air["applicable"] and air["points"] > 0 and len(air["details"]) == 4
    dossier = client.get(f"/api/v1/leads/{lead['id']}/dossier")
    html = zipfile.ZipFile(io.BytesIO(dossier.content)).read("dossier.html").decode()
    assert "上风向证据小时" in html and html.count("<td>A</td>") == 4


def test_who_may_read_and_write(client: TestClient, db: Backend) -> None:
    partner = bearer(login_as(db, "partner", org_code="110000"))
    prosecutor = bearer(login_as(db, "prosecutor"))
    volunteer = bearer(login_as(db, "volunteer"))
    assert client.get("/api/v1/air/stations", headers=partner).status_code == 200
    assert client.get("/api/v1/air/stations", headers=volunteer).status_code == 403
    r = client.post(
        "/api/v1/air/imports",
        headers=prosecutor,
        files=[("files", ("x.csv", b"a"))],
        data={"format": "cnemc"},
    )
    assert r.status_code == 403


def test_a_hotspot_file_with_no_usable_row_is_refused(client: TestClient) -> None:
    head = "latitude,longitude,brightness,acq_date,acq_time,satellite,confidence,frp\n"
    data = (head + "95.0,114.8,320.0,2022-05-30,0523,A,75,8.2\n").encode()
    job = air_import(client, "firms", [("bad.csv", data)])
    assert job["status"] == "failed" and "no usable detections" in job["error"]["detail"]
    assert client.get("/api/v1/air/imports").json() == []
    assert client.get("/api/v1/air/hotspots").json()["features"] == []


def test_progress_after_the_job_began_writing_never_stalls_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every progress report is written (interval 0), also after the import has begun writing:
    on SQLite the job's own transaction then holds the write lock, and a progress update that
    waited for it would deadlock the job until the busy timeout failed it."""
    import app.jobs.execute as execute

    monkeypatch.setattr(execute, "PROGRESS_INTERVAL_S", 0.0)
    data = (AIR / "mapped_dongsi.csv").read_bytes()
    mapping = (AIR / "mapped_dongsi.mapping.json").read_text()
    started = time.monotonic()
    job = air_import(client, "csv", [("m.csv", data)], mapping=mapping)
    assert job["status"] == "succeeded", job
    assert time.monotonic() - started < 20  # the busy timeout is 30 s
