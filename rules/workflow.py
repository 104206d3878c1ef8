"""The lead workflow: allowed transitions (who may make them) and reply deadlines."""

from datetime import datetime

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

# The agency's reply period for a pre-litigation suggestion (DOMAIN.md glossary).
REPLY_PERIOD = relativedelta(months=2)
URGENT_REPLY_PERIOD = relativedelta(days=15)


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


def reply_due(issued_at: datetime, urgent: bool) -> datetime:
    """Return the agency's reply deadline: two months, or 15 days when urgent."""
    return issued_at + (URGENT_REPLY_PERIOD if urgent else REPLY_PERIOD)


def is_overdue(due_at: datetime, replied_at: datetime | None, now: datetime) -> bool:
    """Tell whether a suggestion's reply is late."""
    return replied_at is None and now > due_at
