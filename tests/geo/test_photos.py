"""Tests for geo.photos: sniffing, hostile EXIF, safe copies, location and time decisions."""

from __future__ import annotations

import hashlib
import random
import struct
import time
import warnings
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pyproj import Geod

from geo.crs import CRSError, gcj02_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02
from geo.photos import (
    HEIC_SUPPORTED,
    NEAR_DUPLICATE_BITS,
    ExifInfo,
    LocationDecision,
    PhotoError,
    PhotoLimits,
    ProcessedPhoto,
    decide_location,
    hamming,
    process_photo,
    read_exif,
    sniff_format,
    time_flags,
)

DATA = Path(__file__).parents[1] / "data" / "photos"
LIMITS = PhotoLimits()
CST = timezone(timedelta(hours=8), "CST")
GEOD = Geod(ellps="WGS84")


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _jpeg(img: Image.Image | None = None, exif: bytes | None = None, **kw: object) -> bytes:
    out = BytesIO()
    img = img if img is not None else Image.new("RGB", (64, 48), (90, 140, 60))
    img.save(out, "JPEG", **({"exif": exif} if exif is not None else {}), **kw)  # type: ignore[arg-type]
    return out.getvalue()


# A hand-built little-endian TIFF/EXIF block, so tests can write what Pillow refuses to write
# (text where rationals belong, zero denominators, NULs, broken pointers).
ASCII, SHORT, LONG, RATIONAL, SRATIONAL = 2, 3, 4, 5, 10
Entry = tuple[int, int, int, bytes]


def _ascii(tag: int, text: str | bytes) -> Entry:
    raw = (text.encode() if isinstance(text, str) else text) + b"\x00"
    return (tag, ASCII, len(raw), raw)


def _rationals(tag: int, *pairs: tuple[int, int], signed: bool = False) -> Entry:
    fmt = "<ii" if signed else "<II"
    return (
        tag,
        SRATIONAL if signed else RATIONAL,
        len(pairs),
        b"".join(struct.pack(fmt, *p) for p in pairs),
    )


def _dms(tag: int, d: int, m: int, s: int) -> Entry:
    return _rationals(tag, (d, 1), (m, 1), (s, 1))


def _short(tag: int, value: int) -> Entry:
    return (tag, SHORT, 1, struct.pack("<H", value))


def _ifd(entries: list[Entry], start: int) -> bytes:
    data_at = start + 2 + 12 * len(entries) + 4
    head, data = struct.pack("<H", len(entries)), b""
    for tag, typ, count, payload in sorted(entries):
        if len(payload) <= 4:
            head += struct.pack("<HHI", tag, typ, count) + payload.ljust(4, b"\x00")
        else:
            head += struct.pack("<HHII", tag, typ, count, data_at + len(data))
            data += payload + b"\x00" * (len(payload) % 2)
    return head + b"\x00\x00\x00\x00" + data


def _exif(
    ifd0: Sequence[Entry] = (), gps: list[Entry] | None = None, sub: list[Entry] | None = None
) -> bytes:
    """Return an APP1 EXIF payload (b"Exif\\0\\0" + TIFF) with optional GPS and Exif IFDs."""
    children = [(0x8825, gps), (0x8769, sub)]
    pointers = [(tag, LONG, 1, b"\x00" * 4) for tag, ifd in children if ifd is not None]
    size0 = len(_ifd([*ifd0, *pointers], 8))
    pointers, blocks, at = [], b"", 8 + size0
    for tag, ifd in children:
        if ifd is not None:
            pointers.append((tag, LONG, 1, struct.pack("<I", at)))
            block = _ifd(ifd, at)
            blocks, at = blocks + block, at + len(block)
    return (
        b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + _ifd([*ifd0, *pointers], 8) + blocks
    )


def _gps(lat: tuple[int, int, int] = (40, 46, 12), lon: tuple[int, int, int] = (114, 52, 48)):
    return [_ascii(1, "N"), _dms(2, *lat), _ascii(3, "E"), _dms(4, *lon)]


def _exif_of(payload: bytes) -> ExifInfo:
    return read_exif(_jpeg(exif=payload))


