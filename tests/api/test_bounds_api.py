"""Bad or oversized input answers a 4xx problem, never a 500: ids, bodies, geometries, mappings."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.schemas.common import ID_MAX
from tests.api.test_cli import ecoleads
from tests.conftest import Backend, bearer, login_as, make_settings

HUGE = (ID_MAX + 1, 2**63 - 1, 2**63, 2**64, 10**30)
NOTE = {"note": "n"}


def _requests(big: int) -> list[tuple[str, str, dict[str, object] | None]]:
    """Every route with an integer that reaches the database, fed `big`."""
    return [
        ("GET", f"/api/v1/reports/{big}", None),
        ("GET", f"/api/v1/reports/1/photos/{big}", None),
        ("GET", f"/api/v1/reports/{big}/photos/1", None),
        ("GET", f"/api/v1/reports?offset={big}", None),
        ("GET", f"/api/v1/leads/{big}", None),
        ("GET", f"/api/v1/leads?assignee_id={big}", None),
        ("GET", f"/api/v1/leads?offset={big}", None),
        ("GET", f"/api/v1/leads/map?bbox=115,40,116,41&zoom=8&assignee_id={big}", None),
        ("GET", f"/api/v1/leads/{big}/dossier", None),
        ("POST", f"/api/v1/leads/{big}/transitions", {"to": "triaged", **NOTE}),
        ("POST", f"/api/v1/leads/{big}/assign", {"assignee_id": 1}),
        ("POST", "/api/v1/leads/1/assign", {"assignee_id": big}),
        ("POST", "/api/v1/leads/merge", {"target": big, "source": 1, **NOTE}),
        ("POST", "/api/v1/leads/merge", {"target": 1, "source": big, **NOTE}),
        ("POST", f"/api/v1/leads/{big}/split", {"evidence_ids": [1], **NOTE}),
        ("POST", "/api/v1/leads/1/split", {"evidence_ids": [big], **NOTE}),
        ("GET", f"/api/v1/air/surfaces/{big}", None),
        ("GET", f"/api/v1/air/surfaces/{big}/geotiff", None),
        ("GET", f"/api/v1/air/surfaces/{big}/cells", None),
        ("GET", f"/api/v1/air/leads/{big}/attribution", None),
        ("GET", f"/api/v1/air/hotspots/{big}/attribution", None),
        ("GET", f"/api/v1/layers/x/features?version={big}", None),
        ("GET", f"/api/v1/layers/x/features?offset={big}", None),
    ]


def test_ids_beyond_64_bits_are_422_not_500(client: TestClient) -> None:
    for big in HUGE:
        for method, url, body in _requests(big):
            r = client.request(method, url, json=body)
            assert r.status_code == 422, (method, url, r.status_code, r.text)
            assert r.headers["content-type"] == "application/problem+json"


def test_the_largest_id_is_looked_up(client: TestClient) -> None:
    for path in ("reports/{}", "leads/{}", "air/surfaces/{}", "air/hotspots/{}/attribution"):
        url = "/api/v1/" + path.format(ID_MAX)
        assert client.get(url).status_code == 404, url
    # A layer is looked up by id or name: a huge number is just a name nobody has.
    assert client.get(f"/api/v1/layers/{2**64}").status_code == 404
    assert client.get("/api/v1/layers/²").status_code == 404  # a digit, but not ASCII


def test_openapi_states_the_bounds(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    params = doc["paths"]["/api/v1/leads/{lead_id}"]["get"]["parameters"]
    lead_id = next(p for p in params if p["name"] == "lead_id")
    assert lead_id["schema"]["maximum"] == ID_MAX and lead_id["schema"]["minimum"] == 1
    merge = doc["components"]["schemas"]["MergeRequest"]["properties"]["target"]
    assert merge["maximum"] == ID_MAX


@pytest.fixture
def small_client(db: Backend, tmp_path: Path) -> Iterator[TestClient]:
    """An admin client of an app with small body and geometry limits."""
    settings = make_settings(db, tmp_path, json_body_max_bytes=1000, geometry_max_vertices=50)
    with TestClient(create_app(settings)) as c:
        c.headers.update(bearer(login_as(db, "admin")))
        yield c


def _problem(r: object, status: int, *needles: str) -> None:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert body["status"] == status
    for needle in needles:
        assert needle in body["detail"], body


def test_large_json_bodies_are_413(small_client: TestClient) -> None:
    padding = {"lon": 115.5, "lat": 40.4, "crs": "wgs84" + " " * 2000}
    _problem(small_client.post("/api/v1/geocode", json=padding), 413, "1,000 bytes")
    body = json.dumps(padding).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: the bytes are counted as they come
        for i in range(0, len(body), 100):
            yield body[i : i + 100]

    r = small_client.post(
        "/api/v1/geocode", content=chunks(), headers={"Content-Type": "application/json"}
    )
    _problem(r, 413, "more than 1,000 bytes")
    # A body under the limit is read as usual (422: the crs is nonsense, not too large).
    assert small_client.post("/api/v1/geocode", json={"lon": 1, "crs": "x"}).status_code == 422


def test_multipart_uploads_keep_their_own_limits(small_client: TestClient) -> None:
    rows = "id,lon,lat\n" + "".join(f"P{i},115.{i:04d},40.4\n" for i in range(200))
    assert len(rows) > 1000
    r = small_client.post(
        "/api/v1/geocode/batch", files={"file": ("p.csv", rows.encode())}, data={"crs": "wgs84"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["points"] == 200


def _line(n: int) -> dict[str, object]:
    return {"type": "LineString", "coordinates": [[115 + i * 1e-5, 40.0] for i in range(n)]}


def test_geometry_vertex_cap(small_client: TestClient, client: TestClient) -> None:
    r = small_client.post("/api/v1/geocode", json={"geometry": _line(51)})
    _problem(r, 413, "51 vertices", "limit of 50")
    # The default cap (10,000) refuses a 20,000-point line before any geometry work.
    r = client.post("/api/v1/geocode", json={"geometry": _line(20_000)})
    _problem(r, 413, "20,000 vertices", "limit of 10,000")


def test_deeply_nested_geometry_is_refused(client: TestClient) -> None:
    for depth in (6, 5000):
        inner = '{"type":"Point","coordinates":[115.5,40.4]}'
        nested = '{"type":"GeometryCollection","geometries":[' * depth + inner + "]}" * depth
        r = client.post(
            "/api/v1/geocode",
            content=f'{{"geometry":{nested}}}',
            headers={"Content-Type": "application/json"},
        )
        assert 400 <= r.status_code < 500, (depth, r.status_code)
        assert r.headers["content-type"] == "application/problem+json"
    wrong = {"geometry": {"type": "Polygon", "coordinates": [[[[[[115, 40]]]]]]}}
    _problem(client.post("/api/v1/geocode", json=wrong), 422, "nested")


@pytest.mark.parametrize(
    ("mapping", "needle"),
    [
        ("null", "not null"),
        ("5", "not a number"),
        ('"x"', "not a string"),
        ("[1]", "not an array"),
        ("{not json", "not JSON"),
        ('{"station": "s", "time": "t", "columns": null}', "'columns' must be a JSON object"),
        ('{"station": "s", "time": "t", "columns": {"pm10": 5}}', "columns.pm10"),
        ('{"station": 1, "time": "t", "columns": {}}', "'station' must be a column name"),
        ('{"station": "s", "time": "t", "columns": {}, "timezone": "Mars/X"}', "timezone"),
        ('{"station": "s", "time": "t", "columns": {}, "scale": {"pm10": "x"}}', "scale.pm10"),
    ],
)
def test_bad_air_mapping_is_422(client: TestClient, mapping: str, needle: str) -> None:
    r = client.post(
        "/api/v1/air/imports",
        files=[("files", ("m.csv", b"s,t,v\nA,2024-01-01 01:00,1\n"))],
        data={"format": "csv", "mapping": mapping},
    )
    _problem(r, 422, needle)


def test_cli_bad_mapping_is_one_line_and_exit_2(db: Backend, tmp_path: Path) -> None:
    data = tmp_path / "r.csv"
    data.write_text("s,t,v\nA,2024-01-01 01:00,1\n", encoding="utf-8")
    for text, needle in (("null", "not null"), ("{", "not JSON"), ("[]", "not an array")):
        spec = tmp_path / "m.json"
        spec.write_text(text, encoding="utf-8")
        r = ecoleads(
            db, tmp_path, "air", "import", str(data), "--format", "csv", "--mapping", str(spec)
        )
        assert r.returncode == 2, r.stderr
        lines = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
        assert len(lines) == 1 and needle in lines[0], r.stderr
        assert "Traceback" not in r.stderr


def test_non_finite_numbers_are_422(client: TestClient) -> None:
    r = client.post(
        "/api/v1/reports",
        files=[("photos", ("a.jpg", b"not read"))],
        data={"category": "other", "accuracy_m": "nan"},
    )
    _problem(r, 422, "accuracy_m")
    r = client.post(
        "/api/v1/score-weights",
        content='{"weights": {"location": NaN}}',
        headers={"Content-Type": "application/json"},
    )
    _problem(r, 422, "weights.location")
