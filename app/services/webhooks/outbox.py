"""The outbox: an event becomes one `webhook_deliveries` row per matching subscription, in
the caller's transaction (a rollback emits nothing; the dispatcher sends what committed)."""

import uuid
from typing import Any, TypedDict

from geoalchemy2.shape import from_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from app.services.access import visible_leads
from app.services.accounts.tokens import ROLE_SCOPES
from models import Lead, Subscription, User, WebhookDelivery
from models.base import SRID, utcnow

# Each event and the scope a subscriber's role needs to learn of it; lead events are also
# sent only to subscribers who may see that lead (app/services/access.py).
EVENT_SCOPES: dict[str, str] = {
    "lead.created": "leads:read",
    "lead.referred": "leads:read",
    "referral.receipted": "leads:read",
    "exceedance": "air:read",
    "change_detected": "imagery:read",
}
EVENTS = tuple(EVENT_SCOPES)


class Envelope(TypedDict):
    """A Standard Webhooks payload."""

    type: str
    timestamp: str
    data: dict[str, Any]


def envelope(event: str, data: dict[str, Any]) -> Envelope:
    """Wrap data as a Standard Webhooks payload: type, timestamp (ISO 8601), data."""
    return {"type": event, "timestamp": utcnow().isoformat(), "data": data}


def may_receive(user: User, event: str) -> bool:
    """Tell whether a user's role may receive an event at all."""
    return EVENT_SCOPES[event] in ROLE_SCOPES.get(user.role, frozenset())


def emit(
    session: Session,
    event: str,
    payload: dict[str, Any],
    geometry: BaseGeometry | None,
    *,
    lead_id: int | None = None,
) -> list[WebhookDelivery]:
    """Queue `payload` (the event's data) for every active subscription to `event` whose
    area meets `geometry` (subscriptions without an area get every such event; an event
    without a geometry reaches only those). Lead events name their lead, so that only
    subscribers who may see it are told. Flushes; the caller's transaction commits."""
    if event not in EVENT_SCOPES:
        raise ValueError(f"unknown webhook event {event!r}")
    query = select(Subscription, User).join(User, User.id == Subscription.created_by_id)
    query = query.where(Subscription.active.is_(True))
    if geometry is None:
        query = query.where(Subscription.area.is_(None))
    else:
        area = from_shape(geometry, srid=SRID)
        query = query.where(
            or_(Subscription.area.is_(None), func.ST_Intersects(Subscription.area, area))
        )
    body = envelope(event, payload)
    rows = []
    for sub, user in session.execute(query.order_by(Subscription.id)):
        if event not in sub.events or not may_receive(user, event):
            continue
        if lead_id is not None and not _sees_lead(session, user, lead_id):
            continue
        rows.append(
            WebhookDelivery(
                subscription_id=sub.id,
                message_id=f"msg_{uuid.uuid4().hex}",
                event=event,
                payload=dict(body),
                status="pending",
                attempts=0,
                next_attempt_at=utcnow(),
                log=[],
            )
        )
    session.add_all(rows)
    session.flush()
    return rows


def has_subscribers(session: Session, event: str) -> bool:
    """Tell whether any active subscription may want an event (a cheap check before work)."""
    rows = session.scalars(select(Subscription.events).where(Subscription.active.is_(True)))
    return any(event in events for events in rows)


def _sees_lead(session: Session, user: User, lead_id: int) -> bool:
    return bool(
        session.scalar(select(exists().where(Lead.id == lead_id, visible_leads(session, user))))
    )