def _png_claiming(width: int, height: int) -> bytes:
    """Return a tiny real PNG whose IHDR claims width x height (CRC fixed)."""
    out = BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    data = bytearray(out.getvalue())
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _raw_gps_rationals(data: bytes) -> dict[int, list[tuple[int, int]] | bytes]:
    """Read GPS IFD rationals/refs straight from the JPEG bytes, independent of Pillow."""
    tiff = data[data.index(b"Exif\x00\x00") + 6 :]
    e = "<" if tiff[:2] == b"II" else ">"

    def entries(offset: int):
        (count,) = struct.unpack_from(e + "H", tiff, offset)
        for i in range(count):
            pos = offset + 2 + 12 * i
            yield struct.unpack_from(e + "HHII", tiff, pos), pos + 8

    (ifd0,) = struct.unpack_from(e + "I", tiff, 4)
    gps_at = next(value for (tag, _, _, value), _ in entries(ifd0) if tag == 0x8825)
    out: dict[int, list[tuple[int, int]] | bytes] = {}
    for (tag, typ, count, value), pos in entries(gps_at):
        if typ == RATIONAL:
            out[tag] = [struct.unpack_from(e + "II", tiff, value + 8 * i) for i in range(count)]
        elif typ == ASCII:
            out[tag] = tiff[pos : pos + count] if count <= 4 else tiff[value : value + count]
    return out


def _decimal(rationals: list[tuple[int, int]]) -> float:
    return sum(n / d / 60**i for i, (n, d) in enumerate(rationals))


# ------------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DSCN0010.jpg", "jpeg"),
        ("gps_ne.jpg", "jpeg"),
        ("truncated.jpg", "jpeg"),
        ("plain.png", "png"),
        ("bomb.png", "png"),
        ("plain.webp", "webp"),
        ("gps_ne.heic", "heic"),
        ("fake.jpg", None),
    ],
)
def test_sniff_fixtures(name: str, expected: str | None) -> None:
    assert sniff_format(_read(name)) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", None),
        (b"\xff\xd8", None),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"\x89PNG\r\n\x1a", None),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "heic"),
        (b"\x00\x00\x00\x18ftypheix\x00\x00\x00\x00", "heic"),
        (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00", None),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00", None),
        (b"%PDF-1.7\n", None),
        (b"GIF89a", None),
    ],
)
def test_sniff_magic_bytes(data: bytes, expected: str | None) -> None:
    assert sniff_format(data) == expected


# ----------------------------------------------------------------------------------- EXIF


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("gps_ne.jpg", 40 + 46 / 60 + 12 / 3600, 114 + 52 / 60 + 48 / 3600),
        ("gps_nw.jpg", 45 + 30 / 60, -(73 + 34 / 60 + 12 / 3600)),
        ("gps_se.jpg", -(33 + 52 / 60 + 12 / 3600), 151 + 12 / 60 + 36 / 3600),
        ("gps_sw.jpg", -(34 + 36 / 60), -(58 + 22 / 60 + 48 / 3600)),
    ],
)
def test_gps_signs_all_hemispheres(name: str, lat: float, lon: float) -> None:
    info = read_exif(_read(name))
    assert info.lat == pytest.approx(lat, abs=1e-6)
    assert info.lon == pytest.approx(lon, abs=1e-6)
    assert info.warnings == ()


def test_ne_fixture_is_zhangjiakou_with_all_fields() -> None:
    info = read_exif(_read("gps_ne.jpg"))
    assert (info.lat, info.lon) == (pytest.approx(40.77, abs=1e-9), pytest.approx(114.88, abs=1e-9))
    assert info.altitude_m == pytest.approx(725.55)
    assert info.gps_time == datetime(2024, 5, 18, 2, 30, 1, 500_000, tzinfo=UTC)
    assert (info.make, info.model, info.orientation) == ("EcoLeads Test", "Synthetic Phone 1", 1)


def test_taken_at_with_offset_is_aware_utc_instant() -> None:
    info = read_exif(_read("gps_ne.jpg"))
    assert info.taken_at_has_offset is True
    assert info.taken_at is not None and info.taken_at.utcoffset() == timedelta(hours=8)
    assert info.taken_at == datetime(2024, 5, 18, 2, 30, tzinfo=UTC)


def test_kodak_southern_hemisphere_with_zero_degrees() -> None:
    info = read_exif(_read("Kodak_CX7530.jpg"))
    # Raw GPS: S (0, 22.278, 0), E (36, 3.385, 0): degrees 0, everything in the minutes.
    assert info.lat == pytest.approx(-0.3713, abs=1e-6)
    assert info.lon == pytest.approx(36.056417, abs=1e-6)
    assert info.make == "EASTMAN KODAK COMPANY"
    assert info.warnings == ()


