"""The two case paths on both backends: administrative (consultation, suggestion, reply,
follow-up, litigation after the reply period) and civil (public notice, litigation after 30
days or supporting an organisation's suit); termination; the steps offered with their days."""

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.main import create_app
from models import Lead, Suggestion
from models.base import utcnow
from rules.legal import PROCEDURE_PATHS
from rules.workflow import CST, local_date
from tests.api.helpers import working_day_from
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

PHOTOS = Path(__file__).parents[1] / "data" / "photos"
ZJK = (114.88, 40.77)


@pytest.fixture
def case(demo: Backend, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], int]]:
    """A prosecutor's client and one investigated lead (from a volunteer's report)."""
    with TestClient(create_app(make_settings(demo, tmp_path))) as c:
        volunteer = bearer(login_as(demo, "volunteer"))
        r = c.post(
            "/api/v1/reports",
            headers={"Idempotency-Key": "paths", **volunteer},
            files=[("photos", ("plain.png", (PHOTOS / "plain.png").read_bytes()))],
            data={"category": "waste_dumping", "description": "倾倒", "lon": ZJK[0], "lat": ZJK[1]},
        )
        assert r.status_code == 201, r.text
        c.headers.update(bearer(login_as(demo, "prosecutor", org_code="130700")))
        lead_id = c.get("/api/v1/leads").json()[0]["id"]
        for to in ("triaged", "investigating"):
            assert step(c, lead_id, to).status_code == 200
        yield c, volunteer, lead_id
    clear_activity(demo)


def step(c: TestClient, lead_id: int, to: str, **extra: object) -> Any:
    return c.post(
        f"/api/v1/leads/{lead_id}/transitions", json={"to": to, "note": f"→{to}", **extra}
    )


def detail(c: TestClient, lead_id: int) -> dict[str, Any]:
    return c.get(f"/api/v1/leads/{lead_id}").json()


def elements(lead: dict[str, Any], law: str) -> dict[str, bool]:
    (basis,) = [b for b in lead["legal_bases"] if law in b["law"]]
    return {e["code"]: e["proven"] for e in basis["elements"]}


def offered(lead: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["to"]: n for n in lead["next_steps"]}


def today() -> date:
    return local_date(utcnow())


def test_administrative_path(case: tuple[TestClient, dict, int], demo: Backend) -> None:
    """Rules: filing chooses the path; no jump from filing to litigation; consultation is
    recorded; litigation is refused (422, naming the day) until the reply period has ended,
    then allowed; the agency's failure to act and the persisting harm become proven elements
    of the administrative suit (行政诉讼法 art. 25(4)) from the reply and the review."""
    c, _, lead_id = case
    assert step(c, lead_id, "case_filed").status_code == 422  # no path chosen
    assert step(c, lead_id, "case_filed", path="criminal").status_code == 422
    suits = {b["code"] for b in detail(c, lead_id)["legal_bases"] if b["code"] in PROCEDURE_PATHS}
    assert suits == {"apl-25-4", "cpl-public-interest"}  # before filing, both paths
    filed = step(c, lead_id, "case_filed", path="administrative")
    assert filed.status_code == 200 and filed.json()["path"] == "administrative"
    after = detail(c, lead_id)["legal_bases"]  # issue 19, 18: only the chosen path's basis
    assert {b["code"] for b in after if b["code"] in PROCEDURE_PATHS} == {"apl-25-4"}
    jump = step(c, lead_id, "litigation")
    assert jump.status_code == 409 and "allowed: consultation" in jump.json()["detail"]
    assert "public_notice" not in offered(detail(c, lead_id))
    before = (today() - timedelta(days=1)).isoformat()  # the lead was recorded today
    assert step(c, lead_id, "consultation", on=before).status_code == 422
    met = today().isoformat()
    assert step(c, lead_id, "consultation", on=met).status_code == 200
    assert detail(c, lead_id)["consultation"]["on"] == met
    assert step(c, lead_id, "suggestion_issued", agency="怀来县水务局").status_code == 200
    lead = detail(c, lead_id)
    due = datetime.fromisoformat(lead["suggestions"][0]["due_at"]).astimezone(CST).date()
    gate = offered(lead)["litigation"]
    assert gate["ready"] is False and gate["possible_from"] == (due + timedelta(days=1)).isoformat()
    early = step(c, lead_id, "litigation")
    assert early.status_code == 422 and gate["possible_from"] in early.json()["detail"]
    assert step(c, lead_id, "follow_up").status_code == 422  # no reply, period running
    admin = elements(lead, "行政诉讼法")
    assert "harm_assessment" not in admin and not admin["agency_unlawful"]
    sug = lead["suggestions"][0]["id"]
    reply = {"replied_on": today().isoformat(), "content": "正在研究", "complied": False}
    assert c.post(f"/api/v1/suggestions/{sug}/reply", json=reply).status_code == 200
    review = {"note": "现场仍有垃圾", "remedied": False}
    assert c.post(f"/api/v1/suggestions/{sug}/follow-ups", json=review).status_code == 201
    admin = elements(detail(c, lead_id), "行政诉讼法")
    assert admin["agency_unlawful"] and admin["harm_persists"]
    assert step(c, lead_id, "follow_up").status_code == 200  # the reply is recorded
    assert step(c, lead_id, "litigation").status_code == 422  # not complied, period running
    with demo.sessions.begin() as s:
        s.execute(update(Suggestion).values(due_at=utcnow() - timedelta(days=1)))
    assert offered(detail(c, lead_id))["litigation"]["ready"] is True
    sued = step(c, lead_id, "litigation")
    assert sued.status_code == 200, sued.text
    timeline = detail(c, lead_id)["timeline"]
    moves = [e["change"]["to"] for e in timeline if e["action"] == "transition"]
    assert moves[-5:] == [
        "case_filed",
        "consultation",
        "suggestion_issued",
        "follow_up",
        "litigation",
    ]
    assert "legal_elements" in {e["action"] for e in timeline}


