"""Targeted cases for `scripts/fuzz.py`: values a probe found to break services of this
kind, sent to every parameter the OpenAPI document declares and to the bodies and OGC
parameters it cannot describe: instants at the ends of time, NUL and other control
characters, integers just past 32 and 64 bits. Any 5xx is a failure."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx

INSTANTS = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00")
DAYS = ("0001-01-01", "9999-12-31")
BIG = (2**31, 2**63)
TEXTS = ("a\x00b", "\x01", "x\x7f")
# Writes that would end the run (revoke the fuzzing token) are not sent.
SKIP = {("POST", "/api/v1/auth/revoke")}


@dataclass(frozen=True)
class Case:
    """One request: method, path with query, and an optional JSON, form or multipart body."""

    method: str
    url: str
    json: Any = None
    data: dict[str, str] | None = None
    files: list[tuple[str, tuple[str, bytes]]] | None = None


def _types(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a parameter's schema (anyOf flattened; arrays by their items)."""
    out = []
    for alt in schema.get("anyOf", [schema]):
        out.append(alt.get("items", alt) if alt.get("type") == "array" else alt)
    return out


def _values(schema: dict[str, Any]) -> list[Any]:
    values: list[Any] = []
    for alt in _types(schema):
        if alt.get("type") == "integer":
            values += BIG
        elif alt.get("type") == "string":
            values += {"date-time": INSTANTS, "date": DAYS}.get(alt.get("format", ""), ())
            values += TEXTS
    return values


def parameter_cases(spec: dict[str, Any]) -> Iterator[Case]:
    """Each path and query parameter of each operation, fed each hostile value in turn."""
    for path, items in spec["paths"].items():
        for method, op in items.items():
            if (method.upper(), path) in SKIP:
                continue
            params = [p for p in op.get("parameters", []) if p["in"] in ("path", "query")]
            base = {
                p["name"]: "1" if any(t.get("type") == "integer" for t in _types(p["schema"]))
                else "x"
                for p in params if p["in"] == "path"
            }  # fmt: skip
            for p in params:
                for value in _values(p.get("schema", {})):
                    fill = dict(base)
                    query = ""
                    if p["in"] == "path":
                        fill[p["name"]] = quote(str(value), safe="")
                    else:
                        query = "?" + urlencode({p["name"]: value})
                    yield Case(method.upper(), path.format(**fill) + query)


def fixed_cases(collections: list[str], photo: bytes) -> Iterator[Case]:
    """Bodies and OGC parameters the OpenAPI document does not describe field by field."""
    for text in TEXTS:
        yield Case("POST", "/api/v1/auth/token", data={"username": text, "password": "x"})
        yield Case("POST", "/api/v1/auth/api-tokens", json={"name": text, "days": 1})
        yield Case("POST", "/api/v1/subscriptions",
                   json={"url": f"https://example.org/{text}", "events": ["exceedance"]})
        yield Case("POST", "/api/v1/leads/1/referrals", json={"to_org": "110000", "basis": text})
        yield Case("POST", "/api/v1/leads/1/transitions", json={"to": "triaged", "note": text})
        yield Case("POST", "/api/v1/reports", data={"category": "other", "description": text,
                   "lon": "114.88", "lat": "40.77"}, files=[("photos", ("p.jpg", photo))])
    for big in BIG:
        yield Case("POST", "/api/v1/subscriptions", json={"url": "https://example.org/h",
                   "events": ["exceedance"], "area": {"layer": "x", "feature_id": big}})
    for day in DAYS:
        yield Case("POST", "/api/v1/suggestions/1/service", json={"served_on": day})
    for at in INSTANTS:
        yield Case("POST", "/api/v1/reports", data={"category": "other", "observed_at": at,
                   "lon": "114.88", "lat": "40.77"}, files=[("photos", ("p.jpg", photo))])
    for c in collections:
        items = f"/ogc/collections/{c}/items"
        for at in INSTANTS + DAYS:
            for interval in (at, f"{at}/..", f"../{at}", f"2026-01-01/{at}"):
                yield Case("GET", f"{items}?{urlencode({'datetime': interval})}")
        for big in BIG:
            yield Case("GET", f"{items}?offset={big}")
            yield Case("GET", f"{items}/{big}")
        yield Case("GET", f"{items}/{quote(TEXTS[0])}")  # fmt: skip


def run(base: str, token: str, cases: list[Case]) -> list[tuple[Case, int]]:
    """Send every case on one keep-alive connection; return the 5xx answers."""
    failed = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=60) as client:  # fmt: skip
        for case in cases:
            r = client.request(case.method, case.url, json=case.json, data=case.data,
                               files=case.files)  # fmt: skip
            if r.status_code >= 500:
                failed.append((case, r.status_code))
    return failed
