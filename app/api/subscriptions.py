"""Webhook subscriptions of the caller's organisation and their deliveries."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping

from app.auth import Allow, Principal
from app.deps import DbId, Offset, SessionDep, SettingsDep
from app.http.routing import TransactionRoute
from app.presenters.rows import from_row
from app.schemas.subscriptions import (
    DeliveryRead,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
)
from app.services.webhooks import subscriptions as service
from models import Subscription, WebhookDelivery

router = APIRouter(
    prefix="/api/v1/subscriptions", tags=["subscriptions"], route_class=TransactionRoute
)
Subscriber = Annotated[
    Principal, Depends(Allow("subscriptions:write", "admin", "prosecutor", "partner"))
]


def _read(sub: Subscription) -> SubscriptionRead:
    area = None if sub.area is None else dict(mapping(to_shape(sub.area)))
    return from_row(SubscriptionRead, sub, area=area)


def _delivery(d: WebhookDelivery) -> DeliveryRead:
    last = d.log[-1] if d.log else {}
    return from_row(
        DeliveryRead,
        d,
        last_attempt_at=last.get("at"),
        last_status_code=last.get("status_code"),
        last_error=last.get("error"),
    )


@router.post("", status_code=201, summary="Subscribe an endpoint to events")
def create_subscription(
    body: SubscriptionCreate, session: SessionDep, settings: SettingsDep, caller: Subscriber
) -> SubscriptionCreated:
    """Subscribe a URL the allow-list admits; the answer holds the signing secret, once."""
    sub = service.create_subscription(
        session,
        user=caller.user,
        url=body.url,
        events=list(body.events),
        area=body.area_dict(),
        settings=settings,
    )
    return SubscriptionCreated(**_read(sub).model_dump(), secret=sub.secret)


@router.get("", summary="The organisation's subscriptions")
def list_subscriptions(session: SessionDep, caller: Subscriber) -> list[SubscriptionRead]:
    """List the subscriptions of the caller's organisation."""
    return [_read(s) for s in service.list_subscriptions(session, user=caller.user)]


@router.get("/{subscription_id}", summary="A subscription")
def get_subscription(
    subscription_id: DbId, session: SessionDep, caller: Subscriber
) -> SubscriptionRead:
    """Return one subscription of the caller's organisation."""
    return _read(
        service.get_subscription(session, subscription_id=subscription_id, user=caller.user)
    )


@router.delete("/{subscription_id}", summary="Deactivate a subscription")
def delete_subscription(
    subscription_id: DbId, session: SessionDep, caller: Subscriber
) -> SubscriptionRead:
    """Stop sending to the endpoint; its pending deliveries are cancelled."""
    sub = service.get_subscription(session, subscription_id=subscription_id, user=caller.user)
    service.disable(session, sub, f"deactivated by user {caller.user.id}")
    return _read(sub)


@router.post("/{subscription_id}/enable", summary="Re-enable a subscription")
def enable_subscription(
    subscription_id: DbId, session: SessionDep, settings: SettingsDep, caller: Subscriber
) -> SubscriptionRead:
    """Send new events to the endpoint again (after a 410 Gone or a deactivation)."""
    sub = service.get_subscription(session, subscription_id=subscription_id, user=caller.user)
    return _read(service.enable(session, sub=sub, settings=settings))


@router.get("/{subscription_id}/deliveries", summary="A subscription's deliveries")
def list_deliveries(
    subscription_id: DbId,
    session: SessionDep,
    caller: Subscriber,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> list[DeliveryRead]:
    """List deliveries, newest first: status, attempts, next attempt, last outcome."""
    sub = service.get_subscription(session, subscription_id=subscription_id, user=caller.user)
    return [
        _delivery(d) for d in service.list_deliveries(session, sub=sub, limit=limit, offset=offset)
    ]


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/retry", summary="Send a delivery again now"
)
def retry_delivery(
    subscription_id: DbId, delivery_id: DbId, session: SessionDep, caller: Subscriber
) -> DeliveryRead:
    """Queue a delivery now; a disabled subscription stays disabled (enable it to send)."""
    sub = service.get_subscription(session, subscription_id=subscription_id, user=caller.user)
    return _delivery(service.retry_delivery(session, sub=sub, delivery_id=delivery_id))
