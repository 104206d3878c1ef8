"""Imagery as evidence through the API, on both backends: ingest to a validated COG and a
STAC Item, tiles equal to rio-tiler's, statistics, change detection into leads, re-checks,
dossier figures, drone photos, and refusals that leave nothing behind."""

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from fastapi.testclient import TestClient
from PIL import Image as PILImage
from rasterio.transform import from_origin
from rio_cogeo.cogeo import cog_validate
from rio_tiler.io import Reader
from shapely.geometry import shape
from sqlalchemy import func, select

from app.dossier.manifest import verify
from app.main import create_app
from app.services.demo.base import _demo_photo, load_demo
from models import ChangePolygon, EvidenceItem, Image
from tests.api.helpers import wait_for_job
from tests.api.test_cli import ecoleads as ecoleads_in
from tests.conftest import Backend, bearer, login_as, make_settings, wipe

pytestmark = pytest.mark.db
DEMO_IMAGERY = Path(__file__).parents[2] / "demo" / "imagery"
DATA = Path(__file__).parents[1] / "data" / "imagery"
BEFORE = DEMO_IMAGERY / "ndvi_2016-08-04_before.tif"
AFTER = DEMO_IMAGERY / "ndvi_2017-08-04_after.tif"
LATER = DEMO_IMAGERY / "ndvi_2017-10-08_recheck.tif"


@pytest.fixture(scope="module")
def env(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Path]]:
    """An admin client on the demo layers, with its data directory."""
    with backend.sessions.begin() as session:
        load_demo(session)
    data_dir = tmp_path_factory.mktemp("imagery")
    with TestClient(create_app(make_settings(backend, data_dir))) as c:
        c.headers.update(bearer(login_as(backend, "admin")))
        yield c, data_dir
    wipe(backend)


def upload(c: TestClient, path: Path, **form: Any) -> Any:
    with path.open("rb") as fh:
        return c.post("/api/v1/imagery", files={"file": (path.name, fh)}, data=form)


def imported(c: TestClient, path: Path, **form: Any) -> int:
    r = upload(c, path, **form)
    assert r.status_code == 202, r.text
    job = wait_for_job(c, r.json()["id"])
    assert job["status"] == "succeeded", job
    return int(job["result"]["image_id"])


@pytest.fixture(scope="module")
def scenes(env: tuple[TestClient, Path]) -> dict[str, int]:
    """The demo's illustrative NDVI scenes, imported once."""
    c, _ = env
    return {
        role: imported(c, path, sensor="sentinel2", illustrative="true")
        for role, path in (("before", BEFORE), ("after", AFTER), ("later", LATER))
    }


def evidence_files(data_dir: Path) -> set[Path]:
    root = data_dir / "evidence"
    return {p for p in root.rglob("*") if p.is_file() and ".locks" not in p.parts}


