"""Plausibility checks of hourly readings: out-of-range values are flagged, never dropped.

A flagged value is stored as read and left out of every statistic (its bit is set in the
row's `invalid` mask). The ranges are platform defaults, generous on purpose: they catch
instrument and transcription faults (negative concentrations, a pressure of 0), not
unusual weather. Concentration ceilings are the measuring ranges of the continuous
monitors in the national network (beta-attenuation PM monitors 0-10,000 µg/m³; HJ 653-2013
asks for at least 0-1,000 µg/m³).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# The value columns of an hourly reading, in storage order (bit i of the mask is column i).
# Concentrations in µg/m³ except CO in mg/m³; wind from-direction in degrees, speed m/s,
# temperature and dew point °C, pressure hPa, relative humidity %, rain mm in the hour.
VALUE_COLUMNS: tuple[str, ...] = (
    "pm10", "pm25", "so2", "no2", "co", "o3", "o3_8h",
    "wind_dir", "wind_speed", "temp", "pres", "dewpoint", "humidity", "rain",
)  # fmt: skip
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "pm10": (0.0, 10_000.0),
    "pm25": (0.0, 10_000.0),
    "so2": (0.0, 10_000.0),
    "no2": (0.0, 5_000.0),
    "co": (0.0, 150.0),
    "o3": (0.0, 2_000.0),
    "o3_8h": (0.0, 2_000.0),
    "wind_dir": (0.0, 360.0),
    "wind_speed": (0.0, 75.0),  # above the strongest gusts recorded in China
    "temp": (-60.0, 60.0),
    "pres": (500.0, 1_100.0),
    "dewpoint": (-80.0, 50.0),
    "humidity": (0.0, 100.0),
    "rain": (0.0, 300.0),
}


def bit(column: str) -> int:
    """Return the mask bit of a value column."""
    return 1 << VALUE_COLUMNS.index(column)


def flagged(mask: int) -> list[str]:
    """Name the columns whose bit is set in a mask."""
    return [c for i, c in enumerate(VALUE_COLUMNS) if mask >> i & 1]


@dataclass(frozen=True)
class OutOfRange:
    """Out-of-range values of one column: how many, and a few examples."""

    column: str
    count: int
    low: float
    high: float
    examples: list[dict[str, object]]


def check_ranges(
    frame: pd.DataFrame, examples: int = 5
) -> tuple[np.ndarray, list[OutOfRange], dict[str, int]]:
    """Return the invalid mask per row, out-of-range findings and missing counts per column.

    `frame` has `station_code`, `at` and any of VALUE_COLUMNS.
    """
    mask = np.zeros(len(frame), dtype=np.int64)
    findings: list[OutOfRange] = []
    missing: dict[str, int] = {}
    for column in VALUE_COLUMNS:
        if column not in frame:
            continue
        values = frame[column].to_numpy(dtype=float)
        missing[column] = int(np.isnan(values).sum())
        low, high = PLAUSIBLE[column]
        bad = ~np.isnan(values) & ((values < low) | (values > high))
        if bad.any():
            mask[bad] |= bit(column)
            rows = frame.loc[bad, ["station_code", "at", column]].head(examples)
            findings.append(
                OutOfRange(
                    column,
                    int(bad.sum()),
                    low,
                    high,
                    [
                        {"station": r.station_code, "at": r.at.isoformat(), "value": v}
                        for r, v in zip(rows.itertuples(), rows[column].tolist(), strict=True)
                    ],
                )
            )
    return mask, findings, missing


def valid_values(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Return the columns with flagged values blanked (NaN), using the `invalid` mask."""
    out = frame.copy()
    masks = frame["invalid"].to_numpy(dtype=np.int64)
    for column in columns:
        out.loc[(masks & bit(column)) != 0, column] = np.nan
    return out
