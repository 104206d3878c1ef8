"""The instants and days the service accepts from outside: 1900 to 2199 (UTC).

Evidence, readings and legal periods all lie well inside. Beyond, converting an offset
(0001-01-01T00:00+14:00 lies in year 0 in UTC) or adding a day overflows Python's datetime,
and the databases' ranges differ; such input is refused here, not failed on later.
"""

from datetime import UTC, date, datetime, timedelta

INSTANT_MIN = datetime(1900, 1, 1, tzinfo=UTC)
INSTANT_MAX = datetime(2200, 1, 1, tzinfo=UTC)  # exclusive
RANGE_TEXT = "between 1900-01-01 and 2199-12-31 (UTC)"


def check_instant(at: datetime) -> datetime:
    """Return `at` if it lies in the accepted range, else raise ValueError."""
    # The wall time's year first: within it, taking off the offset cannot overflow.
    inside = INSTANT_MIN.year <= at.year < INSTANT_MAX.year
    if not inside or not (
        INSTANT_MIN <= at.replace(tzinfo=UTC) - (at.utcoffset() or timedelta()) < INSTANT_MAX
    ):
        raise ValueError(f"{at.isoformat()} is out of range: give an instant {RANGE_TEXT}")
    return at


def check_day(day: date) -> date:
    """Return `day` if it lies in the accepted range, else raise ValueError."""
    if not INSTANT_MIN.year <= day.year < INSTANT_MAX.year:
        raise ValueError(f"{day.isoformat()} is out of range: give a day {RANGE_TEXT}")
    return day
