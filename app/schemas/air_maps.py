"""Air schemas for the map and the leads: surfaces, their cells, hotspots, attribution."""

from typing import Any, Literal

from pydantic import BaseModel, Field

from app.schemas.common import Day, Instant
from app.schemas.geojson import PointGeometry, PolygonGeometry


class SurfaceCreate(BaseModel):
    """A PM10 surface to estimate: an area and an hour or a local day."""

    bbox: tuple[float, float, float, float] = Field(examples=[[115.9, 39.7, 116.8, 40.4]])
    cell_m: float = Field(1000.0, gt=0)
    hour: Instant | None = Field(None, description="UTC start of the hour")
    day: Day | None = Field(None, description="local (Beijing) calendar day")
    pollutant: str = "pm10"
    method: Literal["auto", "idw", "kriging"] = "auto"


class SurfaceRead(BaseModel):
    """An estimated surface with its cross-validation and links to its files."""

    id: int
    pollutant: str
    period: Literal["hour", "day"]
    label: str = Field(description="the hour or local day it estimates")
    start: str = Field(description="UTC start, ISO 8601")
    method: str
    bbox: list[float] = Field(description="west, south, east, north (WGS-84)")
    cell_m: float
    width: int
    height: int
    stats: dict[str, Any] = Field(
        description="min, max, mean, station values, cross_validation, "
        "baseline_cross_validation, notes"
    )
    sha256: str
    geotiff: str = Field(description="URL of the GeoTIFF")
    cells: str = Field(description="URL of the GeoJSON cells")


class CellProperties(BaseModel):
    """A cell's estimate and its place in the grid."""

    value: float | None
    row: int
    col: int


class CellFeature(BaseModel):
    """A grid cell as a polygon."""

    type: Literal["Feature"]
    geometry: PolygonGeometry
    properties: CellProperties


class SurfaceCells(BaseModel):
    """A surface as GeoJSON cells (for the map)."""

    type: Literal["FeatureCollection"]
    features: list[CellFeature]
    surface: SurfaceRead


class AttributionRulesRead(BaseModel):
    """The attribution's thresholds."""

    half_sector_deg: float
    max_distance_m: float
    max_travel_h: float
    calm_below_ms: float
    min_excess: float
    full_hours: int
    full_excess: float


class EvidenceHourRead(BaseModel):
    """A station hour that points at the source."""

    station: str
    at: str = Field(description="UTC start of the hour, ISO 8601")
    pm10: float
    baseline: float
    excess: float
    wind_dir: float
    wind_speed: float
    distance_m: float
    bearing_deg: float = Field(description="from the station to the source")
    travel_h: float


class AttributionFields(BaseModel):
    """The air signal of a source with its explanation and evidence hours.

    When a lead is not an air-pollution lead (or has no stations) only `applicable`
    and `reason` are given.
    """

    value: float | None = None
    applicable: bool
    reason: str
    stations: list[str] | None = None
    hours_considered: int | None = None
    mean_excess: float | None = None
    rules: AttributionRulesRead | None = None
    hours: list[EvidenceHourRead] | None = None


class LeadAttribution(AttributionFields):
    """The air signal of a lead."""

    lead: int


class HotspotAttribution(AttributionFields):
    """The air signal of a fire hotspot as a straw-burning source."""

    hotspot: int


class HotspotProperties(BaseModel):
    """A fire detection."""

    id: int
    acquired_at: str = Field(description="UTC, ISO 8601")
    instrument: str
    satellite: str
    confidence: str = Field(description="as delivered (VIIRS class or MODIS percent)")
    confidence_class: str
    frp_mw: float | None = Field(description="fire radiative power (MW)")
    evidence_id: int | None = Field(description="the evidence item it became, if any")
    rule: str | None = Field(description="why it became evidence (none: it did not)")


class HotspotFeature(BaseModel):
    """A fire detection as a GeoJSON point."""

    type: Literal["Feature"]
    id: int
    geometry: PointGeometry
    properties: HotspotProperties


class HotspotCollection(BaseModel):
    """Fire detections as GeoJSON."""

    type: Literal["FeatureCollection"]
    features: list[HotspotFeature]
