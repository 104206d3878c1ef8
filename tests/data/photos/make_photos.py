"""Build the photo fixtures of tests/data/photos (run once; outputs are committed).

    .venv/bin/python tests/data/photos/make_photos.py [--source /work/shared/data/photos_exif]

Copies the real EXIF samples (re-encoding the large ones smaller with their EXIF block kept
byte-for-byte) and generates synthetic photos with known GPS/time EXIF. See README.md.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import zlib
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

HERE = Path(__file__).parent
DEFAULT_SOURCE = Path("/work/shared/data/photos_exif")

# Copied unchanged: (source path relative to the source dir, fixture name).
COPIED = [
    ("exif_samples_gps/DSCN0010.jpg", "DSCN0010.jpg"),
    ("exif_samples_gps/Kodak_CX7530.jpg", "Kodak_CX7530.jpg"),
    ("exif_samples_broken_odd/no_exif.jpg", "no_exif.jpg"),
    ("exif_samples_broken_odd/Canon_40D.jpg", "Canon_40D.jpg"),
    ("exif_samples_broken_odd/portrait_8.jpg", "portrait_8.jpg"),
    ("exif_samples_broken_odd/invalid/image01713.jpg", "invalid_image01713.jpg"),
]
# Too large to commit as is: re-encoded to at most this many pixels wide, EXIF bytes kept.
SHRUNK = [
    ("exif_samples_broken_odd/45-gps_ifd.jpg", "45-gps_ifd.jpg"),
    ("exif_samples_broken_odd/30-type_error.jpg", "30-type_error.jpg"),
    ("exif_samples_broken_odd/35-empty.jpg", "35-empty.jpg"),
]
SHRINK_TO_PX = 480

# (file, lat ref, lat DMS, lon ref, lon DMS): exact decimal values, see the tests.
HEMISPHERES = [
    ("gps_ne.jpg", "N", (40, 46, 12), "E", (114, 52, 48)),  # Zhangjiakou 40.77 N 114.88 E
    ("gps_nw.jpg", "N", (45, 30, 0), "W", (73, 34, 12)),  # Montréal 45.5 N 73.57 W
    ("gps_se.jpg", "S", (33, 52, 12), "E", (151, 12, 36)),  # Sydney 33.87 S 151.21 E
    ("gps_sw.jpg", "S", (34, 36, 0), "W", (58, 22, 48)),  # Buenos Aires 34.6 S 58.38 W
]


def scene(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """Return a synthetic outdoor-ish RGB picture (sky, water, blocks, sensor noise)."""
    rng = np.random.default_rng(seed)
    w, h = size
    y = np.linspace(0.0, 1.0, h)[:, None, None]
    sky = np.array([110, 160, 230]) * (1 - y) + np.array([200, 215, 235]) * y
    img = np.broadcast_to(sky, (h, w, 3)).copy()
    img[int(h * 0.6) :, :] = rng.integers(40, 120, 3)  # a river/field band
    for _ in range(6):
        x0, y0 = rng.integers(0, w - 40), rng.integers(0, h - 40)
        bw, bh = rng.integers(20, 120), rng.integers(20, 80)
        img[y0 : y0 + bh, x0 : x0 + bw] = rng.integers(0, 255, 3)
    img += rng.normal(0, 6, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def rationals(dms: tuple[int, int, int]) -> tuple[IFDRational, ...]:
    return tuple(IFDRational(v, 1) for v in dms)


def gps_exif(lat_ref: str, lat: tuple[int, int, int], lon_ref: str, lon: tuple[int, int, int]):
    """Return an Image.Exif like a phone writes: GPS IFD, capture time with +08:00, make."""
    exif = Image.Exif()
    exif[0x010F] = "EcoLeads Test"  # Make
    exif[0x0110] = "Synthetic Phone 1"  # Model
    exif[0x0112] = 1  # Orientation
    exif[0x0132] = "2024:05:18 10:31:00"  # DateTime (saved, one minute later)
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2024:05:18 10:30:00"  # DateTimeOriginal, local time
    sub[0x9011] = "+08:00"  # OffsetTimeOriginal
    sub[0x9010] = "+08:00"  # OffsetTime
    gps = exif.get_ifd(0x8825)
    gps[0] = b"\x02\x03\x00\x00"  # GPSVersionID
    gps[1], gps[2], gps[3], gps[4] = lat_ref, rationals(lat), lon_ref, rationals(lon)
    gps[5], gps[6] = b"\x00", IFDRational(14511, 20)  # 725.55 m above sea level
    gps[7] = (IFDRational(2, 1), IFDRational(30, 1), IFDRational(150, 100))  # 02:30:01.5 UTC
    gps[29] = "2024:05:18"
    return exif


def jpeg(img: Image.Image, exif: Image.Exif | None = None, quality: int = 85) -> bytes:
    out = BytesIO()
    img.save(out, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """Return a tiny valid PNG whose IHDR then claims width x height (CRC fixed)."""
    out = BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 60)).save(out, "PNG")
    data = bytearray(out.getvalue())
    # Signature (8) + IHDR length (4) + b"IHDR" (4): width and height follow at offset 16.
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def copy_real(source: Path) -> None:
    for rel, name in COPIED:
        shutil.copyfile(source / rel, HERE / name)
    for rel, name in SHRUNK:
        with Image.open(source / rel) as img:
            exif_block = img.info["exif"]  # raw APP1 payload, kept byte-for-byte
            small = img.copy()
        small.thumbnail((SHRINK_TO_PX, SHRINK_TO_PX), Image.Resampling.LANCZOS)
        out = BytesIO()
        small.save(out, "JPEG", quality=80, exif=exif_block)
        (HERE / name).write_bytes(out.getvalue())


def make_synthetic() -> None:
    for seed, (name, lat_ref, lat, lon_ref, lon) in enumerate(HEMISPHERES, start=1):
        (HERE / name).write_bytes(jpeg(scene(seed), gps_exif(lat_ref, lat, lon_ref, lon)))

    # GPSLatitude minutes written as 46/0: a zero denominator.
    exif = gps_exif("N", (40, 46, 12), "E", (114, 52, 48))
    gps = exif.get_ifd(0x8825)
    gps[2] = (IFDRational(40, 1), IFDRational(46, 0), IFDRational(12, 1))
    (HERE / "gps_zero_denominator.jpg").write_bytes(jpeg(scene(5), exif))

    rgba = scene(6, (160, 120)).convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(rgba.size))  # real transparency
    rgba.save(HERE / "plain.png", "PNG")
    scene(7).save(HERE / "plain.webp", "WEBP", quality=80)

    valid = jpeg(scene(8, (640, 480)), gps_exif("N", (40, 46, 12), "E", (114, 52, 48)))
    (HERE / "truncated.jpg").write_bytes(valid[: len(valid) // 2])
    (HERE / "bomb.png").write_bytes(bomb_png(20_000, 20_000))
    (HERE / "fake.jpg").write_text("This is not a photo, just text named .jpg\n", "utf-8")
    make_heic()


def make_heic() -> None:
    try:
        import pillow_heif
    except ImportError:
        print("pillow-heif not installed: no HEIC fixture")
        return
    exif = gps_exif("N", (40, 46, 12), "E", (114, 52, 48))
    out = BytesIO()
    pillow_heif.from_pillow(scene(9)).save(out, quality=60, exif=exif.tobytes())
    (HERE / "gps_ne.heic").write_bytes(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    if args.source.is_dir():
        copy_real(args.source)
    else:
        print(f"{args.source} not found: real samples left as they are")
    make_synthetic()
    for path in sorted(HERE.iterdir()):
        print(f"{path.stat().st_size:>9,}  {path.name}")


if __name__ == "__main__":
    main()
