"""Findings (issue 19, 9): a prosecutor records what investigation found on an element the
service cannot prove (responsible party, the substance, causation); the lead, its timeline
and its dossier show it, and the legal bases count it."""

import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.api.test_concurrency import photo
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

GUANTING = (115.6436, 40.3214)  # in the demo's level-I source zone


@pytest.fixture
def lead(demo: Backend, tmp_path: Path) -> Iterator[tuple[TestClient, int, int]]:
    """A prosecutor's client and a construction-waste lead in the level-I zone (and its
    evidence item)."""
    with TestClient(create_app(make_settings(demo, tmp_path))) as c:
        r = c.post(
            "/api/v1/reports",
            headers=bearer(login_as(demo, "volunteer")),
            files=[("photos", ("p.jpg", photo(11)))],
            data={"category": "waste_dumping", "description": "建筑垃圾", "lon": GUANTING[0],
                  "lat": GUANTING[1]},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        c.headers.update(bearer(login_as(demo, "prosecutor", org_code="130700")))
        (found,) = c.get("/api/v1/leads").json()
        detail = c.get(f"/api/v1/leads/{found['id']}").json()
        yield c, found["id"], detail["evidence"][0]["id"]
    clear_activity(demo)


def elements(c: TestClient, lead_id: int, code: str) -> dict[str, bool]:
    (basis,) = [b for b in c.get(f"/api/v1/leads/{lead_id}").json()["legal_bases"]
                if b["code"] == code]  # fmt: skip
    return {e["code"]: e["proven"] for e in basis["elements"]}


def test_a_finding_proves_an_element_and_is_shown_everywhere(
    lead: tuple[TestClient, int, int],
) -> None:
    c, lead_id, item = lead
    before = elements(c, lead_id, "spc-env-1")
    assert before["responsible_party"] is False and before["hazardous_substance"] is False
    body = {"element": "hazardous_substance", "proven": True, "evidence_ids": [item],
            "note": "环境监测站检测报告（2026）第17号：含铅、镉，属有毒物质"}  # fmt: skip
    r = c.post(f"/api/v1/leads/{lead_id}/elements", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["element"] == "hazardous_substance" and r.json()["evidence_ids"] == [item]
    assert elements(c, lead_id, "spc-env-1")["hazardous_substance"] is True
    # The newest finding per element counts: a later one refutes it again.
    again = {**body, "proven": False, "note": "复检：未检出有毒物质", "evidence_ids": []}
    assert c.post(f"/api/v1/leads/{lead_id}/elements", json=again).status_code == 201
    detail = c.get(f"/api/v1/leads/{lead_id}").json()
    assert [f["proven"] for f in detail["findings"]] == [True, False]
    assert elements(c, lead_id, "spc-env-1")["hazardous_substance"] is False
    assert [e["action"] for e in detail["timeline"]].count("finding") == 2
    assert detail["may_act"] is True
    dossier = c.get(f"/api/v1/leads/{lead_id}/dossier")
    html = zipfile.ZipFile(io.BytesIO(dossier.content)).read("dossier.html").decode()
    assert "调查认定" in html and "复检：未检出有毒物质" in html


def test_findings_are_refused_when_they_cannot_stand(lead: tuple[TestClient, int, int]) -> None:
    c, lead_id, _ = lead
    for body, needle in (
        ({"element": "guilt", "proven": True, "note": "x"}, "unknown element"),
        ({"element": "causation", "proven": True, "note": "x", "evidence_ids": [999999]},
         "not this lead's"),
        ({"element": "causation", "proven": True, "note": "  "}, "note"),
    ):  # fmt: skip
        r = c.post(f"/api/v1/leads/{lead_id}/elements", json=body)
        assert r.status_code == 422 and needle in r.text, r.text
    assert c.get(f"/api/v1/leads/{lead_id}").json()["findings"] == []


def test_a_typed_time_is_the_reporters_claim_not_a_measured_one(
    demo: Backend, tmp_path: Path
) -> None:
    """Rule (issue 19, 17): the time a volunteer types is kept as their claim (据举报人陈述):
    it neither proves when the act happened nor picks the law's edition; measured times do
    (the photo's capture time, else when the report reached us)."""
    with TestClient(create_app(make_settings(demo, tmp_path))) as c:
        r = c.post(
            "/api/v1/reports",
            headers=bearer(login_as(demo, "volunteer")),
            files=[("photos", ("p.jpg", photo(12)))],  # no EXIF: no capture time
            data={"category": "construction_dust", "description": "工地扬尘", "lon": 114.88,
                  "lat": 40.77, "observed_at": "2017-02-15T10:00:00+08:00"},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        c.headers.update(bearer(login_as(demo, "prosecutor", org_code="130700")))
        (found,) = c.get("/api/v1/leads").json()
        detail = c.get(f"/api/v1/leads/{found['id']}").json()
        (item,) = detail["evidence"]
        claimed = datetime.fromisoformat(item["provenance"]["claimed_at"])
        assert claimed == datetime(2017, 2, 15, 2, tzinfo=UTC)
        assert item["provenance"]["time_source"] == "submitted"
        (dust,) = [b for b in detail["legal_bases"] if b["code"] == "appcl-69"]
        assert "2018年修正" in dust["source"]  # today's edition, not 2017's
        assert {e["code"]: e["proven"] for e in dust["elements"]}.get("time_of_activity") in (
            None, False)  # fmt: skip
        dossier = c.get(f"/api/v1/leads/{found['id']}/dossier")
        html = zipfile.ZipFile(io.BytesIO(dossier.content)).read("dossier.html").decode()
        assert "据举报人陈述" in html
    clear_activity(demo)
