"""Reference geometries in memory: an STRtree of prepared geometries, and their outlines in
short pieces so that distances touch only the vertices near an item.

Point-in-polygon and relation tests run on the prepared geometries (GEOS indexes a prepared
polygon's segments, so a test visits only the segments near the point). Distances run on
the outline pieces within the search window (as ST_Subdivide does for PostGIS): a province
of 20,000 vertices costs a few pieces of at most PIECE_VERTICES each, not its whole ring.
"""

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from geo.distance import metre_factors, pair_distances_m

T = TypeVar("T")
# GEOS builds a prepared geometry's own indexes lazily, on its first tests, and that is not
# thread-safe: every test on the shared prepared geometries holds this lock (a test takes
# microseconds; an uncontended lock costs nanoseconds).
PREPARED = threading.Lock()
IntArray = NDArray[np.int64]
ObjectArray = NDArray[np.object_]

# Vertices per outline piece: small enough that a distance visits few far vertices, large
# enough that the pieces' tree stays small (a 20,000-vertex ring makes ~320 pieces).
PIECE_VERTICES = 64
# Slack on the planar distance bounds, far above the bounds' own error (the flat-earth
# approximation over a search window, the UTM scale error of pair_distances_m).
BOUND_MARGIN = 0.005
# Up to this many (item, piece) pairs are all measured: bounding them would cost more.
MEASURE_ALL = 32


def outline_pieces(geom: BaseGeometry, size: int = PIECE_VERTICES) -> list[BaseGeometry]:
    """Split a geometry's outline (rings, lines; points as they are) into runs of at most
    `size` consecutive vertices, each sharing its last vertex with the next: the original
    segments, none cut, so distances to the pieces are distances to the outline."""
    out: list[BaseGeometry] = []
    for part in shapely.get_parts(geom).tolist():
        if isinstance(part, shapely.Polygon):
            rings = [part.exterior, *part.interiors]
        elif isinstance(part, shapely.LineString):
            rings = [part]
        else:
            out.append(part)
            continue
        for ring in rings:
            coords = shapely.get_coordinates(ring)
            for start in range(0, max(len(coords) - 1, 1), size - 1):
                out.append(shapely.LineString(coords[start : start + size]))
    return out


