"""Near-duplicate photos found through the pHash band index, on both backends."""

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from app.main import create_app
from geo.photos import NEAR_DUPLICATE_BITS, PhotoLimits, hamming, process_photo
from geo.photos.duplicates import phash_bands
from models import ReportPhoto
from tests.conftest import (
    Backend,
    bearer,
    clear_activity,
    login_as,
    make_settings,
    remigrate,
)

ORIGINAL = (Path(__file__).parents[1] / "data" / "photos" / "gps_ne.jpg").read_bytes()


def _rotated(degrees: float) -> bytes:
    """The fixture turned a few degrees and re-encoded, EXIF (GPS) kept."""
    with Image.open(BytesIO(ORIGINAL)) as img:
        turned = img.rotate(degrees, Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
        out = BytesIO()
        turned.save(out, "JPEG", quality=70, exif=img.info["exif"])
    return out.getvalue()


@pytest.fixture
def c(demo: Backend, tmp_path: Path) -> Iterator[TestClient]:
    """A volunteer's client on the demo layers and organisations (loaded once per module)."""
    with TestClient(create_app(make_settings(demo, tmp_path))) as client:
        client.headers.update(bearer(login_as(demo, "volunteer")))
        yield client
    clear_activity(demo)


def _submit(c: TestClient, data: bytes) -> dict[str, object]:
    r = c.post(
        "/api/v1/reports",
        files=[("photos", ("p.jpg", data))],
        data={"category": "waste_dumping", "description": "倾倒垃圾"},
    )
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


def test_near_duplicate_sharing_no_band_exactly_is_found(c: TestClient) -> None:
    near = _rotated(4)
    a, b = (process_photo(d, PhotoLimits()).phash for d in (ORIGINAL, near))
    # The case the one-bit probes exist for: within the threshold, yet every band differs.
    assert 0 < hamming(a, b) <= NEAR_DUPLICATE_BITS
    assert all(x != y for x, y in zip(phash_bands(a), phash_bands(b), strict=True))
    first = _submit(c, ORIGINAL)
    again = _submit(c, near)
    assert "duplicate_photo" in again["flags"]  # type: ignore[operator]
    assert again["duplicate_of_report_id"] == first["id"]


def test_exact_match_wins_over_an_earlier_near_one(c: TestClient) -> None:
    near = _rotated(3)
    first = _submit(c, ORIGINAL)
    second = _submit(c, near)
    assert second["duplicate_of_report_id"] == first["id"]
    third = _submit(c, near)  # same bytes as the second: linked to it, not to the first
    assert third["duplicate_of_report_id"] == second["id"]


def test_different_photo_is_not_flagged(c: TestClient) -> None:
    _submit(c, ORIGINAL)
    other = _submit(c, _rotated(90))
    assert "duplicate_photo" not in other["flags"]  # type: ignore[operator]
    assert other["duplicate_of_report_id"] is None


def test_migration_fills_the_bands_of_stored_photos(
    c: TestClient,
    demo: Backend,
) -> None:
    _submit(c, ORIGINAL)
    _submit(c, _rotated(4))
    remigrate(demo, "20261202_audit_seq")
    with demo.sessions() as s:
        rows = s.execute(select(ReportPhoto.phash, *ReportPhoto.band_columns())).all()
    assert len(rows) == 2
    for phash, *bands in rows:
        assert tuple(bands) == phash_bands(phash)
