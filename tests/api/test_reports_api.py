"""Volunteers' report intake on both backends: formats, EXIF, location, evidence, access."""

import hashlib
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from app.main import create_app
from app.services.files.evidence_store import LocalEvidenceStore
from geo.crs import gcj02_to_wgs84, wgs84_to_gcj02
from models import Report, ReportPhoto
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

PHOTOS = Path(__file__).parents[1] / "data" / "photos"
ZJK = (114.88, 40.77)  # Zhangjiakou city, WGS-84 (the generated NE photo's EXIF position)


@pytest.fixture
def env(demo: Backend, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """A client with a volunteer's token; people and reports are removed afterwards."""
    overrides = getattr(request, "param", {})
    with TestClient(create_app(make_settings(demo, tmp_path, **overrides))) as c:
        c.headers.update(bearer(login_as(demo, "volunteer")))
        yield c
    clear_activity(demo)


def submit(c: TestClient, *names: str, key: str | None = None, **form: object) -> object:
    files = [("photos", (n, (PHOTOS / n).read_bytes())) for n in names]
    headers = {"Idempotency-Key": key} if key else {}
    data = {"category": "waste_dumping", "description": "倾倒垃圾", **form}
    return c.post("/api/v1/reports", files=files, data=data, headers=headers)


def evidence_files(c: TestClient) -> list[str]:
    """Stored evidence (the store's lock files are not evidence)."""
    root = c.app.state.settings.evidence_dir  # type: ignore[attr-defined]
    return LocalEvidenceStore(root).files() if root.exists() else []


def count(db: Backend, model: type) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_exif_located_report_round_trip(env: TestClient) -> None:
    r = submit(env, "gps_ne.jpg", key="k1")
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    rep = r.json()  # type: ignore[attr-defined]
    assert rep["location"]["source"] == "exif_gps"
    assert (rep["location"]["lon"], rep["location"]["lat"]) == pytest.approx(ZJK, abs=1e-6)
    assert rep["status"] == "received" and rep["status_text"]["zh"].startswith("已收到")
    assert rep["organisation"]["code"].startswith("1307")
    assert rep["geocode"]["admin"][1]["name"] == "张家口市"
    original = (PHOTOS / "gps_ne.jpg").read_bytes()
    assert rep["photos"][0]["sha256"] == hashlib.sha256(original).hexdigest()
    assert env.get(f"/api/v1/reports/{rep['id']}").json()["id"] == rep["id"]
    assert [x["id"] for x in env.get("/api/v1/reports").json()] == [rep["id"]]
    display = env.get(rep["photos"][0]["url"])
    thumb = env.get(rep["photos"][0]["thumb_url"])
    for copy in (display, thumb):
        img = Image.open(BytesIO(copy.content))
        assert img.format == "JPEG" and "exif" not in img.info
        assert len(img.getexif()) == 0 and len(img.getexif().get_ifd(0x8825)) == 0
    assert max(Image.open(BytesIO(thumb.content)).size) <= 320
    assert env.get(rep["photos"][0]["url"], params={"original": True}).status_code == 403


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("gps_ne.jpg", "jpeg"), ("plain.png", "png"), ("plain.webp", "webp"), ("gps_ne.heic", "heic")],
)
def test_each_format(env: TestClient, name: str, fmt: str) -> None:
    r = submit(env, name, lon=ZJK[0], lat=ZJK[1])
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    assert r.json()["photos"][0]["format"] == fmt  # type: ignore[attr-defined]


# Montréal, Sydney, Buenos Aires: the generated photos' EXIF positions (make_photos.py).
@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("gps_nw.jpg", "(-73.570000, 45.500000)"),
        ("gps_se.jpg", "(151.210000, -33.870000)"),
        ("gps_sw.jpg", "(-58.380000, -34.600000)"),
    ],
)
def test_other_hemispheres_are_read_and_refused_as_outside(
    env: TestClient, demo: Backend, name: str, where: str
) -> None:
    r = submit(env, name)
    assert r.status_code == 422  # type: ignore[attr-defined]
    detail = r.json()["detail"]  # type: ignore[attr-defined]
    assert f"outside the service area: the location {where}" in detail
    assert count(demo, Report) == 0 and evidence_files(env) == []


