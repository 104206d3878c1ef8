"""Accept an uploaded photo: limits, integrity, and metadata-free display copies.

The uploaded bytes are the evidence; nothing here modifies them (the caller stores them as
received and records `sha256`). The display and thumbnail copies are fresh JPEGs without
any metadata, so publishing them cannot leak where a volunteer lives.
"""

from __future__ import annotations

import hashlib
import re
import struct
import warnings
import zlib
from dataclasses import dataclass, replace
from io import BytesIO

import imagehash
import numpy as np
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from geo.photos.exif import ExifInfo, exif_from_image
from geo.photos.formats import (
    ACCEPTED,
    HEIC_SUPPORTED,
    PILLOW_FORMAT,
    PhotoError,
    looks_like,
    sniff_format,
)

# Box-averaging to this size first left every pHash bit of the sample photos (EXIF samples
# and drone frames) as it was from the 1,600 px display copy, in about 4 ms for 4 megapixels.
PHASH_SOURCE_PX = 384
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_BOMB_RE = re.compile(r"\((\d+) pixels\) exceeds limit of (\d+)")
# What Pillow's parsers and decoders raise on truncated or corrupt data (most surface as
# OSError/SyntaxError; struct/zlib errors are listed in case a plugin lets one through).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


@dataclass(frozen=True)
class PhotoLimits:
    """Acceptance limits and output sizes for uploaded photos."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    display_max_px: int = 1600
    thumb_max_px: int = 320
    display_quality: int = 85


@dataclass(frozen=True)
class DecodedPhoto:
    """An accepted photo: facts about the original and its decoded, upright sRGB pixels."""

    format: str
    width: int
    height: int
    exif: ExifInfo
    sha256: str
    pixels: Image.Image


@dataclass(frozen=True)
class CheckedPhoto(DecodedPhoto):
    """A decoded photo with its perceptual hash (what duplicate checks compare)."""

    phash: str


@dataclass(frozen=True)
class ProcessedPhoto(CheckedPhoto):
    """A checked photo together with its display copies."""

    display_jpeg: bytes
    thumb_jpeg: bytes
    display_size: tuple[int, int]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _pixel_error(index: int, pixels: int, limit: int) -> PhotoError:
    return PhotoError(f"photo {index}: {pixels:,} pixels exceeds the limit of {limit:,}")


def _bomb_error(index: int, exc: Exception, limits: PhotoLimits) -> PhotoError:
    """Turn Pillow's decompression-bomb refusal into our message with the pixel count."""
    match = _BOMB_RE.search(str(exc))
    if match is None:
        return PhotoError(f"photo {index}: image too large to decode safely")
    return _pixel_error(index, int(match[1]), min(limits.max_pixels, int(match[2])))


def _open(data: bytes, fmt: str, limits: PhotoLimits, index: int) -> Image.Image:
    """Open lazily (header only) and refuse oversized images before any pixel is decoded."""
    try:
        # Pillow's own bomb check runs inside open(): make its warning an error too. Our limit
        # below is the real guard; it does not depend on the global Image.MAX_IMAGE_PIXELS.
        # (Before Python 3.14 catch_warnings swaps process-wide filters, so concurrent calls
        # can at worst leave this "error" filter installed: harmless, hence kept this narrow.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(BytesIO(data), formats=[PILLOW_FORMAT[fmt]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb_error(index, exc, limits) from exc
    except UnidentifiedImageError as exc:
        raise PhotoError(f"photo {index}: damaged image: {fmt.upper()} header unreadable") from exc
    except _DECODE_ERRORS as exc:
        raise PhotoError(f"photo {index}: damaged image: {_one_line(exc)}") from exc
    width, height = img.size
    if width * height > limits.max_pixels:
        img.close()
        raise _pixel_error(index, width * height, limits.max_pixels)
    return img


