"""Tests for geo.photos.decode's reduced-scale (draft) JPEG decoding: integrity and output."""

from functools import cache
from io import BytesIO
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageOps

from geo.photos import PhotoError, PhotoLimits, hamming, process_photo

DATA = Path(__file__).parents[1] / "data" / "photos"


@cache
def _big_jpeg(progressive: bool) -> bytes:
    """A 4000 x 3000 JPEG (drafted at 1/2 for a 1600 px copy, at 1/8 for 400 px)."""
    with Image.open(DATA / "DSCN0010.jpg") as small:
        big = small.convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    out = BytesIO()
    big.save(out, "JPEG", quality=85, progressive=progressive)
    return out.getvalue()


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
@pytest.mark.parametrize("display_px", [1600, 400])
@pytest.mark.parametrize("keep", [0.3, 0.999])
def test_draft_decode_still_refuses_truncated_jpeg(
    progressive: bool, display_px: int, keep: float
) -> None:
    # DCT-scaled decoding still parses the whole entropy-coded stream: a cut file fails.
    data = _big_jpeg(progressive)
    with pytest.raises(PhotoError, match=r"^photo 1: damaged image: image file is truncated"):
        process_photo(data[: int(len(data) * keep)], PhotoLimits(display_max_px=display_px))


def test_drafted_jpeg_keeps_stored_size_copies_and_phash() -> None:
    data = _big_jpeg(progressive=False)
    photo = process_photo(data, PhotoLimits())
    assert (photo.width, photo.height) == (4000, 3000)  # the original's size, not the draft's
    assert photo.display_size == (1600, 1200)
    with Image.open(BytesIO(photo.thumb_jpeg)) as thumb:
        assert thumb.size == (320, 240)
    with Image.open(BytesIO(data)) as full:
        full.load()  # every pixel, no draft: what the hash used to be computed from
        before = str(imagehash.phash(ImageOps.exif_transpose(full).convert("RGB")))
    assert hamming(photo.phash, before) <= 1
    with Image.open(BytesIO(photo.display_jpeg)) as shown:
        drafted = np.asarray(shown, dtype=float)
    with Image.open(BytesIO(data)) as full:
        full.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
        reference = np.asarray(full, dtype=float)
    assert np.abs(drafted - reference).mean() < 3  # same picture, to JPEG noise
