"""Reference geometries in memory: an STRtree of prepared geometries, and their outlines in
short pieces so that distances touch only the vertices near an item.

Point-in-polygon and relation tests run on the prepared geometries (GEOS indexes a prepared
polygon's segments, so a test visits only the segments near the point). Distances run on
the outline pieces within the search window (as ST_Subdivide does for PostGIS): a province
of 20,000 vertices costs a few pieces of at most PIECE_VERTICES each, not its whole ring.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from geo.distance import pair_distances_m

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
        return cls(
            records,
            array,
            shapely.STRtree(array),
            np.array(measured, dtype=bool),
            piece_array,
            np.array(owner, dtype=np.int64),
            shapely.STRtree(piece_array),
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
    ) -> tuple[IntArray, IntArray, NDArray[np.float64]]:
        """(item, record, metres) for each measured record meeting an item (0 m, from the
        `meeting` pairs) or with an outline piece in the item's window (its nearest piece's
        distance), ordered by item, then record.

        A window must hold every point within the wanted distance of its item: then each
        distance up to that one is exact, as if measured to the whole geometry.
        """
        wi, pi = self.piece_tree.query(windows)
        ri = self.owner[pi]
        met_i, met_r = meeting
        met = self.measured[met_r]
        # A record an item meets is 0 m away: its pieces need no measuring.
        inside = np.isin(wi * len(self.records) + ri, met_i * len(self.records) + met_r)
        wi, pi, ri = wi[~inside], pi[~inside], ri[~inside]
        ii = np.concatenate([met_i[met], wi])
        rr = np.concatenate([met_r[met], ri])
        far = pair_distances_m(items[wi], self.pieces[pi])
        dist = np.concatenate([np.zeros(int(met.sum())), far])
        key = ii * len(self.records) + rr
        order = np.lexsort((dist, key))
        key = key[order]
        first = order[np.r_[True, key[1:] != key[:-1]]] if len(key) else order
        return ii[first], rr[first], dist[first]
