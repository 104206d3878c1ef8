"""The lead workflow: the two case paths, allowed transitions (who may make them), the
steps that wait for a period to end, and reply and notice deadlines."""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

from rules.working_days import CHINA

PROSECUTORS = ("prosecutor", "admin")

# A filed case (立案) follows one of three paths, chosen when it is filed: administrative
# public-interest litigation against an agency (行政诉讼法 art. 25(4)), civil public-interest
# litigation against the polluter (民事诉讼法 art. 58), or a civil public-interest suit brought
# with the prosecution of the same conduct as a crime (刑事附带民事公益诉讼: SPC/SPP
# interpretation on procuratorial public-interest litigation art. 20; it too needs the 30-day
# notice first: 最高人民检察院 2019 批复, 高检发释字〔2019〕2号).
PATHS: dict[str, tuple[str, str]] = {
    "administrative": ("行政公益诉讼", "administrative public-interest case"),
    "civil": ("民事公益诉讼", "civil public-interest case"),
    "criminal_incidental": (
        "刑事附带民事公益诉讼",
        "civil public-interest suit incidental to a prosecution",
    ),
}
# The paths whose suit waits for the 30-day public notice.
NOTICE_PATHS = ("civil", "criminal_incidental")

# Before filing: from state -> {to state: roles allowed}. Merging (-> duplicate) has its own
# operation.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "new": {"triaged": PROSECUTORS, "rejected": PROSECUTORS, "transferred": PROSECUTORS},
    "triaged": {"investigating": PROSECUTORS, "rejected": PROSECUTORS, "transferred": PROSECUTORS},
    "investigating": {
        "case_filed": PROSECUTORS,
        "rejected": PROSECUTORS,
        "transferred": PROSECUTORS,
    },
}

# Ending a case before litigation: closed (the harm was or was not remedied), or review
# terminated (终结审查, e.g. the agency corrected during consultation or after the suggestion;
# 人民检察院公益诉讼办案规则, in force 2021-07-01).
ENDINGS: dict[str, tuple[str, ...]] = {
    "closed_remedied": PROSECUTORS,
    "closed_not_remedied": PROSECUTORS,
    "terminated": PROSECUTORS,
}
CLOSING: dict[str, tuple[str, ...]] = {
    "closed_remedied": PROSECUTORS,
    "closed_not_remedied": PROSECUTORS,
}

# After filing, per path. Neither path goes from case_filed straight to litigation.
PATH_TRANSITIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    # 磋商 (optional, 人民检察院公益诉讼办案规则) -> 诉前检察建议 -> reply -> 跟进监督 -> 起诉.
    "administrative": {
        "case_filed": {"consultation": PROSECUTORS, "suggestion_issued": PROSECUTORS, **ENDINGS},
        "consultation": {"suggestion_issued": PROSECUTORS, **ENDINGS},
        "suggestion_issued": {"follow_up": PROSECUTORS, "litigation": PROSECUTORS, **ENDINGS},
        "follow_up": {"litigation": PROSECUTORS, **ENDINGS},
        "litigation": CLOSING,
    },
    # 公告 30 days -> 起诉 when no eligible organisation sued, else 支持起诉.
    "civil": {
        "case_filed": {"public_notice": PROSECUTORS, **ENDINGS},
        "public_notice": {
            "litigation": PROSECUTORS,
            "support_suit": PROSECUTORS,
            **ENDINGS,
        },
        "support_suit": CLOSING,
        "litigation": CLOSING,
    },
    # 公告 30 days -> 提起刑事附带民事公益诉讼 with the prosecution (no organisation's suit to
    # support: the civil claim goes with the criminal case).
    "criminal_incidental": {
        "case_filed": {"public_notice": PROSECUTORS, **ENDINGS},
        "public_notice": {"litigation": PROSECUTORS, **ENDINGS},
        "litigation": CLOSING,
    },
}

# Leads still being worked on (new evidence may join them), and those closed after work.
OPEN_STATUSES = (
    "new",
    "triaged",
    "investigating",
    "case_filed",
    "consultation",
    "suggestion_issued",
    "follow_up",
    "public_notice",
    "support_suit",
    "litigation",
)

CLOSED_STATUSES = ("closed_remedied", "closed_not_remedied", "terminated")

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "new": ("新线索", "new"),
    "triaged": ("线索评估", "lead assessed"),
    "investigating": ("初步调查", "preliminary inquiry"),
    "case_filed": ("已立案（调查）", "case filed (investigation)"),
    "consultation": ("诉前磋商", "pre-suggestion consultation"),
    "suggestion_issued": ("已发出诉前检察建议", "procuratorial suggestion issued"),
    "follow_up": ("跟进监督", "follow-up"),
    "public_notice": ("诉前公告", "public notice"),
    "support_suit": ("支持起诉", "supporting an organisation's suit"),
    "litigation": ("提起诉讼", "litigation"),
    "closed_remedied": ("已办结（已整改）", "closed, remedied"),
    "closed_not_remedied": ("已办结（未整改）", "closed, not remedied"),
    "terminated": ("终结审查", "review terminated"),
    "rejected": ("不予立案", "rejected"),
    "duplicate": ("重复（已合并）", "duplicate (merged)"),
    "transferred": ("已移送", "transferred"),
}

