"""Geocoding schemas."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class GeocodeRequest(BaseModel):
    """A point (lon/lat) or a GeoJSON geometry, in a stated coordinate system."""

    lon: float | None = Field(None, examples=[115.52])
    lat: float | None = Field(None, examples=[40.41])
    geometry: dict[str, Any] | None = Field(
        None, description="GeoJSON geometry (instead of lon/lat)"
    )
    crs: str = Field("wgs84", description="wgs84 (default), gcj02, bd09 or EPSG:<code>")
    partner_distance_m: float | None = Field(
        None, ge=1, le=200_000, description="flag partner jurisdictions within this distance (m)"
    )

    @model_validator(mode="after")
    def _one_form(self) -> "GeocodeRequest":
        point = self.lon is not None and self.lat is not None
        if point == (self.geometry is not None) or (self.lon is None) != (self.lat is None):
            raise ValueError("give either lon and lat, or geometry")
        return self


class AdminEntry(BaseModel):
    """One administrative division met."""

    level: str
    name: str | None
    code: str | None
    layer: str
    feature_id: int


class OrgEntry(BaseModel):
    """An organisation (procuratorate)."""

    id: int
    code: str
    name: str
    name_en: str | None
    role: Literal["own", "partner"]
    level: str
    distance_m: float | None = None


class ZoneEntry(BaseModel):
    """A non-administrative feature met (protected zones first)."""

    kind: str
    kind_title: str
    protected: bool
    level: str | None
    grade: str | None = Field(
        default=None, description="a nature reserve's grade: national_park, national, …"
    )
    name: str | None
    code: str | None
    relation: str
    layer: str
    version: int
    feature_id: int


class NearestEntry(BaseModel):
    """The nearest feature of a kind and its distance in metres."""

    name: str | None
    level: str | None
    layer: str
    feature_id: int
    distance_m: float


class LayerVersionUsed(BaseModel):
    """A layer version a geocode was computed against."""

    layer: str
    kind: str
    layer_version_id: int
    version: int
    source_sha256: str
    imported_at: str


class GeocodeResult(BaseModel):
    """Where an item lies: divisions, organisations, zones, nearest water, layers used."""

    input_crs: str
    geometry: dict[str, Any]
    admin: list[AdminEntry]
    responsible_organisations: list[OrgEntry]
    nearby_organisations: list[OrgEntry]
    partner_organisations: list[OrgEntry]
    cross_boundary: bool
    partner_distance_m: float
    zones: list[ZoneEntry]
    nearest: dict[str, NearestEntry | None]
    nearest_max_m: float
    layer_versions: list[LayerVersionUsed]


class BatchRow(BaseModel):
    """A point's answer: its id and input coordinates, then the batch CSV's columns.

    Those are lon_wgs84, lat_wgs84, one per administrative level (province, city, county,
    township), responsible, partners, cross_boundary, zones, and nearest_<kind> with
    nearest_<kind>_m for water_body and water_source_zone (rules.kinds), as in the CSV.
    """

    model_config = ConfigDict(extra="allow")

    id: str
    lon: float = Field(description="as given, in the input CRS")
    lat: float


class BatchResult(BaseModel):
    """Rows of a small batch answered inline."""

    points: int
    rows: list[BatchRow]
    layer_versions: list[LayerVersionUsed]
