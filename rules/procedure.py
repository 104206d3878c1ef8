"""What a case's procedure proves: the elements of the procuratorate's own suits (the agency
failed to act and the harm persists; the civil notice ended with nobody suing)."""

from dataclasses import dataclass
from datetime import datetime

# A re-check restoring less than this share of the changed area shows the harm persists:
# remediation visibly incomplete (a judgement threshold, not a legal one; tune it here).
RESTORED_ENOUGH = 0.8


@dataclass(frozen=True)
class SuggestionOutcome:
    """A procuratorial suggestion's deadline, reply and latest follow-up finding."""

    due_at: datetime
    replied_at: datetime | None = None
    complied: bool | None = None
    remedied: bool | None = None  # the latest follow-up review's finding, if any


@dataclass(frozen=True)
class Procedure:
    """What the case's procedure shows: suggestions, the civil notice, the re-checks that can
    show harm after the agency's reply, the path, and the prosecutor's findings."""

    now: datetime
    suggestions: tuple[SuggestionOutcome, ...] = ()
    notice_end: datetime | None = None
    organisation_sued: bool = False
    rechecks: tuple[tuple[datetime, float | None], ...] = ()  # (imaged at, restored fraction)
    path: str | None = None  # administrative or civil, once filed
    # The prosecutor's newest finding per element (code, proven): what investigation found.
    findings: tuple[tuple[str, bool], ...] = ()


def agency_failed(s: SuggestionOutcome, now: datetime) -> bool:
    """The agency failed to act on a suggestion: no reply by the end of the period, a reply
    saying it did not comply, or a follow-up review finding the harm not remedied."""
    return (s.replied_at is None and now > s.due_at) or s.complied is False or s.remedied is False


def harm_after(s: SuggestionOutcome, p: Procedure) -> bool:
    """Something after the agency's reply (or after the period, with none) shows the harm: a
    re-check restoring too little, or a review finding it not remedied. A newer photo alone
    does not: it shows the place, not that the harm is still there (a finding can say so)."""
    if s.remedied is False:
        return True
    since = s.replied_at or (s.due_at if p.now > s.due_at else None)
    if since is None:
        return False
    return any(
        at > since and fraction is not None and fraction < RESTORED_ENOUGH
        for at, fraction in p.rechecks
    )


def notice_expired(p: Procedure) -> bool:
    """The 30-day notice has ended and no organisation entitled to sue has sued."""
    return p.notice_end is not None and p.now > p.notice_end and not p.organisation_sued
