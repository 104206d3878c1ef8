"""Before/after figures for dossiers: two images of one place on one pixel grid.

Both panels cover the polygon's Web Mercator bounding box plus a margin, at the same size,
so a reader can compare them pixel for pixel; the polygon is outlined on both. The output
depends only on the inputs (no timestamps in the PNGs).
"""

from io import BytesIO
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from PIL import Image, ImageDraw
from pyproj import Transformer
from rasterio.crs import CRS
from rio_tiler.io import Reader
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.imagery.sensors import Scale
from geo.imagery.tiles import TileOutside, plan_style, render_image

WEB_MERCATOR = CRS.from_epsg(3857)
OUTLINE = (255, 0, 255)  # magenta: stands out on vegetation, soil, water and index ramps
BACKGROUND = (217, 217, 217)  # light grey where the image has no data (prints as such)
MIN_PAD_M = 50.0  # margin around a point or a line with no width
_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)

Extent = tuple[float, float, float, float]


def _mercator(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    x, y = _TO_MERCATOR.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _frame(merc: BaseGeometry, size: int, margin: float) -> tuple[Extent, int, int]:
    """The padded extent and its pixel size (longest side = `size`)."""
    minx, miny, maxx, maxy = merc.bounds
    pad = max(margin * max(maxx - minx, maxy - miny), MIN_PAD_M)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    w, h = maxx - minx, maxy - miny
    width, height = (
        (size, max(1, round(size * h / w))) if w >= h else (max(1, round(size * w / h)), size)
    )
    return (minx, miny, maxx, maxy), width, height


def _outline(image: Image.Image, merc: BaseGeometry, extent: Extent) -> None:
    minx, miny, maxx, maxy = extent
    sx, sy = image.width / (maxx - minx), image.height / (maxy - miny)

    def px(coords: object) -> list[tuple[float, float]]:
        return [((x - minx) * sx, (maxy - y) * sy) for x, y, *_ in coords]  # type: ignore[attr-defined]

    draw = ImageDraw.Draw(image)
    width = max(2, image.width // 170)
    for part in shapely.get_parts(merc):
        if isinstance(part, Polygon):
            for ring in (part.exterior, *part.interiors):
                draw.line(px(ring.coords), fill=OUTLINE, width=width, joint="curve")
        elif isinstance(part, LineString):
            draw.line(px(part.coords), fill=OUTLINE, width=width, joint="curve")
        elif isinstance(part, Point):
            (x, y), r = px(part.coords)[0], 3 * width
            draw.ellipse((x - r, y - r, x + r, y + r), outline=OUTLINE, width=width)


def _panel(
    path: Path,
    merc: BaseGeometry,
    extent: Extent,
    size: tuple[int, int],
    bands: dict[str, int],
    scale: Scale,
    index: str | None,
) -> bytes:
    names, in_range, colormap = plan_style(bands, scale, index, None, None)
    with Reader(str(path)) as src:
        if not shapely.box(*extent).intersects(
            shapely.box(*src.get_geographic_bounds(WEB_MERCATOR))
        ):
            raise TileOutside(f"{path.name} does not cover the area")
        img = src.part(
            extent,
            dst_crs=WEB_MERCATOR,
            bounds_crs=WEB_MERCATOR,
            indexes=[bands[n] for n in names],
            width=size[0],
            height=size[1],
        )
    png = render_image(img, names, scale=scale, index=index, in_range=in_range, colormap=colormap)
    rendered = Image.open(BytesIO(png)).convert("RGBA")
    canvas = Image.new("RGB", rendered.size, BACKGROUND)
    canvas.paste(rendered, mask=rendered.getchannel("A"))
    _outline(canvas, merc, extent)
    out = BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def before_after_png(
    before: Path,
    after: Path,
    polygon: BaseGeometry,
    *,
    before_bands: dict[str, int],
    before_scale: Scale,
    after_bands: dict[str, int],
    after_scale: Scale,
    index: str | None = None,
    size: int = 512,
    margin: float = 0.25,
) -> tuple[bytes, bytes]:
    """Two PNGs (before, after) of the polygon's surroundings on one grid, outline drawn."""
    merc = shapely.transform(polygon, _mercator)
    extent, width, height = _frame(merc, size, margin)
    return (
        _panel(before, merc, extent, (width, height), before_bands, before_scale, index),
        _panel(after, merc, extent, (width, height), after_bands, after_scale, index),
    )
