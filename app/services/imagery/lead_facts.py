"""The imagery facts of leads, provided to the lead core (`leads.facts`)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.leads.facts import IMAGERY, Subject, provides
from app.settings import Settings
from geo.scoring.imagery import CONFIDENCE_VALUE, ImageryChange
from models import ChangePolygon, Recheck


@provides(IMAGERY)
def imagery_facts(
    session: Session, subjects: Sequence[Subject], settings: Settings | None
) -> list[tuple[ImageryChange | None, int]]:
    """Each lead's change polygons in sum (with its latest re-check), and how many imagery
    items (change polygons, drone photos) show the activity. Two queries for all leads."""
    ids = [i.id for s in subjects for i in s.items if i.kind == "change_polygon"]
    polygons = {
        p.evidence_id: p
        for p in (
            session.scalars(select(ChangePolygon).where(ChangePolygon.evidence_id.in_(ids)))
            if ids
            else []
        )
    }
    restored: dict[int, float | None] = {}
    if polygons:
        leads = [s.lead.id for s in subjects]
        for r in session.scalars(
            select(Recheck).where(Recheck.lead_id.in_(leads)).order_by(Recheck.id)
        ):
            restored[r.lead_id] = r.restored_fraction  # the newest wins
    out: list[tuple[ImageryChange | None, int]] = []
    for s in subjects:
        drones = sum(i.kind == "drone_photo" for i in s.items)
        mine = [polygons[i.id] for i in s.items if i.id in polygons]
        if not mine:
            out.append((None, drones))
            continue
        change = ImageryChange(
            area_ha=sum(p.area_ha for p in mine),
            confidence=max((p.confidence for p in mine), key=list(CONFIDENCE_VALUE).index),
            polygons=len(mine),
            restored_fraction=restored.get(s.lead.id),
        )
        out.append((change, len(mine) + drones))
    return out
