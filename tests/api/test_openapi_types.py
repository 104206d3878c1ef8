"""Every JSON answer of the API has a described shape in the OpenAPI document."""

from pathlib import Path
from typing import Any

import pytest

from app.main import create_app
from app.schemas.air import HourValues
from app.settings import Settings
from geo.air.quality import VALUE_COLUMNS

# Every JSON answer is typed; files and GeoJSON streams name their media types instead.
KNOWN_UNTYPED: set[tuple[str, str, str]] = set()


def _described(schema: dict[str, Any]) -> bool:
    """Whether a schema names its shape: properties, a $ref, or a list or union of those."""
    if "$ref" in schema or "properties" in schema:
        return True
    if schema.get("type") == "array":
        return _described(schema.get("items", {}))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return all(_described(s) or s.get("type") == "null" for s in schema[key])
    return False


def _is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip()
    return base == "application/json" or base.endswith("+json")


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The OpenAPI document of the app (no database needed to build it)."""
    tmp: Path = tmp_path_factory.mktemp("openapi")
    settings = Settings(data_dir=tmp, log_json=False)  # type: ignore[call-arg]
    return create_app(settings).openapi()


def _json_answers(spec: dict[str, Any]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    out = []
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, op in operations.items():
            for status, answer in op.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                for media_type, content in answer.get("content", {}).items():
                    if _is_json(media_type):
                        out.append((method, path, status, media_type, content.get("schema", {})))
    return out


def test_every_json_answer_has_a_shape(spec: dict[str, Any]) -> None:
    answers = _json_answers(spec)
    assert len(answers) > 40
    bare = {
        (method, path, status)
        for method, path, status, _, schema in answers
        if not _described(schema)
    }
    assert bare - KNOWN_UNTYPED == set(), "JSON answers without a described shape"
    assert bare >= KNOWN_UNTYPED, "a known untyped answer is typed now: drop it from the list"


def test_geojson_and_files_name_their_media_type(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    geojson = "application/geo+json"
    assert geojson in paths["/api/v1/leads"]["get"]["responses"]["200"]["content"]
    assert geojson in paths["/api/v1/leads/map"]["get"]["responses"]["200"]["content"]
    assert geojson in paths["/api/v1/layers/{layer}/features"]["get"]["responses"]["200"]["content"]
    tiff = paths["/api/v1/air/surfaces/{surface_id}/geotiff"]["get"]["responses"]["200"]
    assert list(tiff["content"]) == ["image/tiff; application=geotiff"]
    dossier = paths["/api/v1/leads/{lead_id}/dossier"]["get"]["responses"]["200"]
    assert "application/zip" in dossier["content"]


def test_hour_values_follow_the_stored_columns() -> None:
    assert tuple(HourValues.model_fields) == VALUE_COLUMNS
