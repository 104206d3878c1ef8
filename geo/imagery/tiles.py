"""Web map tiles, TileJSON and area statistics of a COG, as a thin layer over rio-tiler.

True colour reads red, green, blue (or the one band of a single-band image) stretched over
reflectance 0–0.3 in stored units; an index is computed from the tile's bands with
`indices.compute` and coloured over [-1, 1] with the index's colormap.
"""

import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from rio_tiler.colormap import cmap
from rio_tiler.constants import WGS84_CRS
from rio_tiler.errors import TileOutsideBounds
from rio_tiler.io import Reader
from rio_tiler.models import ImageData
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.imagery.indices import IndexUnavailable, check_index, compute, needed_bands
from geo.imagery.sensors import INDEX_BANDS, Scale

TRUE_COLOUR_MAX_REFLECTANCE = 0.3  # brighter is clouds or snow; this keeps land readable
INDEX_RANGE = (-1.0, 1.0)
HISTOGRAM_BINS = 10


class TileOutside(LookupError):
    """The tile or geometry asked for does not intersect the image."""


def default_rescale(scale: Scale) -> tuple[float, float]:
    """Stored values that map to black and white for true colour."""
    if math.isclose(scale.gain, 1 / 255) and scale.offset == 0:
        return (0.0, 255.0)  # 8-bit photos and orthos: show them as delivered
    low = (0.0 - scale.offset) / scale.gain
    return (low, (TRUE_COLOUR_MAX_REFLECTANCE - scale.offset) / scale.gain)


def _true_colour_bands(bands: dict[str, int]) -> list[str]:
    if all(name in bands for name in ("red", "green", "blue")):
        return ["red", "green", "blue"]
    if len(bands) == 1:
        return list(bands)
    raise IndexUnavailable(
        f"true colour needs red, green and blue bands; image has {', '.join(sorted(bands))}"
    )


def _index_image(img: ImageData, names: list[str], index: str, scale: Scale) -> ImageData:
    """A one-band float image of the index, masked where any input or the index is invalid."""
    arrays = {name: img.array.data[i] for i, name in enumerate(names)}
    values = compute(check_index(index), arrays, scale)
    mask = np.asarray(img.array.mask).any(axis=0) | np.isnan(values)
    return ImageData(
        np.ma.MaskedArray(values[np.newaxis], mask=mask[np.newaxis]),
        bounds=img.bounds,
        crs=img.crs,
    )


def plan_style(
    bands: dict[str, int],
    scale: Scale,
    index: str | None,
    rescale: tuple[float, float] | None,
    colormap: str | None,
) -> tuple[list[str], tuple[float, float], str | None]:
    """The band names to read, the stored range to stretch and the colormap to apply.
    Raise ValueError for a colormap rio-tiler does not know."""
    if colormap is not None and colormap not in cmap.list():
        raise ValueError(f"unknown colormap {colormap!r}: use a rio-tiler name, e.g. viridis")
    if index is None:
        return _true_colour_bands(bands), rescale or default_rescale(scale), colormap
    spec = check_index(index)
    return needed_bands(spec, bands), rescale or INDEX_RANGE, colormap or spec.colormap


def render_image(
    img: ImageData,
    names: list[str],
    *,
    scale: Scale,
    index: str | None,
    in_range: tuple[float, float],
    colormap: str | None,
) -> bytes:
    """Stretch (after computing the index, if any) and colour an image read by rio-tiler."""
    if index is not None:
        img = _index_image(img, names, index, scale)
    img.rescale(in_range=(in_range,))
    return img.render(img_format="PNG", colormap=cmap.get(colormap) if colormap else None)


