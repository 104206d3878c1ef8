"""Every workflow transition, allowed and refused; reply deadlines and overdue logic."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from models.lead import LEAD_STATUSES
from rules.workflow import (
    CST,
    TRANSITIONS,
    TransitionError,
    check_transition,
    is_overdue,
    local_date,
    reply_due,
)

PAIRS = [(a, b) for a in LEAD_STATUSES for b in LEAD_STATUSES if a != b]


@pytest.mark.parametrize(("current", "to"), PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_table_says(current: str, to: str) -> None:
    allowed = to in TRANSITIONS.get(current, {})
    for role in ("prosecutor", "admin"):
        if allowed:
            check_transition(current, to, role)
        else:
            with pytest.raises(TransitionError, match=f"cannot move a lead from {current}"):
                check_transition(current, to, role)
    for role in ("volunteer", "partner"):
        with pytest.raises(TransitionError):
            check_transition(current, to, role)


def test_final_states_have_no_way_out() -> None:
    for final in ("closed_remedied", "closed_not_remedied", "rejected", "duplicate", "transferred"):
        assert final not in TRANSITIONS
        with pytest.raises(TransitionError, match=r"none \(final state\)"):
            check_transition(final, "triaged", "admin")


def test_the_happy_path_reaches_closure() -> None:
    path = [
        "new",
        "triaged",
        "investigating",
        "case_filed",
        "suggestion_issued",
        "follow_up",
        "closed_remedied",
    ]
    for a, b in pairwise(path):
        check_transition(a, b, "prosecutor")


END_OF_DAY = time(23, 59, 59, 999_999)


def test_reply_period_runs_from_receipt_to_the_end_of_the_day_in_cst() -> None:
    """Rule: the agency replies within two months of the day it received the suggestion, 15
    days when urgent (SPC/SPP interpretation on procuratorial public-interest litigation,
    2018, art. 21); the last day ends at midnight China Standard Time, not at a UTC hour."""
    served = date(2026, 1, 31)
    assert reply_due(served, urgent=False) == datetime.combine(date(2026, 3, 31), END_OF_DAY, CST)
    assert reply_due(served, urgent=True) == datetime.combine(date(2026, 2, 15), END_OF_DAY, CST)
    # 23:59:59 CST is 15:59:59 UTC: a reply at 17:00 UTC the same day is already the next day.
    assert reply_due(served, urgent=True).astimezone(UTC).hour == 15
    assert reply_due(date(2027, 12, 29), urgent=False).date() == date(2028, 2, 29)


def test_a_period_ending_on_a_holiday_ends_on_the_next_working_day() -> None:
    """Rule: 期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期 (the
    periods rule of the procedure laws); only when the holiday calendar is configured."""
    national_day = {date(2026, 10, d) for d in range(1, 8)}
    served = date(2026, 9, 16)  # + 15 days = 1 October
    assert reply_due(served, urgent=True).date() == date(2026, 10, 1)
    rolled = reply_due(served, urgent=True, holidays=national_day)
    assert rolled == datetime.combine(date(2026, 10, 8), END_OF_DAY, CST)


def test_overdue_only_while_unanswered_and_the_lead_is_open() -> None:
    """Rule: a suggestion is overdue only while no reply is recorded and the lead is open."""
    due = reply_due(date(2026, 1, 31), urgent=False)
    later = due + timedelta(seconds=1)
    assert not is_overdue(due, None, due, "suggestion_issued")
    assert is_overdue(due, None, later, "suggestion_issued")
    assert not is_overdue(due, due - timedelta(days=1), due + timedelta(days=30), "follow_up")
    for closed in ("closed_remedied", "closed_not_remedied", "rejected", "transferred"):
        assert not is_overdue(due, None, later, closed)
    assert local_date(datetime(2026, 3, 31, 16, 30, tzinfo=UTC)) == date(2026, 4, 1)