def test_scene_becomes_a_valid_cog_with_a_stac_item(
    env: tuple[TestClient, Path], scenes: dict[str, int]
) -> None:
    c, _ = env
    r = c.get(f"/api/v1/imagery/{scenes['before']}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    item = r.json()
    props = item["properties"]
    assert item["stac_version"] == "1.0.0" and props["illustrative"] is True
    assert props["proj:epsg"] == 32650 and props["datetime"].startswith("2016-08-04T10:06:13")
    assert props["eo:bands"] == [{"name": "b1", "description": "NDVI (precomputed index)"}]
    sha = hashlib.sha256(BEFORE.read_bytes()).hexdigest()
    assert item["assets"]["original"]["file:checksum"] == "1220" + sha
    original = c.get(f"/api/v1/imagery/{scenes['before']}/original")
    assert original.content == BEFORE.read_bytes()
    cog = c.get(f"/api/v1/imagery/{scenes['before']}/cog").content
    assert item["assets"]["cog"]["file:checksum"] == "1220" + hashlib.sha256(cog).hexdigest()
    with rasterio.MemoryFile(cog) as mem, mem.open() as src:
        assert src.compression.name.lower() == "deflate"
    path = Path(env[1]) / "check.tif"
    path.write_bytes(cog)
    valid, errors, _ = cog_validate(str(path))
    assert valid and not errors
    lon0, lat0, lon1, lat1 = item["bbox"]
    assert 115.55 < lon0 < lon1 < 115.57 and 40.27 < lat0 < lat1 < 40.29
    listed = c.get("/api/v1/imagery", params={"bbox": f"{lon0},{lat0},{lon1},{lat1}"}).json()
    assert {f["id"] for f in listed["features"]} >= {f"ecoleads-image-{i}" for i in scenes.values()}


def test_orthomosaic_footprint_follows_valid_pixels_and_tiles_equal_rio_tiler(
    env: tuple[TestClient, Path], backend: Backend
) -> None:
    c, data_dir = env
    image_id = imported(
        c, DATA / "pix4d_alpha_nodata_crop.tif", sensor="drone", acquired="2019-05-01"
    )
    item = c.get(f"/api/v1/imagery/{image_id}").json()
    with backend.sessions() as s:
        image = s.get_one(Image, image_id)
        area = s.scalar(func.ST_Area(image.footprint))
        bbox_area = s.scalar(func.ST_Area(func.ST_Envelope(image.footprint)))
        cog = data_dir / "evidence" / str(image.cog_key)
    assert area < 0.95 * bbox_area  # traced from the mask, not the bounding box
    tj = c.get(f"/api/v1/imagery/{image_id}/tilejson.json").json()
    z = tj["maxzoom"]
    lon = (item["bbox"][0] + item["bbox"][2]) / 2
    lat = (item["bbox"][1] + item["bbox"][3]) / 2
    with Reader(str(cog)) as src:
        tile = src.tms.tile(lon, lat, z)
        expected = src.tile(tile.x, tile.y, z, indexes=(1, 2, 3)).render(img_format="PNG")
    r = c.get(f"/api/v1/imagery/{image_id}/tiles/WebMercatorQuad/{z}/{tile.x}/{tile.y}.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    ours = np.asarray(PILImage.open(io.BytesIO(r.content)))
    theirs = np.asarray(PILImage.open(io.BytesIO(expected)))
    assert ours.shape == theirs.shape and np.array_equal(ours, theirs)
    far = c.get(f"/api/v1/imagery/{image_id}/tiles/WebMercatorQuad/{z}/0/0.png")
    assert far.status_code == 404 and "outside" in far.json()["detail"]
    bad = c.get(f"/api/v1/imagery/{image_id}/tiles/WebMercatorQuad/3/9/0.png")
    assert bad.status_code == 422


def test_index_tiles_and_statistics_stay_in_range(
    env: tuple[TestClient, Path], scenes: dict[str, int]
) -> None:
    c, _ = env
    image_id = scenes["before"]
    item = c.get(f"/api/v1/imagery/{image_id}").json()
    stats = c.post(
        f"/api/v1/imagery/{image_id}/statistics",
        json={"geometry": item["geometry"], "index": "ndvi"},
    )
    assert stats.status_code == 200, stats.text
    ndvi = stats.json()["bands"]["ndvi"]
    assert ndvi["count"] > 9000 and -1 <= ndvi["min"] <= ndvi["mean"] <= ndvi["max"] <= 1
    tj = c.get(f"/api/v1/imagery/{image_id}/tilejson.json", params={"index": "ndvi"}).json()
    assert tj["tiles"][0].endswith("?index=ndvi")
    wrong = c.post(
        f"/api/v1/imagery/{image_id}/statistics",
        json={"geometry": item["geometry"], "index": "bsi"},
    )
    assert wrong.status_code == 422 and "swir1" in wrong.json()["detail"]


def test_change_detection_makes_leads_with_figures_and_a_recheck(
    env: tuple[TestClient, Path], scenes: dict[str, int], backend: Backend
) -> None:
    c, _ = env
    r = c.post(
        "/api/v1/change-detections",
        json={
            "before": scenes["before"],
            "after": scenes["after"],
            "index": "ndvi",
            "threshold": 0.2,
            "min_area_m2": 500,
        },
    )
    assert r.status_code == 202, r.text
    job = wait_for_job(c, r.json()["id"], timeout_s=120)
    assert job["status"] == "succeeded", job
    detection = c.get(job["result"]["href"]).json()
    polygons = detection["polygons"]
    assert polygons and all(p["mean_change"] <= -0.2 and p["area_ha"] >= 0.05 for p in polygons)
    assert all(p["confidence"] == "low" for p in polygons)
    in_zone = [p for p in polygons if p["category"]]
    assert in_zone and all(p["evidence_id"] and p["lead_id"] for p in in_zone)
    assert {z["kind"] for z in in_zone[0]["zones"]} >= {"water_source_zone"}
    lead_id = in_zone[0]["lead_id"]
    # Another county's prosecutor sees the polygons (shared imagery), not whose lead they are.
    other = bearer(login_as(backend, "prosecutor", org_code="130725"))
    assert c.get(f"/api/v1/leads/{lead_id}", headers=other).status_code == 404
    for seen in (c.get(job["result"]["href"], headers=other).json(),
                 c.get("/api/v1/change-detections", headers=other).json()[0]):  # fmt: skip
        assert len(seen["polygons"]) == len(polygons)
        assert all(p["lead_id"] is None and p["evidence_id"] is None for p in seen["polygons"])
        assert seen["summary"]["leads"] == [] and seen["summary"]["evidence"] == []
    city = bearer(login_as(backend, "prosecutor", org_code="130700"))
    assert lead_id in c.get(job["result"]["href"], headers=city).json()["summary"]["leads"]
    lead = c.get(f"/api/v1/leads/{lead_id}").json()
    assert lead["category"] == "land_disturbance"
    signal = next(e for e in lead["score_breakdown"] if e["name"] == "imagery_change")
    assert signal["applicable"] and signal["value"] > 0
    # The illustrative scenes date from 2017 and the disturbance persists (no re-check yet):
    # the current water-law text (art. 66) applies, saying when it began (issue 19, 4).
    (art,) = [b for b in lead["legal_bases"] if b["code"] == "wppcl-66"]
    assert art["article"].startswith("第六十六条") and art["conduct_start"].startswith("2017-")
    assert "行为始于2017-" in art["timing_note"]
    with backend.sessions() as s:
        kinds = s.scalars(select(EvidenceItem.kind).where(EvidenceItem.lead_id == lead_id)).all()
    assert set(kinds) == {"change_polygon"}

    recheck = c.post(f"/api/v1/leads/{lead_id}/rechecks", json={"after": scenes["later"]})
    assert recheck.status_code == 202, recheck.text
    job = wait_for_job(c, recheck.json()["id"], timeout_s=120)
    assert job["status"] == "succeeded", job
    (record,) = c.get(f"/api/v1/leads/{lead_id}/rechecks").json()
    assert record["restored_fraction"] is not None and 0 <= record["restored_fraction"] <= 1
    detail = c.get(f"/api/v1/leads/{lead_id}").json()
    assert "recheck" in [e["action"] for e in detail["timeline"]]
    signal = next(e for e in detail["score_breakdown"] if e["name"] == "imagery_change")
    assert "restored" in signal["reason"]

    # A later image showing the same loss confirms it: both pairs' polygons become "high";
    # a drone photo taken there since the first image makes them "highest".
    second = c.post(
        "/api/v1/change-detections",
        json={"before": scenes["before"], "after": scenes["later"], "threshold": 0.2},
    )
    job = wait_for_job(c, second.json()["id"], timeout_s=120)
    assert job["status"] == "succeeded", job
    confirmed = c.get(job["result"]["href"]).json()["polygons"]
    assert any(p["confidence"] == "high" for p in confirmed)
    first = {
        p["id"]: p for p in c.get(f"/api/v1/change-detections/{detection['id']}").json()["polygons"]
    }
    assert first[in_zone[0]["id"]]["confidence"] == "high"
    assert any(x["kind"] == "image" for x in first[in_zone[0]["id"]]["confirmations"])
    again = c.post(
        "/api/v1/change-detections",
        json={"before": scenes["before"], "after": scenes["later"], "threshold": 0.2},
    )
    assert (
        again.status_code == 409
        and f"change detection {job['result']['detection_id']}" in (again.json()["detail"])
    )
    centre = shape(in_zone[0]["geometry"]).representative_point()
    taken = datetime.now(UTC) - timedelta(hours=1)
    report = c.post(
        "/api/v1/reports",
        headers={**bearer(login_as(backend, "volunteer")), "Idempotency-Key": "ground"},
        files=[("photos", ("ground.jpg", _demo_photo(centre.x, centre.y, taken, 1)))],
        data={
            "category": "land_disturbance",
            "description": "林地被推平",
            "lon": centre.x,
            "lat": centre.y,
        },
    )
    assert report.status_code == 201, report.text
    third = c.post(
        "/api/v1/change-detections",
        json={"before": scenes["before"], "after": scenes["later"], "threshold": 0.25},
    )
    job = wait_for_job(c, third.json()["id"], timeout_s=120)
    seen = [
        p
        for p in c.get(job["result"]["href"]).json()["polygons"]
        if shape(p["geometry"]).buffer(0.0003).contains(centre)
    ]
    assert seen and seen[0]["confidence"] == "highest"
    assert {x["kind"] for x in seen[0]["confirmations"]} == {"image", "citizen_report"}
    rescored = c.get(f"/api/v1/leads/{lead_id}").json()
    value = next(e for e in rescored["score_breakdown"] if e["name"] == "imagery_change")["value"]
    assert value > signal["value"]

    dossier = c.get(f"/api/v1/leads/{lead_id}/dossier")
    assert dossier.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(dossier.content))
    names = set(z.namelist())
    figures = sorted(n for n in names if n.startswith("figures/"))
    assert any(n.startswith("figures/change_") for n in figures)
    assert any(n.startswith("figures/recheck_") for n in figures)
    assert all(z.read(n).startswith(b"\x89PNG") for n in figures)
    manifest = json.loads(z.read("manifest.json"))
    listed = {f["name"] for f in manifest["files"]}
    assert set(figures) <= listed
    originals = [n for n in names if n.startswith("evidence/")]
    assert any(z.read(n) == BEFORE.read_bytes() for n in originals)
    key = Path(c.app.state.settings.dossier_key_path).with_suffix(".pub.pem")  # type: ignore[attr-defined]
    assert verify(dossier.content, key.read_bytes()).ok
    html = z.read("dossier.html").decode()
    assert "影像证据" in html and "illustrative" in html


def test_same_file_twice_is_refused_by_the_job(
    env: tuple[TestClient, Path], scenes: dict[str, int]
) -> None:
    c, _ = env
    r = upload(c, BEFORE, sensor="sentinel2")
    job = wait_for_job(c, r.json()["id"])
    assert job["status"] == "failed"
    assert f"already imported as image {scenes['before']}" in job["error"]["detail"]


def _no_crs(path: Path) -> Path:
    with rasterio.open(path, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as dst:
        dst.write(np.ones((1, 8, 8), dtype="uint8"))
    return path


def _huge(path: Path) -> Path:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=50_000,
        height=50_000,
        count=1,
        dtype="uint8",
        crs="EPSG:32650",
        transform=from_origin(500000, 4500000, 10, 10),
        tiled=True,
        sparse_ok=True,
    ):
        pass
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: (p / "notes.tif").write_text("not a raster") and p / "notes.tif", "raster"),
        (lambda p: _no_crs(p / "plain.tif"), "coordinate reference system"),
        (lambda p: _huge(p / "huge.tif"), "50,000"),
    ],
    ids=["not-a-raster", "no-crs", "declared-50000"],
)
def test_bad_files_are_refused_and_leave_nothing(
    env: tuple[TestClient, Path], backend: Backend, tmp_path: Path, make: Any, words: str
) -> None:
    c, data_dir = env
    path = make(tmp_path)
    with backend.sessions() as s:
        images = s.scalar(select(func.count()).select_from(Image))
    files = evidence_files(data_dir)
    r = upload(c, path, sensor="sentinel2", acquired="2020-01-01")
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert words in r.json()["detail"]
    with backend.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Image)) == images
    assert evidence_files(data_dir) == files
    assert not any((data_dir / "uploads").iterdir())


