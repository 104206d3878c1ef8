"""Cloud-optimised GeoTIFFs: the one form imagery is stored, tiled and cited in.

Deflate-compressed, internally tiled, with overviews and, when the source marks invalid
pixels (nodata or an alpha band), an internal mask instead of them. The native CRS is kept:
the evidence is the pixels as delivered, not a web-mercator resampling of them.
"""

import contextlib
import os
import uuid
from pathlib import Path

import rasterio
from rasterio.enums import ColorInterp
from rio_cogeo.cogeo import cog_translate, cog_validate
from rio_cogeo.profiles import cog_profiles

from geo.progress import Progress, no_progress

_BLOCK = 256


def _is_categorical(ds: rasterio.DatasetReader) -> bool:
    """Palette (class) rasters need nearest-neighbour overviews; everything else averages."""
    return ds.count == 1 and ds.colorinterp[0] == ColorInterp.palette


def write_cog(src: Path, dst: Path, *, progress: Progress = no_progress) -> None:
    """Convert `src` to a valid COG at `dst`, atomically (a temp file renamed into place)."""
    progress(0.0, "reading the source raster")
    tmp = dst.with_name(f".{dst.name}.{uuid.uuid4().hex}.tmp")
    profile = cog_profiles.get("deflate")
    # 256-pixel blocks match the 256-pixel web tiles and give smaller images overviews.
    profile.update(blockxsize=_BLOCK, blockysize=_BLOCK, BIGTIFF="IF_SAFER")
    try:
        with rasterio.open(src) as ds:
            has_alpha = ColorInterp.alpha in ds.colorinterp
            progress(0.1, "writing tiles, mask and overviews")
            cog_translate(
                ds,
                tmp,
                profile,
                # An alpha band becomes the internal mask (rio-cogeo drops it from the
                # bands); nodata becomes the mask too, so every reader sees the same pixels.
                add_mask=ds.nodata is not None or has_alpha,
                overview_resampling="nearest" if _is_categorical(ds) else "average",
                in_memory=False,
                quiet=True,
            )
        os.replace(tmp, dst)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    progress(1.0, "cloud-optimised GeoTIFF written")


def validate_cog(path: Path) -> list[str]:
    """Return the COG layout errors of `path` (empty = valid; warnings are not errors)."""
    _valid, errors, _warnings = cog_validate(path, quiet=True)
    return list(errors)
