"""Acting on a lead belongs to its own organisation (and those above it) and admins: a lead
shared or referred with another procuratorate is read-only there, whatever the account's
role, and its originals go only where a referral grants them."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.main import create_app
from app.services.accounts.tokens import issue_token
from models import AuditEntry, Organisation, User
from tests.api.test_cli import ecoleads
from tests.api.test_partners_api import ZJK, lead_at
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings

# Every route that acts on a lead or its suggestions, with a body that would otherwise be
# acceptable enough to reach the access check ({lead}, {other}, {suggestion}, {assignee}).
ACTIONS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/api/v1/leads/{lead}/transitions", {"to": "terminated", "note": "越权"}),
    ("POST", "/api/v1/leads/{lead}/assign", {"assignee_id": "{assignee}", "note": "越权"}),
    ("POST", "/api/v1/leads/merge", {"target": "{lead}", "source": "{other}", "note": "越权"}),
    ("POST", "/api/v1/leads/{lead}/split", {"evidence_ids": [1], "note": "越权"}),
    ("GET", "/api/v1/leads/{lead}/dossier", None),
    ("POST", "/api/v1/leads/{lead}/referrals", {"to_org": "110000", "basis": "越权"}),
    ("POST", "/api/v1/leads/{lead}/organisations", {"org": "110000", "role": "co"}),
    ("POST", "/api/v1/leads/{lead}/rechecks", {"after": 1}),
    ("POST", "/api/v1/leads/{lead}/elements",
     {"element": "responsible_party", "proven": True, "note": "越权"}),
    ("POST", "/api/v1/suggestions/{suggestion}/service", {"served_on": "2026-01-05"}),
    ("POST", "/api/v1/suggestions/{suggestion}/reply",
     {"replied_on": "2026-01-06", "content": "越权", "complied": True}),
    ("POST", "/api/v1/suggestions/{suggestion}/follow-ups", {"note": "越权", "remedied": True}),
]  # fmt: skip


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _partner_prosecutor(demo: Backend) -> str:
    """A prosecutor account in the Beijing partner procuratorate, as one made before the
    rule existed (the service no longer creates such accounts); return its token."""
    with demo.sessions.begin() as s:
        org = s.scalar(select(Organisation).where(Organisation.code == "110000"))
        assert org is not None and org.role == "partner"
        user = User(org_id=org.id, role="prosecutor", username="bj-prosecutor",
                    display_name="北京检察官", password_hash="!", is_active=True)  # fmt: skip
        s.add(user)
        s.flush()
        return issue_token(s, user=user, kind="session", ttl=timedelta(hours=1))[0]


@pytest.fixture
def shared(demo: Backend, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """Two leads of Zhangjiakou, one with a procuratorial suggestion, both referred to
    Beijing without their originals."""
    with TestClient(create_app(make_settings(demo, tmp_path))) as c:
        c.headers.update(bearer(login_as(demo, "volunteer")))
        own = bearer(login_as(demo, "prosecutor", org_code="130700", username="zjk-own"))
        lead = lead_at(c, own, *ZJK, key="a")
        other = lead_at(c, own, ZJK[0] + 0.3, ZJK[1], key="b")
        for to, extra in (("triaged", {}), ("investigating", {}),
                          ("case_filed", {"path": "administrative"}),
                          ("suggestion_issued", {"agency": "怀来县水务局"})):  # fmt: skip
            r = c.post(f"/api/v1/leads/{lead}/transitions", headers=own,
                       json={"to": to, "note": to, **extra})  # fmt: skip
            assert r.status_code == 200, r.text
        suggestion = c.get(f"/api/v1/leads/{lead}", headers=own).json()["suggestions"][0]["id"]
        for n in (lead, other):
            r = c.post(f"/api/v1/leads/{n}/referrals", headers=own,
                       json={"to_org": "110000", "basis": "跨界水源"})  # fmt: skip
            assert r.status_code == 201, r.text
        assignee = c.get("/api/v1/users/me", headers=own).json()["id"]
        yield c, {"lead": lead, "other": other, "suggestion": suggestion, "assignee": assignee}
    clear_activity(demo)


def _audit_size(demo: Backend) -> int:
    with demo.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


@pytest.mark.parametrize("role", ["prosecutor", "partner"])
def test_every_action_on_a_shared_lead_is_refused(
    shared: tuple[TestClient, dict[str, int]], demo: Backend, role: str
) -> None:
    c, ids = shared
    caller = bearer(
        _partner_prosecutor(demo)
        if role == "prosecutor"
        else login_as(demo, "partner", org_code="110000")
    )
    assert c.get(f"/api/v1/leads/{ids['lead']}", headers=caller).status_code == 200  # may read
    before = _audit_size(demo)
    for method, path, body in ACTIONS:
        r = c.request(method, _fill(path, ids), headers=caller, json=_fill(body, ids))
        assert r.status_code == 403, (method, path, r.status_code, r.text)
    assert _audit_size(demo) == before
    lead = c.get(f"/api/v1/leads/{ids['lead']}", headers=caller).json()
    assert lead["status"] == "suggestion_issued"
    report = c.get(f"/api/v1/leads/{ids['lead']}", headers=caller).json()["evidence"][0]
    original = c.get(f"/api/v1/reports/{report['report_id']}/photos/1",
                     params={"original": True}, headers=caller)  # fmt: skip
    assert original.status_code in (403, 404)


def test_every_lead_action_route_is_checked_here(shared: tuple[TestClient, Any]) -> None:
    """A new route acting on a lead must join ACTIONS above."""
    c, _ = shared
    from app.auth import api_routes

    listed = {(m, p.replace("{lead}", "{lead_id}").replace("{suggestion}", "{suggestion_id}"))
              for m, p, _ in ACTIONS}  # fmt: skip
    acting = {
        (method, route.path)
        for route in api_routes(c.app.routes)  # type: ignore[attr-defined]
        for method in route.methods
        if ("/leads" in route.path or "/suggestions" in route.path)
        and (method != "GET" or route.path.endswith("/dossier"))
        and not route.path.startswith("/ogc")
    }
    assert acting <= listed, acting - listed


def test_the_cli_refuses_a_prosecutor_in_a_partner_organisation(
    demo: Backend, tmp_path: Path
) -> None:
    result = ecoleads(demo, tmp_path, "users", "create", "--username", "bj", "--role",
                      "prosecutor", "--org", "110000", "--password", "a-long-password-2026")
    assert result.returncode == 2 and "partner" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    with demo.sessions() as s:
        assert s.scalar(select(User.id).where(User.username == "bj")) is None
