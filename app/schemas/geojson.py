"""GeoJSON (RFC 7946) shapes shared by the resources' feature collections."""

from typing import Any, Literal

from pydantic import BaseModel, Field

Geometry = dict[str, Any]  # any RFC 7946 geometry object: {"type": ..., "coordinates": ...}


class PointGeometry(BaseModel):
    """A GeoJSON point (WGS-84 lon, lat)."""

    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=3)


class PolygonGeometry(BaseModel):
    """A GeoJSON polygon (WGS-84): rings of lon, lat positions."""

    type: Literal["Polygon"]
    coordinates: list[list[list[float]]]
