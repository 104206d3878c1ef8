"""The typed Place: where an item lies, as every geocode (single or batch) answers it.

A Place's JSON form is what `leads.geocode`, `reports.geocode` and change polygons' zones
store, so the keys and their order here are a stored format. The batch CSV's columns are
derived from Places (`place_columns`), never parsed back.
"""

from collections.abc import Sequence
from typing import Any, NotRequired, TypedDict

from rules.kinds import ADMIN_LEVELS, NEAREST_KINDS


class AdminEntry(TypedDict):
    """One administrative division met."""

    level: str
    name: str | None
    code: str | None
    layer: str
    feature_id: int


class ZoneEntry(TypedDict):
    """A non-administrative feature met (protected zones first)."""

    kind: str
    kind_title: str
    protected: bool
    level: str | None
    grade: str | None
    name: str | None
    code: str | None
    relation: str
    layer: str
    version: int
    feature_id: int


class OrgEntry(TypedDict):
    """An organisation (procuratorate); `distance_m` when nearby or a partner."""

    id: int
    code: str
    name: str
    name_en: str | None
    role: str
    level: str
    distance_m: NotRequired[float]


class NearestEntry(TypedDict):
    """The nearest feature of a kind and its distance in metres (0.1 m)."""

    name: str | None
    level: str | None
    layer: str
    feature_id: int
    distance_m: float


class LayerVersionEntry(TypedDict):
    """A layer version a geocode ran against."""

    layer: str
    kind: str
    layer_version_id: int
    version: int
    source_sha256: str
    imported_at: str


class Place(TypedDict):
    """Where an item lies: divisions, organisations, zones, nearest features, layers used."""

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
    layer_versions: list[LayerVersionEntry]


def zone_kinds(place: Place) -> set[str]:
    """The kinds of the zones a place lies in."""
    return {z["kind"] for z in place["zones"]}


def responsible_codes(place: Place) -> list[str]:
    """Codes of the responsible organisations, most local first."""
    return [o["code"] for o in place["responsible_organisations"]]


def nearest_m(place: Place, kind: str) -> float | None:
    """Metres to the nearest feature of `kind`, None when none is within reach."""
    found = place["nearest"].get(kind)
    return None if found is None else found["distance_m"]


def zones_text(place: Place) -> str:
    """The zones as one compact text, `kind/level/name` joined by `;` (the batch column)."""
    return ";".join(f"{z['kind']}/{z['level'] or ''}/{z['name'] or ''}" for z in place["zones"])


PLACE_COLUMNS = (
    *ADMIN_LEVELS,
    "responsible",
    "partners",
    "cross_boundary",
    "zones",
    *(f"nearest_{k}{s}" for k in NEAREST_KINDS for s in ("", "_m")),
)


def place_columns(places: Sequence[Place]) -> dict[str, list[Any]]:
    """The batch columns of PLACE_COLUMNS, one value per place: each level's first division,
    codes joined by `;`, partners as `code:metres`."""
    rows = [_row(p) for p in places]
    return {name: [r[k] for r in rows] for k, name in enumerate(PLACE_COLUMNS)}


def first_admin(place: Place, level: str) -> str | None:
    """The name of the place's first division at `level` (e.g. its county), if any."""
    return next((a["name"] for a in place["admin"] if a["level"] == level), None)


def _row(place: Place) -> tuple[Any, ...]:
    nearest: list[Any] = []
    for kind in NEAREST_KINDS:
        found = place["nearest"].get(kind)
        nearest += [None, None] if found is None else [found["name"], found["distance_m"]]
    return (
        *(first_admin(place, level) for level in ADMIN_LEVELS),
        ";".join(responsible_codes(place)),
        ";".join(f"{o['code']}:{o['distance_m']}" for o in place["partner_organisations"]),
        place["cross_boundary"],
        zones_text(place),
        *nearest,
    )
