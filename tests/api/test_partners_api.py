"""Cross-region partners on both backends: referrals with receipts and progress, what a
partner may see (referred, jointly handled, shared by area), originals only when granted,
overdue receipts, and refusals that change nothing."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.main import create_app
from app.services.partners.referrals import receipt_due
from app.settings import Settings
from models import AuditEntry, Referral
from models.base import utcnow
from rules.workflow import CST, local_date
from rules.working_days import CHINA
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

PHOTOS = Path(__file__).parents[1] / "data" / "photos"
GUANTING = (115.6436, 40.3214)  # in the demo's level-I zone, 17 km from Yanqing (Beijing)
ZJK = (114.88, 40.77)  # Zhangjiakou city, far from Beijing
Env = tuple[TestClient, dict[str, str], dict[str, str]]


@pytest.fixture
def env(
    demo: Backend, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str]]]:
    """A volunteer's client, a Zhangjiakou prosecutor's and a Beijing partner's headers."""
    with TestClient(create_app(make_settings(demo, tmp_path))) as c:
        c.headers.update(bearer(login_as(demo, "volunteer")))
        yield (
            c,
            bearer(login_as(demo, "prosecutor", org_code="130700")),
            bearer(login_as(demo, "partner", org_code="110000")),
        )
    clear_activity(demo)


def lead_at(c: TestClient, pro: dict[str, str], lon: float, lat: float, key: str) -> int:
    """A volunteer's report at a place; return the id of its lead."""
    r = c.post(
        "/api/v1/reports",
        headers={"Idempotency-Key": key},
        files=[("photos", ("plain.png", (PHOTOS / "plain.png").read_bytes()))],
        data={"category": "waste_dumping", "description": "倾倒垃圾", "lon": lon, "lat": lat},
    )
    assert r.status_code == 201, r.text
    leads = c.get(
        "/api/v1/leads",
        headers=pro,
        params={"bbox": f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"},
    )
    return int(leads.json()[0]["id"])


def counts(demo: Backend) -> tuple[int, int]:
    with demo.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Referral)) or 0,
            s.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )


def test_referral_receipt_progress_and_what_the_partner_sees(env: Env, demo: Backend) -> None:
    c, pro, partner = env
    referred = lead_at(c, pro, *GUANTING, "a")
    other = lead_at(c, pro, *ZJK, "b")
    assert c.get("/api/v1/leads", headers=partner).json() == []
    assert c.get(f"/api/v1/leads/{referred}", headers=partner).status_code == 404
    r = c.post(
        f"/api/v1/leads/{referred}/referrals",
        headers=pro,
        json={"to_org": "110000", "basis": "官厅水库为北京备用水源", "note": "请回执"},
    )
    assert r.status_code == 201, r.text
    referral = r.json()
    assert referral["status"] == "sent" and referral["to_org"]["code"] == "110000"
    assert r.headers["Location"] == f"/api/v1/referrals/{referral['id']}"
    seen = [x["id"] for x in c.get("/api/v1/leads", headers=partner).json()]
    assert seen == [referred]
    assert c.get(f"/api/v1/leads/{referred}", headers=partner).status_code == 200
    assert c.get(f"/api/v1/leads/{other}", headers=partner).status_code == 404
    # Originals are not granted by this referral: the partner cannot read the report.
    report_id = c.get(f"/api/v1/leads/{referred}", headers=partner).json()["evidence"][0][
        "report_id"
    ]
    assert (
        c.get(f"/api/v1/reports/{report_id}/photos/1?original=true", headers=partner).status_code
        == 404
    )
    inbox = c.get("/api/v1/referrals", headers=partner, params={"box": "in"}).json()
    assert [x["id"] for x in inbox] == [referral["id"]]
    assert (
        c.get("/api/v1/referrals", headers=pro, params={"box": "out"}).json()[0]["id"]
        == referral["id"]
    )
    # The sender cannot acknowledge its own referral; the partner does, once.
    assert (
        c.post(f"/api/v1/referrals/{referral['id']}/receipt", headers=pro, json={}).status_code
        == 403
    )
    ack = c.post(
        f"/api/v1/referrals/{referral['id']}/receipt", headers=partner, json={"note": "已收到"}
    )
    assert (
        ack.status_code == 200 and ack.json()["status"] == "received" and ack.json()["received_at"]
    )
    again = c.post(f"/api/v1/referrals/{referral['id']}/receipt", headers=partner, json={})
    assert again.status_code == 409
    step = c.post(
        f"/api/v1/referrals/{referral['id']}/progress", headers=partner, json={"note": "已立案调查"}
    )
    assert step.json()["status"] == "in_progress"
    done = c.post(
        f"/api/v1/referrals/{referral['id']}/progress",
        headers=partner,
        json={"note": "已清理", "outcome": "责令清除垃圾并罚款"},
    ).json()
    assert done["status"] == "concluded" and done["outcome"] == "责令清除垃圾并罚款"
    assert len(done["progress"]) == 2
    timeline = [
        e["action"] for e in c.get(f"/api/v1/leads/{referred}", headers=pro).json()["timeline"]
    ]
    assert timeline[-4:] == ["refer", "referral_receipt", "referral_progress", "referral_progress"]


