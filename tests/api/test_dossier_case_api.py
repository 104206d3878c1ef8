"""What a prosecutor expects in a lead file (issue 19, 11): where the lead came from (线索来源),
the prosecutors' assessments (审查意见), the case handling (办案情况), the responsible party and
the agency, and every evidence item, FIRMS detections included, with its provenance."""

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.api.test_concurrency import photo
from tests.api.test_legal_bases_api import FIRMS, fire_near_a_source_zone
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

GUANTING = (115.6436, 40.3214)  # in the demo's level-I source zone


@pytest.fixture
def client(demo: Backend, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(demo, tmp_path))) as c:
        c.headers.update(bearer(login_as(demo, "admin")))
        yield c
    clear_activity(demo)


def dossier_html(c: TestClient, lead_id: int) -> str:
    r = c.get(f"/api/v1/leads/{lead_id}/dossier")
    assert r.status_code == 200, r.text
    return zipfile.ZipFile(io.BytesIO(r.content)).read("dossier.html").decode()


def summary_count(html: str) -> int:
    found = re.search(r"证据数量 Evidence items</th><td>(\d+)</td>", html)
    assert found is not None
    return int(found.group(1))


def test_a_satellite_only_lead_lists_its_detection_with_file_hash_and_line(
    client: TestClient,
) -> None:
    job = fire_near_a_source_zone(client)
    html = dossier_html(client, job["result"]["leads"][0])
    assert summary_count(html) == 1  # was 0: FIRMS items were dropped
    assert "卫星火点 satellite fire hotspot (FIRMS)" in html and "线索来源" in html
    assert hashlib.sha256(FIRMS.encode()).hexdigest() in html
    assert "源文件第2行 line 2" in html and "FIRMS:MODIS:Aqua" in html
    assert "2022-05-28 05:38:00" in html  # the overpass, not the import


def test_case_handling_assessments_and_parties(client: TestClient, demo: Backend) -> None:
    r = client.post(
        "/api/v1/reports",
        headers=bearer(login_as(demo, "volunteer")),
        files=[("photos", ("p.jpg", photo(31)))],
        data={"category": "waste_dumping", "description": "建筑垃圾", "lon": GUANTING[0],
              "lat": GUANTING[1]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    client.headers.update(bearer(login_as(demo, "prosecutor", org_code="130700")))
    (lead,) = client.get("/api/v1/leads").json()
    html = dossier_html(client, lead["id"])
    assert "随手拍（志愿者举报）" in html and "志愿者账户 volunteer #" in html
    assert "尚未审查" in html and "未立案 not filed" in html and "待调查" in html
    for to, extra in (
        ("triaged", {"note": "初查：水源一级保护区内倾倒建筑垃圾，需核实"}),
        ("investigating", {"note": "调查：现场勘验"}),
        ("case_filed", {"note": "立案审查意见：符合行政公益诉讼立案条件",
                        "path": "administrative"}),
        ("suggestion_issued", {"note": "发出检察建议", "agency": "张家口市水务局",
                               "agency_level": "city"}),
    ):
        step = client.post(f"/api/v1/leads/{lead['id']}/transitions", json={"to": to, **extra})
        assert step.status_code == 200, step.text
    found = client.post(
        f"/api/v1/leads/{lead['id']}/elements",
        json={"element": "responsible_party", "proven": True, "note": "某建筑工程有限公司"},
    )
    assert found.status_code == 201, found.text
    html = dossier_html(client, lead["id"])
    assert "初查：水源一级保护区内倾倒建筑垃圾，需核实" in html and "线索评估 lead assessed" in html
    assert "立案审查意见：符合行政公益诉讼立案条件" in html
    assert "行政公益诉讼 administrative public-interest case" in html
    assert "检察建议1 Suggestion 1：行政机关 agency" in html and "张家口市水务局（市级）" in html
    # 办案规则 art. 13: the lead is the county procuratorate's, the agency a city one's.
    assert "应由市级人民检察院立案管辖" in html
    sug = client.get(f"/api/v1/leads/{lead['id']}").json()["suggestions"][0]
    assert sug["agency_level"] == "city"
    (issued,) = [e for e in client.get(f"/api/v1/leads/{lead['id']}").json()["timeline"]
                 if e["change"].get("to") == "suggestion_issued"]  # fmt: skip
    assert "第十三条" in issued["change"]["jurisdiction_note"]
    assert "回复期限 reply due" in html and "未回复 no reply" in html
    assert "已认定：某建筑工程有限公司" in html
    assert "检察建议所针对的机关 Agency the suggestions address</th><td>张家口市水务局" in html
