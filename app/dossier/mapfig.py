"""The dossier map: features drawn locally with Pillow (no tiles, nothing fetched).

Projection: a local equirectangular one (see `mapgeom.Frame`), fitted to all features with a
margin, north up. The scale bar uses metres per pixel measured geodesically at the map's
centre. Everything is drawn at twice the size and scaled down, which smooths edges. Text uses
the same Noto Sans CJK SC font as the PDF (`app.dossier.fonts`).
"""

import io
import itertools
import math
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from app.dossier.fonts import pil_font
from app.dossier.mapgeom import XY, Box, Frame, label_spot, overlaps, parts
from app.dossier.model import MapFeature

SS = 2  # supersampling factor
MARGIN = 0.08
PAPER = (248, 247, 242)
INK = (30, 41, 59)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Style:
    """How a map layer is drawn."""

    colour: tuple[int, int, int]
    alpha: int  # fill opacity 0-255; 0 means outline only
    label: str
    z: int  # drawing order, lowest first
    dashed: bool = False


STYLES = {
    "admin": Style((90, 90, 90), 0, "行政边界 Boundary", 0, dashed=True),
    "redline": Style((124, 58, 237), 70, "生态保护红线 Red line", 1),
    "wetland": Style((13, 148, 136), 80, "湿地 Wetland", 2),
    "zone_quasi": Style((234, 179, 8), 90, "准保护区 Quasi zone", 3),
    "zone_II": Style((249, 115, 22), 90, "二级保护区 Zone II", 4),
    "zone_I": Style((220, 38, 38), 90, "一级保护区 Zone I", 5),
    "water": Style((37, 99, 235), 150, "水体 Water", 6),
    "lead": Style((190, 18, 60), 255, "线索位置 Lead", 7),
    "evidence": Style(INK, 255, "证据点 Evidence", 8),
}
LEGEND_ORDER = (
    "zone_I",
    "zone_II",
    "zone_quasi",
    "wetland",
    "redline",
    "water",
    "admin",
    "lead",
    "evidence",
)


def _dashed(draw: ImageDraw.ImageDraw, pts: list[XY], colour: Any, width: int) -> None:
    on, off = 12 * SS, 7 * SS
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        length = math.hypot(x1 - x0, y1 - y0)
        pos = 0.0
        while pos < length:
            a, b = pos / length, min(pos + on, length) / length
            seg = [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for t in (a, b)]
            draw.line(seg, fill=colour, width=width)
            pos += on + off


def _stroke(draw: ImageDraw.ImageDraw, pts: list[XY], style: Style, width: int) -> None:
    if style.dashed:
        _dashed(draw, pts, style.colour, width)
    else:
        draw.line(pts, fill=style.colour, width=width, joint="curve")


def _text(draw: ImageDraw.ImageDraw, xy: XY, text: str, size: int, **kw: Any) -> None:
    font = pil_font(size * SS)
    draw.text(xy, text, font=font, fill=INK, stroke_width=2 * SS, stroke_fill=WHITE, **kw)


def _fill(img: Image.Image, rings: list[list[XY]], style: Style) -> None:
    """Fill a polygon semi-transparently, leaving its holes clear."""
    mask = Image.new("L", img.size, 0)
    draw = ImageDraw.Draw(mask)
    draw.polygon(rings[0], fill=style.alpha)
    for hole in rings[1:]:
        draw.polygon(hole, fill=0)
    img.paste(style.colour, (0, 0), mask)


def _evidence(draw: ImageDraw.ImageDraw, xy: XY, label: str, seq: int) -> None:
    x, y = xy
    r = 15 * SS
    draw.ellipse((x - r, y - r, x + r, y + r), fill=INK, outline=WHITE, width=2 * SS)
    inside = label if 0 < len(label) <= 3 else str(seq)
    draw.text(xy, inside, font=pil_font(17 * SS, bold=True), fill=WHITE, anchor="mm")
    if len(label) > 3:
        _text(draw, (x + r + 4 * SS, y), label, 17, anchor="lm")


def _lead(draw: ImageDraw.ImageDraw, xy: XY, label: str) -> None:
    x, y = xy
    colour = STYLES["lead"].colour
    for r in (16 * SS, 9 * SS):
        draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=3 * SS)
    draw.line((x - 22 * SS, y, x + 22 * SS, y), fill=colour, width=2 * SS)
    draw.line((x, y - 22 * SS, x, y + 22 * SS), fill=colour, width=2 * SS)
    if label:
        _text(draw, (x + 20 * SS, y - 18 * SS), label, 17, anchor="lb")


def _nice(value: float) -> float:
    """The largest 1, 2 or 5 × 10^k not above `value`."""
    exp = math.floor(math.log10(value))
    return max(m * 10.0**exp for m in (1, 2, 5) if m * 10.0**exp <= value)


