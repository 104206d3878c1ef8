"""Response classes and OpenAPI helpers for answers that are not validated models."""

import json
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.schemas.jobs import JobRead
from models import Job

GEOJSON = "application/geo+json"


class GeoJSONResponse(JSONResponse):
    """GeoJSON as built by a service (application/geo+json).

    Written as `json.dumps` writes it (NaN stays NaN: layer properties may hold it), so the
    bytes are those the routes sent before they used this class.
    """

    media_type = GEOJSON

    def render(self, content: Any) -> bytes:
        """Encode the body as UTF-8 JSON."""
        return json.dumps(content, ensure_ascii=False).encode("utf-8")


def accepted(job: Job) -> JSONResponse:
    """Answer 202 with a queued job (as JobRead) and where to follow it (Location)."""
    return JSONResponse(
        JobRead.model_validate(job).model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/api/v1/jobs/{job.id}"},
    )


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Return a model's serialization schema with its definitions inlined (for `responses=`)."""
    schema = model.model_json_schema(mode="serialization")
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return {**resolve(defs[ref.removeprefix("#/$defs/")]), **resolve(rest)}
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def media(media_type: str, description: str, model: type[BaseModel] | None = None) -> Any:
    """Return a `responses=` entry for a 200 answer of a media type (and schema)."""
    content: dict[str, Any] = {"schema": inline_schema(model)} if model is not None else {}
    return {200: {"description": description, "content": {media_type: content}}}