def test_dscn0010_matches_a_manual_reading_of_the_rationals() -> None:
    data = _read("DSCN0010.jpg")
    raw = _raw_gps_rationals(data)
    assert raw[1] == b"N\x00" and raw[3] == b"E\x00"
    info = read_exif(data)
    assert info.lat == pytest.approx(_decimal(raw[2]), abs=1e-12)  # type: ignore[arg-type]
    assert info.lon == pytest.approx(_decimal(raw[4]), abs=1e-12)  # type: ignore[arg-type]
    assert info.lat == pytest.approx(43.467448, abs=1e-6)
    assert info.lon == pytest.approx(11.885127, abs=1e-6)
    assert info.taken_at == datetime(2008, 10, 22, 16, 28, 39)  # naive: no OffsetTime tags
    assert info.taken_at_has_offset is False
    assert info.gps_time == datetime(2008, 10, 23, 14, 27, 7, 240_000, tzinfo=UTC)


@pytest.mark.parametrize("name", ["plain.png", "plain.webp"])
def test_no_exif_gives_all_none(name: str) -> None:
    assert read_exif(_read(name)) == ExifInfo()


def test_jpeg_without_exif_gives_all_none() -> None:
    assert read_exif(_jpeg()) == ExifInfo()


def test_no_exif_sample_has_no_position_or_camera() -> None:
    # Named "no_exif" upstream (exifread finds no tags), but Photoshop left an IFD0 with
    # DateTime and Orientation; Pillow reads those, and there is no GPS or camera.
    info = read_exif(_read("no_exif.jpg"))
    assert (info.lat, info.lon, info.make, info.model, info.gps_time) == (None,) * 5
    assert info.taken_at == datetime(2014, 9, 22, 10, 56, 35)
    assert info.warnings == ()


def test_gps_ifd_without_coordinates() -> None:
    info = read_exif(_read("Canon_40D.jpg"))
    assert (info.lat, info.lon) == (None, None)
    assert (info.make, info.model) == ("Canon", "Canon EOS 40D")
    assert info.taken_at == datetime(2008, 5, 30, 15, 56, 1)


def test_exif_pointer_of_wrong_type_is_a_warning() -> None:
    info = read_exif(_read("30-type_error.jpg"))
    assert any("Exif IFD pointer" in w for w in info.warnings)
    assert info.taken_at == datetime(2013, 7, 7, 17, 20, 59)  # falls back to IFD0 DateTime


def test_zero_denominator_drops_position_keeps_the_rest() -> None:
    info = read_exif(_read("gps_zero_denominator.jpg"))
    assert (info.lat, info.lon) == (None, None)
    assert info.warnings == ("GPSLatitude: zero denominator; GPS position ignored",)
    assert info.taken_at == datetime(2024, 5, 18, 2, 30, tzinfo=UTC)
    assert info.altitude_m == pytest.approx(725.55)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "name",
    [
        "45-gps_ifd.jpg",
        "30-type_error.jpg",
        "35-empty.jpg",
        "invalid_image01713.jpg",
        "Canon_40D.jpg",
        "truncated.jpg",
        "bomb.png",
        "fake.jpg",
    ],
)
def test_broken_and_odd_samples_never_raise(name: str) -> None:
    info = read_exif(_read(name))
    assert isinstance(info, ExifInfo)
    assert (info.lat, info.lon) == (None, None) or name == "truncated.jpg"
    if name in ("bomb.png", "fake.jpg"):
        assert info.warnings


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", ["Kodak_CX7530.jpg", "gps_ne.jpg", "DSCN0010.jpg"])
def test_read_exif_survives_truncation_and_bit_flips(name: str) -> None:
    data = _read(name)
    end = data.index(b"\xff\xdb")  # the EXIF/APP segments end where the quant tables start
    rng = random.Random(1)
    mutants = [data[:cut] for cut in range(0, end + 16, 11)]
    for _ in range(300):
        buf = bytearray(data[: end + 64])
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(4, end)] = rng.randrange(256)
        mutants.append(bytes(buf))
    for mutant in mutants:
        assert isinstance(read_exif(mutant), ExifInfo)