def _graticule(draw: ImageDraw.ImageDraw, frame: Frame) -> None:
    lon0, lat0 = frame.lonlat(0, frame.h)
    lon1, lat1 = frame.lonlat(frame.w, 0)
    step = _nice((lat1 - lat0) / 4)
    digits = max(0, -math.floor(math.log10(step)))
    grid = (222, 220, 212)
    for i in range(math.ceil(lon0 / step), math.floor(lon1 / step) + 1):
        x = frame.xy(i * step, lat0)[0]
        draw.line((x, 0, x, frame.h), fill=grid, width=SS)
        if x > 90 * SS:
            _text(draw, (x + 4 * SS, 4 * SS), f"{i * step:.{digits}f}°E", 13)
    for i in range(math.ceil(lat0 / step), math.floor(lat1 / step) + 1):
        y = frame.xy(lon0, i * step)[1]
        draw.line((0, y, frame.w, y), fill=grid, width=SS)
        if 30 * SS < y < frame.h - 80 * SS:
            _text(draw, (4 * SS, y - 3 * SS), f"{i * step:.{digits}f}°N", 13, anchor="ld")


def _scale_bar(draw: ImageDraw.ImageDraw, frame: Frame) -> Box:
    metres = _nice(frame.metres_per_px * frame.w / SS / 5)
    length = metres / frame.metres_per_px * SS
    x0, y0, h = 24 * SS, frame.h - 40 * SS, 8 * SS
    for i in range(4):
        a, b = x0 + length * i / 4, x0 + length * (i + 1) / 4
        draw.rectangle((a, y0, b, y0 + h), fill=INK if i % 2 == 0 else WHITE, outline=INK)
    text = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    _text(draw, (x0, y0 - 4 * SS), "0", 14, anchor="md")
    _text(draw, (x0 + length, y0 - 4 * SS), text, 14, anchor="md")
    _text(draw, (x0, y0 + h + 4 * SS), "WGS-84 · 局部等距圆柱投影 local equirectangular", 12)
    return (0, y0 - 30 * SS, max(x0 + length + 60 * SS, 330 * SS), frame.h)


def _north_arrow(draw: ImageDraw.ImageDraw, frame: Frame) -> Box:
    x, y, s = frame.w - 48 * SS, 44 * SS, 18 * SS
    draw.polygon([(x, y - s), (x - s * 0.6, y + s), (x, y + s * 0.45)], fill=INK)
    draw.polygon([(x, y - s), (x + s * 0.6, y + s), (x, y + s * 0.45)], fill=WHITE, outline=INK)
    _text(draw, (x, y + s + 4 * SS), "北 N", 15, anchor="ma")
    return (x - 40 * SS, 0, frame.w, y + s + 30 * SS)


def _legend(draw: ImageDraw.ImageDraw, frame: Frame, styles: set[str], avoid: list[Box]) -> None:
    """Draw the legend in the first corner (bottom-right, top-left, ...) clear of `avoid`."""
    keys = [k for k in LEGEND_ORDER if k in styles]
    row, pad, sw = 30 * SS, 12 * SS, 34 * SS
    font = pil_font(17 * SS)
    text_w = max(draw.textlength(STYLES[k].label, font=font) for k in keys)
    box_w, box_h = pad * 3 + sw + text_w, pad * 2 + row * (len(keys) + 1)
    gap = 16 * SS
    corners = [
        (frame.w - box_w - gap, frame.h - box_h - gap),
        (gap, 40 * SS),
        (frame.w - box_w - gap, 110 * SS),
        (gap, frame.h - box_h - 90 * SS),
    ]
    x0, y0 = corners[0]
    for corner_x, corner_y in corners:
        if not any(
            overlaps((corner_x, corner_y, corner_x + box_w, corner_y + box_h), b) for b in avoid
        ):
            x0, y0 = corner_x, corner_y
            break
    draw.rectangle((x0, y0, x0 + box_w, y0 + box_h), fill=WHITE, outline=INK, width=SS)
    draw.text((x0 + pad, y0 + pad), "图例 Legend", font=pil_font(17 * SS, bold=True), fill=INK)
    for i, key in enumerate(keys):
        style = STYLES[key]
        cx, cy = x0 + pad + sw / 2, y0 + pad + row * (i + 1.5)
        r = 9 * SS
        if key == "evidence":
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=INK)
        elif key == "lead":
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=style.colour, width=3 * SS)
        elif style.alpha == 0:
            _stroke(draw, [(cx - sw / 2, cy), (cx + sw / 2, cy)], style, 2 * SS)
        else:
            a = style.alpha / 255
            fill = tuple(round(c * a + 255 * (1 - a)) for c in style.colour)
            box = (cx - sw / 2, cy - 8 * SS, cx + sw / 2, cy + 8 * SS)
            draw.rectangle(box, fill=fill, outline=style.colour, width=2 * SS)
        draw.text((x0 + pad * 2 + sw, cy), style.label, font=font, fill=INK, anchor="lm")


