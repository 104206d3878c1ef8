"""The CJK font shared by the map (Pillow) and the PDF (WeasyPrint/Pango).

Debian's `fonts-noto-cjk` ships Noto Sans CJK as OpenType collections (.ttc); face index 2
of each collection is the Simplified Chinese face "Noto Sans CJK SC".
"""

from functools import cache
from pathlib import Path

from PIL import ImageFont

FONT_PACKAGE = "fonts-noto-cjk"
FONT_FAMILY = "Noto Sans CJK SC"
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
REGULAR = FONT_DIR / "NotoSansCJK-Regular.ttc"
BOLD = FONT_DIR / "NotoSansCJK-Bold.ttc"


class MissingFontError(RuntimeError):
    """The CJK font file is not installed."""


def font_path(bold: bool = False) -> Path:
    """Return the Noto Sans CJK collection, or fail naming the Debian package to install."""
    path = BOLD if bold else REGULAR
    if not path.is_file():
        raise MissingFontError(
            f"CJK font {path} not found: install the Debian package {FONT_PACKAGE} "
            f"(apt-get install {FONT_PACKAGE})"
        )
    return path


@cache
def _face_index(path: Path) -> int:
    """Index of the Simplified Chinese face in the collection (2 in Debian 12's files)."""
    for index in range(10):
        try:
            face = ImageFont.truetype(str(path), 12, index=index)
        except OSError:
            break
        if face.getname()[0] == FONT_FAMILY:
            return index
    raise MissingFontError(f"{path} has no face named {FONT_FAMILY!r} ({FONT_PACKAGE})")


@cache
def pil_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A Pillow font of `size` pixels in Noto Sans CJK SC."""
    path = font_path(bold)
    return ImageFont.truetype(str(path), size, index=_face_index(path))
