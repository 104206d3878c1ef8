"""Use cases: the air signal of a lead or hotspot from the stations around it."""

from datetime import datetime, timedelta

import numpy as np
from geoalchemy2.shape import to_shape
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.services.air.queries import excess_for, hourly, station_info, stations_in
from app.services.places.geocode import widened
from app.settings import Settings
from geo.air.attribution import (
    Attribution,
    AttributionRules,
    Source,
    StationSeries,
    activity_window,
    attribute,
)
from models import AirStation, FireHotspot, Lead
from models.spatial import BBoxFilter
from rules import categories
from rules.workflow import OPEN_STATUSES

RULES = AttributionRules()
HOUR = timedelta(hours=1)


def source_attribution(
    session: Session, *, source: Source, settings: Settings, rules: AttributionRules = RULES
) -> Attribution:
    """Attribute local PM10 excess at the stations around a source to it."""
    box = widened((source.lon, source.lat, source.lon, source.lat), rules.max_distance_m)
    near = [station_info(s) for s in stations_in(session, box)]
    start = source.start - HOUR
    end = source.end + timedelta(hours=rules.max_travel_h) + HOUR
    pm10, baseline, excess = excess_for(session, near, start, end, settings.air_baseline_radius_m)
    wind = hourly(session, [s.id for s in near], start, end, ("wind_dir", "wind_speed"))
    series = []
    for s in near:
        if pm10.empty or s.code not in pm10:
            continue
        w = wind[wind["station_code"] == s.code].set_index("at").reindex(pm10.index)
        series.append(
            StationSeries(
                s.code,
                s.name,
                s.lon,
                s.lat,
                [t.to_pydatetime() for t in pm10.index],
                pm10[s.code].to_numpy(dtype=float),
                baseline[s.code].to_numpy(dtype=float),
                excess[s.code].to_numpy(dtype=float),
                w["wind_dir"].to_numpy(dtype=float),
                w["wind_speed"].to_numpy(dtype=float),
            )
        )
    return attribute(source, series, rules)


def attribution_at(
    session: Session,
    *,
    category: str,
    lon: float,
    lat: float,
    first: datetime,
    last: datetime,
    settings: Settings,
) -> Attribution | None:
    """Return the air signal of a candidate source of a category; None for other categories."""
    hours = categories.category(category).active_h
    if hours is None:
        return None
    if not session.scalar(select(exists().where(AirStation.id.is_not(None)))):
        return None
    start, end = activity_window(hours, first, last)
    return source_attribution(session, source=Source(lon, lat, start, end), settings=settings)


def lead_attribution(session: Session, *, lead: Lead, settings: Settings) -> Attribution | None:
    """Return the air signal of a lead (None when its category is not an air pollutant)."""
    if lead.first_evidence_at is None or lead.last_evidence_at is None:
        return None
    c = to_shape(lead.geom).centroid
    return attribution_at(
        session,
        category=lead.category,
        lon=c.x,
        lat=c.y,
        first=lead.first_evidence_at,
        last=lead.last_evidence_at,
        settings=settings,
    )


def hotspot_attribution(
    session: Session, *, hotspot: FireHotspot, settings: Settings
) -> Attribution:
    """Return the air signal of a fire hotspot as a straw-burning source."""
    p = to_shape(hotspot.geom)
    found = attribution_at(
        session,
        category=categories.hotspot_category(),
        lon=p.x,
        lat=p.y,
        first=hotspot.acquired_at,
        last=hotspot.acquired_at,
        settings=settings,
    )
    return found or Attribution(0.0, False, "无空气质量监测站 (no air-quality stations)")


def leads_near(
    session: Session, *, lons: np.ndarray, lats: np.ndarray, start: datetime, end: datetime
) -> list[Lead]:
    """Open air-category leads within attribution range of stations, active in a period."""
    if len(lons) == 0:
        return []
    box = widened(
        (float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max())),
        RULES.max_distance_m,
    )
    candidates = session.scalars(
        select(Lead).where(
            Lead.status.in_(OPEN_STATUSES),
            Lead.category.in_(sorted(categories.air_sources())),
            BBoxFilter(Lead.id, Lead.geom, box),
        )
    ).all()
    out = []
    for lead in candidates:
        if lead.first_evidence_at is None or lead.last_evidence_at is None:
            continue
        hours = categories.category(lead.category).active_h
        assert hours is not None  # an air source (the query above)
        lo, hi = activity_window(hours, lead.first_evidence_at, lead.last_evidence_at)
        if lo <= end and hi + timedelta(hours=RULES.max_travel_h) >= start:
            out.append(lead)
    return out
