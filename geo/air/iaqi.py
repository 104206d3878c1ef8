"""HJ 633 individual and overall AQI, with the breakpoints of the edition in force on the day.

HJ 633-2012 defines PM10 and PM2.5 IAQI only on 24-hour means (its 表1 has no 1-hour PM
rows). An IAQI computed from one hour's PM value with the 24-hour table is therefore only
indicative: whoever shows one labels it with `HOURLY_PM_LABEL`.

IAQI and AQI are rounded up to an integer (HJ 633-2012: 进位取整数). Days before 2016-01-01,
when the index published was the API and HJ 633-2012 was not in force, still get an HJ
633-2012 IAQI: the edition of the day says it was not in force (`editions.used`:
`iaqi_in_force` false, with the note), and callers show that label beside the value.
"""

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geo.air.editions import EDITIONS, edition_index
from geo.air.standards import (
    AQI_CATEGORIES,
    IAQI_LEVELS,
    INDEX_DECIMALS_BEFORE_CEIL,
    PRIMARY_POLLUTANT_ABOVE,
    REPORT_INSTEAD_ABOVE_TOP,
)

PM: Final = ("pm10", "pm25")
HOURLY_PM_LABEL: Final = {
    "indicative": True,
    "zh": "仅供参考（HJ 633 未规定PM小时IAQI）",
    "en": "indicative only (HJ 633 defines no hourly PM IAQI)",
}


class AqiResult(NamedTuple):
    """AQI with its primary pollutants and HJ 633-2012 category."""

    aqi: float
    primary: list[str]
    category_zh: str | None
    category_en: str | None


def _table(
    edition: int, pollutant: str, averaging: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return an edition's breakpoints and IAQI levels for a pollutant and averaging."""
    tables = EDITIONS[edition].tables
    bps = tables.breakpoints.get((pollutant, averaging))
    if bps is None:
        raise ValueError(f"{tables.iaqi_source} has no IAQI table for {pollutant!r} {averaging!r}")
    return np.asarray(bps, dtype=float), np.asarray(IAQI_LEVELS[: len(bps)], dtype=float)


def _concentrations(concentration: ArrayLike) -> NDArray[np.float64]:
    """Convert to a float array, refusing negative values (NaN passes)."""
    c = np.asarray(concentration, dtype=float)
    if np.any(c < 0):
        raise ValueError("concentrations must not be negative")
    return c


def _editions(on: date | Sequence[date], shape: tuple[int, ...]) -> NDArray[np.int64]:
    """Return the edition index of each value: one day for all, or one day per value."""
    if isinstance(on, date):
        return np.full(shape, edition_index([on])[0], dtype=np.int64)
    idx = edition_index(on)
    if idx.shape != shape:
        raise ValueError(f"{len(idx)} days for {int(np.prod(shape))} concentrations")
    return idx


def iaqi(
    concentration: ArrayLike,
    pollutant: str,
    averaging: str = "24h",
    *,
    on: date | Sequence[date],
) -> NDArray[np.float64]:
    """Compute the HJ 633 individual AQI of the edition in force `on` the day(s) of the values.

    IAQI = (IAQI_hi - IAQI_lo) / (BP_hi - BP_lo) * (C - BP_lo) + IAQI_lo, rounded up to an
    integer (`round_up`), NaN in giving NaN. Above the top breakpoint the
    result is 500 (flag it with `above_scale`), except SO2 "1h" and O3 "8h" above 800 µg/m³:
    HJ 633-2012 computes no IAQI from those and reports SO2 "24h" / O3 "1h" instead, so NaN
    is returned and the caller must use that other averaging. Negative values raise.
    """
    c = _concentrations(concentration)
    flat = c.reshape(-1)
    eds = _editions(on, flat.shape)
    out = np.full(flat.shape, np.nan)
    for e in np.unique(eds):
        mask = eds == e
        out[mask] = _iaqi_one(flat[mask], int(e), pollutant, averaging)
    return round_up(out.reshape(c.shape))


def round_up(value: ArrayLike) -> NDArray[np.float64]:
    """Round index values up to an integer (HJ 633-2012 进位取整数); NaN stays NaN.

    Float noise is dropped first, so an exact breakpoint (50.000000000001) stays 50.
    """
    v = np.asarray(value, dtype=float)
    return np.asarray(np.ceil(np.round(v, INDEX_DECIMALS_BEFORE_CEIL)), dtype=float)


def _iaqi_one(
    c: NDArray[np.float64], edition: int, pollutant: str, averaging: str
) -> NDArray[np.float64]:
    """Interpolate IAQI for values of one edition."""
    bps, levels = _table(edition, pollutant, averaging)
    idx = np.clip(np.searchsorted(bps, c, side="right") - 1, 0, len(bps) - 2)
    bp_lo, bp_hi, lo, hi = bps[idx], bps[idx + 1], levels[idx], levels[idx + 1]
    value = (hi - lo) / (bp_hi - bp_lo) * (c - bp_lo) + lo
    top = np.nan if (pollutant, averaging) in REPORT_INSTEAD_ABOVE_TOP else IAQI_LEVELS[-1]
    return np.where(c > bps[-1], top, value)


def above_scale(
    concentration: ArrayLike, pollutant: str, averaging: str = "24h", *, on: date
) -> NDArray[np.bool_]:
    """Flag concentrations above the top breakpoint of the day's edition (NaN not flagged)."""
    bps, _ = _table(int(_editions(on, (1,))[0]), pollutant, averaging)
    return np.asarray(_concentrations(concentration) > bps[-1], dtype=bool)


def aqi(iaqis: Mapping[str, float]) -> AqiResult:
    """Combine IAQIs into the AQI, its primary pollutants (AQI > 50) and its category.

    Each IAQI is rounded up first, so pollutants tied after rounding are all primary.
    """
    known = {k: float(round_up(float(v))) for k, v in iaqis.items() if not math.isnan(float(v))}
    if not known:
        return AqiResult(math.nan, [], None, None)
    top = max(known.values())
    primary = [k for k, v in known.items() if v == top] if top > PRIMARY_POLLUTANT_ABOVE else []
    category = next(c for c in AQI_CATEGORIES if top <= c.upper)
    return AqiResult(top, primary, category.zh, category.en)