def _draft(img: Image.Image, fmt: str, limits: PhotoLimits) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the display copy needs no more."""
    # DCT scaling only shortens the inverse DCT: the whole entropy-coded stream is still
    # parsed, so a truncated file fails in `_decode` exactly as a full-size decode does.
    # The request is the display size rounded down, so the draft is never smaller than it.
    if fmt != "jpeg":
        return
    width, height = img.size
    scale = min(1.0, limits.display_max_px / max(width, height))
    img.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))


def _decode(img: Image.Image, index: int, limits: PhotoLimits) -> None:
    """Decode every pixel so truncated or corrupt files are refused, not half-shown."""
    # Pillow pads a truncated file instead of failing when this process-wide flag is on, and
    # some libraries (WeasyPrint) switch it on when imported: evidence is never padded.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb_error(index, exc, limits) from exc
    except _DECODE_ERRORS as exc:
        raise PhotoError(f"photo {index}: damaged image: {_one_line(exc)}") from exc


def _oriented(img: Image.Image, exif: ExifInfo) -> tuple[Image.Image, ExifInfo]:
    """Apply the EXIF orientation so copies look the way the volunteer saw the scene."""
    try:
        return ImageOps.exif_transpose(img), exif
    except Exception as exc:  # orientation is cosmetic: show it unrotated rather than refuse
        note = f"orientation could not be applied ({type(exc).__name__})"
        return img.copy(), replace(exif, warnings=(*exif.warnings, note))


def _to_8bit_grey(img: Image.Image) -> Image.Image:
    pixels = np.asarray(img, dtype=np.float64)
    if pixels.size and pixels.max() > 255:  # 16-bit samples: 65535 -> 255
        pixels = pixels / 257.0
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), mode="L")


def _to_srgb(img: Image.Image) -> Image.Image:
    """Convert through the embedded ICC profile (phone P3, CMYK) so colours stay true."""
    # Colour is evidence (e.g. discoloured water); dropping a P3 profile would wash it out.
    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc))
            converted = ImageCms.profileToProfile(img, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # broken or mismatched profile: fall back to a plain conversion
        if converted is not None:
            return converted
    # Already RGB: no copy (callers copy before resizing, nothing writes to this image).
    return img if img.mode == "RGB" else img.convert("RGB")


def _to_rgb(img: Image.Image) -> Image.Image:
    """Return an RGB image: alpha composited on white, 16-bit scaled, ICC applied."""
    if img.mode.startswith("I") or img.mode == "F":
        img = _to_8bit_grey(img)
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        img.mode == "P" and "transparency" in img.info
    )
    if has_alpha:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return _to_srgb(img)


def _fit(img: Image.Image, max_px: int) -> Image.Image:
    """Return a copy of `img` shrunk (never enlarged) to fit in max_px × max_px."""
    # Bicubic: for copies shown on screen (never the evidence) it is as good to the eye as
    # Lanczos and a third cheaper, which counts at a few reports a second on two cores.
    scaled = img.copy()
    scaled.thumbnail((max_px, max_px), Image.Resampling.BICUBIC)
    return scaled


def _clean_jpeg(img: Image.Image, quality: int) -> bytes:
    """Return `img` as a JPEG carrying no EXIF/XMP/ICC/comment."""
    # A brand-new image has an empty .info, so nothing (GPS, XMP, ICC) can ride along.
    clean = Image.new("RGB", img.size)
    clean.paste(img)
    out = BytesIO()
    # No optimize pass: it costs four times the encoding for about 1.5 % fewer bytes.
    clean.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def pixel_count(data: bytes) -> int:
    """Return an image's width × height from its header alone (0 when unreadable: the full
    check in process_photo then names the problem)."""
    fmt = sniff_format(data)
    if fmt is None or (fmt == "heic" and not HEIC_SUPPORTED):
        return 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=[PILLOW_FORMAT[fmt]]) as img:
                width, height = img.size
    except (Image.DecompressionBombError, UnidentifiedImageError, *_DECODE_ERRORS):
        return 0
    return int(width) * int(height)


def decode_photo(data: bytes, limits: PhotoLimits, index: int = 1) -> DecodedPhoto:
    """Check, decode and describe one uploaded photo; raise PhotoError if it is refused."""
    if not data:
        raise PhotoError(f"photo {index}: empty file")
    if len(data) > limits.max_bytes:
        raise PhotoError(
            f"photo {index}: {len(data):,} bytes exceeds the limit of {limits.max_bytes:,} bytes"
        )
    fmt = sniff_format(data)
    if fmt is None:
        raise PhotoError(f"photo {index}: not a {ACCEPTED} image (looks like {looks_like(data)})")
    if fmt == "heic" and not HEIC_SUPPORTED:
        raise PhotoError(f"photo {index}: HEIC is not supported here; please send JPEG")
    with _open(data, fmt, limits, index) as img:
        # Stored size; for HEIC, libheif has already applied the container's rotation.
        width, height = img.size
        exif = exif_from_image(img)
        _draft(img, fmt, limits)
        _decode(img, index, limits)
        oriented, exif = _oriented(img, exif)
    try:
        rgb = _to_rgb(oriented)
    except (ValueError, OSError) as exc:
        raise PhotoError(f"photo {index}: unsupported image mode {oriented.mode}") from exc
    return DecodedPhoto(
        format=fmt,
        width=width,
        height=height,
        exif=exif,
        sha256=hashlib.sha256(data).hexdigest(),  # the only hash of these bytes in the intake
        pixels=rgb,
    )


def perceptual_hash(photo: DecodedPhoto) -> str:
    """The pHash, from the pixels box-averaged to at least PHASH_SOURCE_PX on the short side:
    pHash shrinks to 32 × 32 (Lanczos) anyway, and this needs no display copy."""
    img = photo.pixels
    factor = max(1, min(img.size) // PHASH_SOURCE_PX)
    return str(imagehash.phash(img.reduce(factor) if factor > 1 else img))


def display_copy(photo: DecodedPhoto, limits: PhotoLimits) -> tuple[bytes, tuple[int, int]]:
    """Make a photo's display copy (JPEG) and return it with its size: the slow part
    (resizing and JPEG encoding, during which Pillow releases the GIL, so callers may run it
    in a thread)."""
    shown = _fit(photo.pixels, limits.display_max_px)
    return _clean_jpeg(shown, limits.display_quality), shown.size


def thumbnail(photo: DecodedPhoto, limits: PhotoLimits) -> bytes:
    """Make a photo's thumbnail (JPEG), straight from its pixels."""
    return _clean_jpeg(_fit(photo.pixels, limits.thumb_max_px), limits.display_quality)


def process_photo(data: bytes, limits: PhotoLimits, index: int = 1) -> ProcessedPhoto:
    """Check and decode a photo, hash it and make its display copies, in one call."""
    decoded = decode_photo(data, limits, index)
    display_jpeg, display_size = display_copy(decoded, limits)
    return ProcessedPhoto(
        **vars(decoded),
        phash=perceptual_hash(decoded),
        display_jpeg=display_jpeg,
        thumb_jpeg=thumbnail(decoded, limits),
        display_size=display_size,
    )
