"""Inspect an uploaded raster: refuse what we cannot use, describe what we can.

Every check on the header runs before any pixel is read, so a hostile file that declares
50,000 × 50,000 pixels is refused at once. The one pixel read is decimated (at most
`_SAMPLE_SIDE` per side) and only decides the reflectance scale.
"""

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from pyproj import Geod
from rasterio.enums import ColorInterp, MaskFlags
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError
from rasterio.warp import transform, transform_bounds

# Formats an upload may be in. VRT and the like are excluded on purpose: they point at other
# files (a VRT can name any path on the server), so they are not evidence in themselves.
ALLOWED_DRIVERS = ("GTiff", "COG", "JP2OpenJPEG", "netCDF", "HFA", "PNG", "JPEG")
MAX_BANDS = 20  # more is a hyperspectral cube, not an image we can render or index
_SAMPLE_SIDE = 512  # longest side of the decimated read that finds the maximum value
_GEOD = Geod(ellps="WGS84")


class RasterRefused(ValueError):
    """A raster we will not use; the message is a one-line reason for the uploader."""


@dataclass(frozen=True)
class RasterInfo:
    """What a raster is: its grid, where it lies, its bands and their value range."""

    driver: str
    width: int
    height: int
    count: int
    dtypes: tuple[str, ...]
    epsg: int | None
    crs_wkt: str
    res: tuple[float, float]  # native CRS units
    gsd_m: float  # ground sample distance at the centre, metres
    bounds: tuple[float, float, float, float]  # native CRS
    bounds_wgs84: tuple[float, float, float, float]  # lon/lat
    nodata: float | None
    has_alpha: bool
    descriptions: tuple[str | None, ...]
    max_value: float | None  # None when the sample holds no valid pixel


def _open(path: Path) -> rasterio.DatasetReader:
    """Open with GDAL and refuse drivers outside the allowed list before any read."""
    try:
        with warnings.catch_warnings():  # a missing geotransform is refused below, by name
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            ds = rasterio.open(path)
    except RasterioIOError:
        ds = None
    if ds is None or ds.driver not in ALLOWED_DRIVERS:
        if ds is not None:
            ds.close()
        raise RasterRefused(
            f"{path.name} is not a raster image we accept "
            "(GeoTIFF, JPEG 2000, NetCDF, Erdas Imagine, or PNG/JPEG with a world file)"
        )
    return ds


def _check_header(ds: rasterio.DatasetReader, max_pixels: int) -> None:
    """Refuse on the header alone: bands, types, georeferencing, size."""
    if ds.count == 0:
        raise RasterRefused("the file has no raster bands")
    if ds.count > MAX_BANDS:
        raise RasterRefused(f"the file has {ds.count} bands; at most {MAX_BANDS} are accepted")
    complex_types = sorted({d for d in ds.dtypes if np.issubdtype(np.dtype(d), np.complexfloating)})
    if complex_types:
        raise RasterRefused(f"unsupported data type {complex_types[0]} (complex values)")
    if ds.crs is None:
        raise RasterRefused("the raster has no coordinate reference system")
    t = ds.transform
    if t.is_identity:
        raise RasterRefused("the raster is not georeferenced (no geotransform)")
    if t.b != 0 or t.d != 0:
        raise RasterRefused("the raster is rotated or sheared; warp it north-up first")
    if ds.width * ds.height > max_pixels:
        raise RasterRefused(
            f"the raster declares {ds.width:,} × {ds.height:,} pixels, "
            f"more than the {max_pixels:,} accepted"
        )


def _gsd_m(ds: rasterio.DatasetReader) -> float:
    """Mean geodesic length of the centre pixel's sides, in metres (any CRS)."""
    col, row = ds.width / 2, ds.height / 2
    xs, ys = zip(
        *(ds.transform @ (col + dc, row + dr) for dc, dr in ((0, 0), (1, 0), (0, 1))), strict=True
    )
    lons, lats = transform(ds.crs, "EPSG:4326", list(xs), list(ys))
    _, _, across = _GEOD.inv(lons[0], lats[0], lons[1], lats[1])
    _, _, down = _GEOD.inv(lons[0], lats[0], lons[2], lats[2])
    return float((across + down) / 2)


def _max_value(ds: rasterio.DatasetReader, has_alpha: bool) -> float | None:
    factor = max(1.0, max(ds.width, ds.height) / _SAMPLE_SIDE)
    shape = (max(1, round(ds.height / factor)), max(1, round(ds.width / factor)))
    indexes = (
        [i for i, ci in zip(ds.indexes, ds.colorinterp, strict=True) if ci != ColorInterp.alpha]
        if has_alpha
        else list(ds.indexes)
    )
    data = ds.read(indexes, out_shape=(len(indexes), *shape), masked=True)
    values = data.compressed()
    values = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    return float(values.max()) if values.size else None


def inspect_raster(path: Path, *, max_pixels: int) -> RasterInfo:
    """Describe a raster or raise RasterRefused with the reason it cannot be used."""
    with _open(path) as ds:
        _check_header(ds, max_pixels)
        has_alpha = ColorInterp.alpha in ds.colorinterp or any(
            MaskFlags.alpha in flags for flags in ds.mask_flag_enums
        )
        bounds = tuple(ds.bounds)
        west, south, east, north = transform_bounds(ds.crs, "EPSG:4326", *bounds, densify_pts=21)
        return RasterInfo(
            driver=ds.driver,
            width=ds.width,
            height=ds.height,
            count=ds.count,
            dtypes=tuple(ds.dtypes),
            epsg=ds.crs.to_epsg(),
            crs_wkt=ds.crs.to_wkt(),
            res=(float(ds.res[0]), float(ds.res[1])),
            gsd_m=_gsd_m(ds),
            bounds=(bounds[0], bounds[1], bounds[2], bounds[3]),
            bounds_wgs84=(west, south, east, north),
            nodata=ds.nodata,
            has_alpha=has_alpha,
            descriptions=tuple(ds.descriptions),
            max_value=_max_value(ds, has_alpha),
        )
