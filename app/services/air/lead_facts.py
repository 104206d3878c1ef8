"""The air signal of leads, provided to the lead core (`leads.facts`)."""

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.services.air.attribution import attribution_at
from app.services.leads.facts import AIR, Subject, provides
from app.settings import Settings
from geo.air.attribution import Attribution


@provides(AIR)
def air_facts(
    session: Session, subjects: Sequence[Subject], settings: Settings | None
) -> list[Attribution | None]:
    """Each lead's air signal from the stations around its centre over its evidence's
    period (None for categories that are not air pollutants); asked only with settings."""
    if settings is None:
        raise ValueError("the air signal needs the settings")
    out = []
    for s in subjects:
        c = s.hull.centroid
        out.append(
            attribution_at(
                session,
                category=s.lead.category,
                lon=c.x,
                lat=c.y,
                first=s.first,
                last=s.last,
                settings=settings,
            )
        )
    return out