def test_originals_only_through_a_granting_referral(env: Env) -> None:
    c, pro, partner = env
    lead = lead_at(c, pro, *GUANTING, "c")
    c.post(
        f"/api/v1/leads/{lead}/referrals",
        headers=pro,
        json={"to_org": "110000", "basis": "跨界", "grants_originals": True},
    )
    report_id = c.get(f"/api/v1/leads/{lead}", headers=partner).json()["evidence"][0]["report_id"]
    original = c.get(f"/api/v1/reports/{report_id}/photos/1?original=true", headers=partner)
    assert original.status_code == 200
    assert original.content == (PHOTOS / "plain.png").read_bytes()


def test_a_receipt_falls_due_at_midnight_cst_of_its_last_working_day(env: Env) -> None:
    """Rule: a referral is acknowledged within 7 days counted from the next day, to 24:00 China
    Standard Time of the last day (not "now + 7 days" in UTC), rolled past weekends and public
    holidays like the procedure periods."""
    sent = datetime(2026, 9, 24, 18, 30, tzinfo=UTC)  # 02:30 on the 25th in Beijing
    # 2 October is in the National Day holiday (1-7 October): the 8th, at 24:00 CST.
    assert receipt_due(sent, Settings()) == datetime.combine(date(2026, 10, 8), time.max, CST)
    assert receipt_due(datetime(2026, 3, 2, 1, tzinfo=UTC), Settings()).date() == date(2026, 3, 9)
    c, pro, _ = env
    lead = lead_at(c, pro, *GUANTING, "due")
    r = c.post(
        f"/api/v1/leads/{lead}/referrals", headers=pro, json={"to_org": "110000", "basis": "跨界"}
    ).json()
    due = datetime.fromisoformat(r["receipt_due_at"]).astimezone(CST)
    assert due.time() == time(23, 59, 59, 999999) and due.date() not in CHINA
    first = local_date(utcnow()) + timedelta(days=7)
    assert due.date() >= first
    assert all(first + timedelta(days=n) in CHINA for n in range((due.date() - first).days))


def test_overdue_receipts_show_for_both_sides(env: Env, demo: Backend) -> None:
    c, pro, partner = env
    lead = lead_at(c, pro, *GUANTING, "d")
    rid = c.post(
        f"/api/v1/leads/{lead}/referrals", headers=pro, json={"to_org": "110000", "basis": "跨界"}
    ).json()["id"]
    assert c.get("/api/v1/referrals/overdue", headers=pro).json() == []
    with demo.sessions.begin() as s:
        s.execute(
            update(Referral)
            .where(Referral.id == rid)
            .values(receipt_due_at=utcnow() - timedelta(hours=1))
        )
    for side in (pro, partner):
        late = c.get("/api/v1/referrals/overdue", headers=side).json()
        assert [x["id"] for x in late] == [rid] and late[0]["overdue"] is True
    c.post(f"/api/v1/referrals/{rid}/receipt", headers=partner, json={})
    assert c.get("/api/v1/referrals/overdue", headers=pro).json() == []


def test_sharing_by_area_and_joint_handling(env: Env, demo: Backend) -> None:
    c, pro, partner = env
    near = lead_at(c, pro, *GUANTING, "e")
    far = lead_at(c, pro, *ZJK, "f")
    admin = bearer(login_as(demo, "admin"))
    share = c.post(
        "/api/v1/partner-shares",
        headers=admin,
        json={"org": "110119", "jurisdiction_buffer_m": 20000, "note": "官厅水库协作"},
    )
    assert share.status_code == 201, share.text
    assert [x["id"] for x in c.get("/api/v1/leads", headers=partner).json()] == [near]
    with demo.sessions() as s:
        grant = s.scalar(select(AuditEntry).where(AuditEntry.action == "share_grant"))
        assert grant is not None and grant.change["org"] == "110119"
    c.delete(f"/api/v1/partner-shares/{share.json()['id']}", headers=admin)
    assert c.get("/api/v1/leads", headers=partner).json() == []
    # A co-handling organisation sees the joint case.
    r = c.post(
        f"/api/v1/leads/{far}/organisations", headers=pro, json={"org": "110000", "role": "co"}
    )
    assert r.status_code == 201 and r.json()[0]["org"]["code"] == "110000"
    assert [x["id"] for x in c.get("/api/v1/leads", headers=partner).json()] == [far]


