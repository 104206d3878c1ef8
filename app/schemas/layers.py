"""Layer schemas."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.geojson import Geometry


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


class LayerFeature(BaseModel):
    """A feature of a layer: its properties as imported, with name, level and code."""

    type: Literal["Feature"]
    id: int
    geometry: Geometry
    properties: dict[str, Any] = Field(
        description="the file's properties, then name, level and code (NaN kept as read)"
    )


class LayerFeatures(BaseModel):
    """A page of a layer version's features (GeoJSON)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    type: Literal["FeatureCollection"]
    layer: str
    kind: str
    version: int
    number_matched: int = Field(alias="numberMatched", description="all features matching")
    number_returned: int = Field(alias="numberReturned")
    features: list[LayerFeature]
