"""Layer schemas."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class LayerVersionRead(BaseModel):
    """One immutable import of a layer."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    source_filename: str
    source_sha256: str
    source_format: str
    source_crs: str
    feature_count: int
    repaired_count: int
    skipped_count: int
    options: dict[str, Any]
    bbox: list[float] | None
    imported_at: datetime


class LayerRead(BaseModel):
    """A reference layer with its versions, newest first."""

    id: int
    name: str
    title: str | None
    kind: str
    kind_title: str | None
    protected: bool
    current_version: LayerVersionRead | None
    versions: list[LayerVersionRead]
    created_at: datetime


class LayerImported(BaseModel):
    """The result of a synchronous import."""

    layer: str
    kind: str
    version: LayerVersionRead
