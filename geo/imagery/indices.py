"""Spectral indices on reflectance (DOMAIN.md): formulas, the bands they need, their use.

Every index is a normalised difference, so a correct one lies in [-1, 1]; values outside
come only from negative reflectance (sensor noise at the edge of valid data) and are
clipped after the bands are clamped to [0, ∞).
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from geo.imagery.sensors import INDEX_BANDS, Scale


@dataclass(frozen=True)
class IndexSpec:
    """A normalised difference (a − b) / (a + b) where a and b are sums of bands."""

    code: str
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    title_zh: str
    title_en: str
    colormap: str  # a rio-tiler colormap name
    # The direction of change that means harm: "decrease" (vegetation or water lost) or
    # "increase" (bare soil gained); dNBR is NBR before − after, so burns are "decrease".
    harm: str


INDICES: dict[str, IndexSpec] = {
    "ndvi": IndexSpec("ndvi", ("nir",), ("red",), "归一化植被指数", "NDVI", "rdylgn", "decrease"),
    "ndwi": IndexSpec("ndwi", ("green",), ("nir",), "归一化水体指数", "NDWI", "blues", "decrease"),
    "mndwi": IndexSpec(
        "mndwi", ("green",), ("swir1",), "改进归一化水体指数", "MNDWI", "blues", "decrease"
    ),
    "nbr": IndexSpec("nbr", ("nir",), ("swir2",), "归一化燃烧指数", "NBR", "rdylgn", "decrease"),
    "bsi": IndexSpec(
        "bsi", ("swir1", "red"), ("nir", "blue"), "裸土指数", "BSI", "brbg_r", "increase"
    ),
}


class IndexUnavailable(ValueError):
    """An index the image's bands cannot give."""


def check_index(code: str) -> IndexSpec:
    """Return the index or raise naming the known ones."""
    try:
        return INDICES[code]
    except KeyError:
        raise IndexUnavailable(f"unknown index {code!r}: use one of {', '.join(INDICES)}") from None


def needed_bands(spec: IndexSpec, bands: dict[str, int]) -> list[str]:
    """The band names this index reads from an image with this band map (raise if missing).

    An image that holds the index itself (a derived NDVI scene) needs just that band.
    """
    if spec.code in bands:
        return [spec.code]
    need = [*spec.plus, *spec.minus]
    missing = [b for b in need if b not in bands]
    if missing:
        have = ", ".join(sorted(bands)) or "none"
        raise IndexUnavailable(
            f"{spec.title_en} needs bands {', '.join(missing)}; image has {have}"
        )
    return need


def compute(
    spec: IndexSpec, arrays: dict[str, npt.NDArray[np.floating]], scale: Scale
) -> npt.NDArray[np.float32]:
    """The index from named band arrays of stored values (NaN where undefined).

    Stored values become reflectance with `scale` and are clamped at 0; a pixel where the
    sum is 0 is NaN. A precomputed index band is returned as stored, clipped to [-1, 1].
    """
    if spec.code in arrays and spec.code in INDEX_BANDS:
        return np.clip(arrays[spec.code].astype(np.float32), -1.0, 1.0)

    def refl(name: str) -> npt.NDArray[np.float32]:
        a = arrays[name].astype(np.float32) * np.float32(scale.gain) + np.float32(scale.offset)
        return np.maximum(a, np.float32(0.0))

    a = sum((refl(b) for b in spec.plus), start=np.float32(0.0))
    b = sum((refl(n) for n in spec.minus), start=np.float32(0.0))
    total = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, (a - b) / total, np.nan).astype(np.float32)
    return np.clip(out, -1.0, 1.0)
