"""Facts other domains know about leads, gathered through providers they register.

The lead core imports nothing from the domains that produce evidence (reports, imagery,
air): each registers a provider here (as geo.scoring registers its signals), and `gather`
asks every provider once for a whole batch of leads. Registration happens when
`app.services` is imported (its package module imports the provider modules).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from app.services.leads.assess import Gathered, earlier_closed, procedures_of, zone_keys
from app.settings import Settings
from geo.air.attribution import Attribution
from geo.scoring.imagery import ImageryChange
from models import EvidenceItem, Lead


@dataclass(frozen=True)
class Subject:
    """One lead as a provider sees it: its evidence, where and when it lies."""

    lead: Lead
    items: Sequence[EvidenceItem]
    hull: BaseGeometry
    first: datetime
    last: datetime


# A provider answers for every subject of a batch, in order, with few queries.
# Settings are None when only the facts the legal elements read are asked for.
Provider = Callable[[Session, Sequence[Subject], Settings | None], list[Any]]

PHOTOS, IMAGERY, AIR = "photos", "imagery", "air"
_PROVIDERS: dict[str, Provider] = {}


def provides(name: str) -> Callable[[Provider], Provider]:
    """Register a provider of fact `name` (photos, imagery or air)."""
    if name not in (PHOTOS, IMAGERY, AIR):
        raise ValueError(f"unknown lead fact {name!r}")

    def register(provider: Provider) -> Provider:
        _PROVIDERS[name] = provider
        return provider

    return register


def _ask(
    name: str, session: Session, subjects: Sequence[Subject], settings: Settings | None
) -> list[Any]:
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise RuntimeError(f"no provider of lead fact {name!r}: import app.services first")
    answers = provider(session, subjects, settings)
    if len(answers) != len(subjects):
        raise RuntimeError(f"provider of {name!r} answered {len(answers)} of {len(subjects)}")
    return answers


def gather(
    session: Session,
    subjects: Sequence[Subject],
    *,
    now: datetime,
    settings: Settings | None = None,
) -> list[Gathered]:
    """What each subject's evidence shows, ready to assess: the providers' facts, its zones,
    its procedure; with `settings`, also the facts only the score reads (the air signal, the
    change in sum and the closed leads nearby); without, what the legal elements read."""
    if not subjects:
        return []
    scoring = settings is not None
    photos = _ask(PHOTOS, session, subjects, settings)
    imagery = _ask(IMAGERY, session, subjects, settings)
    air = _ask(AIR, session, subjects, settings) if scoring else [None] * len(subjects)
    recurring = (
        earlier_closed(session, [s.hull for s in subjects], [s.lead.id for s in subjects])
        if scoring
        else [0] * len(subjects)
    )
    procedures = procedures_of(session, [s.lead for s in subjects], now)
    out = []
    for k, s in enumerate(subjects):
        change: tuple[ImageryChange | None, int] = imagery[k]
        attribution: Attribution | None = air[k]
        out.append(
            Gathered(
                category=s.lead.category,
                zones=zone_keys((s.lead.geocode or {}).get("zones", [])),
                items=s.items,
                photos=photos[k],
                earlier_closed=recurring[k],
                imagery=change[0] if scoring else None,
                imagery_items=change[1],
                air=attribution,
                procedure=procedures[k],
            )
        )
    return out
