"""Wind direction arithmetic: compass points, angular differences, sectors, bearings.

Directions follow the meteorological convention: the direction the wind blows FROM, in
degrees clockwise from true north (0 = north wind, 90 = east wind).
"""

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

# The 16 points of the compass, 22.5° apart, as the weather services (and the UCI
# Beijing multi-site data) write them.
COMPASS16 = (
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
    "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW",
)  # fmt: skip
COMPASS_DEGREES = {name: i * 22.5 for i, name in enumerate(COMPASS16)}
_GEOD = Geod(ellps="WGS84")


def compass_to_degrees(values: ArrayLike) -> NDArray[np.float64]:
    """Turn 16-point compass names or numbers (degrees) into degrees; NaN when unknown.

    "C", "CALM" and other words give NaN: a calm has no direction. Each distinct value is
    read once (a year of hourly rows holds a few dozen), then spread back to every row.
    """
    shape = np.shape(values)
    codes, distinct = pd.factorize(np.asarray(values, dtype=object).ravel())
    lookup = np.array([*(_degrees(v) for v in distinct), np.nan], dtype=float)
    return lookup[codes].reshape(shape)  # code -1 (None, NaN) takes the trailing NaN


def _degrees(value: object) -> float:
    """Read one compass name or number of degrees; NaN when it is neither."""
    text = str(value).strip().upper()
    if text in COMPASS_DEGREES:
        return COMPASS_DEGREES[text]
    try:
        deg = float(text)
    except ValueError:
        return np.nan
    return deg % 360.0 if 0.0 <= deg <= 360.0 else np.nan


def angular_difference(a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Return the smallest angle between two directions, in [0, 180] degrees."""
    d = np.abs((np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) % 360.0)
    return np.minimum(d, 360.0 - d)


def within_sector(direction: ArrayLike, centre: ArrayLike, half_width: float) -> NDArray[np.bool_]:
    """Whether directions lie within ±half_width degrees of centre (across north too)."""
    return angular_difference(direction, centre) <= half_width


def bearing_and_distance(lon1: float, lat1: float, lon2: float, lat2: float) -> tuple[float, float]:
    """Return the WGS-84 geodesic bearing (0-360°, from point 1 to point 2) and metres."""
    azimuth, _back, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(azimuth) % 360.0, float(dist)
