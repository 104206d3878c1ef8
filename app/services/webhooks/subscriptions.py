"""Use cases: subscribe an endpoint to events in an area, read, disable and enable it, list
its deliveries and retry one. Subscriptions belong to an organisation: others get 404."""

from typing import Any

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import Forbidden, Invalid, NotFound
from app.services.places.geocode import resolve_input
from app.services.webhooks.egress import check_url
from app.services.webhooks.outbox import EVENT_SCOPES, may_receive
from app.services.webhooks.signing import new_secret
from app.settings import Settings
from models import Layer, LayerFeature, LayerVersion, Subscription, User, WebhookDelivery
from models.base import SRID, utcnow


def resolve_area(
    session: Session, area: dict[str, Any] | None, settings: Settings
) -> BaseGeometry | None:
    """Turn a GeoJSON geometry (WGS-84) or {"layer", "feature_id"} into a geometry."""
    if area is None:
        return None
    if "layer" in area:
        feature = session.scalar(
            select(LayerFeature)
            .join(LayerVersion, LayerVersion.id == LayerFeature.layer_version_id)
            .join(Layer, Layer.id == LayerVersion.layer_id)
            .where(Layer.name == area["layer"], LayerFeature.id == area["feature_id"])
        )
        if feature is None:
            raise Invalid(f"layer {area['layer']!r} has no feature {area['feature_id']}")
        return to_shape(feature.geom)
    return resolve_input(
        lon=None,
        lat=None,
        geometry=area,
        crs="EPSG:4326",
        max_vertices=settings.geometry_max_vertices,
    )


def create_subscription(
    session: Session,
    *,
    user: User,
    url: str,
    events: list[str],
    area: dict[str, Any] | None,
    settings: Settings,
) -> Subscription:
    """Subscribe an endpoint the allow-list admits; its secret is new (shown once)."""
    unknown = sorted(set(events) - set(EVENT_SCOPES))
    if not events or unknown:
        raise Invalid(f"events must be some of {', '.join(EVENT_SCOPES)} (unknown: {unknown})")
    barred = [e for e in events if not may_receive(user, e)]
    if barred:
        raise Forbidden(f"a {user.role} may not receive {', '.join(barred)}")
    check_url(url, settings.webhook_allowed_hosts)
    geom = resolve_area(session, area, settings)
    sub = Subscription(
        org_id=user.org_id,
        created_by_id=user.id,
        url=url,
        events=sorted(set(events), key=list(EVENT_SCOPES).index),
        area=None if geom is None else from_shape(geom, srid=SRID),
        secret=new_secret(),
        active=True,
    )
    session.add(sub)
    session.flush()
    return sub


def list_subscriptions(session: Session, *, user: User) -> list[Subscription]:
    """Return the subscriptions of the caller's organisation."""
    return list(
        session.scalars(
            select(Subscription).where(Subscription.org_id == user.org_id).order_by(Subscription.id)
        )
    )


def get_subscription(session: Session, *, subscription_id: int, user: User) -> Subscription:
    """Return a subscription of the caller's organisation, or raise NotFound."""
    sub = session.get(Subscription, subscription_id)
    if sub is None or sub.org_id != user.org_id:
        raise NotFound(f"subscription {subscription_id} not found")
    return sub


def disable(session: Session, sub: Subscription, reason: str) -> None:
    """Stop an endpoint: no new deliveries, and its pending ones are cancelled."""
    sub.active = False
    sub.disabled_reason = reason
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == sub.id, WebhookDelivery.status == "pending")
        .values(status="cancelled", next_attempt_at=None, claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()


def enable(session: Session, *, sub: Subscription, settings: Settings) -> Subscription:
    """Re-enable an endpoint (its URL is checked against today's allow-list again)."""
    check_url(sub.url, settings.webhook_allowed_hosts)
    sub.active = True
    sub.disabled_reason = None
    session.flush()
    return sub


def list_deliveries(
    session: Session, *, sub: Subscription, limit: int, offset: int
) -> list[WebhookDelivery]:
    """Return a subscription's deliveries, newest first."""
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == sub.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def retry_delivery(session: Session, *, sub: Subscription, delivery_id: int) -> WebhookDelivery:
    """Queue a delivery again now, whatever became of it; a disabled subscription stays
    disabled (the delivery waits until it is enabled)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != sub.id:
        raise NotFound(f"delivery {delivery_id} not found")
    delivery.status = "pending"
    delivery.next_attempt_at = utcnow()
    delivery.claimed_by = None
    delivery.claimed_until = None
    delivery.delivered_at = None
    session.flush()
    return delivery
