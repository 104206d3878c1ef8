"""Air quality as answered: stations, imports, surfaces, attributions and fire hotspots."""

from typing import Any

from geoalchemy2.shape import to_shape

from app.presenters.rows import from_row
from app.schemas.air import (
    AirImportRead,
    StationDay,
    StationFeature,
    StationProperties,
    StationRead,
)
from app.schemas.air_maps import SurfaceRead
from app.schemas.geojson import PointGeometry
from geo.air.attribution import Attribution
from models import AirImport, AirStation, AirSurface, FireHotspot


def station_read(s: AirStation) -> StationRead:
    """A station where it stands."""
    p = to_shape(s.geom)
    return from_row(StationRead, s, lon=p.x, lat=p.y)


def station_feature(s: StationDay) -> StationFeature:
    """A station and its day as a GeoJSON feature."""
    return StationFeature(
        type="Feature",
        geometry=PointGeometry(type="Point", coordinates=[s.lon, s.lat]),
        properties=StationProperties.model_validate(s.model_dump(exclude={"lon", "lat"})),
    )


def import_read(r: AirImport) -> AirImportRead:
    """An import with its quality report."""
    return from_row(AirImportRead, r, created_at=r.created_at.isoformat())


def surface_read(s: AirSurface) -> SurfaceRead:
    """A surface with its cross-validation and the links to its files."""
    return from_row(
        SurfaceRead,
        s,
        start=s.start.isoformat(),
        geotiff=f"/api/v1/air/surfaces/{s.id}/geotiff",
        cells=f"/api/v1/air/surfaces/{s.id}/cells",
    )


def attribution_fields(a: Attribution) -> dict[str, Any]:
    """The fields of an attribution, rounded as answered (value 4 places, excess 1)."""
    return {
        "value": round(a.value, 4),
        "applicable": a.applicable,
        "reason": a.reason,
        "stations": list(a.stations),
        "hours_considered": a.hours_considered,
        "mean_excess": None if a.mean_excess is None else round(a.mean_excess, 1),
        "rules": vars(a.rules),
        "hours": [h.as_dict() for h in a.hours],
    }


def hotspot_collection(hotspots: list[FireHotspot]) -> dict[str, Any]:
    """Fire detections as a GeoJSON FeatureCollection."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": h.id,
                "geometry": {"type": "Point", "coordinates": list(to_shape(h.geom).coords[0])},
                "properties": {
                    "id": h.id,
                    "acquired_at": h.acquired_at.isoformat(),
                    "instrument": h.instrument,
                    "satellite": h.satellite,
                    "confidence": h.confidence_raw,
                    "confidence_class": h.confidence_class,
                    "frp_mw": h.frp,
                    "evidence_id": h.evidence_id,
                    "rule": h.properties.get("rule"),
                },
            }
            for h in hotspots
        ],
    }
