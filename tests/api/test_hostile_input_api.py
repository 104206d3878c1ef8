"""Hostile input found by probing: instants at the ends of time, control characters in text,
ids past the 32-bit columns on OGC. Each is a 4xx problem (400 on OGC), never a 500."""

import inspect
import typing
from datetime import date, datetime
from types import UnionType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from app.auth import api_routes
from app.schemas.common import ID_MAX
from app.services.ogc.registry import COLLECTIONS
from models import Report
from tests.api.test_concurrency import photo
from tests.api.test_reports_api import ZJK, count
from tests.conftest import Backend, bearer, login_as

EXTREME_INSTANTS = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00")
EXTREME_DAYS = ("0001-01-01", "9999-12-31")
ITEMS = [f"/ogc/collections/{c}/items" for c in COLLECTIONS]


def _extreme(t: Any, n: int) -> Any:
    """An out-of-range value of type `t` (a datetime, a date, or a list or union of them)."""
    if t is datetime:
        return EXTREME_INSTANTS[n]
    if t is date:
        return EXTREME_DAYS[n]
    if typing.get_origin(t) is list:
        inner = _extreme(typing.get_args(t)[0], n)
        return None if inner is None else [inner]
    if typing.get_origin(t) in (typing.Union, UnionType, typing.Annotated):
        return next((v for a in typing.get_args(t) if (v := _extreme(a, n)) is not None), None)
    return None


def _fields(info: FieldInfo, name: str) -> typing.Iterator[tuple[str, FieldInfo]]:
    """A field, or each field of the models it holds."""
    t = info.annotation
    inner = (t, *typing.get_args(t))
    models = [a for a in inner if inspect.isclass(a) and issubclass(a, BaseModel)]
    if not models:
        yield name, info
    for model in models:
        for sub, f in model.model_fields.items():
            yield from _fields(f, f"{name}.{sub}")


def test_every_instant_and_day_a_route_takes_refuses_the_ends_of_time(
    client: TestClient,
) -> None:
    """Structural: whatever route or body field takes a datetime or date checks its range."""
    checked = []
    for route in api_routes(client.app.routes):  # type: ignore[attr-defined]
        stack = [route.dependant]
        while stack:
            dep = stack.pop()
            stack.extend(dep.dependencies)
            for param in (*dep.query_params, *dep.path_params, *dep.header_params,
                          *dep.body_params):  # fmt: skip
                for name, info in _fields(param.field_info, param.name):
                    for n in (0, 1):
                        value = _extreme(info.annotation, n)
                        if value is None:
                            continue
                        t = info.annotation
                        adapter = TypeAdapter(
                            typing.Annotated[t, *info.metadata] if info.metadata else t
                        )
                        with pytest.raises(ValidationError):
                            adapter.validate_python(value)
                        checked.append((route.path, name))
    assert len({p for p, _ in checked}) >= 10, checked


@pytest.mark.parametrize("value", EXTREME_INSTANTS)
def test_extreme_instants_are_refused_over_http(client: TestClient, value: str) -> None:
    urls = [
        ("/api/v1/leads", {"since": value}),
        ("/api/v1/leads", {"until": value}),
        ("/api/v1/air/hotspots", {"from": value}),
        ("/api/v1/air/hotspots", {"to": value}),
        ("/api/v1/imagery", {"start": value}),
        ("/api/v1/imagery", {"end": value}),
    ]
    for url, params in urls:
        r = client.get(url, params=params)
        assert r.status_code == 422, (url, params, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    for url in ITEMS:
        for interval in (value, f"{value}/..", f"../{value}", f"2026-01-01T00:00:00Z/{value}"):
            r = client.get(url, params={"datetime": interval})
            assert r.status_code == 400, (url, interval, r.text)
    for day in EXTREME_DAYS:
        r = client.get("/api/v1/air/exceedances", params={"from": day, "to": "2026-01-01"})
        assert r.status_code == 422, r.text
        assert client.get(f"{ITEMS[0]}/x_{day}").status_code == 404


def test_an_extreme_observed_at_is_refused_and_stores_nothing(
    client: TestClient, db: Backend
) -> None:
    volunteer = bearer(login_as(db, "volunteer"))
    for value in EXTREME_INSTANTS:
        r = client.post(
            "/api/v1/reports",
            headers=volunteer,
            files=[("photos", ("p.jpg", photo(1)))],
            data={"category": "other", "lon": ZJK[0], "lat": ZJK[1], "observed_at": value},
        )
        assert r.status_code == 422, r.text
    assert count(db, Report) == 0


NUL = "a\x00b"


def test_control_characters_in_text_are_refused(client: TestClient) -> None:
    """A NUL anywhere a text goes in: 422 naming the input (PostgreSQL cannot store it)."""
    sent = [
        client.post("/api/v1/auth/token", data={"username": NUL, "password": "x"},
                    headers={"Authorization": ""}),
        client.post("/api/v1/auth/api-tokens", json={"name": NUL, "days": 1}),
        client.post("/api/v1/subscriptions",
                    json={"url": f"https://example.org/{NUL}", "events": ["exceedance"]}),
        client.post("/api/v1/leads/1/referrals", json={"to_org": "110000", "basis": NUL}),
        client.get("/api/v1/leads", params={"category": NUL}),
        client.get("/api/v1/layers/a%00b"),
        client.get("/api/v1/leads", params={"org": "\x01"}),
        client.post("/api/v1/leads/1/transitions", json={"to": "triaged", "note": "x\x7fy"}),
        client.get(f"{ITEMS[0]}/1%00"),
    ]  # fmt: skip
    for r in sent:
        assert r.status_code == 422, (r.request.url, r.status_code, r.text)
        assert "control character" in r.json()["detail"], r.text
    assert client.post("/api/v1/auth/api-tokens",
                       json={"name": "多行\n名称\t", "days": 1}).status_code == 201  # fmt: skip


def test_ogc_offsets_and_feature_ids_past_the_id_columns(client: TestClient) -> None:
    for offset in (ID_MAX + 1, 2**63, "9" * 5000):
        for url in ITEMS:
            r = client.get(url, params={"offset": offset})
            assert r.status_code == 400, (url, offset, r.text)
    for url in ITEMS:
        assert client.get(url, params={"offset": ID_MAX}).status_code == 200, url
        for fid in (ID_MAX + 1, 2**63, 10**30):
            assert client.get(f"{url}/{fid}").status_code == 404, (url, fid)
    r = client.post("/api/v1/subscriptions", json={
        "url": "https://example.org/hook", "events": ["exceedance"],
        "area": {"layer": "x", "feature_id": ID_MAX + 1}})  # fmt: skip
    assert r.status_code == 422, r.text
