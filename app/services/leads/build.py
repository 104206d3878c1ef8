"""Use cases around assessing leads: the score weights in force, a score's stored
explanation, a lead's evidence as the API shows it (the path from evidence to lead itself is
`leads.pipeline`)."""

from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.services import audit
from app.services.leads.assess import (
    lead_items,
)
from geo.scoring.model import DEFAULT_WEIGHTS, Score, score
from geo.scoring.signals import SIGNALS, LeadFacts
from models import (
    Lead,
    ScoreWeights,
    User,
)
from models.base import utcnow
from rules.categories import OTHER, category

# Facts used only to check that a weights version can score.
_PROBE = LeadFacts(
    category=OTHER,
    traits=category(OTHER),
    zones=(),
    reporters=1,
    source_kinds=("citizen_report",),
    last_evidence_at=utcnow(),
    now=utcnow(),
    earlier_closed_leads=0,
    photos=0,
    photos_with_consistent_gps=0,
    duplicate_photos=0,
)


def current_weights(session: Session) -> ScoreWeights:
    """Return the weights in force, creating version 1 from the defaults when none exist."""
    weights = session.scalar(select(ScoreWeights).order_by(ScoreWeights.id.desc()).limit(1))
    if weights is None:
        weights = ScoreWeights(weights=dict(DEFAULT_WEIGHTS), note="defaults")
        session.add(weights)
        session.flush()
    return weights


def list_weights(session: Session) -> list[ScoreWeights]:
    """Return every weights version, newest first."""
    current_weights(session)
    return list(session.scalars(select(ScoreWeights).order_by(ScoreWeights.id.desc())))


def new_weights(
    session: Session, *, user: User, weights: dict[str, float], note: str
) -> ScoreWeights:
    """Add a weights version after checking it scores (known signals, no negatives)."""
    unknown = set(weights) - set(SIGNALS)
    if unknown:
        raise Invalid(f"unknown signals {sorted(unknown)}; known: {', '.join(SIGNALS)}")
    try:
        score(_PROBE, weights)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    version = ScoreWeights(weights=weights, note=note, created_by_id=user.id)
    session.add(version)
    session.flush()
    audit.append_by(
        session,
        user,
        "weights",
        change={"version": version.id, "weights": weights, "note": note},
    )
    return version


def breakdown_rows(result: Score) -> list[dict[str, Any]]:
    """A score's explanation as stored with the lead."""
    return [
        {
            "name": e.name,
            "value": round(e.value, 4),
            "weight": e.weight,
            "points": round(e.points, 2),
            "reason": e.reason,
            "applicable": e.applicable,
            **({"details": list(e.details)} if e.details else {}),
        }
        for e in result.entries
    ]


def evidence_of(session: Session, *, lead: Lead) -> list[dict[str, Any]]:
    """Describe a lead's evidence items with their provenance."""
    out = []
    for item in lead_items(session, lead):
        g = to_shape(item.geom)
        out.append(
            {
                "id": item.id,
                "kind": item.kind,
                "category": item.category,
                "observed_at": item.observed_at.isoformat(),
                "source": item.source,
                "report_id": item.report_id,
                "provenance": item.provenance,
                "lon": g.centroid.x,
                "lat": g.centroid.y,
            }
        )
    return out
