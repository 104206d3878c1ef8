"""One delivery attempt: sign, POST to the checked address, record the outcome (delivered;
retry after a backoff; failed after the last attempt; 410 Gone disables the endpoint)."""

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.services.webhooks.egress import EgressRefused, Target, check_url
from app.services.webhooks.signing import signed_headers
from app.services.webhooks.subscriptions import disable
from app.settings import Settings
from models import Subscription, WebhookDelivery
from models.base import utcnow

USER_AGENT = "EcoLeads-Webhooks/1"
LOG_KEEP = 50  # attempts kept in a delivery's log (newest)


@dataclass(frozen=True)
class Message:
    """What a claimed delivery sends, read before the (slow) request."""

    delivery_id: int
    subscription_id: int
    url: str
    secret: str
    message_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Attempt:
    """The outcome of one POST: a status code, or an error; how long it took."""

    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        """A 2xx answer: delivered."""
        return self.status_code is not None and 200 <= self.status_code < 300

    def entry(self) -> dict[str, Any]:
        """The attempt as a log entry."""
        return {
            "at": self.at.isoformat(),
            "status_code": self.status_code,
            "error": self.error,
            "duration_ms": round(self.duration_ms, 1),
        }


def is_due(session: Session, now: datetime) -> bool:
    """Tell whether any delivery may be due (a cheap read before taking a writer's lock)."""
    due = select(WebhookDelivery.id).where(
        WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now
    )
    return session.scalar(due.limit(1)) is not None


def load_message(session: Session, delivery_id: int) -> Message | None:
    """Read what a delivery sends (None if it is gone)."""
    row = session.execute(
        select(WebhookDelivery, Subscription)
        .join(Subscription, Subscription.id == WebhookDelivery.subscription_id)
        .where(WebhookDelivery.id == delivery_id)
    ).first()
    if row is None:
        return None
    d, sub = row
    return Message(d.id, sub.id, sub.url, sub.secret, d.message_id, d.payload)


def send(message: Message, settings: Settings) -> Attempt:
    """POST the signed payload once (no redirects followed, no proxies)."""
    at, start = utcnow(), time.perf_counter()
    code: int | None = None
    error: str | None = None
    try:
        target = check_url(message.url, settings.webhook_allowed_hosts)
        body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **signed_headers(message.secret, message.message_id, int(time.time()), body),
        }
        code = _post(target, body, headers, settings.webhook_timeout_s)
    except EgressRefused as exc:
        error = f"refused: {exc.message}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    return Attempt(at, code, error, (time.perf_counter() - start) * 1000)


def _post(target: Target, body: bytes, headers: dict[str, str], timeout_s: float) -> int:
    """POST to the checked addresses in turn (the first that accepts the connection): the
    host name still goes in Host and, for https, in SNI and the certificate check."""
    url = httpx.URL(target.url)
    last: httpx.ConnectError | None = None
    with httpx.Client(timeout=timeout_s, follow_redirects=False, trust_env=False) as client:
        for address in target.addresses:
            request = client.build_request(
                "POST",
                url.copy_with(host=str(address)),
                content=body,
                headers={**headers, "host": url.netloc.decode("ascii")},
                extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
            )
            try:
                return client.send(request).status_code
            except httpx.ConnectError as exc:
                last = exc
    assert last is not None  # check_url returns at least one address
    raise last


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the attempts-th failed attempt (the schedule's last step repeats)."""
    steps = settings.webhook_backoff_s or [60.0]
    return timedelta(seconds=steps[min(attempts, len(steps)) - 1])


def record(
    session: Session, *, message: Message, worker: str, attempt: Attempt, settings: Settings
) -> str | None:
    """Record an attempt on a delivery worker still holds; return its new status (None if
    the delivery was taken back, e.g. retried by hand, meanwhile)."""
    delivery = session.get(WebhookDelivery, message.delivery_id)
    if delivery is None or delivery.claimed_by != worker or delivery.status != "pending":
        return None
    attempts = delivery.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "log": [*delivery.log, attempt.entry()][-LOG_KEEP:],
        "claimed_by": None,
        "claimed_until": None,
        "next_attempt_at": None,
    }
    if attempt.ok:
        values.update(status="delivered", delivered_at=attempt.at)
    elif attempt.status_code == 410 or attempts >= settings.webhook_max_attempts:
        values.update(status="failed")
    else:
        values.update(status="pending", next_attempt_at=utcnow() + backoff(settings, attempts))
    done = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery.id, WebhookDelivery.claimed_by == worker)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return None
    if attempt.status_code == 410:
        sub = session.get(Subscription, message.subscription_id)
        if sub is not None:
            disable(session, sub, f"the endpoint answered 410 Gone at {attempt.at.isoformat()}")
    return str(values["status"])
