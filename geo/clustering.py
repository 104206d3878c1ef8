"""Space-time grouping of evidence items into leads (线索).

Two items may share a lead when their categories are compatible (the same, or together in
one of the caller's groups) and they are close under the pair's rule: geodesic distance <=
distance_m and |Δt| <= window, both bounds inclusive. The caller gives a rule for every
category it clusters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import product

import numpy as np
from numpy.typing import NDArray
from pyproj import Geod

from geo.distance import aeqd

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_GEOD = Geod(ellps="WGS84")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# WGS-84 semi-minor axis: the smallest radius of curvature anywhere on the ellipsoid, so the
# spherical distortion bound computed with it is conservative (see _local_xy).
_SEMI_MINOR_M = 6_356_752.314245
# Beyond ~9,500 km from the centre an azimuthal projection distorts too much to prune with.
_MAX_CENTRAL_ANGLE = 1.5
# Cells per axis are capped so a packed (x, y, t) cell key always fits in an int64.
_MAX_CELLS_PER_AXIS = 2**20
# Candidate pairs are expanded in chunks of about this many to bound memory.
_CHUNK_PAIRS = 2_000_000


@dataclass(frozen=True)
class EvidencePoint:
    """One evidence item reduced to what clustering reads: where, when, what."""

    id: int
    category: str
    lon: float  # WGS-84 degrees
    lat: float
    time: datetime  # timezone-aware
    kind: str  # e.g. "citizen_report", "fire_hotspot"
    source: str | None = None  # who or what reported it, e.g. "user:12"

    def __post_init__(self) -> None:
        if self.time.utcoffset() is None:
            raise ValueError(f"evidence {self.id}: time must be timezone-aware")
        if not (-180.0 <= self.lon <= 180.0 and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"evidence {self.id}: lon/lat out of range ({self.lon}, {self.lat})")


@dataclass(frozen=True)
class ClusterRule:
    """How close in space (geodesic metres) and time two items must be to share a lead."""

    distance_m: float
    window: timedelta

    def __post_init__(self) -> None:
        if not (math.isfinite(self.distance_m) and self.distance_m >= 0):
            raise ValueError(f"distance_m must be finite and >= 0, got {self.distance_m!r}")
        if self.window < timedelta(0):
            raise ValueError(f"window must be >= 0, got {self.window!r}")


@dataclass
class OpenLead:
    """A lead that can still take evidence."""

    id: int
    category: str
    points: list[EvidencePoint]


def rule_for(category: str, rules: Mapping[str, ClusterRule]) -> ClusterRule:
    """Return the rule of `category`; raise ValueError if `rules` has none."""
    try:
        return rules[category]
    except KeyError:
        raise ValueError(f"no clustering rule for category {category!r}") from None


def pair_rule(a: str, b: str, rules: Mapping[str, ClusterRule]) -> ClusterRule:
    """Return the rule for two categories: the larger distance and the larger window."""
    ra, rb = rule_for(a, rules), rule_for(b, rules)
    return ClusterRule(max(ra.distance_m, rb.distance_m), max(ra.window, rb.window))


def compatible(a: str, b: str, groups: Sequence[frozenset[str]]) -> bool:
    """Return whether items of categories `a` and `b` may share a lead."""
    return a == b or any(a in g and b in g for g in groups)


def _geodesic_m(
    lons1: FloatArray, lats1: FloatArray, lons2: FloatArray, lats2: FloatArray
) -> FloatArray:
    # One code path for assign() and cluster(), so both decide boundary cases identically.
    return np.asarray(_GEOD.inv(lons1, lats1, lons2, lats2)[2], dtype=np.float64)


def assign(
    item: EvidencePoint,
    leads: Sequence[OpenLead],
    *,
    rules: Mapping[str, ClusterRule],
    groups: Sequence[frozenset[str]],
) -> int | None:
    """Return the id of the lead `item` joins, or None if it starts a new lead.

    A lead qualifies if its category is compatible and one of its (compatible) points lies
    within the pair rule in both space and time; the nearest such point wins, ties go to the
    smallest lead id.
    """
    best: tuple[float, int] | None = None
    for lead in leads:
        if not compatible(item.category, lead.category, groups):
            continue
        near = [
            (p, r)
            for p in lead.points
            if compatible(item.category, p.category, groups)
            and abs(item.time - p.time) <= (r := pair_rule(item.category, p.category, rules)).window
        ]
        if not near:
            continue
        n = len(near)
        dists = _geodesic_m(
            np.full(n, item.lon),
            np.full(n, item.lat),
            np.array([p.lon for p, _ in near]),
            np.array([p.lat for p, _ in near]),
        )
        for (_, r), d in zip(near, dists.tolist(), strict=True):
            if d <= r.distance_m and (best is None or (d, lead.id) < best):
                best = (d, lead.id)
    return None if best is None else best[1]


def _local_xy(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """Project to an azimuthal equidistant plane at the points' centre; return x, y, k.

    k bounds projected / geodesic distance for any nearby pair: the radial scale is 1 and the
    tangential one at central angle c is at most c / sin c on a sphere of the smallest radius
    of curvature (comparison theorem); 1 % on top covers the pair's own extent and rounding.
    k is infinite (and x = y = 0) when the points span too much of the globe to prune with.
    """
    lam, phi = np.radians(lon), np.radians(lat)
    v = np.array([np.mean(np.cos(phi) * np.cos(lam)), np.mean(np.cos(phi) * np.sin(lam))])
    vz = float(np.mean(np.sin(phi)))
    norm = math.hypot(float(v[0]), float(v[1]), vz)
    zeros = np.zeros_like(lon)
    if norm < 1e-9:
        return zeros, zeros, math.inf
    lon0 = math.degrees(math.atan2(float(v[1]), float(v[0])))
    lat0 = math.degrees(math.asin(max(-1.0, min(1.0, vz / norm))))
    # The centre rounded to 0.1 degrees, so that nearby batches share a cached projection;
    # k below is measured from the centre used, so any centre near the points is sound.
    to_plane = aeqd(round(lon0, 1), round(lat0, 1))[0]
    x, y = to_plane.transform(lon, lat)
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    c = float(np.max(np.hypot(x, y))) / _SEMI_MINOR_M
    if not (math.isfinite(c) and c < _MAX_CENTRAL_ANGLE):
        return zeros, zeros, math.inf
    return x, y, (c / math.sin(c) if c > 1e-12 else 1.0) * 1.01


def _float_cells(values: FloatArray, size: float) -> IntArray:
    """Return cell numbers >= 1 for cells of at least `size` (fewer cells on huge extents)."""
    rel = values - values.min()
    size = max(size, float(rel.max()) / _MAX_CELLS_PER_AXIS, 1e-9)
    return np.floor(rel / size).astype(np.int64) + 1


def _int_cells(values: IntArray, window: int) -> IntArray:
    """Return cell numbers >= 1 for integer cells longer than `window`."""
    rel = values - values.min()
    # Integer floor division is exact, so |Δt| <= size always lands in the same or the next
    # cell; + 1 keeps the size positive for a zero window.
    size = max(window + 1, int(rel.max()) // _MAX_CELLS_PER_AXIS + 1)
    return rel // size + 1


def _candidates(x: FloatArray, y: FloatArray, t: IntArray, d: float, w: int) -> Iterator[IntArray]:
    """Yield (2, m) arrays of index pairs in the same or adjacent d x d x (w + 1) cells."""
    ones = np.ones(len(x), dtype=np.int64)
    cx, cy = (ones, ones) if math.isinf(d) else (_float_cells(x, d), _float_cells(y, d))
    ct = _int_cells(t, w)
    ny, nt = int(cy.max()) + 2, int(ct.max()) + 2
    key = (cx * ny + cy) * nt + ct
    order = np.argsort(key, kind="stable")
    ukeys, ustart, ucount = np.unique(key[order], return_index=True, return_counts=True)
    for ox, oy, ot in product((-1, 0, 1), repeat=3):
        nkey = key + (ox * ny + oy) * nt + ot
        pos = np.minimum(np.searchsorted(ukeys, nkey), len(ukeys) - 1)
        src = np.flatnonzero(ukeys[pos] == nkey)
        if len(src) == 0:
            continue
        starts, counts = ustart[pos[src]], ucount[pos[src]]
        cuts = np.searchsorted(
            np.cumsum(counts), np.arange(_CHUNK_PAIRS, counts.sum(), _CHUNK_PAIRS)
        )
        for part in np.split(np.arange(len(src)), np.unique(cuts)):
            c = counts[part]
            if c.sum() == 0:
                continue
            within = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
            yield np.stack([np.repeat(src[part], c), order[np.repeat(starts[part], c) + within]])


@dataclass(frozen=True)
class _Table:
    """Items in processing order with category codes and per-code-pair rules."""

    lon: FloatArray
    lat: FloatArray
    x: FloatArray
    y: FloatArray
    k: float
    t: IntArray  # microseconds since 1970 (exact)
    code: IntArray
    comp: NDArray[np.bool_]  # [code, code] -> compatible
    dist: FloatArray  # [code, code] -> pair distance_m
    win: IntArray  # [code, code] -> pair window in microseconds
    code_of: dict[str, int]  # category -> code


def _near_pairs(tab: _Table, idx: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Return (later, earlier, metres) for every compatible pair within its rule among `idx`."""
    codes = np.unique(tab.code[idx])
    sub = np.ix_(codes, codes)
    out: list[tuple[IntArray, IntArray, FloatArray]] = []
    d_cell = math.inf if math.isinf(tab.k) else float(tab.dist[sub].max()) * tab.k
    for pairs in _candidates(tab.x[idx], tab.y[idx], tab.t[idx], d_cell, int(tab.win[sub].max())):
        ri, rj = idx[pairs[0]], idx[pairs[1]]
        keep = rj < ri
        ri, rj = ri[keep], rj[keep]
        ci, cj = tab.code[ri], tab.code[rj]
        dd = tab.dist[ci, cj]
        keep = tab.comp[ci, cj] & (np.abs(tab.t[ri] - tab.t[rj]) <= tab.win[ci, cj])
        if math.isfinite(tab.k):
            dx, dy = tab.x[ri] - tab.x[rj], tab.y[ri] - tab.y[rj]
            keep &= dx * dx + dy * dy <= (dd * tab.k) ** 2
        ri, rj, dd = ri[keep], rj[keep], dd[keep]
        metres = _geodesic_m(tab.lon[ri], tab.lat[ri], tab.lon[rj], tab.lat[rj])
        keep = metres <= dd
        out.append((ri[keep], rj[keep], metres[keep]))
    return _concat(out)


