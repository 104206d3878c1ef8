"""Subscriptions and signed webhooks on both backends, delivered to a real HTTP receiver on
127.0.0.1 that verifies every delivery with the `standardwebhooks` package."""

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from geoalchemy2.shape import from_shape
from shapely import Point
from sqlalchemy import func, select
from standardwebhooks import Webhook

from app.main import create_app
from app.services.webhooks import emit
from app.services.webhooks.delivery import Message, send
from app.services.webhooks.egress import EgressRefused, check_url
from app.services.webhooks.signing import new_secret
from app.settings import Settings
from models import Layer, LayerFeature, LayerVersion, Subscription, User, WebhookDelivery
from tests.api.test_air_api import MAPPING, air_import, mapped_csv
from tests.api.test_leads_api import ZJK, submit
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

pytestmark = pytest.mark.db
FAST = {
    "webhook_allowed_hosts": ["127.0.0.1"],
    "webhook_poll_s": 0.05,
    "webhook_backoff_s": [0.1],
}
FAR_AWAY = {  # a box in Yunnan, 2,000 km from Zhangjiakou
    "type": "Polygon",
    "coordinates": [[[100, 25], [101, 25], [101, 26], [100, 26], [100, 25]]],
}


class Receiver:
    """An HTTP endpoint answering the given status codes in turn (the last one repeats)."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.got: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append((dict(self.headers.items()), body))
                code = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n: int, timeout_s: float = 20) -> list[tuple[dict[str, str], bytes]]:
        """Wait until n requests have arrived."""
        deadline = time.monotonic() + timeout_s
        while len(self.got) < n:
            assert time.monotonic() < deadline, f"{len(self.got)} of {n} deliveries arrived"
            time.sleep(0.02)
        return self.got


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    """Make receivers; shut them down after the test."""
    made: list[Receiver] = []

    def make(*answers: int) -> Receiver:
        made.append(Receiver(list(answers) or [200]))
        return made[-1]

    yield make
    for r in made:
        r.server.shutdown()
        r.server.server_close()


AppFactory = Callable[..., AbstractContextManager[TestClient]]


@pytest.fixture
def apps(demo: Backend, tmp_path: Path) -> Iterator[AppFactory]:
    """Make a volunteer's client of a fresh app (fast webhook settings); data removed after."""
    volunteer = bearer(login_as(demo, "volunteer"))

    def make(**overrides: object) -> TestClient:
        c = TestClient(create_app(make_settings(demo, tmp_path, **{**FAST, **overrides})))
        c.headers.update(volunteer)
        return c

    yield make
    clear_activity(demo)


@pytest.fixture
def pro(demo: Backend) -> dict[str, str]:
    """A city prosecutor's headers (organisation 130700, where the reports lie)."""
    return bearer(login_as(demo, "prosecutor", org_code="130700"))