@dataclass(frozen=True)
class Indexed(Generic[T]):
    """Records with their geometries (prepared, in an STRtree) in load order, and the outline
    pieces of those that distances are measured to (`owner`: each piece's record)."""

    records: list[T]
    geoms: ObjectArray
    tree: shapely.STRtree
    measured: NDArray[np.bool_]
    pieces: ObjectArray
    owner: IntArray
    piece_tree: shapely.STRtree
    scale: float
    scaled: ObjectArray

    @classmethod
    def build(
        cls, records: list[T], geoms: Sequence[BaseGeometry], measured: Sequence[bool]
    ) -> "Indexed[T]":
        """Index the geometries (prepared once, here, before any thread queries them) and
        the outlines of those `measured`."""
        array = np.array(geoms, dtype=object)
        shapely.prepare(array)
        pieces: list[BaseGeometry] = []
        owner: list[int] = []
        for k, (geom, wanted) in enumerate(zip(geoms, measured, strict=True)):
            if wanted:
                found = outline_pieces(geom)
                pieces += found
                owner += [k] * len(found)
        piece_array = np.array(pieces, dtype=object)
        # Longitudes times the cosine of the pieces' middle latitude: planar distances then
        # stay close to metres, so their bounds are tight.
        miny, maxy = shapely.total_bounds(piece_array)[1::2] if pieces else (0.0, 0.0)
        scale = max(math.cos(math.radians((miny + maxy) / 2)), 0.01)
        return cls(
            records,
            array,
            shapely.STRtree(array),
            np.array(measured, dtype=bool),
            piece_array,
            np.array(owner, dtype=np.int64),
            shapely.STRtree(piece_array),
            scale,
            shapely.transform(piece_array, lambda xy: xy * (scale, 1.0)),
        )

    def meeting(self, items: ObjectArray) -> tuple[IntArray, IntArray]:
        """(item, record) pairs where the geometries intersect (as ST_Intersects would),
        ordered by item, then record."""
        # Testing the candidates (prepared once) against the items is far faster than the
        # tree's own predicate, which would prepare nothing.
        ii, ri = self.tree.query(items)
        with PREPARED:
            keep = shapely.intersects(self.geoms[ri], items[ii])
        ii, ri = ii[keep], ri[keep]
        order = np.lexsort((ri, ii))
        return ii[order], ri[order]

    def distances(
        self,
        items: ObjectArray,
        windows: ObjectArray,
        meeting: tuple[IntArray, IntArray],
        limit_m: float,
        groups: IntArray | None = None,
    ) -> tuple[IntArray, IntArray, NDArray[np.float64]]:
        """(item, record, metres) for measured records meeting an item (0 m, from the `meeting`
        pairs) or with an outline piece in its window (the nearest piece's metres), ordered by
        item, then record. Every record within `limit_m` of an item is there with its exact
        distance, except, given `groups` (a group per record), those that cannot be the
        nearest of their group; records farther away may be there or not.

        A window must hold every point within `limit_m` of its item: then each distance up to
        that one is exact, as if measured to the whole geometry. Beyond MEASURE_ALL pairs,
        pieces whose distance bounds (planar degrees, geo.distance.metre_factors) show them
        too far, or farther than another piece of the record (group), are not measured.
        """
        wi, pi = self.piece_tree.query(windows)
        ri = self.owner[pi]
        n = len(self.records)
        met = self.measured[meeting[1]]
        met_i, met_r = meeting[0][met], meeting[1][met]
        # A record an item meets is 0 m away: its pieces need no measuring.
        outside = ~np.isin(wi * n + ri, met_i * n + met_r)
        wi, pi, ri = wi[outside], pi[outside], ri[outside]
        if len(wi) > MEASURE_ALL:
            keep = self._may_be_nearest(items, (wi, pi, ri), (met_i, met_r), limit_m, groups)
            wi, pi, ri = wi[keep], pi[keep], ri[keep]
        ii = np.concatenate([met_i, wi])
        rr = np.concatenate([met_r, ri])
        far = pair_distances_m(items[wi], self.pieces[pi])
        dist = np.concatenate([np.zeros(len(met_i)), far])
        key = ii * n + rr
        order = np.lexsort((dist, key))
        key = key[order]
        first = order[np.r_[True, key[1:] != key[:-1]]] if len(key) else order
        return ii[first], rr[first], dist[first]

    def _may_be_nearest(
        self,
        items: ObjectArray,
        pairs: tuple[IntArray, IntArray, IntArray],
        met: tuple[IntArray, IntArray],
        limit_m: float,
        groups: IntArray | None,
    ) -> NDArray[np.bool_]:
        """Which (item, piece, record) pairs may lie within limit_m and be the nearest of
        their record (group): their lower bound is at most the least upper bound of the
        group's pieces (0 for a record the item meets)."""
        wi, pi, ri = pairs
        scaled = shapely.transform(items, lambda xy: xy * (self.scale, 1.0))
        planar = shapely.distance(scaled[wi], self.scaled[pi])
        _, miny, _, maxy = shapely.bounds(items).T
        lo, hi = metre_factors(miny, maxy, limit_m, self.scale)
        lower = planar * lo[wi] * (1 - BOUND_MARGIN)
        upper = planar * hi[wi] * (1 + BOUND_MARGIN)
        group = np.arange(len(self.records)) if groups is None else groups
        span = max(len(self.records), int(group.max(initial=0)) + 1)
        keys = np.concatenate([met[0] * span + group[met[1]], wi * span + group[ri]])
        _, slot = np.unique(keys, return_inverse=True)
        best = np.full(int(slot.max(initial=-1)) + 1, np.inf)
        np.minimum.at(best, slot, np.concatenate([np.zeros(len(met[0])), upper]))
        return (lower <= limit_m) & (lower <= best[slot[len(met[0]) :]])
