"""Local excess: a station's PM10 above the regional baseline of the same hour.

The baseline is the median of the *other* stations of the region that hour, so a regional
haze episode (every station high) gives little excess and a local source (one station high)
a large one. The region of a station is every other station within a radius.
"""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from pyproj import Geod

# A median of fewer than two other stations is one station's value, not a regional level.
MIN_OTHER_STATIONS = 2
_GEOD = Geod(ellps="WGS84")


def neighbours_within(
    codes: Sequence[str], lons: Sequence[float], lats: Sequence[float], radius_m: float | None
) -> dict[str, tuple[str, ...]]:
    """Return, for each station, the other stations within radius_m (None: all others)."""
    n = len(codes)
    out: dict[str, tuple[str, ...]] = {}
    for i in range(n):
        if radius_m is None:
            out[codes[i]] = tuple(c for j, c in enumerate(codes) if j != i)
            continue
        _, _, dist = _GEOD.inv([lons[i]] * n, [lats[i]] * n, list(lons), list(lats))
        out[codes[i]] = tuple(codes[j] for j in range(n) if j != i and float(dist[j]) <= radius_m)
    return out


def local_excess(
    wide: pd.DataFrame,
    neighbours: Mapping[str, Sequence[str]],
    min_others: int = MIN_OTHER_STATIONS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (baseline, excess) frames shaped like `wide` (index hours, columns stations).

    The baseline of a station and hour is the median of its neighbours' values that hour,
    NaN when fewer than `min_others` of them have a value; excess = value - baseline.
    """
    baseline = pd.DataFrame(np.nan, index=wide.index, columns=wide.columns)
    for code in wide.columns:
        others = [c for c in neighbours.get(code, ()) if c in wide.columns]
        if len(others) < min_others:
            continue
        block = wide[others].to_numpy(dtype=float)
        enough = np.sum(~np.isnan(block), axis=1) >= min_others
        med = np.full(len(block), np.nan)
        if enough.any():
            med[enough] = np.nanmedian(block[enough], axis=1)
        baseline[code] = med
    return baseline, wide - baseline
