"""The in-memory index of reference features and jurisdictions behind the single geocode
(app/services/places/reference_index.py) follows every change of what it holds."""

import json

from fastapi.testclient import TestClient

from tests.conftest import Backend, bearer, login_as, wipe


def _geocode(client: TestClient, **body: object) -> dict:
    r = client.post("/api/v1/geocode", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _square_layer(client: TestClient, name: str, kind: str, lon: float, lat: float) -> None:
    """Import (a new version of) a one-feature layer: a 0.02° square centred on lon, lat."""
    level = "county" if kind == "admin_division" else "I"
    square = {"type": "Polygon", "coordinates": [[
        [lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01],
        [lon - 0.01, lat + 0.01], [lon - 0.01, lat - 0.01]]]}  # fmt: skip
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": square,
           "properties": {"name": f"{name}@{lon}", "level": level, "code": "Z1"}}]}  # fmt: skip
    r = client.post(
        "/api/v1/layers",
        files={"file": ("square.geojson", json.dumps(doc).encode())},
        data={"name": name, "kind": kind, "name_field": "name", "level_field": "level",
              "code_field": "code"},
    )  # fmt: skip
    assert r.status_code == 201, r.text


def test_the_in_memory_index_follows_new_versions_and_jurisdictions(
    client: TestClient, db: Backend
) -> None:
    """Layer versions are read once and kept; a new version, a new jurisdiction or a database
    emptied and filled again (its ids reused) is seen at once."""
    from app.services.accounts.organisations import upsert_organisation

    here, there = (115.0, 40.5), (116.0, 40.5)

    def zones_and_orgs() -> tuple[list[str], list[str]]:
        g = _geocode(client, lon=here[0], lat=here[1])
        return [z["name"] for z in g["zones"]], [o["code"] for o in g["responsible_organisations"]]

    _square_layer(client, "zones", "water_source_zone", *here)
    _square_layer(client, "counties", "admin_division", *here)
    with db.sessions.begin() as s:
        upsert_organisation(s, code="900001", name="试验检察院", role="own", level="county",
                            layer="counties", feature_code="Z1")  # fmt: skip
    assert zones_and_orgs() == ([f"zones@{here[0]}"], ["900001"])
    _square_layer(client, "zones", "water_source_zone", *there)  # version 2 moves it away
    _square_layer(client, "counties", "admin_division", *there)
    assert zones_and_orgs() == ([], ["900001"])  # the jurisdiction was copied: unchanged
    with db.sessions.begin() as s:
        upsert_organisation(s, code="900001", name="试验检察院", role="own", level="county",
                            layer="counties", feature_code="Z1")  # fmt: skip
    assert zones_and_orgs() == ([], [])
    wipe(db)  # emptied: the next layer gets the ids the first ones had
    client.headers.update(bearer(login_as(db, "admin")))
    _square_layer(client, "zones", "water_source_zone", *there)
    _square_layer(client, "counties", "admin_division", *there)
    assert zones_and_orgs() == ([], [])
    wipe(db)
    client.headers.update(bearer(login_as(db, "admin")))
    _square_layer(client, "zones", "water_source_zone", *here)
    assert zones_and_orgs()[0] == [f"zones@{here[0]}"]