def _blank(width: int, height: int) -> bytes:
    img = Image.new("RGB", (width, height), PAPER)
    text = "无地图要素 No map features"
    ImageDraw.Draw(img).text(
        (width / 2, height / 2), text, font=pil_font(24), fill=INK, anchor="mm"
    )
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def render_map(features: list[MapFeature], width: int = 1200, height: int = 900) -> bytes:
    """Draw `features` and return a PNG of `width` × `height` pixels.

    Polygons are filled semi-transparently by style and named inside (where the name fits
    clear of other labels and markers; the legend still names the style), lines are drawn
    in their style's colour, evidence points as numbered circles and the lead as a target.
    """
    if not features:
        return _blank(width, height)
    frame = Frame(features, width, height, MARGIN, SS)
    img = Image.new("RGB", (frame.w, frame.h), PAPER)
    draw = ImageDraw.Draw(img)
    _graticule(draw, frame)
    ordered = sorted(features, key=lambda f: STYLES[f.style].z)
    shapes = [(f, k, c) for f in ordered for k, c in parts(f.geometry)]
    polygons = _draw_polygons(img, draw, frame, shapes)
    lines = _draw_lines(draw, frame, shapes)
    points = [(f, frame.xy(float(c[0]), float(c[1]))) for f, k, c in shapes if k == "point"]
    marks = [(x - 30 * SS, y - 30 * SS, x + 30 * SS, y + 30 * SS) for _, (x, y) in points]
    taken = [_scale_bar(draw, frame), _north_arrow(draw, frame), *marks]
    _label(draw, polygons, lines, taken)
    _draw_points(draw, points)
    _legend(draw, frame, {f.style for f in features}, marks)
    out = io.BytesIO()
    img.resize((width, height), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()


Shape = tuple[MapFeature, str, Any]


def _draw_polygons(
    img: Image.Image, draw: ImageDraw.ImageDraw, frame: Frame, shapes: list[Shape]
) -> list[tuple[str, list[list[XY]]]]:
    """Fill and outline the polygons; return each one's label and pixel rings."""
    polygons = []
    for feature, kind, coords in shapes:
        if kind == "polygon":
            style = STYLES[feature.style]
            rings = [[frame.xy(float(c[0]), float(c[1])) for c in ring] for ring in coords]
            polygons.append((feature.label, rings))
            if style.alpha:
                _fill(img, rings, style)
            for ring in rings:
                _stroke(draw, [*ring, ring[0]], style, 2 * SS)
    return polygons


def _draw_lines(
    draw: ImageDraw.ImageDraw, frame: Frame, shapes: list[Shape]
) -> list[tuple[str, list[XY]]]:
    """Stroke the lines; return each one's label and pixel points."""
    lines = []
    for feature, kind, coords in shapes:
        if kind == "line":
            pts = [frame.xy(float(c[0]), float(c[1])) for c in coords]
            _stroke(draw, pts, STYLES[feature.style], 3 * SS)
            lines.append((feature.label, pts))
    return lines


def _label(
    draw: ImageDraw.ImageDraw,
    polygons: list[tuple[str, list[list[XY]]]],
    lines: list[tuple[str, list[XY]]],
    taken: list[Box],
) -> None:
    """Name polygons inside and lines at their middle, where clear of what is `taken`."""
    font = pil_font(18 * SS)
    for label, rings in reversed(polygons):  # innermost (strictest) zones get first pick
        if label:
            size = (draw.textlength(label, font=font) + 8 * SS, 24 * SS)
            spot = label_spot(rings, size, taken)
            if spot:
                _text(draw, spot, label, 18, anchor="mm")
    for label, pts in lines:
        if label and len(pts) >= 2:
            (x0, y0), (x1, y1) = pts[(len(pts) - 1) // 2], pts[(len(pts) - 1) // 2 + 1]
            w = draw.textlength(label, font=font)
            box = ((x0 + x1 - w) / 2, (y0 + y1) / 2 - 34 * SS, (x0 + x1 + w) / 2, (y0 + y1) / 2)
            if not any(overlaps(box, t) for t in taken):
                taken.append(box)
                _text(draw, ((x0 + x1) / 2, (y0 + y1) / 2 - 6 * SS), label, 18, anchor="md")


def _draw_points(draw: ImageDraw.ImageDraw, points: list[tuple[MapFeature, XY]]) -> None:
    """Evidence as numbered circles, the lead as a target, other points as dots."""
    seq = 0
    for feature, (x, y) in points:
        if feature.style == "evidence":
            seq += 1
            _evidence(draw, (x, y), feature.label, seq)
        elif feature.style == "lead":
            _lead(draw, (x, y), feature.label)
        else:
            r = 6 * SS
            draw.ellipse((x - r, y - r, x + r, y + r), fill=STYLES[feature.style].colour)
