"""Imagery schemas: STAC Items, tiles, statistics, change detections, re-checks."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import ID_MAX

IndexName = Literal["ndvi", "ndwi", "mndwi", "nbr", "bsi"]


class StacItem(BaseModel):
    """An image as a STAC Item (eo, projection and file extensions)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["Feature"]
    stac_version: str
    stac_extensions: list[str]
    id: str
    geometry: dict[str, Any]
    bbox: list[float]
    properties: dict[str, Any]
    assets: dict[str, dict[str, Any]]
    links: list[dict[str, Any]]


class StacItemCollection(BaseModel):
    """A page of images as a STAC ItemCollection."""

    type: Literal["FeatureCollection"]
    features: list[StacItem]
    numberReturned: int  # noqa: N815  (STAC API field name)
    links: list[dict[str, Any]]


class TileJSON(BaseModel):
    """TileJSON 3.0.0 for an image's tiles."""

    model_config = ConfigDict(extra="allow")

    tilejson: str
    tiles: list[str]
    bounds: list[float]
    minzoom: int
    maxzoom: int


class StatisticsRequest(BaseModel):
    """Statistics of an image (or an index of it) within a GeoJSON geometry (WGS-84)."""

    model_config = ConfigDict(extra="forbid")

    geometry: dict[str, Any] = Field(description="a GeoJSON Polygon or MultiPolygon, lon/lat")
    index: IndexName | None = None


class Statistics(BaseModel):
    """Per band (reflectance) or for the index: counts, moments, percentiles, histogram."""

    image_id: int
    index: str | None
    bands: dict[str, dict[str, Any]]


class ChangeDetectionCreate(BaseModel):
    """Compare two images with an index."""

    model_config = ConfigDict(extra="forbid")

    before: int = Field(ge=1, le=ID_MAX, description="image id of the earlier image")
    after: int = Field(ge=1, le=ID_MAX, description="image id of the later image")
    index: IndexName = "ndvi"
    threshold: float = Field(0.2, gt=0, le=2, description="index difference that is change")
    min_area_m2: float = Field(
        500.0, ge=0, le=1e9, description="areas smaller than this are specks"
    )
    direction: Literal["decrease", "increase", "either"] | None = Field(
        None, description="default: the index's harmful direction"
    )


class ChangePolygonRead(BaseModel):
    """One changed area: where, how large, how much, how sure, and what it became."""

    id: int
    geometry: dict[str, Any]
    area_ha: float
    mean_change: float
    pixels: int
    confidence: str
    confirmations: list[dict[str, Any]]
    zones: Sequence[Mapping[str, Any]]
    category: str | None
    evidence_id: int | None
    lead_id: int | None


class ChangeDetectionRead(BaseModel):
    """A change detection with its polygons."""

    id: int
    before_id: int
    after_id: int
    index: str
    threshold: float
    min_area_m2: float
    direction: str
    summary: dict[str, Any]
    created_at: datetime
    polygons: list[ChangePolygonRead]


class RecheckCreate(BaseModel):
    """Re-check a lead's changed areas on a newer image."""

    model_config = ConfigDict(extra="forbid")

    after: int = Field(ge=1, le=ID_MAX, description="image id of the newer image")


class RecheckRead(BaseModel):
    """A remediation re-check: restored fraction overall and per changed area."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    after_id: int
    restored_fraction: float | None
    polygons: list[dict[str, Any]]
    created_at: datetime
