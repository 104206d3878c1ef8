"""The parts of a dossier a prosecutor reads before the evidence: where the lead came from
(线索来源), the prosecutors' assessments (审查意见), how the case was handled (办案情况), and
who is responsible and which agency has the duty (责任主体、负有监管职责的行政机关)."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import audit
from models import (
    EvidenceItem,
    Lead,
    LeadFinding,
    Organisation,
    Referral,
    Report,
    Suggestion,
    User,
)
from rules.referrals import AGENCY_LEVELS, REFERRAL_KINDS, jurisdiction_note
from rules.workflow import PATHS, STATUS_LABELS, local_date

# An evidence item's channel: how it reached the procuratorate.
CHANNELS: dict[str, str] = {
    "report": "随手拍（志愿者举报） citizen report",
    "fire_hotspot": "卫星火点 satellite fire hotspot (FIRMS)",
    "change_polygon": "遥感变化检测 satellite/aerial change detection",
    "drone_photo": "无人机 drone photo",
}


REMEDIED: dict[bool | None, str] = {True: "已整改 remedied", False: "未整改 not remedied"}


COMPLIED: dict[bool | None, str] = {True: "表示整改 complied", False: "未整改 did not comply"}


def channel(item: EvidenceItem) -> str:
    """The channel of an evidence item (a report's photos are 随手拍)."""
    key = "report" if item.report_id is not None else item.kind
    return CHANNELS.get(key, item.kind)


def sources(session: Session, items: list[EvidenceItem]) -> list[dict[str, Any]]:
    """One row per channel: how many items, first and last received, and who passed them on
    (volunteers by account number, never by name; other channels by their source)."""
    by_channel: dict[str, list[EvidenceItem]] = defaultdict(list)
    for item in items:
        by_channel[channel(item)].append(item)
    reporters = dict(
        session.execute(
            select(Report.id, Report.user_id).where(
                Report.id.in_({i.report_id for i in items if i.report_id is not None})
            )
        ).all()
    )
    rows = []
    for name, group in by_channel.items():
        who = sorted(
            {
                f"志愿者账户 volunteer #{reporters[i.report_id]}"
                if i.report_id in reporters
                else (i.source or "—")
                for i in group
            }
        )
        rows.append(
            {
                "channel": name,
                "count": len(group),
                "first": min(i.created_at for i in group),
                "last": max(i.created_at for i in group),
                "from": "、".join(who),
            }
        )
    return sorted(rows, key=lambda r: r["first"])


def assessments(session: Session, lead_id: int) -> list[dict[str, Any]]:
    """The prosecutors' notes on each step (初步调查意见 when triaged or investigated, 审查意见
    when filed, …), from the audit log."""
    entries = [e for e in audit.history(session, lead_id=lead_id) if e.action == "transition"]
    names = _names(session, {e.actor for e in entries})
    return [
        {
            "at": e.at,
            "step": " ".join(STATUS_LABELS.get(to := str(e.change.get("to")), (to, ""))),
            "note": str(e.change.get("note", "")),
            "by": names.get(e.actor, e.actor),
        }
        for e in entries
    ]


def handling(session: Session, lead: Lead) -> list[tuple[str, Any]]:
    """办案情况: the path, the consultation, each suggestion's dates and reply, the follow-up
    reviews, the public notice, the supported suit and the referrals."""
    rows: list[tuple[str, Any]] = [
        ("办案路径 Case path", " ".join(PATHS[lead.path]) if lead.path else "未立案 not filed"),
    ]
    if lead.consultation:
        on, note = lead.consultation.get("on"), lead.consultation.get("note") or ""
        rows.append(("诉前磋商 Consultation", f"{on} {note}".strip()))
    suggestions = session.scalars(
        select(Suggestion).where(Suggestion.lead_id == lead.id).order_by(Suggestion.id)
    ).all()
    org = session.get(Organisation, lead.org_id) if lead.org_id else None
    for n, s in enumerate(suggestions, start=1):
        label = f"检察建议{n} Suggestion {n}"
        level = AGENCY_LEVELS[s.agency_level][0] if s.agency_level else ""
        note = jurisdiction_note(org.level, s.agency_level) if org is not None else None
        rows += [
            (f"{label}：行政机关 agency", f"{s.agency}（{level}）" if level else s.agency),
            *([(f"{label}：管辖 jurisdiction", note)] if note else []),
            (f"{label}：发出 issued", s.issued_at),
            (f"{label}：送达 served", s.served_at),
            (f"{label}：回复期限 reply due", s.due_at),
            (f"{label}：回复 reply", _reply(s)),
        ]
        for k, f in enumerate(s.follow_ups or [], start=1):
            found = REMEDIED.get(f.get("remedied"), "")
            text = f"{str(f.get('at'))[:10]} {found} {f.get('note') or ''}".strip()
            rows.append((f"{label}：跟进监督{k} follow-up {k}", text))
    if lead.notice_start is not None:
        period = f"{_day(lead.notice_start)} – {_day(lead.notice_end)}"
        rows.append(("诉前公告 Public notice", period))
    if lead.notice_plaintiff:
        rows.append(("支持起诉 Suit supported", lead.notice_plaintiff))
    for r, to_name in session.execute(
        select(Referral, Organisation.name)
        .outerjoin(Organisation, Referral.to_org_id == Organisation.id)
        .where(Referral.lead_id == lead.id)
        .order_by(Referral.id)
    ).all():
        kind = REFERRAL_KINDS[r.kind][0]
        due = _day(r.receipt_due_at)
        text = f"{to_name or r.receiver}（{r.basis}）{r.status}；回执期限 {due}"
        rows.append((f"{kind} Referral #{r.id}", text))
    return rows


def parties(session: Session, lead: Lead, found: list[LeadFinding]) -> list[tuple[str, Any]]:
    """Who is responsible and which agency has the duty to act, as the investigation found
    them (the newest of the lead's findings, oldest first, per element) and as the
    suggestions named the agency."""
    newest = {f.element: f for f in found}
    agencies = sorted(
        set(session.scalars(select(Suggestion.agency).where(Suggestion.lead_id == lead.id)))
    )
    return [
        ("行为人或责任主体 Responsible party", _finding(newest.get("responsible_party"))),
        ("负有监管职责的行政机关 Agency with the duty", _finding(newest.get("agency_duty"))),
        ("检察建议所针对的机关 Agency the suggestions address", "、".join(agencies) or "—"),
    ]


def item_place(item: EvidenceItem) -> str:
    """An item's point as the evidence list shows it."""
    point = to_shape(item.geom).centroid
    return f"{point.y:.6f} N, {point.x:.6f} E"


def _finding(f: LeadFinding | None) -> str:
    if f is None:
        return "待调查 not yet established"
    return f"{'已认定' if f.proven else '未认定'}：{f.note}（{_day(f.created_at)}）"


def _reply(s: Suggestion) -> str:
    if s.replied_at is None:
        return "未回复 no reply"
    complied = COMPLIED.get(s.complied, "")
    late = "（逾期 late）" if s.replied_at > s.due_at else ""
    return f"{_day(s.replied_at)}{late} {complied} {s.reply_note or ''}".strip()


def _day(at: datetime | None) -> str:
    return "—" if at is None else local_date(at).isoformat()


def display_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """The display names of these users, by id."""
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {user_id: name for user_id, name in rows}


def _names(session: Session, actors: set[str]) -> dict[str, str]:
    ids = {int(a.split(":", 1)[1]) for a in actors if a.startswith("user:")}
    return {f"user:{i}": name for i, name in display_names(session, ids).items()}