@pytest.mark.parametrize(
    ("gps", "warning"),
    [
        (_gps(lat=(95, 0, 0)), "GPSLatitude: 95 is beyond 90 degrees; GPS position ignored"),
        (_gps(lon=(190, 0, 0)), "GPSLongitude: 190 is beyond 180 degrees; GPS position ignored"),
        (
            [_ascii(1, "N"), _ascii(2, "40.77"), _ascii(3, "E"), _dms(4, 114, 52, 48)],
            "GPSLatitude: expected (degrees, minutes, seconds)",
        ),
        (
            [_ascii(1, "N"), _dms(2, 40, 46, 12), _ascii(3, "X"), _dms(4, 114, 52, 48)],
            "GPSLongitudeRef: 'X' is not E or W",
        ),
        (
            [_ascii(1, "N"), _rationals(2, (40, 1), (46, 0), (12, 1)), _ascii(3, "E")],
            "GPS has only one of latitude/longitude",
        ),
        (
            [
                _ascii(1, "S"),
                _rationals(2, (-40, 1), (0, 1), (0, 1), signed=True),
                _ascii(3, "E"),
                _dms(4, 114, 0, 0),
            ],
            "GPSLatitude: invalid degrees/minutes/seconds",
        ),
        (_gps(lat=(40, 75, 0)), "GPSLatitude: invalid degrees/minutes/seconds"),
        (_gps(lat=(0, 0, 0), lon=(0, 0, 0)), "null island"),
    ],
)
def test_malformed_gps_is_ignored_with_a_warning(gps: list[Entry], warning: str) -> None:
    info = _exif_of(_exif([_ascii(0x010F, "Acme")], gps=gps))
    assert (info.lat, info.lon) == (None, None)
    assert len(info.warnings) == 1 and warning in info.warnings[0]
    assert info.make == "Acme"  # the rest is still read


def test_missing_refs_assume_north_east_with_warnings() -> None:
    info = _exif_of(_exif(gps=[_dms(2, 40, 46, 12), _dms(4, 114, 52, 48)]))
    assert (info.lat, info.lon) == (pytest.approx(40.77), pytest.approx(114.88))
    assert info.warnings == (
        "GPSLatitudeRef missing; assumed N",
        "GPSLongitudeRef missing; assumed E",
    )


def test_lowercase_and_nul_padded_refs_and_decimal_degrees() -> None:
    gps = [_ascii(1, b"s\x00"), _rationals(2, (3387, 100)), _ascii(3, "w"), _dms(4, 58, 0, 0)]
    info = _exif_of(_exif(gps=gps))
    assert (info.lat, info.lon) == (pytest.approx(-33.87), pytest.approx(-58.0))
    assert info.warnings == ()


def test_strings_with_nul_and_control_characters() -> None:
    ifd0 = [_ascii(0x010F, b"Canon\x00evil"), _ascii(0x0110, b"EOS\x07 5D\x00\x00\x00")]
    info = _exif_of(_exif(ifd0))
    assert (info.make, info.model) == ("Canon", "EOS 5D")
    assert info.warnings == ("Make: text after an embedded NUL ignored",)


def test_bad_orientation_datetime_and_offset_become_warnings() -> None:
    ifd0 = [_short(0x0112, 9), _ascii(0x0132, "2024:05:18 11:00:00")]
    sub = [_ascii(0x9003, "0000:00:00 00:00:00"), _ascii(0x9010, "+8")]
    info = _exif_of(_exif(ifd0, sub=sub))
    assert info.orientation is None
    assert info.taken_at == datetime(2024, 5, 18, 11, 0)  # DateTime fallback, naive
    assert info.taken_at_has_offset is False
    assert "Orientation: 9 is not 1-8; orientation ignored" in info.warnings
    assert any(
        w.startswith("DateTimeOriginal: '0000:00:00 00:00:00' is a placeholder")
        for w in info.warnings
    )
    assert any(w.startswith("OffsetTime: '+8' is not a UTC offset") for w in info.warnings)


