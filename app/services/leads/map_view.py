"""Use case: what the map needs of the leads in a view: the leads, or clusters of them.

Zoomed out, leads are grouped into grid cells of about CELL_PX screen pixels in the
database (one GROUP BY over the bbox), so 50,000 leads cost a few hundred features.
"""

from typing import Literal, NotRequired, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.leads.workflow import LeadFilter, lead_conditions
from models import EvidenceItem, Lead, User

CELL_PX = 64  # a cluster cell spans this many pixels of a 256-pixel web-mercator tile
MAX_POINTS = 1500  # up to this many leads in the view are sent one by one
TILE_PX = 256


class LeadPoint(TypedDict):
    """A lead on the map: its score, category, status and evidence count."""

    kind: Literal["lead"]
    id: int
    score: float
    category: str
    status: str
    evidence: int


class Cluster(TypedDict):
    """A grid cell of leads: how many, their top and mean score, their bbox."""

    kind: Literal["cluster"]
    count: int
    max_score: float
    mean_score: float
    bbox: list[float]


class Point(TypedDict):
    """A GeoJSON point (lon, lat)."""

    type: Literal["Point"]
    coordinates: list[float]


class MapFeature(TypedDict):
    """A GeoJSON feature of the map: a lead or a cluster at its centre."""

    type: Literal["Feature"]
    geometry: Point
    properties: LeadPoint | Cluster


class LeadMap(TypedDict):
    """The map's GeoJSON FeatureCollection: leads one by one, or clusters (with their cell
    size)."""

    type: Literal["FeatureCollection"]
    mode: Literal["leads", "clusters"]
    total: int
    cell_degrees: NotRequired[float]
    features: list[MapFeature]


def cell_degrees(zoom: float) -> float:
    """Return the cluster cell size in degrees of longitude at a zoom level."""
    return 360.0 / (TILE_PX * 2.0**zoom) * CELL_PX


def lead_map(
    session: Session, *, user: User, where: LeadFilter, zoom: float, max_points: int = MAX_POINTS
) -> LeadMap:
    """Return a GeoJSON FeatureCollection of leads (few) or clusters (many) in the view."""
    conds = lead_conditions(session, user, where)
    x = func.ST_X(func.ST_Centroid(Lead.geom))
    y = func.ST_Y(func.ST_Centroid(Lead.geom))
    total = session.scalar(select(func.count()).select_from(Lead).where(*conds)) or 0
    if total <= max_points:
        rows = session.execute(
            select(Lead.id, x, y, Lead.score, Lead.category, Lead.status)
            .where(*conds)
            .order_by(Lead.score.desc(), Lead.id)
        ).all()
        counts = dict(
            session.execute(
                select(EvidenceItem.lead_id, func.count())
                .where(EvidenceItem.lead_id.in_([r[0] for r in rows]))
                .group_by(EvidenceItem.lead_id)
            ).all()
        )
        features = [
            _feature(
                lon,
                lat,
                {
                    "kind": "lead",
                    "id": lead_id,
                    "score": score,
                    "category": category,
                    "status": status,
                    "evidence": counts.get(lead_id, 0),
                },
            )
            for lead_id, lon, lat, score, category, status in rows
        ]
        return {"type": "FeatureCollection", "mode": "leads", "total": total, "features": features}
    size = cell_degrees(zoom)
    # floor, not CAST: PostgreSQL's cast to integer rounds where SQLite's truncates.
    # (SQLite has floor() since 3.35 with its math functions, as the pysqlite3 build does.)
    col = func.floor((x + 180.0) / size).label("col")
    row = func.floor((y + 90.0) / size).label("row")
    cells = session.execute(
        select(
            col,
            row,
            func.count(),
            func.max(Lead.score),
            func.avg(Lead.score),
            func.avg(x),
            func.avg(y),
            func.min(x),
            func.min(y),
            func.max(x),
            func.max(y),
        )
        .where(*conds)
        .group_by(col, row)
    ).all()
    features = [
        _feature(
            float(ax),
            float(ay),
            {
                "kind": "cluster",
                "count": int(n),
                "max_score": float(top),
                "mean_score": round(float(mean), 1),
                "bbox": [float(x0), float(y0), float(x1), float(y1)],
            },
        )
        for _c, _r, n, top, mean, ax, ay, x0, y0, x1, y1 in cells
    ]
    return {
        "type": "FeatureCollection",
        "mode": "clusters",
        "total": total,
        "cell_degrees": size,
        "features": features,
    }


def _feature(lon: float, lat: float, props: LeadPoint | Cluster) -> MapFeature:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": props,
    }
