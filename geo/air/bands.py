"""Colour bands of the daily PM10 mean on the map, from the HJ 633-2012 breakpoints.

The band limits are the PM10 24-hour breakpoints of HJ 633-2012 表1 (standards.BREAKPOINTS),
the names those of the AQI categories of 表2 (standards.AQI_CATEGORIES) the breakpoints
start; the last band is open (heavily polluted or worse). The colours are the map's palette,
after the green, yellow, orange, red and purple of HJ 633-2012 表2.
"""

from dataclasses import dataclass
from typing import Final

from geo.air.standards import AQI_CATEGORIES, BREAKPOINTS, HJ633

PM10_BANDS_SOURCE: Final = f"{HJ633} 表1 (PM10 24-hour breakpoints), 表2 (categories)"
PM10_BAND_COLOURS: Final = ("#00c853", "#f4e000", "#ff7e00", "#e5231b", "#8f1f5f")
# English names of the categories (the Ministry's: excellent, good, lightly polluted, ...).
CATEGORY_EN: Final = (
    "excellent",
    "good",
    "lightly polluted",
    "moderately polluted",
    "heavily polluted",
    "severely polluted",
)
OPEN_SUFFIX: Final = ("及以上", " or worse")  # the last band takes in every higher category


@dataclass(frozen=True)
class Band:
    """Daily means above `lower` up to `upper` (µg/m³, inclusive; None: no upper bound)."""

    lower: float
    upper: float | None
    colour: str
    zh: str
    en: str


def pm10_bands(colours: tuple[str, ...] = PM10_BAND_COLOURS) -> tuple[Band, ...]:
    """Return one band per colour, the last one open above its breakpoint."""
    bps = BREAKPOINTS[("pm10", "24h")]
    if not 1 <= len(colours) < len(bps):
        raise ValueError(f"between 1 and {len(bps) - 1} colours, not {len(colours)}")
    last = len(colours) - 1
    out = []
    for i, colour in enumerate(colours):
        zh, en = AQI_CATEGORIES[i].zh, CATEGORY_EN[i]
        if i == last:
            zh, en = zh + OPEN_SUFFIX[0], en + OPEN_SUFFIX[1]
        out.append(Band(float(bps[i]), None if i == last else float(bps[i + 1]), colour, zh, en))
    return tuple(out)


PM10_BANDS: Final = pm10_bands()
