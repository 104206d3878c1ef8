"""Leads on both backends: from reports to leads, explanation, workflow, log, dossier."""

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.dossier.manifest import verify
from app.main import create_app
from app.services.audit import verify as verify_chain
from app.services.leads.pipeline import reassess
from models import Lead, Suggestion, User
from models.base import utcnow
from tests.api.helpers import working_day_from
from tests.api.test_cli import ecoleads
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

PHOTOS = Path(__file__).parents[1] / "data" / "photos"
ZJK = (114.88, 40.77)


@pytest.fixture
def env(demo: Backend, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A volunteer's client and a city prosecutor's headers; lead data removed afterwards."""
    with TestClient(create_app(make_settings(demo, tmp_path))) as c:
        c.headers.update(bearer(login_as(demo, "volunteer")))
        yield c, bearer(login_as(demo, "prosecutor", org_code="130700"))
    clear_activity(demo)


def submit(c: TestClient, name: str, key: str, **form: object) -> dict:
    r = c.post(
        "/api/v1/reports",
        headers={"Idempotency-Key": key},
        files=[("photos", (name, (PHOTOS / name).read_bytes()))],
        data={"category": "waste_dumping", "description": "倾倒垃圾", **form},
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_reports_become_a_scored_explained_lead(env: tuple[TestClient, dict]) -> None:
    c, pro = env
    # No capture time in these photos: observed when submitted, so time does not separate them.
    submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
    submit(c, "plain.webp", "b", lon=ZJK[0] + 0.001, lat=ZJK[1])  # ~85 m away: same lead
    submit(c, "plain.webp", "c", lon=ZJK[0] + 0.01, lat=ZJK[1])  # ~850 m: a new lead
    leads = c.get("/api/v1/leads", headers=pro).json()
    assert len(leads) == 2
    details = [c.get(f"/api/v1/leads/{x['id']}", headers=pro).json() for x in leads]
    big = max(details, key=lambda d: len(d["evidence"]))
    sizes = sorted(
        len(c.get(f"/api/v1/leads/{x['id']}", headers=pro).json()["evidence"]) for x in leads
    )
    assert sizes == [1, 2]
    assert 0 < big["score"] <= 100 and big["weights_version"] is not None
    names = {e["name"] for e in big["score_breakdown"]}
    assert {"location_sensitivity", "category_severity", "corroboration"} <= names
    assert abs(sum(e["points"] for e in big["score_breakdown"]) - big["score"]) < 0.2
    assert all(e["reason"] for e in big["score_breakdown"])
    assert any("Civil Procedure" in b["law"] for b in big["legal_bases"])
    assert all("missing" in b for b in big["legal_bases"])
    assert [e["action"] for e in big["timeline"]][:3] == ["create", "attach", "score"]
    assert c.get("/api/v1/leads", headers=c.headers).status_code == 403  # volunteer


def test_workflow_assignment_overdue_and_log(env: tuple[TestClient, dict], demo: Backend) -> None:
    c, pro = env
    submit(c, "gps_ne.jpg", "a")
    lead_id = c.get("/api/v1/leads", headers=pro).json()[0]["id"]
    bad = c.post(
        f"/api/v1/leads/{lead_id}/transitions",
        headers=pro,
        json={"to": "case_filed", "note": "跳步"},
    )
    assert bad.status_code == 409 and "allowed: triaged" in bad.json()["detail"]
    report_id = c.get("/api/v1/reports").json()[0]["id"]
    told = []
    for to in ("triaged", "investigating", "case_filed"):
        r = c.post(
            f"/api/v1/leads/{lead_id}/transitions",
            headers=pro,
            json={
                "to": to,
                "note": f"进入{to}",
                "path": "administrative" if to == "case_filed" else None,
            },
        )
        assert r.status_code == 200, r.text
        told.append(c.get(f"/api/v1/reports/{report_id}").json()["status"])
    assert told == ["under_review", "under_review", "lead_created"]  # the volunteer's view
    no_agency = c.post(
        f"/api/v1/leads/{lead_id}/transitions",
        headers=pro,
        json={"to": "suggestion_issued", "note": "发出建议"},
    )
    assert no_agency.status_code == 422
    r = c.post(
        f"/api/v1/leads/{lead_id}/transitions",
        headers=pro,
        json={
            "to": "suggestion_issued",
            "note": "发出建议",
            "agency": "怀来县水务局",
            "urgent": True,
        },
    )
    assert r.json()["status"] == "suggestion_issued"
    detail = c.get(f"/api/v1/leads/{lead_id}", headers=pro).json()
    sug = detail["suggestions"][0]
    assert sug["urgent"] is True
    assert c.get("/api/v1/suggestions/overdue", headers=pro).json() == []
    with demo.sessions.begin() as s:
        s.execute(update(Suggestion).values(due_at=utcnow() - timedelta(days=1)))
    overdue = c.get("/api/v1/suggestions/overdue", headers=pro).json()
    assert [o["lead_id"] for o in overdue] == [lead_id]
    with demo.sessions() as s:
        prosecutor_id = s.scalar(select(User.id).where(User.role == "prosecutor"))
    r = c.post(
        f"/api/v1/leads/{lead_id}/assign",
        headers=pro,
        json={"assignee_id": prosecutor_id, "note": "交办"},
    )
    assert r.json()["assignee_id"] == prosecutor_id
    actions = [
        e["action"] for e in c.get(f"/api/v1/leads/{lead_id}", headers=pro).json()["timeline"]
    ]
    assert actions.count("transition") == 4 and actions[-1] == "assign"
    with demo.sessions() as s:
        assert verify_chain(s).ok


def test_dossier_verifies_and_names_a_changed_file(
    env: tuple[TestClient, dict], tmp_path: Path, demo: Backend
) -> None:
    c, pro = env
    rep = submit(c, "gps_ne.jpg", "a")
    lead_id = c.get("/api/v1/leads", headers=pro).json()[0]["id"]
    r = c.get(f"/api/v1/leads/{lead_id}/dossier", headers=pro)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(z.namelist())
    assert {"dossier.html", "dossier.pdf", "map.png", "manifest.json", "manifest.sig"} <= names
    original = next(n for n in names if n.startswith("evidence/"))
    assert z.read(original) == (PHOTOS / "gps_ne.jpg").read_bytes()
    assert rep["photos"][0]["sha256"] in z.read("dossier.html").decode()
    key = (
        Path(c.app.state.settings.dossier_key_path)  # type: ignore[attr-defined]
        .with_suffix(".pub.pem")
        .read_bytes()
    )
    assert verify(r.content, key).ok
    good = tmp_path / "good.zip"
    good.write_bytes(r.content)
    assert ecoleads(demo, tmp_path, "dossier", "verify", str(good)).returncode == 0
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as out:
        for n in z.namelist():
            data = z.read(n)
            out.writestr(n, data[:-1] + bytes([data[-1] ^ 1]) if n == original else data)
    result = ecoleads(demo, tmp_path, "dossier", "verify", str(bad))
    assert result.returncode != 0 and original in (result.stdout + result.stderr)
    actions = [
        e["action"] for e in c.get(f"/api/v1/leads/{lead_id}", headers=pro).json()["timeline"]
    ]
    assert actions[-1] == "export"


def test_merge_split_and_reproducible_clustering(
    env: tuple[TestClient, dict], demo: Backend, tmp_path: Path
) -> None:
    c, pro = env
    submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
    submit(c, "plain.webp", "b", lon=ZJK[0] + 0.01, lat=ZJK[1])
    assert ecoleads(demo, tmp_path, "leads", "check").returncode == 0
    first, second = sorted(x["id"] for x in c.get("/api/v1/leads", headers=pro).json())
    merged = c.post(
        "/api/v1/leads/merge",
        headers=pro,
        json={"target": first, "source": second, "note": "同一倾倒点"},
    )
    assert merged.status_code == 200, merged.text
    gone = c.get(f"/api/v1/leads/{second}", headers=pro).json()
    assert gone["status"] == "duplicate" and gone["evidence"] == []
    # Its lead file still builds (found by fuzzing: it indexed the first evidence item).
    assert c.get(f"/api/v1/leads/{second}/dossier", headers=pro).status_code == 200
    kept = c.get(f"/api/v1/leads/{first}", headers=pro).json()
    assert len(kept["evidence"]) == 2 and kept["timeline"][-1]["action"] == "score"
    assert "merge" in [e["action"] for e in kept["timeline"]]
    # After a hand merge the stored grouping no longer equals a fresh clustering, and says so.
    assert ecoleads(demo, tmp_path, "leads", "check").returncode == 1
    one = kept["evidence"][1]["id"]
    new = c.post(
        f"/api/v1/leads/{first}/split",
        headers=pro,
        json={"evidence_ids": [one], "note": "其实是两处"},
    )
    assert new.status_code == 201, new.text
    assert [
        e["id"] for e in c.get(f"/api/v1/leads/{new.json()['id']}", headers=pro).json()["evidence"]
    ] == [one]
    bad = c.post(
        f"/api/v1/leads/{first}/split",
        headers=pro,
        json={"evidence_ids": [kept["evidence"][0]["id"]], "note": "全部"},
    )
    assert bad.status_code == 422
    with demo.sessions() as s:
        assert verify_chain(s).ok


def test_search_filters_and_geojson(env: tuple[TestClient, dict]) -> None:
    c, pro = env
    submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
    submit(c, "plain.webp", "b", lon=115.6436, lat=40.3214)  # level-I zone at Guanting
    everything = c.get("/api/v1/leads", headers=pro)
    assert everything.headers["x-total-count"] == "2"
    scores = [x["score"] for x in everything.json()]
    assert scores == sorted(scores, reverse=True)
    box = c.get("/api/v1/leads", headers=pro, params={"bbox": "115.5,40.2,115.8,40.5"}).json()
    assert len(box) == 1 and box[0]["lon"] == pytest.approx(115.6436)
    assert len(c.get("/api/v1/leads", headers=pro, params={"org": "130730"}).json()) == 1
    top = c.get("/api/v1/leads", headers=pro, params={"min_score": max(scores)}).json()
    assert [x["score"] for x in top] == [max(scores)]
    future = c.get("/api/v1/leads", headers=pro, params={"since": "2099-01-01T00:00:00Z"})
    assert future.json() == []
    geo = c.get("/api/v1/leads", headers=pro, params={"format": "geojson", "sort": "time"})
    assert geo.headers["content-type"] == "application/geo+json"
    doc = geo.json()
    assert doc["numberMatched"] == 2 and doc["features"][0]["geometry"]["type"] == "Point"


def test_weights_versions(env: tuple[TestClient, dict], demo: Backend) -> None:
    c, pro = env
    submit(c, "plain.png", "a", lon=ZJK[0], lat=ZJK[1])
    admin = bearer(login_as(demo, "admin"))
    assert (
        c.post("/api/v1/score-weights", headers=pro, json={"weights": {"recency": 1}}).status_code
        == 403
    )
    bad = c.post("/api/v1/score-weights", headers=admin, json={"weights": {"astrology": 1}})
    assert bad.status_code == 422 and "unknown signals" in bad.json()["detail"]
    r = c.post(
        "/api/v1/score-weights",
        headers=admin,
        json={"weights": {"location_sensitivity": 1, "recency": 1}, "note": "试行"},
    )
    assert r.status_code == 201
    version = r.json()["version"]
    versions = c.get("/api/v1/score-weights", headers=pro).json()
    assert len(versions) == 2 and versions[0]["version"] == version > versions[1]["version"]
    submit(c, "plain.webp", "b", lon=ZJK[0] + 0.0005, lat=ZJK[1])  # evidence changes: re-scored
    lead = c.get("/api/v1/leads", headers=pro).json()[0]
    assert c.get(f"/api/v1/leads/{lead['id']}", headers=pro).json()["weights_version"] == version


def test_bulk_clustering_of_new_evidence(
    env: tuple[TestClient, dict], demo: Backend, tmp_path: Path
) -> None:
    from geoalchemy2.shape import from_shape
    from shapely import Point

    from models import EvidenceItem

    c, pro = env
    now = utcnow()
    rows = [
        ("straw_burning", 115.6436, 40.3214, 0),
        ("straw_burning", 115.6500, 40.3214, 1),
        ("straw_burning", 115.6436, 40.3214, 10),
        ("illegal_mining", 115.6437, 40.3215, 0),
    ]
    with demo.sessions.begin() as s:
        for cat, lon, lat, days in rows:
            s.add(
                EvidenceItem(
                    kind="fire_hotspot",
                    category=cat,
                    source="FIRMS",
                    geom=from_shape(Point(lon, lat), srid=4326),
                    observed_at=now - timedelta(days=days),
                    provenance={},
                )
            )
    r = ecoleads(demo, tmp_path, "leads", "cluster")
    assert r.returncode == 0 and "3 leads created, 0 existing leads joined" in r.stderr, r.stderr
    leads = c.get("/api/v1/leads", headers=pro, params={"sort": "time"}).json()
    sizes = sorted(
        len(c.get(f"/api/v1/leads/{x['id']}", headers=pro).json()["evidence"]) for x in leads
    )
    assert sizes == [1, 1, 2]  # 540 m and a day apart join (1 km / 3 days); 10 days do not
    detail = c.get(f"/api/v1/leads/{leads[0]['id']}", headers=pro).json()
    assert detail["geocode"]["zones"][0]["kind"] == "water_source_zone"
    assert detail["geocode"]["responsible_organisations"][0]["code"] == "130730"
    assert c.get(f"/api/v1/leads/{leads[0]['id']}/dossier", headers=pro).status_code == 200
    # One assessment path: assessing the batch-built leads one by one gives the same result.
    settings = c.app.state.settings  # type: ignore[attr-defined]
    with demo.sessions.begin() as s:
        for lead in s.scalars(select(Lead)):
            bulk = (lead.score, lead.legal_bases, lead.score_breakdown, lead.geocode)
            reassess(s, [lead], actor="test", settings=settings)
            s.refresh(lead)  # as stored (JSON)
            assert lead.score == pytest.approx(bulk[0], abs=0.05)
            assert (lead.legal_bases, lead.geocode) == (bulk[1], bulk[3])
            assert [(e["name"], e["applicable"]) for e in lead.score_breakdown] == [
                (e["name"], e["applicable"]) for e in bulk[2]
            ]
    assert ecoleads(demo, tmp_path, "leads", "check").returncode == 0
    with demo.sessions() as s:
        assert verify_chain(s).ok


def test_suggestion_service_reply_follow_up_and_overdue_rules(
    env: tuple[TestClient, dict], demo: Backend
) -> None:
    """Rules: the reply period runs from the day the agency received the suggestion to the end
    of its last day in China Standard Time; a recorded reply ends the overdue state; follow-up
    review comes after the reply; a closed lead's suggestion is never overdue."""
    c, pro = env
    submit(c, "gps_ne.jpg", "s")
    lead_id = c.get("/api/v1/leads", headers=pro).json()[0]["id"]
    for to in ("triaged", "investigating", "case_filed"):
        step = {"to": to, "note": to, "path": "administrative" if to == "case_filed" else None}
        c.post(f"/api/v1/leads/{lead_id}/transitions", headers=pro, json=step)
    today = utcnow().astimezone(timezone(timedelta(hours=8))).date()
    r = c.post(
        f"/api/v1/leads/{lead_id}/transitions",
        headers=pro,
        json={
            "to": "suggestion_issued",
            "note": "发出建议",
            "agency": "怀来县水务局",
            "urgent": True,
            "served_on": today.isoformat(),
        },
    )
    assert r.status_code == 200, r.text
    sug = c.get(f"/api/v1/leads/{lead_id}", headers=pro).json()["suggestions"][0]
    due = datetime.fromisoformat(sug["due_at"]).astimezone(timezone(timedelta(hours=8)))
    assert due.date() == working_day_from(today + timedelta(days=15))
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    # Issued five days ago, received three days ago: the period runs from the receipt.
    with demo.sessions.begin() as s:
        s.execute(update(Suggestion).values(issued_at=utcnow() - timedelta(days=5)))
    received = today - timedelta(days=3)
    moved = c.post(
        f"/api/v1/suggestions/{sug['id']}/service",
        headers=pro,
        json={"served_on": received.isoformat()},
    ).json()
    moved_due = datetime.fromisoformat(moved["due_at"]).astimezone(timezone(timedelta(hours=8)))
    assert moved_due.date() == working_day_from(received + timedelta(days=15))
    future = c.post(
        f"/api/v1/suggestions/{sug['id']}/service",
        headers=pro,
        json={"served_on": (today + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 422
    early = c.post(
        f"/api/v1/suggestions/{sug['id']}/follow-ups",
        headers=pro,
        json={"note": "回访", "remedied": False},
    )
    assert early.status_code == 422 and "reply period" in early.json()["detail"]
    with demo.sessions.begin() as s:
        s.execute(update(Suggestion).values(due_at=utcnow() - timedelta(days=1)))
    assert [o["id"] for o in c.get("/api/v1/suggestions/overdue", headers=pro).json()] == [
        sug["id"]
    ]
    reply = c.post(
        f"/api/v1/suggestions/{sug['id']}/reply",
        headers=pro,
        json={"replied_on": today.isoformat(), "content": "已责令清理并立案查处", "complied": True},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["complied"] is True and reply.json()["reply_note"] == "已责令清理并立案查处"
    assert c.get("/api/v1/suggestions/overdue", headers=pro).json() == []
    again = c.post(
        f"/api/v1/suggestions/{sug['id']}/reply",
        headers=pro,
        json={"replied_on": today.isoformat(), "content": "x", "complied": False},
    )
    assert again.status_code == 409
    review = c.post(
        f"/api/v1/suggestions/{sug['id']}/follow-ups",
        headers=pro,
        json={"note": "现场复查已清理", "remedied": True},
    )
    assert review.status_code == 201 and review.json()["follow_ups"][0]["remedied"] is True
    # An unanswered, past-due suggestion on a closed lead is not overdue.
    with demo.sessions.begin() as s:
        s.execute(update(Suggestion).values(replied_at=None))
    assert len(c.get("/api/v1/suggestions/overdue", headers=pro).json()) == 1
    for to in ("follow_up", "closed_remedied"):
        c.post(f"/api/v1/leads/{lead_id}/transitions", headers=pro, json={"to": to, "note": to})
    assert c.get("/api/v1/suggestions/overdue", headers=pro).json() == []
    actions = [
        e["action"] for e in c.get(f"/api/v1/leads/{lead_id}", headers=pro).json()["timeline"]
    ]
    assert {"suggestion_service", "suggestion_reply", "follow_up_review"} <= set(actions)