def test_gcj02_device_location_without_exif(env: TestClient) -> None:
    gx, gy = wgs84_to_gcj02(*ZJK)
    r = submit(env, "no_exif.jpg", lon=gx, lat=gy, crs="gcj02", accuracy_m=15)
    rep = r.json()  # type: ignore[attr-defined]
    assert r.status_code == 201 and rep["location"]["source"] == "device"  # type: ignore[attr-defined]
    assert (rep["location"]["lon"], rep["location"]["lat"]) == pytest.approx(
        gcj02_to_wgs84(gx, gy), abs=1e-9
    )
    assert rep["location"]["device"]["crs"] == "gcj02" and rep["location"]["accuracy_m"] == 15


@pytest.mark.parametrize(
    "name",
    [
        "45-gps_ifd.jpg",
        "30-type_error.jpg",
        "35-empty.jpg",
        "Canon_40D.jpg",
        "gps_zero_denominator.jpg",
    ],
)
def test_broken_exif_does_not_break_intake(env: TestClient, name: str) -> None:
    r = submit(env, name, lon=ZJK[0], lat=ZJK[1])
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    assert r.json()["location"]["source"] == "device"  # type: ignore[attr-defined]


def test_exif_and_device_disagreement_is_flagged(env: TestClient) -> None:
    r = submit(env, "gps_ne.jpg", lon=ZJK[0] + 0.05, lat=ZJK[1])  # ~4 km east
    rep = r.json()  # type: ignore[attr-defined]
    assert rep["location"]["source"] == "exif_gps" and "exif_device_disagree" in rep["flags"]
    assert rep["location"]["device"]["disagreement_m"] > 4000


@pytest.mark.parametrize(
    ("name", "status", "needle"),
    [
        ("fake.jpg", 422, "not a JPEG, PNG, WebP or HEIC image"),
        ("bomb.png", 422, "400,000,000 pixels"),
        ("truncated.jpg", 422, "damaged"),
    ],
)
def test_refused_photos(
    env: TestClient, demo: Backend, name: str, status: int, needle: str
) -> None:
    r = submit(env, name, lon=ZJK[0], lat=ZJK[1])
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert needle in r.json()["detail"]  # type: ignore[attr-defined]
    assert count(demo, Report) == 0 and evidence_files(env) == []


def test_truncated_photo_refused_even_after_weasyprint_is_loaded(
    env: TestClient, demo: Backend
) -> None:
    from app.dossier.pdf import _weasyprint

    _weasyprint()  # importing WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on
    r = submit(env, "truncated.jpg", lon=ZJK[0], lat=ZJK[1])
    assert r.status_code == 422 and "damaged" in r.json()["detail"]  # type: ignore[attr-defined]
    assert count(demo, Report) == 0


@pytest.mark.parametrize("env", [{"photo_max_bytes": 10_000}], indirect=True)
def test_oversized_photo(env: TestClient, demo: Backend) -> None:
    r = submit(env, "DSCN0010.jpg", lon=ZJK[0], lat=ZJK[1])
    assert r.status_code == 413 and "10,000 bytes" in r.json()["detail"]  # type: ignore[attr-defined]
    assert count(demo, Report) == 0


def test_failure_mid_intake_leaves_no_rows_or_files(env: TestClient, demo: Backend) -> None:
    r = submit(env, "gps_ne.jpg", "plain.png", "bomb.png", lon=ZJK[0], lat=ZJK[1])
    assert r.status_code == 422 and "photo 3" in r.json()["detail"]  # type: ignore[attr-defined]
    assert count(demo, Report) == 0 and count(demo, ReportPhoto) == 0
    assert evidence_files(env) == []


