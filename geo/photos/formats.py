"""Photo format sniffing from magic bytes, and the one error type for refused photos."""

from __future__ import annotations

try:
    import pillow_heif
except ImportError:  # optional at runtime: without it HEIC uploads get a clear refusal
    HEIC_SUPPORTED = False
else:
    # Adds the "HEIF" format to Pillow's registry; idempotent and leaves other formats alone.
    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True

PILLOW_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}
ACCEPTED = "JPEG, PNG, WebP or HEIC"
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"mif1", b"msf1", b"hevc"})


class PhotoError(ValueError):
    """A photo that cannot be accepted; the message is one line naming the problem."""


def sniff_format(data: bytes) -> str | None:
    """Return "jpeg", "png", "webp" or "heic" from the magic bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS:
        return "heic"
    return None


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the sample boundary
            return False
        text = head[: exc.start].decode("utf-8")
    return bool(text) and all(ch.isprintable() or ch in "\t\n\r\f" for ch in text)


def looks_like(data: bytes) -> str:
    """Name what unaccepted content obviously is, so the volunteer knows what went wrong."""
    if data.startswith(b"%PDF"):
        return "PDF"
    if data.startswith(b"PK"):
        return "ZIP"
    if data.startswith(b"GIF8"):
        return "GIF"
    if data[4:8] == b"ftyp":
        return "AVIF" if data[8:12] in (b"avif", b"avis") else "MP4/MOV video"
    if _is_text(data[:1024]):
        return "text"
    return "unknown content"