# The agency's reply period for a pre-litigation suggestion, counted from the day it received
# the suggestion: two months, or 15 days when the harm is spreading (最高人民法院 最高人民检察院
# 关于检察公益诉讼案件适用法律若干问题的解释 (2018, amended 2020) art. 21).
REPLY_PERIOD = relativedelta(months=2)
URGENT_REPLY_PERIOD = relativedelta(days=15)
# The notice before a civil public-interest suit: 30 days for organisations entitled to sue
# (same interpretation, art. 13).
NOTICE_PERIOD = relativedelta(days=30)
# China Standard Time: a period ends at the end of its last day there, not at a UTC hour.
CST = timezone(timedelta(hours=8))


class TransitionError(ValueError):
    """A transition the workflow does not allow."""


class TooEarly(ValueError):
    """A transition that waits for a period to end (or for a finding) that has not come."""


def allowed_from(current: str, path: str | None) -> dict[str, tuple[str, ...]]:
    """The states a lead may move to from `current` on its path (None before filing)."""
    if current in TRANSITIONS:
        return TRANSITIONS[current]
    return PATH_TRANSITIONS.get(path or "", {}).get(current, {})


def check_transition(current: str, to: str, role: str, path: str | None = None) -> None:
    """Raise TransitionError unless `role` may move a lead from `current` to `to`."""
    allowed = allowed_from(current, path)
    if to not in allowed:
        options = ", ".join(allowed) or "none (final state)"
        raise TransitionError(f"cannot move a lead from {current} to {to}; allowed: {options}")
    if role not in allowed[to]:
        raise TransitionError(f"a {role} may not move a lead to {to}")


@dataclass(frozen=True)
class CaseClock:
    """What the time-dependent steps of a case wait for: the latest suggestion's deadline
    and outcome, and the public notice's end."""

    reply_due: datetime | None = None
    replied: bool = False
    complied: bool | None = None
    remedied: bool | None = None  # the latest follow-up review's finding
    notice_end: datetime | None = None


def possible_from(to: str, path: str | None, clock: CaseClock) -> datetime | None:
    """The moment from which a step becomes possible when it waits for a period (None: it
    does not wait). Administrative litigation waits for the end of the reply period, and
    so does follow-up review when no reply is recorded; civil litigation waits for the end
    of the 30-day notice."""
    end: datetime | None = None
    if path == "administrative" and (
        to == "litigation" or (to == "follow_up" and not clock.replied)
    ):
        end = clock.reply_due
    elif path in NOTICE_PATHS and to == "litigation":
        end = clock.notice_end
    return None if end is None else end + timedelta(microseconds=1)


def check_timing(to: str, path: str | None, clock: CaseClock, now: datetime) -> None:
    """Raise TooEarly when a step waits for a period that has not ended, or administrative
    litigation when the agency is shown to have acted."""
    start = possible_from(to, path, clock)
    if start is not None and now < start:
        period = "the public notice (30 days)" if path in NOTICE_PATHS else "the reply period"
        raise TooEarly(
            f"{to} becomes possible from {local_date(start).isoformat()} (China Standard "
            f"Time), when {period} has ended"
        )
    if path == "administrative" and to == "litigation" and acted(clock):
        raise TooEarly(
            "the agency replied that it complied: litigation needs a follow-up review finding "
            "the harm not remedied"
        )


def acted(clock: CaseClock) -> bool:
    """Whether the record shows the agency acted: the latest review found the harm remedied,
    or it replied that it complied and no review has found otherwise."""
    return clock.remedied is True or (clock.complied is True and clock.remedied is None)


def period_end(start: date, length: relativedelta, closed: Container[date] = CHINA) -> datetime:
    """The end of a period of `length` counted from the day after `start` (the day an event
    happens does not count), at the end of its last day in China Standard Time; a period
    whose last day is a non-working day (a weekend not moved to a working day, a public
    holiday) ends on the first working day after it (民事诉讼法 art. 85: 期间届满的最后一日是
    法定休假日的，以法定休假日后的第一日为期间届满的日期). `closed` holds the non-working days
    (rules/working_days.py)."""
    last = start + length
    while last in closed:
        last += timedelta(days=1)
    return datetime.combine(last + timedelta(days=1), time(0), CST) - timedelta(microseconds=1)


def reply_due(served: date, urgent: bool, closed: Container[date] = CHINA) -> datetime:
    """The end of the agency's reply period: two months (15 days when urgent) from the day
    it received the suggestion."""
    return period_end(served, URGENT_REPLY_PERIOD if urgent else REPLY_PERIOD, closed)


def notice_end(published: date, closed: Container[date] = CHINA) -> datetime:
    """The end of the 30-day public notice published on `published`."""
    return period_end(published, NOTICE_PERIOD, closed)


def start_of(day: date) -> datetime:
    """The start of a China Standard Time calendar day."""
    return datetime.combine(day, time(0), CST)


def local_date(moment: datetime) -> date:
    """The calendar day of a moment in China Standard Time."""
    return moment.astimezone(CST).date()


def is_overdue(
    due_at: datetime, replied_at: datetime | None, now: datetime, lead_status: str
) -> bool:
    """A reply is overdue only while none is recorded, the period has ended, and the lead
    is still open."""
    return replied_at is None and now > due_at and lead_status in OPEN_STATUSES
