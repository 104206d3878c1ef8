"""Editions of the air-quality standards by date: which GB 3095 / HJ 633 / HJ 663 is in force
on a day, and which tables are applied to a statistic of that day.

Before 2016-01-01 (GB 3095-2012 §1: in force nationwide from that day) the limits are GB
3095-1996's as amended in 2000 (环发〔2000〕1号). That entry covers every earlier day, also
those before the amendment or before 1996-10-01 (the platform holds no such readings). Areas
that the Ministry had apply GB 3095-2012 early (from 2012) are not distinguished.

Every function that applies a limit or an IAQI breakpoint looks the edition up by the date of
the statistic (a local calendar day). An edition names the documents in force and the tables
applied; where the two differ (the values of the documents in force could not be confirmed),
the edition carries a note that says so, and every statistic of its days repeats it.

What is known of the 2026 editions (search of stored public copies, 2026-12): news reports
(Xinhua / People's Daily, 2026-02-24/25) say GB 3095-2026, HJ 633-2026 and HJ 663-2026 were
published by the Ministry of Ecology and Environment and SAMR and apply from 2026-03-01, in
two phases: transitional limits 2026-03-01..2030-12-31 (reported: PM2.5 grade II annual 30,
24-hour 60 µg/m³), the full revised PM2.5, PM10, SO2 and NO2 limits from 2031-01-01
(reported: PM2.5 annual 10 / 25, 24-hour 25 / 50). No primary text (the standard itself) was
found, the PM10, SO2, NO2 values and the HJ 633-2026 breakpoints were not reported at all, so
none of these numbers is applied: days from 2026-03-01 use the 2012 tables and say so. Once
the texts are confirmed, adding their `Tables` (and splitting the 2026 entry at 2031-01-01 for
the second phase) is a data change here.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from geo.air.standards import (
    BREAKPOINTS,
    GB3095,
    GB3095_1996,
    HJ633,
    HJ663,
    LIMITS,
    LIMITS_1996,
)


@dataclass(frozen=True)
class Tables:
    """One set of numbers and the documents they come from."""

    limits_source: str  # GB 3095 edition of the limits (表1)
    validity_source: str  # GB 3095 edition of the data-validity rules (2012: 表4)
    iaqi_source: str  # HJ 633 edition of the IAQI breakpoints (表1)
    evaluation_source: str  # HJ 663 edition of the evaluation method (percentiles)
    limits: Mapping[tuple[str, str], Mapping[str, float]]
    breakpoints: Mapping[tuple[str, str], tuple[float, ...]]


TABLES_2012: Final = Tables(GB3095, GB3095, HJ633, HJ663, LIMITS, BREAKPOINTS)
# GB 3095-1996's limits with the 2012 validity rules, IAQI breakpoints and evaluation method.
TABLES_1996: Final = Tables(GB3095_1996, GB3095, HJ633, HJ663, LIMITS_1996, BREAKPOINTS)


@dataclass(frozen=True)
class Edition:
    """The standards in force from `start` (inclusive) until the next edition starts."""

    start: date
    gb3095: str  # in force
    hj633: str
    hj663: str
    tables: Tables  # applied
    note: str | None = None  # why the tables applied are not those of the documents in force

    @property
    def confirmed(self) -> bool:
        """Whether the tables applied are those of the documents in force."""
        t = self.tables
        return (t.limits_source, t.validity_source, t.iaqi_source, t.evaluation_source) == (
            self.gb3095,
            self.gb3095,
            self.hj633,
            self.hj663,
        )


NOTE_2026_UNCONFIRMED: Final = (
    "GB 3095-2026（及HJ 633-2026、HJ 663-2026）自2026-03-01施行，其限值未能从原文核实，"
    "沿用GB 3095-2012限值及HJ 633-2012分指数分级 (the 2026 editions apply from 2026-03-01; "
    "their limits and breakpoints could not be confirmed from a primary text, the 2012 "
    "tables are used)"
)

# Before 2016 the index published was the API (空气污染指数), not HJ 633's AQI.
API_INDEX: Final = "API（空气污染指数）"
EVALUATION_BEFORE_2016: Final = "未核实 (evaluation method in force unconfirmed)"
NOTE_BEFORE_2016: Final = (
    "2016-01-01前（GB 3095-2012全国实施前）适用GB 3095-1996（2000年修改单）限值；"
    "其数据统计有效性规定未能从原文核实，沿用GB 3095-2012表4；无PM2.5及臭氧8小时限值；"
    "当时发布空气污染指数（API），HJ 633-2012尚未施行，IAQI按其计算仅供参考；"
    "年评价沿用HJ 663-2013方法 (before 2016-01-01, when GB 3095-2012 took effect "
    "nationwide, the limits are GB 3095-1996's as amended in 2000; its own data-validity "
    "rules could not be confirmed from a primary text, GB 3095-2012 表4 is applied; no PM2.5 "
    "or O3 8-hour limit existed; the index then was the API, HJ 633-2012 was not in force, "
    "so its IAQI is for reference only; the annual evaluation uses HJ 663-2013's method)"
)
GB3095_2012_NATIONWIDE: Final = date(2016, 1, 1)

# In date order; the first entry covers every earlier day.
EDITIONS: Final = (
    Edition(
        date.min,
        GB3095_1996,
        API_INDEX,
        EVALUATION_BEFORE_2016,
        TABLES_1996,
        NOTE_BEFORE_2016,
    ),
    Edition(GB3095_2012_NATIONWIDE, GB3095, HJ633, HJ663, TABLES_2012),
    Edition(
        date(2026, 3, 1),
        "GB 3095-2026",
        "HJ 633-2026",
        "HJ 663-2026",
        TABLES_2012,
        NOTE_2026_UNCONFIRMED,
    ),
)
_STARTS: Final = np.array([e.start.toordinal() for e in EDITIONS], dtype=np.int64)


def edition_on(day: date) -> Edition:
    """Return the edition in force on a local calendar day."""
    return EDITIONS[int(edition_index([day])[0])]


def edition_index(days: Iterable[date]) -> NDArray[np.int64]:
    """Return, for each day, the index in EDITIONS of the edition in force."""
    ordinals = np.fromiter((d.toordinal() for d in days), dtype=np.int64)
    return np.searchsorted(_STARTS, ordinals, side="right") - 1


def used(day: date) -> dict[str, Any]:
    """Describe the edition of a day as a statistic records it (documents and note)."""
    e = edition_on(day)
    return {
        "standard": e.tables.limits_source,
        "validity_standard": e.tables.validity_source,
        "iaqi_standard": e.tables.iaqi_source,
        "iaqi_in_force": e.tables.iaqi_source == e.hj633,
        "evaluation_standard": e.tables.evaluation_source,
        "in_force": [e.gb3095, e.hj633, e.hj663],
        "confirmed": e.confirmed,
        "note": e.note,
    }


def editions_between(first: date, last: date) -> list[dict[str, Any]]:
    """List the editions in force over first..last, each with the days it covers there."""
    out = []
    for i, e in enumerate(EDITIONS):
        end = EDITIONS[i + 1].start if i + 1 < len(EDITIONS) else None
        lo = max(first, e.start)
        hi = last if end is None else min(last, date.fromordinal(end.toordinal() - 1))
        if lo <= hi:
            out.append({"from": lo.isoformat(), "to": hi.isoformat(), **used(lo)})
    return out
