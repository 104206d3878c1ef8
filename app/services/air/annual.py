"""Use case: the HJ 663 annual evaluation of a station, optionally without dust days."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypedDict

import pandas as pd
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services.air.queries import daily, grade_of
from app.services.air.stats import clean
from geo.air.annual import ANNUAL_POLLUTANTS, annual_evaluation
from models import AirStation

MAX_DUST_DAYS = 366  # at most every day of a year


class Evaluation(TypedDict):
    """A year judged by HJ 663 (geo.air.annual), JSON-ready."""

    year: int
    standard: str
    evaluation_standard: str
    in_force: list[str]
    note: str | None
    percentile: float
    grade: str
    pollutants: list[dict[str, Any]]
    dust_days: dict[str, Any]
    dust_candidates: list[dict[str, Any]]


class Annual(Evaluation):
    """A station's year: its code and area class, then the evaluation."""

    station: str
    area_class: int


def _tree(value: Any) -> Any:
    """Return a JSON-ready copy of nested dicts and lists (NaN as None, dates as ISO)."""
    if isinstance(value, Mapping):
        return {k: _tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_tree(v) for v in value]
    return clean(value)


def station_annual(
    session: Session, *, station: AirStation, year: int, dust_days: Sequence[date]
) -> Annual:
    """Evaluate a station's year: annual means, 95th percentiles, grades I and II met, and
    compliance with the grade of its area class."""
    if len(dust_days) > MAX_DUST_DAYS:
        raise Invalid(f"at most {MAX_DUST_DAYS} dust days")
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = pd.concat(
        [daily(session, [station.id], first, last, p) for p in ANNUAL_POLLUTANTS],
        ignore_index=True,
    )
    found = annual_evaluation(days, year, dust_days, grade=grade_of(station.area_class))
    evaluation: Evaluation = _tree(found)
    return {"station": station.code, "area_class": station.area_class, **evaluation}