def test_invalid_calendar_date_and_gps_time() -> None:
    sub = [_ascii(0x9003, "2024:02:30 10:00:00")]
    gps = [*_gps(), _rationals(7, (25, 1), (0, 1), (0, 1)), _ascii(29, "2024:05:18")]
    info = _exif_of(_exif(sub=sub, gps=gps))
    assert info.taken_at is None and info.gps_time is None
    assert info.lat == pytest.approx(40.77)
    assert len(info.warnings) == 2


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_hostile_structure_never_raises() -> None:
    good = _exif([_ascii(0x010F, "Acme")], gps=_gps())
    loop = bytearray(good)
    # Point the GPS IFD at IFD0 itself (a cycle) and, separately, far past the end.
    gps_entry = loop.index(struct.pack("<HHI", 0x8825, LONG, 1))
    struct.pack_into("<I", loop, gps_entry + 8, 8)
    past = bytearray(good)
    struct.pack_into("<I", past, gps_entry + 8, 0xFFFFFF00)
    huge_count = bytearray(good)
    struct.pack_into(
        "<I", huge_count, huge_count.index(struct.pack("<HH", 0x010F, ASCII)) + 4, 2**31
    )
    for payload in (bytes(loop), bytes(past), bytes(huge_count), good[:30], b"Exif\x00\x00garbage"):
        start = time.perf_counter()
        info = _exif_of(payload)
        assert isinstance(info, ExifInfo)
        assert time.perf_counter() - start < 1.0


def test_read_exif_of_heic() -> None:
    assert HEIC_SUPPORTED
    info = read_exif(_read("gps_ne.heic"))
    assert (info.lat, info.lon) == (pytest.approx(40.77, abs=1e-9), pytest.approx(114.88, abs=1e-9))
    assert info.taken_at == datetime(2024, 5, 18, 2, 30, tzinfo=UTC)


# ---------------------------------------------------------------------------- processing


def _reopen(jpeg: bytes) -> Image.Image:
    img = Image.open(BytesIO(jpeg))
    img.load()
    return img


@pytest.mark.parametrize(
    "name",
    ["DSCN0010.jpg", "gps_ne.jpg", "gps_ne.heic", "no_exif.jpg", "portrait_8.jpg", "plain.png"],
)
def test_copies_carry_no_metadata(name: str) -> None:
    photo = process_photo(_read(name), LIMITS)
    for copy, limit in ((photo.display_jpeg, 1600), (photo.thumb_jpeg, 320)):
        img = _reopen(copy)
        assert img.format == "JPEG" and img.mode == "RGB"
        assert max(img.size) <= limit
        exif = img.getexif()
        assert len(exif) == 0 and exif.get_ifd(0x8825) == {}
        assert not {"exif", "xmp", "icc_profile", "photoshop", "comment"} & set(img.info)
        assert b"Exif\x00\x00" not in copy and b"adobe:ns:meta" not in copy


def test_display_and_thumb_sizes() -> None:
    big = _jpeg(Image.new("RGB", (3000, 2000), (10, 90, 160)))
    photo = process_photo(big, LIMITS)
    assert (photo.width, photo.height) == (3000, 2000)
    assert photo.display_size == (1600, 1067) == _reopen(photo.display_jpeg).size
    assert _reopen(photo.thumb_jpeg).size == (320, 213)
    small = process_photo(big, PhotoLimits(display_max_px=500, thumb_max_px=50))
    assert small.display_size == (500, 333) and _reopen(small.thumb_jpeg).size == (50, 33)


def test_orientation_8_display_copy_is_rotated() -> None:
    data = _read("portrait_8.jpg")
    photo = process_photo(data, LIMITS)
    assert photo.exif.orientation == 8
    assert (photo.width, photo.height) == (600, 450)  # as stored
    assert photo.display_size == (450, 600) == _reopen(photo.display_jpeg).size
    # Orientation 8 means "rotate 90° counter-clockwise to view": check the direction too.
    shown = np.asarray(_reopen(photo.display_jpeg), dtype=float)
    with Image.open(BytesIO(data)) as stored:
        right = np.asarray(stored.transpose(Image.Transpose.ROTATE_90), dtype=float)
        wrong = np.asarray(stored.transpose(Image.Transpose.ROTATE_270), dtype=float)
    # Loose: the display copy is also colour-converted from the embedded "Generic RGB" ICC.
    assert np.abs(shown - right).mean() * 3 < np.abs(shown - wrong).mean()


def test_fields_of_processed_photo() -> None:
    data = _read("DSCN0010.jpg")
    before = bytes(data)
    photo = process_photo(data, LIMITS)
    assert isinstance(photo, ProcessedPhoto)
    assert photo.format == "jpeg" and (photo.width, photo.height) == (640, 480)
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert data == before
    assert len(photo.phash) == 16 and int(photo.phash, 16) >= 0
    assert photo.exif == read_exif(data)