def test_zero_overlap_pair_and_other_bad_requests(
    env: tuple[TestClient, Path], scenes: dict[str, int], backend: Backend
) -> None:
    c, _ = env
    slovenia = imported(
        c,
        DATA / "DERIVED_NDVI_2017-08-04.tif",
        sensor="sentinel2",
        bands='{"ndvi": 1}',
        acquired="2017-08-04",
    )
    with backend.sessions() as s:
        before = s.scalar(select(func.count()).select_from(ChangePolygon))
    cases = [
        ({"before": scenes["before"], "after": slovenia}, "do not overlap"),
        ({"before": scenes["after"], "after": scenes["before"]}, "later"),
        ({"before": scenes["before"], "after": scenes["after"], "index": "mndwi"}, "swir1"),
        ({"before": scenes["before"], "after": 2_000_000}, "no image"),
    ]
    for body, words in cases:
        r = c.post("/api/v1/change-detections", json=body)
        assert r.status_code in (404, 422), r.text
        assert words in r.json()["detail"], (body, r.json())
    with backend.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ChangePolygon)) == before
    no_lead = c.post("/api/v1/leads/2000000/rechecks", json={"after": scenes["later"]})
    assert no_lead.status_code == 404


def test_drone_photo_becomes_point_evidence_with_altitude_reference(
    env: tuple[TestClient, Path], backend: Backend
) -> None:
    c, _ = env
    image_id = imported(c, DATA / "IMG_2168_small.jpg", sensor="drone", category="waste_dumping")
    item = c.get(f"/api/v1/imagery/{image_id}").json()
    assert item["geometry"]["type"] == "Point"
    lon, lat = item["geometry"]["coordinates"]
    assert lat == pytest.approx(37.544230, abs=1e-5) and lon == pytest.approx(139.040772, abs=1e-5)
    camera = item["properties"]["ecoleads:camera"]
    assert camera["altitude_m"] == pytest.approx(259.8, abs=0.05) and camera["altitude_ref"]
    with backend.sessions() as s:
        evidence = s.get_one(EvidenceItem, item["properties"]["ecoleads:evidence_id"])
        assert evidence.kind == "drone_photo" and evidence.lead_id is not None
        assert evidence.provenance["camera"]["altitude_m"] == camera["altitude_m"]


