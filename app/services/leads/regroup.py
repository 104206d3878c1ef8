"""Use cases that regroup evidence: merge, split, and the grouping clustering would give."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services import audit
from app.services.leads.pipeline import GROUPS, RULES, evidence_point, reassess
from app.services.leads.workflow import lead_to_act_on
from app.settings import Settings
from geo.clustering import cluster
from models import EvidenceItem, Lead, User


def merge(
    session: Session, *, user: User, target_id: int, source_id: int, note: str, settings: Settings
) -> Lead:
    """Move all evidence of `source` into `target`; `source` becomes a merged duplicate."""
    if target_id == source_id:
        raise Invalid("cannot merge a lead into itself")
    target = lead_to_act_on(session, user=user, lead_id=target_id)
    source = lead_to_act_on(session, user=user, lead_id=source_id)
    moved = list(session.scalars(select(EvidenceItem.id).where(EvidenceItem.lead_id == source.id)))
    session.execute(
        update(EvidenceItem).where(EvidenceItem.lead_id == source.id).values(lead_id=target.id)
    )
    source.status, source.merged_into_id = "duplicate", target.id
    actor = audit.actor_of(user)
    _log_move(session, actor, "merge", source, "into", target, moved, note)
    reassess(session, [target], actor=actor, settings=settings)
    return target


def split(
    session: Session,
    *,
    user: User,
    lead_id: int,
    evidence_ids: list[int],
    note: str,
    settings: Settings,
) -> Lead:
    """Move some evidence of a lead into a new lead of the same category."""
    lead = lead_to_act_on(session, user=user, lead_id=lead_id)
    items = list(session.scalars(select(EvidenceItem).where(EvidenceItem.lead_id == lead.id)))
    chosen = [i for i in items if i.id in set(evidence_ids)]
    if len(chosen) != len(set(evidence_ids)):
        raise Invalid(
            f"evidence {sorted(set(evidence_ids) - {i.id for i in chosen})} "
            f"is not part of lead {lead_id}"
        )
    if not chosen or len(chosen) == len(items):
        raise Invalid("split off some, not none or all, of the lead's evidence")
    new = Lead(
        category=lead.category,
        geom=chosen[0].geom,
        status="new",
        score=0.0,
        score_breakdown=[],
        legal_bases=[],
        geocode={},
    )
    session.add(new)
    session.flush()
    for item in chosen:
        item.lead_id = new.id
    actor = audit.actor_of(user)
    moved = [i.id for i in chosen]
    _log_move(session, actor, "split", lead, "to", new, moved, note)
    reassess(session, [lead, new], actor=actor, settings=settings)
    return new


def _log_move(
    session: Session,
    actor: str,
    action: str,
    away: Lead,
    toward: str,
    to: Lead,
    moved: list[int],
    note: str,
) -> None:
    """Log on both leads that `moved` evidence went from `away` (`toward`: into, to) to `to`."""
    for lead_id, change in (
        (away.id, {toward: to.id, "evidence": moved, "note": note}),
        (to.id, {"from": away.id, "evidence": moved, "note": note}),
    ):
        audit.append(session, actor=actor, action=action, lead_id=lead_id, change=change)


def grouping(session: Session) -> list[list[int]]:
    """The current grouping of evidence into (not merged-away) leads, as sorted id lists."""
    groups: dict[int | None, list[int]] = {}
    for item_id, lead_id in session.execute(
        select(EvidenceItem.id, EvidenceItem.lead_id)
        .where(EvidenceItem.lead_id.is_not(None))
        .order_by(EvidenceItem.id)
    ):
        groups.setdefault(lead_id, []).append(item_id)
    return sorted(groups.values(), key=lambda g: g[0])


def recluster_preview(session: Session) -> list[list[int]]:
    """Cluster all evidence from scratch (no writes): equals `grouping` when nothing was
    merged or split by hand."""
    items = list(session.scalars(select(EvidenceItem).order_by(EvidenceItem.id)))
    return cluster([evidence_point(i) for i in items], rules=RULES, groups=GROUPS)