def subscribe(c: TestClient, headers: dict[str, str], url: str, **body: object) -> dict:
    r = c.post(
        "/api/v1/subscriptions",
        json={"url": url, "events": ["lead.created"], **body},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return r.json()


def deliveries(c: TestClient, headers: dict[str, str], sub_id: int) -> list[dict]:
    r = c.get(f"/api/v1/subscriptions/{sub_id}/deliveries", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def wait_status(
    c: TestClient, headers: dict[str, str], sub_id: int, status: str, timeout_s: float = 20
) -> dict:
    """Wait until the newest delivery has a status."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = deliveries(c, headers, sub_id)
        if found and found[0]["status"] == status:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no delivery became {status}: {deliveries(c, headers, sub_id)}")


def test_lead_created_is_signed_and_verifiable(
    apps: AppFactory, pro: dict[str, str], receivers: Callable[..., Receiver]
) -> None:
    hook = receivers(200)
    with apps() as c:
        sub = subscribe(c, pro, hook.url)
        assert sub["secret"].startswith("whsec_") and len(sub["secret"]) >= 6 + 32
        again = c.get(f"/api/v1/subscriptions/{sub['id']}", headers=pro).json()
        assert "secret" not in again and again["active"] is True
        assert "secret" not in c.get("/api/v1/subscriptions", headers=pro).json()[0]
        submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
        headers, body = hook.wait(1)[0]
        payload = Webhook(sub["secret"]).verify(body, headers)
        assert headers["webhook-id"].startswith("msg_")
        assert payload["type"] == "lead.created" and "timestamp" in payload
        leads = c.get("/api/v1/leads", headers=pro).json()
        assert [payload["data"]["lead_id"]] == [x["id"] for x in leads]
        assert payload["data"]["category"] == "waste_dumping"
        assert payload["data"]["lon"] == pytest.approx(ZJK[0])
        done = wait_status(c, pro, sub["id"], "delivered")
        assert done["attempts"] == 1 and done["last_status_code"] == 200
        assert done["message_id"] == headers["webhook-id"] and done["next_attempt_at"] is None
        tampered = {**headers, "webhook-id": "msg_other"}
        with pytest.raises(Exception, match="signature"):
            Webhook(sub["secret"]).verify(body, tampered)


def test_failure_is_retried_with_backoff(
    apps: AppFactory, pro: dict[str, str], receivers: Callable[..., Receiver]
) -> None:
    hook = receivers(500, 200)
    with apps() as c:
        sub = subscribe(c, pro, hook.url)
        submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
        first, second = hook.wait(2)
        assert first[0]["webhook-id"] == second[0]["webhook-id"]
        Webhook(sub["secret"]).verify(second[1], second[0])
        done = wait_status(c, pro, sub["id"], "delivered")
        assert done["attempts"] == 2
        assert [a["status_code"] for a in done["log"]] == [500, 200]
        assert all(a["duration_ms"] >= 0 for a in done["log"])


def test_gone_disables_and_manual_retry_waits_for_enable(
    apps: AppFactory, pro: dict[str, str], receivers: Callable[..., Receiver]
) -> None:
    hook = receivers(410, 200)
    with apps() as c:
        sub = subscribe(c, pro, hook.url)
        submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
        gone = wait_status(c, pro, sub["id"], "failed")
        assert gone["last_status_code"] == 410 and gone["attempts"] == 1
        state = c.get(f"/api/v1/subscriptions/{sub['id']}", headers=pro).json()
        assert state["active"] is False and "410" in state["disabled_reason"]
        submit(c, "plain.webp", "b", lon=ZJK[0] + 0.05, lat=ZJK[1])  # a new lead: not queued
        assert len(deliveries(c, pro, sub["id"])) == 1
        r = c.post(f"/api/v1/subscriptions/{sub['id']}/deliveries/{gone['id']}/retry", headers=pro)
        assert r.status_code == 200 and r.json()["status"] == "pending"
        time.sleep(0.5)  # the endpoint stays disabled: nothing is sent
        assert len(hook.got) == 1
        state = c.get(f"/api/v1/subscriptions/{sub['id']}", headers=pro).json()
        assert state["active"] is False
        r = c.post(f"/api/v1/subscriptions/{sub['id']}/enable", headers=pro)
        assert r.status_code == 200 and r.json()["active"] is True
        hook.wait(2)
        assert wait_status(c, pro, sub["id"], "delivered")["attempts"] == 2


def test_outbox_survives_a_restart(
    apps: AppFactory, pro: dict[str, str], receivers: Callable[..., Receiver]
) -> None:
    hook = receivers(200)
    with apps(webhook_dispatcher=False) as c:
        sub = subscribe(c, pro, hook.url)
        submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
        time.sleep(0.3)
        assert deliveries(c, pro, sub["id"])[0]["status"] == "pending" and not hook.got
    with apps() as c:
        Webhook(sub["secret"]).verify(hook.wait(1)[0][1], hook.got[0][0])
        assert wait_status(c, pro, sub["id"], "delivered")["attempts"] == 1


def test_rolled_back_transaction_emits_nothing(demo: Backend) -> None:
    login_as(demo, "admin")
    try:
        with demo.sessions.begin() as s:
            admin = s.scalars(select(User).where(User.role == "admin")).one()
            s.add(
                Subscription(
                    org_id=admin.org_id,
                    created_by_id=admin.id,
                    url="https://hooks.example.org/x",
                    events=["exceedance"],
                    secret=new_secret(),
                    active=True,
                )
            )
        with demo.sessions() as s:
            assert len(emit(s, "exceedance", {"station": "X"}, Point(ZJK))) == 1
            s.rollback()
        with demo.sessions() as s:
            assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    finally:
        clear_activity(demo)


def test_urls_outside_the_allow_list_are_refused(
    apps: AppFactory, pro: dict[str, str], receivers: Callable[..., Receiver], demo: Backend
) -> None:
    hook = receivers(200)
    port = hook.url.split(":")[2].split("/")[0]
    with apps(webhook_allowed_hosts=[]) as c:
        r = c.post(
            "/api/v1/subscriptions", json={"url": hook.url, "events": ["lead.created"]}, headers=pro
        )
        assert r.status_code == 422 and "webhook_allowed_hosts" in r.json()["detail"]
        assert r.headers["content-type"] == "application/problem+json"
    cases = {
        "https://hooks.example.org/x": "not in webhook_allowed_hosts",
        f"http://localhost:{port}/x": "internal address",  # listed by name, resolves to 127.0.0.1
        "http://10.1.2.3/x": "plain http",  # in a listed CIDR, but http needs the exact host
        "ftp://127.0.0.1/x": "https",
    }
    with apps(webhook_allowed_hosts=["localhost", "10.0.0.0/8"]) as c:
        for url, why in cases.items():
            r = c.post(
                "/api/v1/subscriptions", json={"url": url, "events": ["lead.created"]}, headers=pro
            )
            assert r.status_code == 422 and why in r.json()["detail"], (url, r.text)
    with demo.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Subscription)) == 0


def test_delivery_time_checks_the_resolved_address(
    receivers: Callable[..., Receiver], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hook = receivers(200)
    port = hook.url.split(":")[2].split("/")[0]
    message = Message(1, 1, f"http://localhost:{port}/x", "whsec_" + "A" * 32, "msg_1", {})
    settings = Settings(data_dir=tmp_path, webhook_allowed_hosts=["localhost"])
    attempt = send(message, settings)
    assert attempt.status_code is None and "internal address" in (attempt.error or "")
    assert not hook.got

    def rebound(host: str, port: int, **kw: object) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    with pytest.raises(EgressRefused, match=r"10\.0\.0\.7"):
        check_url("https://hooks.example.org/x", ["hooks.example.org"])


def test_area_filtering(
    apps: AppFactory, pro: dict[str, str], receivers: Callable[..., Receiver], demo: Backend
) -> None:
    near, far, by_feature = receivers(200), receivers(200), receivers(200)
    with demo.sessions() as s:
        feature_id, name = s.execute(
            select(LayerFeature.id, Layer.name)
            .join(LayerVersion, LayerVersion.id == LayerFeature.layer_version_id)
            .join(Layer, Layer.id == LayerVersion.layer_id)
            .where(func.ST_Intersects(LayerFeature.geom, from_shape(Point(ZJK), srid=4326)))
            .limit(1)
        ).one()
    box = {
        "type": "Polygon",
        "coordinates": [[[114.8, 40.7], [115, 40.7], [115, 40.9], [114.8, 40.9], [114.8, 40.7]]],
    }
    with apps() as c:
        subscribe(c, pro, near.url, area=box)
        far_sub = subscribe(c, pro, far.url, area=FAR_AWAY)
        featured = subscribe(c, pro, by_feature.url, area={"layer": name, "feature_id": feature_id})
        assert featured["area"]["type"] in ("Polygon", "MultiPolygon")
        r = c.post(
            "/api/v1/subscriptions",
            json={
                "url": near.url,
                "events": ["lead.created"],
                "area": {"layer": name, "feature_id": 10**9},
            },
            headers=pro,
        )
        assert r.status_code == 422
        submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
        near.wait(1)
        by_feature.wait(1)
        time.sleep(0.3)
        assert not far.got and deliveries(c, pro, far_sub["id"]) == []


def test_other_organisations_see_nothing(
    apps: AppFactory, pro: dict[str, str], receivers: Callable[..., Receiver], demo: Backend
) -> None:
    hook = receivers(200)
    other = bearer(login_as(demo, "prosecutor", org_code="130100"))
    partner = bearer(login_as(demo, "partner", org_code="130100"))
    with apps() as c:
        sub = subscribe(c, pro, hook.url)
        submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
        delivery = wait_status(c, pro, sub["id"], "delivered")
        base = f"/api/v1/subscriptions/{sub['id']}"
        for method, path in [
            ("GET", base),
            ("DELETE", base),
            ("POST", f"{base}/enable"),
            ("GET", f"{base}/deliveries"),
            ("POST", f"{base}/deliveries/{delivery['id']}/retry"),
        ]:
            assert c.request(method, path, headers=other).status_code == 404, (method, path)
        assert c.get("/api/v1/subscriptions", headers=other).json() == []
        assert c.get("/api/v1/subscriptions").status_code == 403  # a volunteer
        r = c.post(
            "/api/v1/subscriptions",
            json={"url": hook.url, "events": ["change_detected"]},
            headers=partner,
        )
        assert r.status_code == 403 and "change_detected" in r.json()["detail"]
        r = c.delete(base, headers=pro)
        assert r.status_code == 200 and r.json()["active"] is False
        assert r.json()["disabled_reason"].startswith("deactivated")


def test_exceedance_of_an_import(
    apps: AppFactory, receivers: Callable[..., Receiver], demo: Backend
) -> None:
    hook = receivers(200)
    day1 = datetime(2024, 1, 9, 16, tzinfo=UTC)  # 2024-01-10 00:00 Beijing time
    rows = [("A", 116.0, 40.0, day1 + timedelta(hours=h), 200.0, 0.0, 2.0) for h in range(20)]
    rows += [  # 300 on a 19-hour day: not a valid daily mean
        ("A", 116.0, 40.0, day1 + timedelta(days=1, hours=h), 300.0, 0.0, 2.0) for h in range(19)
    ]
    with apps() as c:
        admin = bearer(login_as(demo, "admin"))  # imports readings
        c.headers.update(admin)
        sub = subscribe(c, admin, hook.url, events=["exceedance"])
        job = air_import(c, "csv", [("v.csv", mapped_csv(rows))], mapping=json.dumps(MAPPING))
        assert job["status"] == "succeeded" and job["result"]
        headers, body = hook.wait(1)[0]
        event = Webhook(sub["secret"]).verify(body, headers)
        assert event["type"] == "exceedance"
        data = event["data"]
        assert (data["station"], data["date"], data["mean"], data["limit"]) == (
            "A",
            "2024-01-10",
            200.0,
            150.0,
        )
        assert (data["lon"], data["lat"]) == (116.0, 40.0)
        time.sleep(0.3)
        assert len(hook.got) == 1


def test_partner_hears_of_a_referral_and_the_sender_of_its_receipt(
    apps: AppFactory, pro: dict[str, str], demo: Backend, receivers: Callable[..., Receiver]
) -> None:
    partner = bearer(login_as(demo, "partner", org_code="110000"))
    to_partner, to_sender = receivers(200), receivers(200)
    with apps() as c:
        sub = subscribe(c, partner, to_partner.url, events=["lead.referred"])
        back = subscribe(c, pro, to_sender.url, events=["referral.receipted"])
        submit(c, "plain.png", "r", lon=ZJK[0], lat=ZJK[1])
        lead_id = c.get("/api/v1/leads", headers=pro).json()[0]["id"]
        referral = c.post(
            f"/api/v1/leads/{lead_id}/referrals",
            headers=pro,
            json={"to_org": "110000", "basis": "跨界移送"},
        ).json()
        headers, body = to_partner.wait(1)[0]
        told = Webhook(sub["secret"]).verify(body, headers)
        assert told["type"] == "lead.referred"
        assert told["data"]["referral_id"] == referral["id"] and told["data"]["to_org"] == "110000"
        c.post(
            f"/api/v1/referrals/{referral['id']}/receipt", headers=partner, json={"note": "收到"}
        )
        headers, body = to_sender.wait(1)[0]
        receipted = Webhook(back["secret"]).verify(body, headers)
        assert receipted["type"] == "referral.receipted"
        assert receipted["data"]["receipt_note"] == "收到"
