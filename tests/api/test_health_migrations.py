"""Migrations on both backends, and /health."""

from pathlib import Path
from typing import cast

from fastapi.testclient import TestClient
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import Table, delete, insert, inspect, select, update

from app import migrate
from app.main import create_app
from models import Lead
from models.base import SRID
from tests.conftest import Backend, make_settings, remigrate

TABLES = {
    "organisations",
    "layers",
    "layer_versions",
    "layer_features",
    "jobs",
    "users",
    "tokens",
    "login_failures",
    "reports",
    "report_photos",
    "leads",
    "evidence_items",
    "score_weights",
    "legal_bases",
    "suggestions",
    "audit_entries",
}


def test_upgrade_downgrade_upgrade(db: Backend) -> None:
    migrate.downgrade(db.url, "base")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    remigrate(db)
    names = set(inspect(db.engine).get_table_names())
    assert names >= TABLES
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("layer_features")}
    assert "ix_layer_features_layer_version_id" in indexes


def test_health_reports_backend_and_revision(client: TestClient, db: Backend) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["database"]["backend"] == {"sqlite": "spatialite", "postgis": "postgis"}[db.name]
    assert body["database"]["revision"] == body["database"]["head"] == "20261208_archived_originals"
    expected = "SpatiaLite 5" if db.name == "sqlite" else 'PostGIS POSTGIS="3'
    assert body["database"]["spatial_version"].startswith(expected)


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404 and r.json()["instance"] == "/api/v1/nothing-here"


def test_openapi_docs_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/geocode", "/api/v1/layers", "/api/v1/jobs/{job_id}"} <= set(paths)


def test_unexpected_error_is_a_500_problem_without_internals(db: Backend, tmp_path: Path) -> None:

    app = create_app(make_settings(db, tmp_path))

    def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "secret" not in r.text and "Traceback" not in r.text
    assert r.json()["title"] == "Internal server error"


def test_case_paths_migration_puts_filed_leads_on_the_administrative_path(db: Backend) -> None:
    """Existing filed leads had only the suggestion path: the migration makes them
    administrative, leaves unfiled leads without a path, and the downgrade maps the new
    states back to the nearest old one."""
    migrate.downgrade(db.url, "20261202_suggestion_reply")
    leads = cast(Table, Lead.__table__)
    point = from_shape(Point(114.88, 40.77), srid=SRID)
    try:
        with db.engine.begin() as conn:
            for status in ("new", "case_filed", "follow_up"):
                conn.execute(insert(leads).values(category="other", geom=point, status=status))
        remigrate(db)
        with db.engine.begin() as conn:
            paths = dict(conn.execute(select(leads.c.status, leads.c.path)).all())
            assert paths == {
                "new": None,
                "case_filed": "administrative",
                "follow_up": "administrative",
            }
            conn.execute(
                update(leads).where(leads.c.status == "case_filed").values(status="terminated")
            )
        migrate.downgrade(db.url, "20261202_suggestion_reply")
        with db.engine.begin() as conn:
            statuses = set(conn.execute(select(leads.c.status)).scalars())
            assert statuses == {"new", "closed_remedied", "follow_up"}
    finally:
        with db.engine.begin() as conn:
            conn.execute(delete(leads))
        remigrate(db)
