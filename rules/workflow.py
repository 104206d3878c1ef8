"""The lead workflow: allowed transitions (who may make them) and reply deadlines."""

from collections.abc import Collection
from datetime import date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

PROSECUTORS = ("prosecutor", "admin")

# from state -> {to state: roles allowed}. Merging (-> duplicate) has its own operation.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "new": {"triaged": PROSECUTORS, "rejected": PROSECUTORS, "transferred": PROSECUTORS},
    "triaged": {"investigating": PROSECUTORS, "rejected": PROSECUTORS, "transferred": PROSECUTORS},
    "investigating": {
        "case_filed": PROSECUTORS,
        "rejected": PROSECUTORS,
        "transferred": PROSECUTORS,
    },
    "case_filed": {
        "suggestion_issued": PROSECUTORS,
        "litigation": PROSECUTORS,
        "closed_remedied": PROSECUTORS,
        "closed_not_remedied": PROSECUTORS,
    },
    "suggestion_issued": {"follow_up": PROSECUTORS, "litigation": PROSECUTORS},
    "follow_up": {
        "closed_remedied": PROSECUTORS,
        "closed_not_remedied": PROSECUTORS,
        "litigation": PROSECUTORS,
    },
    "litigation": {"closed_remedied": PROSECUTORS, "closed_not_remedied": PROSECUTORS},
}

# Leads still being worked on (new evidence may join them), and those closed after work.
OPEN_STATUSES = (
    "new",
    "triaged",
    "investigating",
    "case_filed",
    "suggestion_issued",
    "follow_up",
    "litigation",
)
CLOSED_STATUSES = ("closed_remedied", "closed_not_remedied")

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "new": ("新线索", "new"),
    "triaged": ("已初审", "triaged"),
    "investigating": ("调查中", "investigating"),
    "case_filed": ("已立案", "case filed"),
    "suggestion_issued": ("已发出诉前检察建议", "procuratorial suggestion issued"),
    "follow_up": ("跟进监督", "follow-up"),
    "litigation": ("提起诉讼", "litigation"),
    "closed_remedied": ("已办结（已整改）", "closed, remedied"),
    "closed_not_remedied": ("已办结（未整改）", "closed, not remedied"),
    "rejected": ("不予立案", "rejected"),
    "duplicate": ("重复（已合并）", "duplicate (merged)"),
    "transferred": ("已移送", "transferred"),
}

# The agency's reply period for a pre-litigation suggestion, counted from the day it received
# the suggestion: two months, or 15 days when the harm is spreading (最高人民法院 最高人民检察院
# 关于检察公益诉讼案件适用法律若干问题的解释 (2018, amended 2020) art. 21).
REPLY_PERIOD = relativedelta(months=2)
URGENT_REPLY_PERIOD = relativedelta(days=15)
# China Standard Time: a period ends at the end of its last day there, not at a UTC hour.
CST = timezone(timedelta(hours=8))


class TransitionError(ValueError):
    """A transition the workflow does not allow."""


def check_transition(current: str, to: str, role: str) -> None:
    """Raise TransitionError unless `role` may move a lead from `current` to `to`."""
    allowed = TRANSITIONS.get(current, {})
    if to not in allowed:
        options = ", ".join(allowed) or "none (final state)"
        raise TransitionError(f"cannot move a lead from {current} to {to}; allowed: {options}")
    if role not in allowed[to]:
        raise TransitionError(f"a {role} may not move a lead to {to}")


def reply_due(served: date, urgent: bool, holidays: Collection[date] = ()) -> datetime:
    """The end of the agency's reply period: the day it received the suggestion plus two
    months (15 days when urgent), at the end of that day in China Standard Time; a period
    whose last day is a public holiday ends on the first working day after it (the periods
    rule of the procedure laws: 期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间
    届满的日期). `holidays` are the calendar's non-working days; none when not configured."""
    last = served + (URGENT_REPLY_PERIOD if urgent else REPLY_PERIOD)
    while last in holidays:
        last += timedelta(days=1)
    return datetime.combine(last + timedelta(days=1), time(0), CST) - timedelta(microseconds=1)


def local_date(moment: datetime) -> date:
    """The calendar day of a moment in China Standard Time."""
    return moment.astimezone(CST).date()


def is_overdue(
    due_at: datetime, replied_at: datetime | None, now: datetime, lead_status: str
) -> bool:
    """A reply is overdue only while none is recorded, the period has ended, and the lead
    is still open."""
    return replied_at is None and now > due_at and lead_status in OPEN_STATUSES
