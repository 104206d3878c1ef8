"""Every workflow transition, allowed and refused; reply deadlines and overdue logic."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from models.lead import LEAD_STATUSES
from rules.workflow import TRANSITIONS, TransitionError, check_transition, is_overdue, reply_due

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


def test_reply_deadlines() -> None:
    issued = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    assert reply_due(issued, urgent=False) == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    assert reply_due(issued, urgent=True) == datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
    leap = datetime(2027, 12, 31, tzinfo=UTC)
    assert reply_due(leap, urgent=False) == datetime(2028, 2, 29, tzinfo=UTC)


def test_overdue_boundaries() -> None:
    due = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    assert not is_overdue(due, None, due)
    assert is_overdue(due, None, due + timedelta(seconds=1))
    assert not is_overdue(due, due - timedelta(days=1), due + timedelta(days=30))
