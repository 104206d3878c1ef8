"""Compose geocoding answers from the features and jurisdictions an item meets.

Database access lives in the service layer, the geometry in geo/locate.py; this module
turns what an item met into its Place: the administrative chain, zones, organisations.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.place import (
    AdminEntry,
    LayerVersionEntry,
    NearestEntry,
    OrgEntry,
    Place,
    ZoneEntry,
)
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


def admin_chain(features: Sequence[FeatureInfo]) -> list[AdminEntry]:
    """Return the administrative divisions met, from province down to township."""
    admin = [f for f in features if f.kind == "admin_division" and f.level in ADMIN_LEVELS]
    admin.sort(key=lambda f: (ADMIN_LEVELS.index(f.level or ""), f.code or ""))
    return [
        {"level": f.level or "", "name": f.name, "code": f.code, "layer": f.layer,
         "feature_id": f.id}
        for f in admin
    ]  # fmt: skip


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


def zone_entries(hits: Sequence[tuple[FeatureInfo, str]]) -> list[ZoneEntry]:
    """Return the non-administrative features met, protected ones first."""
    zones = sorted(
        (pair for pair in hits if pair[0].kind != "admin_division"),
        key=lambda pair: zone_sort_key(pair[0]),
    )
    out: list[ZoneEntry] = []
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


class OrgAnswer(TypedDict):
    """The organisations part of a Place."""

    responsible_organisations: list[OrgEntry]
    nearby_organisations: list[OrgEntry]
    partner_organisations: list[OrgEntry]
    cross_boundary: bool


def org_entry(o: OrgInfo, distance_m: float | None = None) -> OrgEntry:
    """An organisation as a Place lists it, with its distance when it has one."""
    entry: OrgEntry = {
        "id": o.id,
        "code": o.code,
        "name": o.name,
        "name_en": o.name_en,
        "role": o.role,
        "level": o.level,
    }  # OrgInfo's fields in order, as dataclasses.asdict gives them (but far faster)
    if distance_m is not None:
        entry["distance_m"] = distance_m
    return entry


def org_answer(containing: Sequence[OrgInfo], nearby: Sequence[tuple[OrgInfo, float]]) -> OrgAnswer:
    """The organisations part of a geocoding answer (see org_roles); `nearby` in order of
    distance, then code."""
    responsible, partners, cross = org_roles(containing, nearby)
    return {
        "responsible_organisations": [org_entry(o) for o in responsible],
        "nearby_organisations": [org_entry(o, round(d, 1)) for o, d in nearby],
        "partner_organisations": [org_entry(o, d) for o, d in partners],
        "cross_boundary": cross,
    }


def nearest_entry(found: tuple[FeatureInfo, float] | None) -> NearestEntry | None:
    """The nearest feature of a kind as a Place lists it (metres to 0.1 m)."""
    if found is None:
        return None
    f, d = found
    return {"name": f.name, "level": f.level, "layer": f.layer, "feature_id": f.id,
            "distance_m": round(d, 1)}  # fmt: skip


def compose_place(
    geometry: dict[str, Any],
    hits: Sequence[tuple[FeatureInfo, str]],
    containing: Sequence[OrgInfo],
    nearby: Sequence[tuple[OrgInfo, float]],
    nearest: Mapping[str, tuple[FeatureInfo, float] | None],
    *,
    layers: list[LayerVersionEntry],
    partner_distance_m: float,
    nearest_max_m: float,
) -> Place:
    """The Place of an item (a GeoJSON geometry) from what it met and what lies near it."""
    orgs = org_answer(containing, sorted(nearby, key=lambda pair: (pair[1], pair[0].code)))
    return {
        "geometry": geometry,
        "admin": admin_chain([f for f, _ in hits]),
        "responsible_organisations": orgs["responsible_organisations"],
        "nearby_organisations": orgs["nearby_organisations"],
        "partner_organisations": orgs["partner_organisations"],
        "cross_boundary": orgs["cross_boundary"],
        "partner_distance_m": partner_distance_m,
        "zones": zone_entries(hits),
        "nearest": {kind: nearest_entry(found) for kind, found in nearest.items()},
        "nearest_max_m": nearest_max_m,
        "layer_versions": layers,
    }


def as_point(lon: float, lat: float) -> BaseGeometry:
    """Return a shapely point, refusing coordinates that are not lon/lat."""
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"not a longitude/latitude pair: ({lon}, {lat})")
    return shapely.Point(lon, lat)