def test_basin_share(env: Env, demo: Backend, tmp_path: Path) -> None:
    c, pro, partner = env
    near = lead_at(c, pro, *GUANTING, "g")
    basin = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "永定河上游（示意）"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[115.5, 40.2], [115.8, 40.2], [115.8, 40.5], [115.5, 40.5], [115.5, 40.2]]
                    ],
                },
            }
        ],
    }
    path = tmp_path / "basin.geojson"
    path.write_text(json.dumps(basin, ensure_ascii=False), encoding="utf-8")
    admin = bearer(login_as(demo, "admin"))
    with path.open("rb") as fh:
        up = c.post(
            "/api/v1/layers",
            headers=admin,
            files={"file": ("basin.geojson", fh)},
            data={"name": "basins-test", "kind": "basin"},
        )
    assert up.status_code == 201, up.text
    feature_id = c.get("/api/v1/layers/basins-test/features", headers=admin).json()["features"][0][
        "id"
    ]
    share = c.post(
        "/api/v1/partner-shares",
        headers=admin,
        json={"org": "110000", "basin": {"layer": "basins-test", "feature_id": feature_id}},
    )
    assert share.status_code == 201, share.text
    assert [x["id"] for x in c.get("/api/v1/leads", headers=partner).json()] == [near]


def test_bad_referrals_change_nothing(env: Env, demo: Backend) -> None:
    c, pro, partner = env
    lead = lead_at(c, pro, *ZJK, "h")
    before = counts(demo)
    cases = [
        (
            f"/api/v1/leads/{lead}/referrals",
            {"to_org": "130730", "basis": "x"},
            422,
            "not a partner",
        ),
        (
            f"/api/v1/leads/{lead}/referrals",
            {"to_org": "999999", "basis": "x"},
            422,
            "no organisation",
        ),
        ("/api/v1/leads/2000000/referrals", {"to_org": "110000", "basis": "x"}, 404, "not found"),
        (
            f"/api/v1/leads/{lead}/referrals",
            {"to_org": "110000", "basis": "x", "extra": 1},
            422,
            "extra",
        ),
    ]
    for url, body, status, words in cases:
        r = c.post(url, headers=pro, json=body)
        assert r.status_code == status, (body, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert words in r.text
    # A partner may not refer, and may not share.
    assert (
        c.post(
            f"/api/v1/leads/{lead}/referrals",
            headers=partner,
            json={"to_org": "110000", "basis": "x"},
        ).status_code
        == 403
    )
    assert (
        c.post(
            "/api/v1/partner-shares",
            headers=pro,
            json={"org": "110000", "jurisdiction_buffer_m": 1},
        ).status_code
        == 403
    )
    assert counts(demo) == before


def test_a_criminal_clue_goes_to_the_police_and_the_sender_records_its_answer(
    env: Env,
) -> None:
    """Rules (issue 19, 13-14): a referral has a kind and a receiving body; a criminal clue goes
    to the police, outside the platform, so the sender records its receipt and outcome; a
    lead closes as transferred only once a referral that hands it over names the body."""
    c, pro, partner = env
    lead = lead_at(c, pro, *GUANTING, "clue")
    early = c.post(f"/api/v1/leads/{lead}/transitions", headers=pro,
                   json={"to": "transferred", "note": "移送公安"})  # fmt: skip
    assert early.status_code == 422 and "referral" in early.json()["detail"]
    for bad in (
        {"kind": "criminal_clue", "basis": "涉嫌污染环境罪"},  # whom?
        {"kind": "agency", "to_org": "110000", "receiver": "x", "basis": "b"},
        {"kind": "criminal_clue", "receiver": "公安局", "basis": "b", "grants_originals": True},
        {"kind": "cooperation", "basis": "b"},
    ):
        r = c.post(f"/api/v1/leads/{lead}/referrals", headers=pro, json=bad)
        assert r.status_code == 422, (bad, r.text)
    clue = c.post(
        f"/api/v1/leads/{lead}/referrals",
        headers=pro,
        json={"kind": "criminal_clue", "receiver": "怀来县公安局", "basis": "涉嫌污染环境罪"},
    )
    assert clue.status_code == 201, clue.text
    body = clue.json()
    assert body["to_org"] is None and body["receiver"] == "怀来县公安局"
    assert body["kind_label"]["zh"] == "移送犯罪线索"
    again = c.post(f"/api/v1/leads/{lead}/referrals", headers=pro,
                   json={"kind": "criminal_clue", "receiver": "怀来县公安局", "basis": "再次"})
    assert again.status_code == 409  # fmt: skip
    # The partner neither sees nor answers it; the sender records the police's answers.
    assert c.get(f"/api/v1/referrals/{body['id']}", headers=partner).status_code == 404
    ack = c.post(f"/api/v1/referrals/{body['id']}/receipt", headers=pro,
                 json={"note": "公安局已受理（回执）"})  # fmt: skip
    assert ack.status_code == 200 and ack.json()["status"] == "received"
    done = c.post(f"/api/v1/referrals/{body['id']}/progress", headers=pro,
                  json={"note": "已立案侦查", "outcome": "公安机关立案侦查"})  # fmt: skip
    assert done.json()["status"] == "concluded"
    moved = c.post(f"/api/v1/leads/{lead}/transitions", headers=pro,
                   json={"to": "transferred", "note": "移送公安机关"})  # fmt: skip
    assert moved.status_code == 200, moved.text
    (entry,) = [e for e in c.get(f"/api/v1/leads/{lead}", headers=pro).json()["timeline"]
                if e["action"] == "transition"]  # fmt: skip
    assert entry["change"]["receiver"] == "怀来县公安局"
    assert entry["change"]["referral_kind"] == "criminal_clue"
