"""geo.index under threads: the service geocodes from many request threads at once."""

import threading

import numpy as np
import shapely

from geo.index import Indexed

IntArray = np.ndarray


def _race(index: Indexed[int], points: np.ndarray, threads: int) -> list[tuple[IntArray, IntArray]]:
    """Query one index from `threads` threads released at the same instant."""
    barrier = threading.Barrier(threads)
    answers: list[tuple[IntArray, IntArray]] = []

    def query() -> None:
        barrier.wait()
        for _ in range(3):
            answers.append(index.meeting(points))

    pool = [threading.Thread(target=query) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return answers


def test_fresh_prepared_index_queried_from_many_threads_at_once() -> None:
    """GEOS builds a prepared polygon's own indexes on its first tests; unguarded, threads
    racing to do so corrupt memory and abort the process (this test did, before the lock)."""
    rng = np.random.default_rng(1)
    for _ in range(30):
        centres = rng.uniform(0, 10, (200, 2))
        polys = [shapely.Point(x, y).buffer(0.5, quad_segs=256) for x, y in centres]
        points = np.array(shapely.points(rng.uniform(0, 10, (4000, 2))), dtype=object)
        expected = Indexed.build(list(range(200)), polys, [True] * 200).meeting(points)
        copies = list(shapely.from_wkb(shapely.to_wkb(polys)))  # not yet tested: nothing built
        fresh = Indexed.build(list(range(200)), copies, [True] * 200)
        answers = _race(fresh, points, 8)
        assert len(answers) == 24
        for items, records in answers:
            assert (items == expected[0]).all() and (records == expected[1]).all()