def test_civil_path_notice_then_litigation(
    case: tuple[TestClient, dict, int], demo: Backend
) -> None:
    """Rules: a civil case publishes a 30-day notice (SPC/SPP interpretation art. 13) ending at
    the end of its 30th day in CST; litigation is refused within it (422, naming the day) and
    allowed after it, when no organisation entitled to sue has sued."""
    c, _, lead_id = case
    assert step(c, lead_id, "case_filed", path="civil").status_code == 200
    after = detail(c, lead_id)["legal_bases"]
    assert {b["code"] for b in after if b["code"] in PROCEDURE_PATHS} == {"cpl-public-interest"}
    assert step(c, lead_id, "suggestion_issued", agency="x").status_code == 409
    future = (today() + timedelta(days=1)).isoformat()
    assert step(c, lead_id, "public_notice", on=future).status_code == 422
    assert step(c, lead_id, "public_notice").status_code == 200
    lead = detail(c, lead_id)
    end = datetime.fromisoformat(lead["notice_end"]).astimezone(CST)
    last = working_day_from(today() + timedelta(days=30))
    assert end.date() == last and (end.hour, end.minute) == (23, 59)
    first = (last + timedelta(days=1)).isoformat()
    assert offered(lead)["litigation"]["possible_from"] == first
    early = step(c, lead_id, "litigation")
    assert early.status_code == 422 and first in early.json()["detail"]
    assert not elements(lead, "民事诉讼法")["notice_expired"]
    with demo.sessions.begin() as s:
        s.execute(update(Lead).values(notice_end=utcnow() - timedelta(seconds=1)))
    assert step(c, lead_id, "litigation").status_code == 200
    civil = elements(detail(c, lead_id), "民事诉讼法")
    assert civil["notice_expired"] and not civil["causation"]


def test_a_suit_incidental_to_a_prosecution(
    case: tuple[TestClient, dict, int], demo: Backend
) -> None:
    """Rules (issue 19, 14): the 刑事附带民事公益诉讼 path cites its own basis (SPC/SPP
    interpretation art. 20) with 民事诉讼法 art. 58, publishes its 30-day notice, refuses the
    suit within it and allows it after; the prosecution of the same conduct is an element a
    finding proves."""
    c, _, lead_id = case
    assert step(c, lead_id, "case_filed", path="criminal_incidental").status_code == 200
    lead = detail(c, lead_id)
    assert {b["code"] for b in lead["legal_bases"] if b["code"] in PROCEDURE_PATHS} == {
        "spp-incidental-20", "cpl-public-interest"}  # fmt: skip
    assert set(offered(lead)) >= {"public_notice"} and "support_suit" not in offered(lead)
    assert step(c, lead_id, "suggestion_issued", agency="x").status_code == 409
    assert step(c, lead_id, "public_notice").status_code == 200
    assert step(c, lead_id, "litigation").status_code == 422
    with demo.sessions.begin() as s:
        s.execute(update(Lead).values(notice_end=utcnow() - timedelta(seconds=1)))
    incidental = elements(detail(c, lead_id), "检察公益诉讼案件适用法律")
    assert incidental["notice_expired"] and not incidental["criminal_prosecution"]
    found = c.post(f"/api/v1/leads/{lead_id}/elements", json={
        "element": "criminal_prosecution", "proven": True, "note": "怀检刑诉〔2026〕12号起诉书"})
    assert found.status_code == 201, found.text  # fmt: skip
    assert elements(detail(c, lead_id), "检察公益诉讼案件适用法律")["criminal_prosecution"]
    assert step(c, lead_id, "litigation").status_code == 200
    assert detail(c, lead_id)["status"] == "litigation"


