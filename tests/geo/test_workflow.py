"""Every workflow transition on both case paths, allowed and refused; the steps that wait
for a period; reply and notice deadlines and overdue logic."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from models.lead import LEAD_STATUSES
from rules.workflow import (
    CST,
    PATH_TRANSITIONS,
    PATHS,
    STATUS_LABELS,
    TRANSITIONS,
    CaseClock,
    TooEarly,
    TransitionError,
    allowed_from,
    check_timing,
    check_transition,
    is_overdue,
    local_date,
    notice_end,
    possible_from,
    reply_due,
)
from rules.working_days import SOURCE, NonWorkingDays

PAIRS = [(a, b) for a in LEAD_STATUSES for b in LEAD_STATUSES if a != b]
FINAL = ("closed_remedied", "closed_not_remedied", "terminated", "rejected", "duplicate")


@pytest.mark.parametrize("path", [None, *PATHS])
@pytest.mark.parametrize(("current", "to"), PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_table_says(
    current: str, to: str, path: str | None
) -> None:
    allowed = to in allowed_from(current, path)
    for role in ("prosecutor", "admin"):
        if allowed:
            check_transition(current, to, role, path)
        else:
            with pytest.raises(TransitionError, match=f"cannot move a lead from {current}"):
                check_transition(current, to, role, path)
    for role in ("volunteer", "partner"):
        with pytest.raises(TransitionError):
            check_transition(current, to, role, path)


def test_every_state_has_labels_and_final_states_have_no_way_out() -> None:
    assert set(LEAD_STATUSES) == set(STATUS_LABELS)
    for final in (*FINAL, "transferred"):
        assert final not in TRANSITIONS
        assert all(final not in table for table in PATH_TRANSITIONS.values())
        with pytest.raises(TransitionError, match=r"none \(final state\)"):
            check_transition(final, "triaged", "admin", "civil")


def test_the_happy_paths_reach_closure() -> None:
    """Rule: administrative: filed, consultation (磋商), suggestion, follow-up, closed; civil:
    filed, public notice (公告), litigation, closed."""
    admin = ["case_filed", "consultation", "suggestion_issued", "follow_up", "closed_remedied"]
    civil = ["case_filed", "public_notice", "litigation", "closed_not_remedied"]
    for a, b in pairwise(["new", "triaged", "investigating", "case_filed"]):
        check_transition(a, b, "prosecutor")
    for a, b in pairwise(admin):
        check_transition(a, b, "prosecutor", "administrative")
    for a, b in pairwise(civil):
        check_transition(a, b, "prosecutor", "civil")


def test_no_jump_from_case_filed_to_litigation_on_either_path() -> None:
    """Rule (issue 12): litigation comes after the suggestion (administrative) or the notice
    (civil), never straight after filing; each path's own steps are not the other's."""
    for path in PATHS:
        with pytest.raises(TransitionError):
            check_transition("case_filed", "litigation", "prosecutor", path)
    with pytest.raises(TransitionError):
        check_transition("case_filed", "public_notice", "prosecutor", "administrative")
    with pytest.raises(TransitionError):
        check_transition("case_filed", "suggestion_issued", "prosecutor", "civil")
    with pytest.raises(TransitionError):  # no path chosen: nothing after filing
        check_transition("case_filed", "suggestion_issued", "prosecutor", None)


def test_termination_before_litigation_only() -> None:
    """Rule: review may be terminated (终结审查) at any step before litigation, e.g. when the
    agency corrected during consultation or after the suggestion (人民检察院公益诉讼办案规则)."""
    before = {
        "administrative": ("case_filed", "consultation", "suggestion_issued", "follow_up"),
        "civil": ("case_filed", "public_notice"),
    }
    for path, states in before.items():
        for state in states:
            check_transition(state, "terminated", "prosecutor", path)
        with pytest.raises(TransitionError):
            check_transition("litigation", "terminated", "prosecutor", path)


def test_an_organisation_suing_is_supported_then_closed() -> None:
    """Rule: when an organisation entitled to sue sues after the notice, the procuratorate
    supports its suit (支持起诉) rather than suing itself, then closes the case."""
    check_transition("public_notice", "support_suit", "prosecutor", "civil")
    check_transition("support_suit", "closed_remedied", "prosecutor", "civil")
    with pytest.raises(TransitionError):
        check_transition("support_suit", "litigation", "prosecutor", "civil")


END = time(23, 59, 59, 999_999)
DUE = datetime.combine(date(2026, 3, 31), END, CST)


def test_administrative_litigation_waits_for_the_end_of_the_reply_period() -> None:
    """Rule: the procuratorate sues the agency only once its reply period has ended
    (SPC/SPP interpretation art. 21); a 422 names the day from which it becomes possible."""
    clock = CaseClock(reply_due=DUE)
    start = possible_from("litigation", "administrative", clock)
    assert start is not None and local_date(start) == date(2026, 4, 1)
    with pytest.raises(TooEarly, match="from 2026-04-01"):
        check_timing("litigation", "administrative", clock, DUE)
    check_timing("litigation", "administrative", clock, DUE + timedelta(microseconds=1))
    # Not complied, after the period: allowed; before it: still refused.
    refused = CaseClock(reply_due=DUE, replied=True, complied=False)
    with pytest.raises(TooEarly):
        check_timing("litigation", "administrative", refused, DUE - timedelta(days=1))
    check_timing("litigation", "administrative", refused, DUE + timedelta(days=1))


def test_administrative_litigation_needs_the_agency_not_to_have_acted() -> None:
    """Rule: an agency that replied it complied is sued only once a follow-up review finds
    the harm not remedied; a review finding it remedied ends the way to court."""
    after = DUE + timedelta(days=1)
    complied = CaseClock(reply_due=DUE, replied=True, complied=True)
    with pytest.raises(TooEarly, match="follow-up review"):
        check_timing("litigation", "administrative", complied, after)
    not_remedied = CaseClock(reply_due=DUE, replied=True, complied=True, remedied=False)
    check_timing("litigation", "administrative", not_remedied, after)
    remedied = CaseClock(reply_due=DUE, replied=True, complied=False, remedied=True)
    with pytest.raises(TooEarly):
        check_timing("litigation", "administrative", remedied, after)


def test_follow_up_comes_after_the_reply_or_the_end_of_the_period() -> None:
    """Rule: follow-up review (跟进监督) reviews the agency's reply, or its silence once the
    period has ended."""
    with pytest.raises(TooEarly, match="from 2026-04-01"):
        check_timing("follow_up", "administrative", CaseClock(reply_due=DUE), DUE)
    replied = CaseClock(reply_due=DUE, replied=True, complied=True)
    check_timing("follow_up", "administrative", replied, DUE - timedelta(days=30))
    assert possible_from("follow_up", "administrative", replied) is None


def test_the_public_notice_lasts_30_days_to_the_end_of_the_day_in_cst() -> None:
    """Rule: the notice before a civil public-interest suit lasts 30 days (SPC/SPP
    interpretation art. 13), counted from the day after publication, ending at midnight CST;
    a last day on a holiday rolls over to the next working day."""
    assert notice_end(date(2026, 1, 5)) == datetime.combine(date(2026, 2, 4), END, CST)
    spring = {date(2026, 2, 4), date(2026, 2, 5)}
    assert notice_end(date(2026, 1, 5), spring).date() == date(2026, 2, 6)


def test_civil_litigation_waits_for_the_end_of_the_notice() -> None:
    """Rule: the procuratorate sues only after the 30-day notice ended with no organisation
    entitled to sue having sued; within it, a 422 names the first possible day."""
    clock = CaseClock(notice_end=notice_end(date(2026, 1, 5)))
    with pytest.raises(TooEarly, match=r"from 2026-02-05.*public notice"):
        check_timing("litigation", "civil", clock, datetime(2026, 2, 4, 12, tzinfo=CST))
    check_timing("litigation", "civil", clock, datetime(2026, 2, 5, 0, 0, 1, tzinfo=CST))
    check_timing("support_suit", "civil", clock, datetime(2026, 1, 20, tzinfo=CST))


END_OF_DAY = END


def test_reply_period_runs_from_receipt_to_the_end_of_the_day_in_cst() -> None:
    """Rule: the agency replies within two months of the day it received the suggestion, 15
    days when urgent (SPC/SPP interpretation on procuratorial public-interest litigation,
    2018, art. 21); the last day ends at midnight China Standard Time, not at a UTC hour."""
    served = date(2026, 1, 31)
    assert reply_due(served, urgent=False) == datetime.combine(date(2026, 3, 31), END_OF_DAY, CST)
    served = date(2026, 3, 1)  # + 15 days: Monday 16 March
    assert reply_due(served, urgent=True) == datetime.combine(date(2026, 3, 16), END_OF_DAY, CST)
    # 23:59:59 CST is 15:59:59 UTC: a reply at 17:00 UTC the same day is already the next day.
    assert reply_due(served, urgent=True).astimezone(UTC).hour == 15
    assert reply_due(date(2027, 12, 29), urgent=False).date() == date(2028, 2, 29)


def test_a_period_ending_on_a_non_working_day_ends_on_the_next_working_day() -> None:
    """Rule: 期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期
    (民事诉讼法 art. 85); 法定休假日 are weekends and public holidays, except the weekend days
    the State Council moves to working days (调休), by default, without any configuration."""
    # + 15 days = Thursday 1 October 2026: National Day, 1-7 October.
    assert reply_due(date(2026, 9, 16), urgent=True).date() == date(2026, 10, 8)
    # + 15 days = Saturday 14 March 2026: Monday the 16th.
    assert reply_due(date(2026, 2, 27), urgent=True) == datetime.combine(
        date(2026, 3, 16), END_OF_DAY, CST
    )
    # + 15 days = Sunday 15 February 2026, the Spring Festival (15-23 February): the 24th.
    assert reply_due(date(2026, 1, 31), urgent=True).date() == date(2026, 2, 24)
    # + 15 days = Saturday 28 February 2026, a 调休 working day: no roll-over.
    assert reply_due(date(2026, 2, 13), urgent=True).date() == date(2026, 2, 28)
    # The 30-day notice the same way: published 2 September 2026 ends Friday 2 October -> 8th.
    assert notice_end(date(2026, 9, 2)).date() == date(2026, 10, 8)


def test_a_deployment_adds_its_own_holidays_and_working_days() -> None:
    """Rule: the shipped calendar can be overridden: local holidays extend a period, declared
    working days stop it (ECOLEADS_HOLIDAYS, ECOLEADS_WORKDAYS)."""
    local = NonWorkingDays(extra_holidays={date(2026, 3, 16)}, workdays={date(2026, 3, 14)})
    assert reply_due(date(2026, 2, 27), urgent=True, closed=local).date() == date(2026, 3, 14)
    local = NonWorkingDays(extra_holidays={date(2026, 3, 16)})
    assert reply_due(date(2026, 2, 27), urgent=True, closed=local).date() == date(2026, 3, 17)
    assert "holidays" in SOURCE and "调休" in SOURCE


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


def test_a_suit_incidental_to_a_prosecution_waits_for_its_notice() -> None:
    """Rule (issue 19, 14): the 刑事附带民事公益诉讼 path publishes its own 30-day notice (高检发
    释字〔2019〕2号) before the suit; it has no suggestion and no supported suit."""
    steps = PATH_TRANSITIONS["criminal_incidental"]
    assert "public_notice" in steps["case_filed"] and "litigation" not in steps["case_filed"]
    endings = {"terminated", "closed_remedied", "closed_not_remedied"}
    assert set(steps["public_notice"]) - endings == {"litigation"}
    end = notice_end(date(2026, 3, 2))
    clock = CaseClock(notice_end=end)
    assert possible_from("litigation", "criminal_incidental", clock) == end + timedelta(
        microseconds=1
    )
    with pytest.raises(TooEarly, match="public notice"):
        check_timing("litigation", "criminal_incidental", clock, end)


def test_inquiry_before_filing_investigation_after() -> None:
    """Rule (issue 19, 14): before 立案 a lead is assessed (线索评估) and inquired into (初步
    调查); 调查 belongs to the filed case."""
    assert STATUS_LABELS["triaged"][0] == "线索评估"
    assert STATUS_LABELS["investigating"][0] == "初步调查"
    assert "调查" in STATUS_LABELS["case_filed"][0]