@pytest.mark.parametrize(("name", "fmt"), [("plain.webp", "webp"), ("gps_ne.heic", "heic")])
def test_webp_and_heic_are_processed(name: str, fmt: str) -> None:
    photo = process_photo(_read(name), LIMITS)
    assert photo.format == fmt and photo.display_size == (320, 240)


def test_transparent_png_is_composited_on_white() -> None:
    photo = process_photo(_read("plain.png"), LIMITS)
    top = np.asarray(_reopen(photo.display_jpeg))[0]  # alpha is 0 on the top row
    assert top.min() >= 245


def _palette_image() -> Image.Image:
    img = Image.new("P", (40, 30), 0)
    img.putpalette([0, 0, 0] * 256)  # index 0 black, saved as fully transparent
    return img


@pytest.mark.parametrize(
    "img",
    [
        Image.new("I;16", (40, 30), 40000),
        Image.new("LA", (40, 30), (100, 0)),
        _palette_image(),
        Image.new("1", (40, 30), 1),
        Image.new("L", (40, 30), 77),
    ],
    ids=lambda img: img.mode,
)
def test_unusual_png_modes(img: Image.Image) -> None:
    out = BytesIO()
    img.save(out, "PNG", **({"transparency": 0} if img.mode == "P" else {}))
    shown = _reopen(process_photo(out.getvalue(), LIMITS).display_jpeg)
    assert shown.mode == "RGB" and shown.size == (40, 30)
    if img.mode == "I;16":  # 40000/65535 of full scale
        assert abs(int(np.asarray(shown).mean()) - round(40000 / 257)) <= 2
    if img.mode in ("LA", "P"):  # fully transparent -> white
        assert np.asarray(shown).min() >= 250


def test_cmyk_jpeg() -> None:
    photo = process_photo(_jpeg(Image.new("CMYK", (40, 30), (0, 255, 255, 0))), LIMITS)
    r, g, b = np.asarray(_reopen(photo.display_jpeg)).reshape(-1, 3).mean(axis=0)
    assert r > 200 and g < 60 and b < 60  # pure red


def test_phash_near_duplicates_and_different_photos() -> None:
    data = _read("DSCN0010.jpg")
    with Image.open(BytesIO(data)) as img:
        half = img.resize((img.width // 2, img.height // 2), Image.Resampling.LANCZOS)
    reencoded = _jpeg(half, quality=60)
    original = process_photo(data, LIMITS).phash
    assert hamming(original, process_photo(reencoded, LIMITS).phash) <= NEAR_DUPLICATE_BITS
    for other in ("Kodak_CX7530.jpg", "no_exif.jpg", "portrait_8.jpg", "gps_ne.jpg"):
        assert hamming(original, process_photo(_read(other), LIMITS).phash) > NEAR_DUPLICATE_BITS


def test_hamming() -> None:
    assert hamming("ff00", "ff00") == 0
    assert hamming("ffffffffffffffff", "0000000000000000") == 64
    assert hamming("8000000000000001", "0000000000000000") == 2
    with pytest.raises(ValueError, match="length"):
        hamming("ff", "fff")


# ------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (_read("fake.jpg"), "text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "GIF"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "MP4/MOV video"),
        (bytes(range(256)), "unknown content"),
    ],
)
def test_refuses_what_is_not_an_image(data: bytes, what: str) -> None:
    with pytest.raises(PhotoError) as err:
        process_photo(data, LIMITS, index=2)
    assert str(err.value) == f"photo 2: not a JPEG, PNG, WebP or HEIC image (looks like {what})"


def test_refuses_empty_and_oversized_files() -> None:
    with pytest.raises(PhotoError, match=r"^photo 1: empty file$"):
        process_photo(b"", LIMITS)
    data = _read("DSCN0010.jpg")
    with pytest.raises(PhotoError) as err:
        process_photo(data, PhotoLimits(max_bytes=1000), index=3)
    assert str(err.value) == "photo 3: 161,713 bytes exceeds the limit of 1,000 bytes"
    assert process_photo(data, PhotoLimits(max_bytes=len(data))).sha256


def test_refuses_pixel_bomb_before_decoding() -> None:
    before = list(warnings.filters)
    start = time.perf_counter()
    with pytest.raises(PhotoError) as err:
        process_photo(_read("bomb.png"), LIMITS)
    assert time.perf_counter() - start < 0.5
    assert str(err.value) == "photo 1: 400,000,000 pixels exceeds the limit of 40,000,000"
    assert warnings.filters == before  # no filter left behind