def render_tile(
    cog: Path,
    z: int,
    x: int,
    y: int,
    *,
    bands: dict[str, int],
    scale: Scale,
    index: str | None = None,
    rescale: tuple[float, float] | None = None,
    colormap: str | None = None,
    tilesize: int = 256,
) -> bytes:
    """Return a WebMercatorQuad PNG tile of true colour or of an index."""
    names, in_range, colormap = plan_style(bands, scale, index, rescale, colormap)
    with Reader(str(cog)) as src:
        try:
            img = src.tile(x, y, z, tilesize=tilesize, indexes=[bands[n] for n in names])
        except TileOutsideBounds:
            raise TileOutside(f"tile {z}/{x}/{y} is outside the image") from None
    return render_image(img, names, scale=scale, index=index, in_range=in_range, colormap=colormap)


def zoom_range(cog: Path) -> tuple[int, int]:
    """The web zoom levels from the coarsest overview to the native resolution."""
    with Reader(str(cog)) as src:
        return int(src.minzoom), int(src.maxzoom)


def tilejson(
    image_id: int,
    base_url: str,
    bounds_wgs84: tuple[float, float, float, float],
    minzoom: int,
    maxzoom: int,
    query: str = "",
) -> dict[str, Any]:
    """A TileJSON 3.0.0 document for an image's tiles (`query` is appended as given)."""
    west, south, east, north = bounds_wgs84
    url = (
        f"{base_url.rstrip('/')}/api/v1/imagery/{image_id}"
        f"/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}.png{query}"
    )
    return {
        "tilejson": "3.0.0",
        "tiles": [url],
        "scheme": "xyz",
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, minzoom],
    }


def _describe(
    values: npt.NDArray[np.floating], inside: int, hist_range: tuple[float, float] | None
) -> dict[str, Any]:
    """Count, spread and a 10-bin histogram of the valid values inside the geometry."""
    count = int(values.size)
    percent = 100.0 * count / inside if inside else 0.0
    if count == 0:
        return {
            "count": 0,
            "valid_percent": 0.0,
            "min": None,
            "max": None,
            "mean": None,
            "std": None,
            "median": None,
            "p2": None,
            "p98": None,
            "histogram": {"counts": [], "edges": []},
        }
    v = values.astype(np.float64)
    counts, edges = np.histogram(v, bins=HISTOGRAM_BINS, range=hist_range)
    p2, median, p98 = np.percentile(v, [2, 50, 98])
    return {
        "count": count,
        "valid_percent": round(percent, 3),
        "min": float(v.min()),
        "max": float(v.max()),
        "mean": float(v.mean()),
        "std": float(v.std()),
        "median": float(median),
        "p2": float(p2),
        "p98": float(p98),
        "histogram": {"counts": counts.tolist(), "edges": edges.tolist()},
    }


def statistics(
    cog: Path,
    geometry: BaseGeometry,
    *,
    bands: dict[str, int],
    scale: Scale,
    index: str | None,
) -> dict[str, dict[str, Any]]:
    """Statistics of the index (or of each band, in reflectance) over a lon/lat geometry.

    Reads only the geometry's window at native resolution; `valid_percent` is the share of
    the pixels inside the geometry that hold valid data.
    """
    names = needed_bands(check_index(index), bands) if index else list(bands)
    with Reader(str(cog)) as src:
        if not geometry.intersects(shapely.box(*src.get_geographic_bounds(WGS84_CRS))):
            raise TileOutside("the area does not intersect the image")
        img = src.feature(mapping(geometry), dst_crs=src.crs, indexes=[bands[n] for n in names])
    assert img.cutline_mask is not None  # set by Reader.feature: True outside the geometry
    inside = ~img.cutline_mask
    valid = inside & ~np.asarray(img.array.mask).any(axis=0)
    if index is not None:
        values = _index_image(img, names, index, scale).array
        ok = valid & ~np.asarray(values.mask)[0]
        return {index: _describe(values.data[0][ok], int(inside.sum()), INDEX_RANGE)}
    out = {}
    for i, name in enumerate(names):
        stored = img.array.data[i].astype(np.float64)
        # an index band is a ratio already; only spectral bands convert to reflectance
        refl = stored if name in INDEX_BANDS else stored * scale.gain + scale.offset
        ok = valid & np.isfinite(refl)
        out[name] = _describe(refl[ok], int(inside.sum()), None)
    return out