def test_civil_path_supporting_an_organisations_suit(case: tuple[TestClient, dict, int]) -> None:
    """Rule: when an organisation entitled to sue sues, the procuratorate supports its suit
    (支持起诉) and then closes; the notice condition of its own suit is then not met."""
    c, volunteer, lead_id = case
    step(c, lead_id, "case_filed", path="civil")
    step(c, lead_id, "public_notice")
    assert step(c, lead_id, "support_suit").status_code == 422  # who sued?
    backed = step(c, lead_id, "support_suit", plaintiff="中国生物多样性保护与绿色发展基金会")
    assert backed.status_code == 200
    assert list(offered(detail(c, lead_id))) == ["closed_remedied", "closed_not_remedied"]
    assert step(c, lead_id, "closed_remedied").status_code == 200
    lead = detail(c, lead_id)
    assert lead["notice_plaintiff"].startswith("中国生物多样性")
    assert not elements(lead, "民事诉讼法")["notice_expired"]
    report = c.get("/api/v1/reports", headers=volunteer).json()[0]
    assert report["status"] == "closed"


def test_termination_of_review(case: tuple[TestClient, dict, int]) -> None:
    """Rule: review may be terminated (终结审查) before litigation, e.g. after the agency
    corrected during consultation; the volunteer is told the case is closed."""
    c, volunteer, lead_id = case
    step(c, lead_id, "case_filed", path="administrative")
    step(c, lead_id, "consultation")
    ended = step(c, lead_id, "terminated")
    assert ended.status_code == 200 and ended.json()["allowed_transitions"] == []
    assert ended.json()["status_label"]["zh"] == "终结审查"
    assert c.get("/api/v1/reports", headers=volunteer).json()[0]["status"] == "closed"
    assert detail(c, lead_id)["next_steps"] == []


def test_a_follow_up_review_once_the_period_ended_without_a_reply(
    case: tuple[TestClient, dict, int], demo: Backend
) -> None:
    """Rule (issue 19, 16): the agency never replied; once its reply period has ended the
    follow-up review (跟进监督) can be recorded, as the follow_up step already can be taken."""
    c, _, lead_id = case
    assert step(c, lead_id, "case_filed", path="administrative").status_code == 200
    assert step(c, lead_id, "suggestion_issued", agency="怀来县水务局").status_code == 200
    sug = detail(c, lead_id)["suggestions"][0]["id"]
    review = {"note": "未见整改", "remedied": False}
    early = c.post(f"/api/v1/suggestions/{sug}/follow-ups", json=review)
    assert early.status_code == 422 and "reply period" in early.json()["detail"]
    with demo.sessions.begin() as s:
        s.execute(update(Suggestion).values(due_at=utcnow() - timedelta(days=1)))
    assert c.post(f"/api/v1/suggestions/{sug}/follow-ups", json=review).status_code == 201
    assert elements(detail(c, lead_id), "行政诉讼法")["agency_unlawful"]


def test_elements_that_depend_on_time_are_current_when_read(
    case: tuple[TestClient, dict, int], demo: Backend
) -> None:
    """Rule (issue 19, 10): a reply period that simply runs out makes the agency's failure to
    act proven in the lead and its dossier at once, with nothing else happening."""
    c, _, lead_id = case
    assert step(c, lead_id, "case_filed", path="administrative").status_code == 200
    assert step(c, lead_id, "suggestion_issued", agency="怀来县水务局").status_code == 200
    assert not elements(detail(c, lead_id), "行政诉讼法")["agency_unlawful"]
    with demo.sessions.begin() as s:  # the period ends; nobody does anything
        s.execute(update(Suggestion).values(due_at=utcnow() - timedelta(minutes=1)))
    assert elements(detail(c, lead_id), "行政诉讼法")["agency_unlawful"]
    dossier = c.get(f"/api/v1/leads/{lead_id}/dossier")
    html = zipfile.ZipFile(io.BytesIO(dossier.content)).read("dossier.html").decode()
    (admin,) = [p for p in html.split('<div class="basis">') if "行政诉讼法" in p]
    assert "行政机关违法行使职权或者不作为" not in admin.split("</div>")[0].split("待补充要件")[-1]
