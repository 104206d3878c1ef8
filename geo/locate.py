"""The geocoding engine: what many items meet and what lies near them, in vectorised passes
over the in-memory reference index (geo/index.py). One item or a million, one path.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import mapping

from geo.distance import windows
from geo.geocode import FeatureInfo, OrgInfo, compose_place
from geo.index import PREPARED, Indexed, IntArray, ObjectArray
from geo.place import LayerVersionEntry, Place

V = TypeVar("V")
Near = tuple[int, float]  # (record index, metres)


@dataclass(frozen=True)
class Reference:
    """What items are located against: the layer versions used, their features (those of
    `nearest_kinds` measured) and the organisations' jurisdictions (all measured)."""

    layers: list[LayerVersionEntry]
    features: Indexed[FeatureInfo]
    orgs: Indexed[OrgInfo]
    nearest_kinds: tuple[str, ...]

    @cached_property
    def kind_of(self) -> IntArray:
        """Each feature's index in nearest_kinds (-1: not measured)."""
        kinds = self.nearest_kinds
        return np.array(
            [kinds.index(f.kind) if f.kind in kinds else -1 for f in self.features.records],
            dtype=np.int64,
        )


@dataclass(frozen=True)
class Found:
    """Where n items lie, compactly. Per item: features met (index, relation),
    organisations containing it, others within the partner distance (index, metres), and
    the nearest feature of each kind within reach (index, metres) or None."""

    items: ObjectArray
    reference: Reference
    partner_distance_m: float
    nearest_max_m: float
    hits: list[tuple[tuple[int, str], ...]]
    containing: list[tuple[int, ...]]
    nearby: list[tuple[Near, ...]]
    nearest: list[tuple[Near | None, ...]]

    def place(self, k: int, geometry: dict[str, Any] | None = None) -> Place:
        """Item k's Place (`geometry`: its GeoJSON, when already at hand)."""
        ref = self.reference
        features, orgs = ref.features.records, ref.orgs.records
        return compose_place(
            mapping(self.items[k]) if geometry is None else geometry,
            [(features[f], rel) for f, rel in self.hits[k]],
            [orgs[o] for o in self.containing[k]],
            [(orgs[o], d) for o, d in self.nearby[k]],
            {
                kind: None if near is None else (features[near[0]], near[1])
                for kind, near in zip(ref.nearest_kinds, self.nearest[k], strict=True)
            },
            layers=ref.layers,
            partner_distance_m=self.partner_distance_m,
            nearest_max_m=self.nearest_max_m,
        )


def relations(items: ObjectArray, features: ObjectArray) -> NDArray[np.str_]:
    """Name how each item meets its feature (pairwise): within, on_boundary, contains or
    overlaps. The features are the prepared ones, so each test is an indexed one."""
    out = np.full(len(items), "overlaps", dtype="<U11")
    with PREPARED:
        within = shapely.contains(features, items)
        out[within] = "within"
        rest = np.flatnonzero(~within)
        touches = shapely.touches(features[rest], items[rest])
        out[rest[touches]] = "on_boundary"
        rest = rest[~touches]
        out[rest[shapely.within(features[rest], items[rest])]] = "contains"
    return out


def locate(
    items: ObjectArray, ref: Reference, *, partner_distance_m: float, nearest_max_m: float
) -> Found:
    """Locate WGS-84 items among reference features and organisations' jurisdictions."""
    features, orgs, n = ref.features, ref.orgs, len(items)
    fi, fr = features.meeting(items)
    rel = relations(items[fi], features.geoms[fr])
    hits = _group(n, fi, list(zip(fr.tolist(), rel.tolist(), strict=True)))
    oi, orr = orgs.meeting(items)
    containing = _group(n, oi, orr.tolist())
    ni, nr, nd = orgs.distances(
        items, windows(items, partner_distance_m), (oi, orr), partner_distance_m
    )
    outside = ~np.isin(ni * len(orgs.records) + nr, oi * len(orgs.records) + orr)
    keep = outside & (nd <= partner_distance_m)
    nearby = _group(n, ni[keep], list(zip(nr[keep].tolist(), nd[keep].tolist(), strict=True)))
    nearest = _nearest(items, ref, (fi, fr), nearest_max_m)
    return Found(items, ref, partner_distance_m, nearest_max_m, hits, containing, nearby, nearest)


def _nearest(
    items: ObjectArray, ref: Reference, meeting: tuple[IntArray, IntArray], max_m: float
) -> list[tuple[Near | None, ...]]:
    """Per item, the nearest feature of each nearest kind within max_m (ties: the first
    loaded); the features measured must be those of these kinds."""
    kinds = ref.nearest_kinds
    ii, ri, d = ref.features.distances(items, windows(items, max_m), meeting, max_m, ref.kind_of)
    keep = d <= max_m
    ii, ri, d = ii[keep], ri[keep], d[keep]
    kind = ref.kind_of[ri]
    key = ii * len(kinds) + kind
    order = np.lexsort((ri, d, key))
    key = key[order]
    first = order[np.r_[True, key[1:] != key[:-1]]] if len(key) else order
    out: list[list[Near | None]] = [[None] * len(kinds) for _ in range(len(items))]
    for i, k, r, m in zip(
        ii[first].tolist(), kind[first].tolist(), ri[first].tolist(), d[first].tolist(), strict=True
    ):
        out[i][k] = (r, m)
    return [tuple(row) for row in out]


def _group(n: int, index: IntArray, values: list[V]) -> list[tuple[V, ...]]:
    """For each of n items, the values (ordered by item) that belong to it."""
    out: list[tuple[V, ...]] = [()] * n
    if not len(index):
        return out
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    ends = [*starts[1:].tolist(), len(values)]
    for item, start, end in zip(index[starts].tolist(), starts.tolist(), ends, strict=True):
        out[item] = tuple(values[start:end])
    return out