@pytest.mark.parametrize("pillow_limit", [Image.MAX_IMAGE_PIXELS, None, 10**12])
def test_pixel_limit_does_not_depend_on_pillow_global(
    pillow_limit: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", pillow_limit)
    # 7000 x 7000 is below Pillow's default bomb limit; the header is a lie over 8x8 pixels,
    # so a "pixels" refusal (not "damaged") proves nothing was decoded.
    with pytest.raises(
        PhotoError, match=r"^photo 1: 49,000,000 pixels exceeds the limit of 40,000,000$"
    ):
        process_photo(_png_claiming(7000, 7000), LIMITS)
    with pytest.raises(PhotoError, match=r"307,200 pixels exceeds the limit of 300,000$"):
        process_photo(_read("DSCN0010.jpg"), PhotoLimits(max_pixels=300_000))


@pytest.mark.parametrize(
    "data",
    [
        _read("truncated.jpg"),
        _read("plain.png")[: len(_read("plain.png")) // 2],
        _read("plain.webp")[:-500],
        _read("gps_ne.heic")[:-2000],
        b"\xff\xd8\xff\xe0" + bytes(200),
        b"\x89PNG\r\n\x1a\n" + bytes(50),
        _png_claiming(16, 16),  # IHDR says 16x16, data holds 8x8
    ],
    ids=["jpeg", "png", "webp", "heic", "jpeg-junk", "png-junk", "png-short-data"],
)
def test_refuses_damaged_images(data: bytes) -> None:
    with pytest.raises(PhotoError, match=r"^photo 4: damaged image: \S"):
        process_photo(data, LIMITS, index=4)


# ------------------------------------------------------------------------------- location

ZJK = (114.88, 40.77)  # WGS-84 lon, lat


def _moved(point: tuple[float, float], metres: float, azimuth: float = 45.0) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(point[0], point[1], azimuth, metres)
    return lon, lat


def test_exif_gps_wins_over_device() -> None:
    decision = decide_location([ZJK, _moved(ZJK, 100)], _moved(ZJK, 200), "wgs84", 10.0, False, 500)
    assert (decision.lon, decision.lat, decision.source) == (*ZJK, "exif_gps")
    assert decision.disagreement_m == pytest.approx(200, abs=1e-6)
    assert decision.flags == ()


def test_device_location_when_no_exif() -> None:
    decision = decide_location([], ZJK, "wgs84", 15.0, False, 500)
    assert decision == LocationDecision(*ZJK, "device", ZJK, None, ())


def test_manual_pin() -> None:
    decision = decide_location([], ZJK, "wgs84", None, True, 500)
    assert (decision.lon, decision.lat, decision.source) == (*ZJK, "manual_pin")


def test_nothing_known() -> None:
    assert decide_location([], None, "wgs84", None, False, 500) == LocationDecision(
        None, None, None, None, None, ()
    )


def test_gcj02_and_bd09_device_locations_are_converted() -> None:
    gcj = wgs84_to_gcj02(*ZJK)
    decision = decide_location([], gcj, "gcj02", 5.0, False, 500)
    assert (decision.lon, decision.lat) == gcj02_to_wgs84(*gcj)
    assert decision.device_wgs84 == gcj02_to_wgs84(*gcj)
    assert decision.lon == pytest.approx(ZJK[0], abs=1e-7)
    assert decision.lat == pytest.approx(ZJK[1], abs=1e-7)
    # Unconverted, the GCJ-02 point would be ~500 m off; converted it agrees with EXIF.
    assert GEOD.inv(*ZJK, *gcj)[2] > 300
    with_exif = decide_location([ZJK], gcj, "GCJ02", 5.0, False, 50)
    assert with_exif.disagreement_m is not None and with_exif.disagreement_m < 0.1
    bd = decide_location([], wgs84_to_bd09(*ZJK), "bd09", None, True, 500)
    assert (bd.lon, bd.lat) == (pytest.approx(ZJK[0], abs=1e-7), pytest.approx(ZJK[1], abs=1e-7))


@pytest.mark.parametrize(
    ("metres", "flagged"), [(499.0, False), (499.99, False), (500.01, True), (501.0, True)]
)
def test_exif_device_disagreement_threshold(metres: float, flagged: bool) -> None:
    decision = decide_location([ZJK], _moved(ZJK, metres), "wgs84", None, False, 500)
    assert decision.disagreement_m == pytest.approx(metres, abs=1e-6)
    assert ("exif_device_disagree" in decision.flags) is flagged
    assert decision.source == "exif_gps"


def test_manual_pin_far_from_photo_gps_is_flagged() -> None:
    decision = decide_location([ZJK], _moved(ZJK, 2000), "wgs84", None, True, 500)
    assert decision.source == "exif_gps" and decision.flags == ("exif_device_disagree",)


@pytest.mark.parametrize(("metres", "flagged"), [(400.0, False), (600.0, True)])
def test_exif_points_spread(metres: float, flagged: bool) -> None:
    points = [ZJK, _moved(ZJK, metres / 2, 90), _moved(ZJK, metres, 90)]
    decision = decide_location(points, None, "wgs84", None, False, 500)
    assert decision.flags == (("exif_points_spread",) if flagged else ())
    assert (decision.lon, decision.lat) == ZJK and decision.disagreement_m is None


def test_device_accuracy_and_invalid_device() -> None:
    low = decide_location([], ZJK, "wgs84", 2000.0, False, 500)
    assert low.source == "device" and low.flags == ("device_accuracy_low",)
    for bad in ((114.0, 95.0), (float("nan"), 40.0), (200.0, 40.0)):
        decision = decide_location([], bad, "gcj02", None, False, 500)
        assert decision.source is None and decision.flags == ("device_location_invalid",)
    with_exif = decide_location([ZJK], (float("inf"), 0.0), "wgs84", None, False, 500)
    assert with_exif.source == "exif_gps" and with_exif.device_wgs84 is None


def test_location_input_errors() -> None:
    with pytest.raises(ValueError, match="not a WGS-84"):
        decide_location([(40.77, 114.88)], None, "wgs84", None, False, 500)  # lat/lon swapped
    with pytest.raises(CRSError):
        decide_location([], ZJK, "mars2000", None, False, 500)


# ----------------------------------------------------------------------------------- time

SUBMITTED = datetime(2024, 5, 18, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
DAY = timedelta(days=1)


def test_naive_capture_time_assumes_the_zone() -> None:
    taken, flags = time_flags(datetime(2024, 5, 18, 10, 30), False, SUBMITTED, DAY, CST)
    assert taken == datetime(2024, 5, 18, 2, 30, tzinfo=UTC) and taken.tzinfo is UTC
    assert flags == ("capture_time_zone_assumed",)


def test_aware_capture_time_is_kept() -> None:
    aware = datetime(2024, 5, 18, 10, 30, tzinfo=timezone(timedelta(hours=8)))
    taken, flags = time_flags(aware, True, SUBMITTED, DAY, timezone(timedelta(hours=-5)))
    assert taken == datetime(2024, 5, 18, 2, 30, tzinfo=UTC)
    assert flags == ()
    assert time_flags(aware, False, SUBMITTED, DAY, CST)[1] == ("capture_time_zone_assumed",)


def test_exif_to_time_flags_end_to_end() -> None:
    info = read_exif(_read("gps_ne.jpg"))
    taken, flags = time_flags(info.taken_at, info.taken_at_has_offset, SUBMITTED, DAY, CST)
    assert taken == datetime(2024, 5, 18, 2, 30, tzinfo=UTC) and flags == ()


@pytest.mark.parametrize(
    ("offset", "flags"),
    [
        (-DAY, ()),
        (-DAY - timedelta(seconds=1), ("capture_time_far",)),
        (timedelta(minutes=10), ()),
        (timedelta(minutes=10, seconds=1), ("capture_time_in_future",)),
        (DAY + timedelta(seconds=1), ("capture_time_far", "capture_time_in_future")),
    ],
)
def test_far_and_future_boundaries(offset: timedelta, flags: tuple[str, ...]) -> None:
    taken = SUBMITTED + offset
    assert time_flags(taken, True, SUBMITTED, DAY, CST) == (taken, flags)


def test_missing_capture_time_and_naive_submission() -> None:
    assert time_flags(None, False, SUBMITTED, DAY, CST) == (None, ("capture_time_missing",))
    with pytest.raises(ValueError, match="aware"):
        time_flags(None, False, datetime(2024, 5, 18), DAY, CST)