def test_volunteers_and_partners_may_not_upload_imagery(
    env: tuple[TestClient, Path], backend: Backend
) -> None:
    c, _ = env
    for role in ("volunteer", "partner"):
        with BEFORE.open("rb") as fh:
            r = c.post(
                "/api/v1/imagery",
                files={"file": (BEFORE.name, fh)},
                data={"sensor": "sentinel2"},
                headers=bearer(login_as(backend, role)),
            )
        assert r.status_code == 403


def test_cli_imports_with_progress_and_refuses_in_one_line(
    env: tuple[TestClient, Path], backend: Backend, tmp_path: Path
) -> None:
    c, data_dir = env
    bad = _no_crs(tmp_path / "plain.tif")
    refused = ecoleads_in(backend, data_dir, "imagery", "import", str(bad), "--sensor", "rgb")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "coordinate reference system" in refused.stderr
    done = ecoleads_in(
        backend,
        data_dir,
        "imagery",
        "import",
        str(DATA / "LC08_003069_20180906_clip.tif"),
        "--sensor",
        "landsat8",
        "--acquired",
        "2018-09-06",
    )
    assert done.returncode == 0, done.stderr
    assert "importing" in done.stderr and "100%" in done.stderr
    item = json.loads(done.stdout)
    assert item["properties"]["proj:epsg"] == 32619
    names = [b.get("common_name") for b in item["properties"]["eo:bands"]]
    assert names == ["blue", "green", "red", "nir", "swir1", "swir2"]
    image_id = int(item["id"].rsplit("-", 1)[1])
    stats = c.post(
        f"/api/v1/imagery/{image_id}/statistics",
        json={"geometry": item["geometry"], "index": "ndvi"},
    ).json()["bands"]["ndvi"]
    assert -1 <= stats["min"] <= stats["mean"] <= stats["max"] <= 1 and stats["mean"] > 0.3


def test_unknown_colormap_is_a_clear_error(
    env: tuple[TestClient, Path], scenes: dict[str, int]
) -> None:
    c, _ = env
    tj = c.get(f"/api/v1/imagery/{scenes['before']}/tilejson.json").json()
    z = tj["maxzoom"]
    r = c.get(
        f"/api/v1/imagery/{scenes['before']}/tiles/WebMercatorQuad/{z}/0/0.png",
        params={"colormap": "then"},
    )
    assert r.status_code == 422 and "colormap" in r.json()["detail"]
