"""Compose geocoding answers from the features and jurisdictions an item meets.

Database access lives in the service layer; this module takes geometries and records and
does the geometry: relations, the administrative chain, metric distances.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.distance import degree_margin, distances_m, geodesic_distance_m
from rules.kinds import ADMIN_LEVELS, KINDS


@dataclass(frozen=True)
class FeatureInfo:
    """A reference feature as geocoding reports it."""

    id: int
    layer: str
    kind: str
    version: int
    name: str | None
    level: str | None
    code: str | None
    grade: str | None = None  # a nature reserve's grade (rules/kinds.py)


@dataclass(frozen=True)
class OrgInfo:
    """An organisation as geocoding reports it."""

    id: int
    code: str
    name: str
    name_en: str | None
    role: str
    level: str


ORG_LEVEL_ORDER = {"county": 0, "city": 1, "province": 2}


def relation(item: BaseGeometry, feature: BaseGeometry) -> str:
    """Name how an item meets a feature: within, on_boundary, contains or overlaps."""
    if item.within(feature):
        return "within"
    if item.touches(feature):
        return "on_boundary"
    if item.contains(feature):
        return "contains"
    return "overlaps"


def admin_chain(features: Sequence[FeatureInfo]) -> list[dict[str, Any]]:
    """Return the administrative divisions met, from province down to township."""
    admin = [f for f in features if f.kind == "admin_division" and f.level in ADMIN_LEVELS]
    admin.sort(key=lambda f: (ADMIN_LEVELS.index(f.level or ""), f.code or ""))
    return [
        {"level": f.level, "name": f.name, "code": f.code, "layer": f.layer, "feature_id": f.id}
        for f in admin
    ]


def zone_sort_key(f: FeatureInfo) -> tuple[bool, int, str, int, str, str]:
    """Order of zones in answers: protected first, then strictest kind and level, name.

    Known kinds follow their order in rules.kinds.KINDS (water-source zones first), levels
    the order of their kind's levels (I, II, quasi); free kinds come last, alphabetically.
    """
    spec = KINDS.get(f.kind)
    kind_rank = list(KINDS).index(f.kind) if spec else len(KINDS)
    levels = spec.levels if spec else ()
    level_rank = levels.index(f.level) if f.level in levels else len(levels)
    return (
        not (spec and spec.protected),
        kind_rank,
        f.kind,
        level_rank,
        f.level or "",
        f.name or "",
    )


def zone_label(f: FeatureInfo) -> str:
    """A zone as one compact text: kind/level/name."""
    return f"{f.kind}/{f.level or ''}/{f.name or ''}"


def zone_entries(hits: Sequence[tuple[FeatureInfo, str]]) -> list[dict[str, Any]]:
    """Return the non-administrative features met, protected ones first."""
    zones = sorted(
        (pair for pair in hits if pair[0].kind != "admin_division"),
        key=lambda pair: zone_sort_key(pair[0]),
    )
    out = []
    for f, rel in zones:
        spec = KINDS.get(f.kind)
        out.append(
            {
                "kind": f.kind,
                "kind_title": spec.title_zh if spec else f.kind,
                "protected": bool(spec and spec.protected),
                "level": f.level,
                "grade": f.grade,
                "name": f.name,
                "code": f.code,
                "relation": rel,
                "layer": f.layer,
                "version": f.version,
                "feature_id": f.id,
            }
        )
    return out


def nearest(
    item: BaseGeometry, candidates: Sequence[tuple[FeatureInfo, BaseGeometry]], max_m: float
) -> tuple[FeatureInfo, float] | None:
    """Return the candidate nearest to item within max_m metres, with its distance."""
    best: tuple[FeatureInfo, float] | None = None
    for info, geom in candidates:
        d = geodesic_distance_m(item, geom)
        if d <= max_m and (best is None or d < best[1]):
            best = (info, d)
    return best


def nearest_for_points(
    lons: np.ndarray, lats: np.ndarray, candidates: Sequence[BaseGeometry], max_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each point, the index of the nearest candidate within max_m and its distance.

    Points with none within max_m get index -1 and distance NaN. Each candidate is measured
    only against the points inside its bounds widened by max_m.
    """
    best_idx = np.full(len(lons), -1, dtype=np.int64)
    best_d = np.full(len(lons), np.inf)
    for k, geom in enumerate(candidates):
        minx, miny, maxx, maxy = geom.bounds
        dlon, dlat = degree_margin(max(abs(miny), abs(maxy)), max_m)
        near = (
            (lons >= minx - dlon)
            & (lons <= maxx + dlon)
            & (lats >= miny - dlat)
            & (lats <= maxy + dlat)
        )
        if not near.any():
            continue
        d = distances_m(lons[near], lats[near], geom)
        sel = np.flatnonzero(near)
        better = (d <= max_m) & (d < best_d[sel])
        best_d[sel[better]] = d[better]
        best_idx[sel[better]] = k
    best_d[best_idx < 0] = np.nan
    return best_idx, best_d


def organisations_near(
    item: BaseGeometry,
    containing: Sequence[OrgInfo],
    others: Sequence[tuple[OrgInfo, BaseGeometry]],
    max_m: float,
) -> dict[str, Any]:
    """Return responsible, nearby and partner organisations and the cross-boundary flag."""
    inside = {o.id for o in containing}
    nearby = []
    for org, geom in others:
        if org.id in inside:
            continue
        d = geodesic_distance_m(item, geom)
        if d <= max_m:
            nearby.append((org, d))
    nearby.sort(key=lambda pair: (pair[1], pair[0].code))
    return org_answer(containing, nearby)


def org_roles(
    containing: Sequence[OrgInfo], nearby: Sequence[tuple[OrgInfo, float]]
) -> tuple[list[OrgInfo], list[tuple[OrgInfo, float]], bool]:
    """Responsible organisations (most local first), partners with distances (0 inside),
    and whether both our own and a partner procuratorate are concerned (cross-boundary)."""
    responsible = sorted(containing, key=lambda o: (ORG_LEVEL_ORDER.get(o.level, 9), o.code))
    partners = [(o, 0.0) for o in responsible if o.role == "partner"]
    partners += [(o, round(d, 1)) for o, d in nearby if o.role == "partner"]
    roles = {o.role for o in responsible} | {o.role for o, _ in nearby}
    return responsible, partners, roles == {"own", "partner"}


def org_answer(
    containing: Sequence[OrgInfo], nearby: Sequence[tuple[OrgInfo, float]]
) -> dict[str, Any]:
    """The organisations part of a geocoding answer (see org_roles)."""
    responsible, partners, cross = org_roles(containing, nearby)
    return {
        "responsible_organisations": [asdict(o) for o in responsible],
        "nearby_organisations": [dict(asdict(o), distance_m=round(d, 1)) for o, d in nearby],
        "partner_organisations": [dict(asdict(o), distance_m=d) for o, d in partners],
        "cross_boundary": cross,
    }


def as_point(lon: float, lat: float) -> BaseGeometry:
    """Return a shapely point, refusing coordinates that are not lon/lat."""
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"not a longitude/latitude pair: ({lon}, {lat})")
    return shapely.Point(lon, lat)
