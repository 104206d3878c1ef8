"""Sand and dust storm days as exceptional events: leaving caller-named days out of the
daily statistics, and suggesting days that look like dust (never excluded automatically).

Basis: 环境保护部办公厅《受沙尘天气过程影响城市空气质量评价补充规定》(环办监测〔2016〕120号,
dated 2016-12-30, applied from 2017-01-01): particulate data of days affected by a sand/dust
weather process are deducted from city air-quality evaluation, assessment and ranking, the
process being established by CNEMC from satellite remote sensing, the national sand-storm
monitoring network and the meteorological service's dust information. The number and dates
were read from a third-party reproduction of the notice, not from the Ministry's own site,
so the basis is marked as needing review. Here the caller names the days (e.g. from the
meteorological bureau's dust-weather bulletins); the platform does not decide them.
"""

from collections.abc import Iterable
from datetime import date
from typing import Final

import numpy as np
import pandas as pd

from geo.air.stats import limit_on

DUST_BASIS: Final = {
    "zh": "环境保护部办公厅《受沙尘天气过程影响城市空气质量评价补充规定》"
    "（环办监测〔2016〕120号，2017-01-01起实施）",
    "en": "MEP General Office, supplementary rules on evaluating city air quality affected by "
    "sand/dust weather (Huanbanjiance [2016] No. 120, applied from 2017-01-01)",
    "needs_review": True,
    "review_note": "文号据第三方转载核对，未见生态环境部官网原文 (number checked against a "
    "third-party reproduction only)",
}

# Screening heuristic, not from the rules above: dust is coarse, so on a dust day PM10 is
# high while PM2.5 is a small share of it (urban haze is mostly fine particles, ratio ~0.5+).
CANDIDATE_RATIO_BELOW: Final = 0.3  # PM2.5 / PM10 of the daily means
CANDIDATE_GRADE: Final = "II"  # PM10 daily mean above the grade II 24-hour limit of the day


def exclude_days(daily: pd.DataFrame, days: Iterable[date]) -> tuple[pd.DataFrame, list[date]]:
    """Drop every row of the named days; return the rest and the days that had rows."""
    named = set(days)
    hit = daily["date"].isin(named).to_numpy(dtype=bool)
    dropped = sorted(set(daily.loc[hit, "date"]))
    return daily[~hit].reset_index(drop=True), dropped


def dust_summary(supplied: Iterable[date], excluded: list[date]) -> dict[str, object]:
    """Describe an exclusion: days named, days left out of the data, and the basis."""
    named = sorted(set(supplied))
    return {
        "supplied": [d.isoformat() for d in named],
        "excluded": [d.isoformat() for d in excluded],
        "excluded_count": len(excluded),
        "basis": DUST_BASIS,
    }


def dust_candidates(daily: pd.DataFrame) -> pd.DataFrame:
    """Suggest dust days: valid PM10 above the day's grade II limit with PM2.5/PM10 < 0.3."""
    valid = daily[daily["valid"].astype(bool)]
    wide = valid.pivot_table(
        index=["station_code", "date"], columns="pollutant", values="mean", aggfunc="first"
    )
    cols = ["station_code", "date", "pm10", "pm25", "ratio", "limit"]
    if not {"pm10", "pm25"} <= set(wide.columns) or wide.empty:
        return pd.DataFrame(columns=cols)
    wide = wide.reset_index()
    wide["limit"] = [limit_on(d, "pm10", "24h", CANDIDATE_GRADE) for d in wide["date"]]
    pm10 = wide["pm10"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        wide["ratio"] = wide["pm25"].to_numpy(dtype=float) / pm10
    pick = (pm10 > wide["limit"].to_numpy(dtype=float)) & (
        wide["ratio"].to_numpy(dtype=float) < CANDIDATE_RATIO_BELOW
    )
    return wide.loc[pick, cols].reset_index(drop=True)
