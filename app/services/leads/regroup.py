"""Use cases that regroup evidence: merge, split, and bulk clustering of new evidence."""

from typing import Any

import numpy as np
import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services import audit
from app.services.air.attribution import attribution_at
from app.services.leads.assess import (
    Gathered,
    assess,
    earlier_closed,
    imagery_facts,
    photo_facts,
    zone_keys,
)
from app.services.leads.build import (
    breakdown_rows,
    current_weights,
    refresh,
)
from app.services.leads.legal import legal_rows
from app.services.leads.workflow import lead_to_act_on
from app.services.places.geocode_batch import BatchResult, geocode_points
from app.settings import Settings
from geo.clustering import EvidencePoint, cluster
from geo.progress import Progress, no_progress
from models import AirStation, EvidenceItem, Lead, Organisation, User
from models.base import SRID, utcnow
from rules.kinds import ADMIN_LEVELS


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
    actor = f"user:{user.id}"
    audit.append(
        session,
        actor=actor,
        action="merge",
        lead_id=source.id,
        change={"into": target.id, "evidence": moved, "note": note},
    )
    audit.append(
        session,
        actor=actor,
        action="merge",
        lead_id=target.id,
        change={"from": source.id, "evidence": moved, "note": note},
    )
    refresh(session, lead=target, actor=actor, settings=settings)
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
    actor = f"user:{user.id}"
    moved = [i.id for i in chosen]
    audit.append(
        session,
        actor=actor,
        action="split",
        lead_id=lead.id,
        change={"to": new.id, "evidence": moved, "note": note},
    )
    audit.append(
        session,
        actor=actor,
        action="split",
        lead_id=new.id,
        change={"from": lead.id, "evidence": moved, "note": note},
    )
    refresh(session, lead=lead, actor=actor, settings=settings)
    refresh(session, lead=new, actor=actor, settings=settings)
    return new


def _points(items: list[EvidenceItem]) -> list[EvidencePoint]:
    out = []
    for i in items:
        c = to_shape(i.geom).centroid
        out.append(EvidencePoint(i.id, i.category, c.x, c.y, i.observed_at, i.kind, i.source))
    return out


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
    return cluster(_points(items))


def _place(result: BatchResult, k: int, responsible: list[Organisation]) -> dict[str, Any]:
    """A batch geocode row in the shape single geocodes are stored in (what readers use)."""
    columns = result.columns
    return {
        "admin": [{"level": lv, "name": columns[lv][k]} for lv in ADMIN_LEVELS if columns[lv][k]],
        "zones": result.zones(k),
        "responsible_organisations": [
            {"id": o.id, "code": o.code, "name": o.name, "role": o.role, "level": o.level}
            for o in responsible
        ],
        "partners": columns["partners"][k],
        "cross_boundary": columns["cross_boundary"][k],
    }


def cluster_unassigned(
    session: Session,
    *,
    settings: Settings,
    actor: str = "system",
    progress: Progress = no_progress,
) -> int:
    """Group evidence that has no lead yet into new leads, geocoded and scored in bulk."""
    items = list(
        session.scalars(
            select(EvidenceItem).where(EvidenceItem.lead_id.is_(None)).order_by(EvidenceItem.id)
        )
    )
    if not items:
        return 0
    progress(0.05, f"clustering {len(items)} evidence items")
    by_id = {i.id: i for i in items}
    groups = cluster(_points(items))
    progress(0.3, f"{len(groups)} leads; geocoding")
    hulls = [
        shapely.union_all([to_shape(by_id[i].geom) for i in g])
        if len(g) > 1
        else to_shape(by_id[g[0]].geom)
        for g in groups
    ]
    centres = shapely.get_coordinates(shapely.centroid(np.asarray(hulls)))
    found = geocode_points(
        session,
        lons=centres[:, 0],
        lats=centres[:, 1],
        partner_distance_m=settings.partner_distance_m,
        nearest_max_m=settings.nearest_max_m,
    )
    orgs = {o.code: o for o in session.scalars(select(Organisation))}
    weights, rows, now = current_weights(session), legal_rows(session), utcnow()
    with_air = session.scalar(select(exists().where(AirStation.id.is_not(None))))
    progress(0.6, "scoring")
    members_of = [[by_id[i] for i in g] for g in groups]
    photos = photo_facts(session, members_of)
    imagery = imagery_facts(session, members_of, [None] * len(groups))
    recurring = earlier_closed(session, hulls)
    leads: list[dict[str, Any]] = []
    for k, members in enumerate(members_of):
        first = min(m.observed_at for m in members)
        last = max(m.observed_at for m in members)
        zones = found.zones(k)
        result = assess(
            Gathered(
                category=members[0].category,
                zones=zone_keys(zones),
                items=members,
                photos=photos[k],
                earlier_closed=recurring[k],
                imagery=imagery[k][0],
                imagery_items=imagery[k][1],
                air=attribution_at(
                    session,
                    category=members[0].category,
                    lon=float(centres[k, 0]),
                    lat=float(centres[k, 1]),
                    first=first,
                    last=last,
                    settings=settings,
                )
                if with_air
                else None,
            ),
            weights=weights,
            rows=rows,
            now=now,
        )
        responsible = [c for c in found.columns["responsible"][k].split(";") if c]
        leads.append(
            dict(
                category=members[0].category,
                geom=from_shape(hulls[k], srid=SRID),
                org_id=orgs[responsible[0]].id if responsible else None,
                status="new",
                score=result.score.total,
                weights_version=weights.id,
                score_breakdown=breakdown_rows(result.score),
                legal_bases=result.legal_bases,
                geocode=_place(found, k, [orgs[c] for c in responsible]),
                first_evidence_at=first,
                last_evidence_at=last,
            )
        )
    # Core executemany with RETURNING (ORM objects flush far slower), in calls of 1,000 rows:
    # SQLAlchemy splices RETURNING batches at a cost quadratic in the batches of one call.
    stmt = insert(Lead).returning(Lead.id, sort_by_parameter_order=True)
    ids = [
        lead_id
        for start in range(0, len(leads), 1000)
        for lead_id in session.execute(stmt, leads[start : start + 1000]).scalars()
    ]
    progress(0.85, "linking evidence and logging")
    link = (
        update(EvidenceItem)
        .where(EvidenceItem.id == bindparam("item"))
        .values(lead_id=bindparam("lead"))
    )
    session.connection().execute(
        link,
        [
            {"item": i, "lead": lead_id}
            for lead_id, group in zip(ids, groups, strict=True)
            for i in group
        ],
    )
    entries: list[dict[str, Any]] = [
        {
            "actor": actor,
            "action": "create",
            "lead_id": lead_id,
            "change": {
                "category": lead["category"],
                "evidence": group,
                "score": lead["score"],
                "weights_version": weights.id,
            },
        }
        for lead_id, lead, group in zip(ids, leads, groups, strict=True)
    ]
    audit.append_many(session, entries)
    progress(1.0, f"{len(leads)} leads created")
    return len(leads)