def _concat(
    parts: Sequence[tuple[IntArray, IntArray, FloatArray]],
) -> tuple[IntArray, IntArray, FloatArray]:
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _classes(comp: NDArray[np.bool_]) -> list[IntArray]:
    """Return the connected components of the category compatibility graph."""
    label = list(range(len(comp)))
    for a, b in zip(*np.nonzero(comp), strict=True):
        la, lb = label[a], label[b]
        if la != lb:
            label = [la if v == lb else v for v in label]
    return [np.flatnonzero(np.array(label) == v) for v in sorted(set(label))]


def _table(
    items: Sequence[EvidencePoint],
    rules: Mapping[str, ClusterRule],
    groups: Sequence[frozenset[str]],
    extra: Iterable[str] = (),
) -> _Table:
    cats = sorted({p.category for p in items} | set(extra))
    code_of = {c: i for i, c in enumerate(cats)}
    lon = np.array([p.lon for p in items], dtype=np.float64)
    lat = np.array([p.lat for p in items], dtype=np.float64)
    x, y, k = _local_xy(lon, lat)
    rule = [[pair_rule(a, b, rules) for b in cats] for a in cats]
    return _Table(
        lon=lon,
        lat=lat,
        x=x,
        y=y,
        k=k,
        t=np.array([(p.time - _EPOCH) // _MICROSECOND for p in items], dtype=np.int64),
        code=np.array([code_of[p.category] for p in items], dtype=np.int64),
        comp=np.array([[compatible(a, b, groups) for b in cats] for a in cats], dtype=bool),
        dist=np.array([[r.distance_m for r in row] for row in rule], dtype=np.float64),
        win=np.array([[r.window // _MICROSECOND for r in row] for row in rule], dtype=np.int64),
        code_of=code_of,
    )


@dataclass(frozen=True)
class Placement:
    """Where a batch of items goes: the open leads some join, the new leads the rest start."""

    joined: dict[int, int]  # item id -> id of the open lead it joins
    new: list[list[int]]  # item ids of each new lead, in the order the leads open


def place_batch(
    items: Sequence[EvidencePoint],
    leads: Sequence[OpenLead] = (),
    *,
    rules: Mapping[str, ClusterRule],
    groups: Sequence[frozenset[str]],
) -> Placement:
    """Place a batch of new items among open leads and each other.

    The result is what feeding the items to `assign` one by one in (time, id) order gives,
    the open leads first (ties: smaller lead id) and new leads numbered after them as they
    open, whatever the input order. Method: the "near" relation between two items (compatible
    categories, |Δt| and geodesic distance within the pair rule) does not depend on which
    leads exist, so all near pairs are found in bulk first, then one sequential pass joins
    each item to the lead of its nearest earlier neighbour (ties: smaller lead number),
    exactly as `assign` would; the open leads' points count as earlier than every new item.
    Near pairs are found per group of compatible categories with a hashed grid over
    (x, y, t): x, y from one azimuthal equidistant projection at the points' centre, cells
    of the group's largest distance times a proven bound on the projection's scale error
    (so no pair is missed), time cells longer than the largest window; only items in the 27
    adjacent cells are compared, pruned on projected distance and time, then confirmed with
    the exact WGS-84 geodesic distance (pyproj Geod). Cost is O(n log n) plus the number of
    candidate pairs; in a crowd of n items within one rule of each other it is O(n²).
    """
    if len({p.id for p in items}) != len(items):
        raise ValueError("evidence ids must be unique")
    if not items:
        return Placement({}, [])
    open_leads = sorted(leads, key=lambda lead: lead.id)
    seeds = [(n, p) for n, lead in enumerate(open_leads) for p in lead.points]
    ordered = sorted(items, key=lambda p: (p.time, p.id))
    everything = [p for _, p in seeds] + ordered
    categories = {lead.category for lead in open_leads}
    tab = _table(everything, rules, groups, categories)
    found = [_near_pairs(tab, np.flatnonzero(np.isin(tab.code, c))) for c in _classes(tab.comp)]
    later, earlier, metres = _concat(found)
    by = np.lexsort((metres, later))
    bounds = np.searchsorted(later[by], np.arange(len(everything) + 1)).tolist()
    earlier_l, metres_l = earlier[by].tolist(), metres[by].tolist()
    code, comp, code_of = tab.code.tolist(), tab.comp.tolist(), tab.code_of
    lead_of: list[int] = [n for n, _ in seeds]
    lead_code: list[int] = [code_of[lead.category] for lead in open_leads]
    members: list[list[int]] = [[] for _ in open_leads]
    for r in range(len(seeds), len(everything)):
        best_d, best = math.inf, -1
        for q in range(bounds[r], bounds[r + 1]):
            if metres_l[q] > best_d:
                break  # pairs come nearest first; only equal distances can still tie
            lead = lead_of[earlier_l[q]]
            if (best < 0 or lead < best) and comp[code[r]][lead_code[lead]]:
                best_d, best = metres_l[q], lead
        if best < 0:
            best = len(members)
            members.append([])
            lead_code.append(code[r])
        lead_of.append(best)
        members[best].append(everything[r].id)
    joined = {i: open_leads[n].id for n in range(len(open_leads)) for i in members[n]}
    return Placement(joined, members[len(open_leads) :])


def cluster(
    items: Sequence[EvidencePoint],
    *,
    rules: Mapping[str, ClusterRule],
    groups: Sequence[frozenset[str]],
) -> list[list[int]]:
    """Group evidence into leads from scratch; return sorted id lists ordered by first id:
    `place_batch` with no open leads."""
    return sorted(sorted(m) for m in place_batch(items, rules=rules, groups=groups).new)