def test_no_location_and_outside_area(env: TestClient) -> None:
    none = submit(env, "plain.png")
    assert none.status_code == 422 and "no location" in none.json()["detail"]  # type: ignore[attr-defined]
    far = submit(env, "plain.png", lon=121.47, lat=31.23)  # Shanghai
    assert far.status_code == 422  # type: ignore[attr-defined]
    assert "outside the service area" in far.json()["detail"]  # type: ignore[attr-defined]


def test_duplicate_photo_is_linked_and_flagged(env: TestClient) -> None:
    first = submit(env, "gps_ne.jpg", key="a").json()  # type: ignore[attr-defined]
    again = submit(env, "gps_ne.jpg", key="b").json()  # type: ignore[attr-defined]
    assert again["id"] != first["id"] and "duplicate_photo" in again["flags"]
    assert again["duplicate_of_report_id"] == first["id"]
    assert "duplicate_photo" not in first["flags"]


def test_idempotency_key(env: TestClient, demo: Backend) -> None:
    one = submit(env, "gps_ne.jpg", key="retry-1")
    two = submit(env, "gps_ne.jpg", key="retry-1")
    assert one.status_code == 201 and two.status_code == 200  # type: ignore[attr-defined]
    assert two.headers["idempotent-replayed"] == "true"  # type: ignore[attr-defined]
    assert one.json()["id"] == two.json()["id"] and count(demo, Report) == 1  # type: ignore[attr-defined]
    other = submit(env, "plain.png", key="retry-1", lon=ZJK[0], lat=ZJK[1])
    assert other.status_code == 409 and count(demo, Report) == 1  # type: ignore[attr-defined]


def test_volunteers_see_only_their_own_prosecutors_their_jurisdiction(
    env: TestClient, demo: Backend
) -> None:
    mine = submit(env, "gps_ne.jpg").json()  # type: ignore[attr-defined]
    other = bearer(login_as(demo, "volunteer"))
    assert env.get(f"/api/v1/reports/{mine['id']}", headers=other).status_code == 404
    assert env.get("/api/v1/reports", headers=other).json() == []
    city = bearer(login_as(demo, "prosecutor", org_code="130700"))
    assert [x["id"] for x in env.get("/api/v1/reports", headers=city).json()] == [mine["id"]]
    original = env.get(
        f"/api/v1/reports/{mine['id']}/photos/1", headers=city, params={"original": True}
    )
    assert original.content == (PHOTOS / "gps_ne.jpg").read_bytes()
    assert original.headers["x-evidence-sha256"] == mine["photos"][0]["sha256"]
    elsewhere = bearer(login_as(demo, "prosecutor", org_code="130725"))  # 尚义县: not there
    assert env.get(f"/api/v1/reports/{mine['id']}", headers=elsewhere).status_code == 404
    # A partner sees a report only through a referral granting its originals: none here.
    partner = bearer(login_as(demo, "partner", org_code="110000"))
    assert env.get("/api/v1/reports", headers=partner).json() == []
    assert env.get(f"/api/v1/reports/{mine['id']}", headers=partner).status_code == 404


@pytest.mark.parametrize("env", [{"reports_per_minute_per_token": 2}], indirect=True)
def test_rate_limit_per_token(env: TestClient) -> None:
    for key in ("1", "2"):
        assert submit(env, "gps_ne.jpg", key=key).status_code == 201  # type: ignore[attr-defined]
    r = submit(env, "gps_ne.jpg", key="3")
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60  # type: ignore[attr-defined]


@pytest.mark.parametrize("env", [{"reports_per_day_per_volunteer": 1}], indirect=True)
def test_daily_cap_per_volunteer(env: TestClient) -> None:
    assert submit(env, "gps_ne.jpg", key="1").status_code == 201  # type: ignore[attr-defined]
    r = submit(env, "plain.png", key="2", lon=ZJK[0], lat=ZJK[1])
    assert r.status_code == 429 and "a day" in r.json()["detail"]  # type: ignore[attr-defined]
    assert int(r.headers["retry-after"]) > 3600  # type: ignore[attr-defined]
