"""Golden answers (issue 20): what the current code answers on a fixed set, kept equal while
the lead core and geocoding are rebuilt. Both backends must give the recorded answers.

- Geocoding: 1,000 seeded random points over the demo area and 200 points within 50 m of a
  water-source zone or county boundary, through the single geocode and the batch geocode.
- Leads: every demo lead's category, status, score, breakdown and legal bases.

A deliberate change records new answers: `ECOLEADS_GOLDEN_UPDATE=1 pytest tests/api/test_golden.py`
(on SQLite; PostgreSQL then checks them), and the closing note says which changed and why.
"""

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from app.services.demo.air import load_demo_air
from app.services.demo.base import DEMO_DIR, load_demo_reports
from app.services.demo.imagery import load_demo_imagery
from app.services.demo.partners import load_demo_partners
from app.services.places.geocode import geocode_geometry
from app.services.places.geocode_batch import geocode_points
from geo.layers import ReadOptions, read_layer
from models import Lead
from tests.conftest import Backend, clear_activity, make_settings

GOLDEN = Path(__file__).parents[1] / "data" / "golden"
UPDATE = os.environ.get("ECOLEADS_GOLDEN_UPDATE") == "1"
PARTNER_M, NEAREST_M = 5000.0, 5000.0
# The demo area: Zhangjiakou and the Beijing districts next to it.
BBOX = (113.8, 39.6, 116.6, 42.2)


def points() -> list[tuple[float, float]]:
    """1,000 uniform points over BBOX, then 200 within 50 m of a zone or county boundary."""
    rng = np.random.default_rng(20261207)
    lons = rng.uniform(BBOX[0], BBOX[2], 1000)
    lats = rng.uniform(BBOX[1], BBOX[3], 1000)
    out = [(round(float(x), 6), round(float(y), 6)) for x, y in zip(lons, lats, strict=True)]
    edges = []
    for name, kind, crs in (("water/water_source_zones.geojson", "water_source_zone", "wgs84"),
                            ("admin/counties.geojson", "admin_division", "gcj02")):  # fmt: skip
        read = read_layer(DEMO_DIR / name, ReadOptions(kind=kind, crs=crs, level_field="level"))
        edges += [f.geometry.boundary for f in read.features]
    lines = shapely.union_all(edges)
    for _ in range(200):
        at = lines.interpolate(float(rng.uniform(0, 1)), normalized=True)
        metres, bearing = float(rng.uniform(0, 50)), float(rng.uniform(0, 2 * math.pi))
        dy = metres * math.cos(bearing) / 111_320
        dx = metres * math.sin(bearing) / (111_320 * math.cos(math.radians(at.y)))
        out.append((round(at.x + dx, 7), round(at.y + dy, 7)))
    return out


def _orgs(entries: list[dict[str, Any]]) -> list[Any]:
    return [[o["code"], round(o["distance_m"]) if "distance_m" in o else None] for o in entries]


SINGLE = ["admin", "zones", "responsible", "nearby", "partners", "cross_boundary", "nearest"]


def single(answer: dict[str, Any]) -> list[Any]:
    """The parts of a single geocode that carry meaning (no row ids, no versions), in the
    order of SINGLE."""
    nearest = sorted(answer["nearest"].items())
    return [
        [[a.get("level"), a.get("name"), a.get("code")] for a in answer["admin"]],
        [[z["kind"], z["level"], z["name"], z["relation"]] for z in answer["zones"]],
        _orgs(answer["responsible_organisations"]),
        _orgs(answer["nearby_organisations"]),
        _orgs(answer["partner_organisations"]),
        answer["cross_boundary"],
        [None if v is None else [k, v["name"], v["level"], round(v["distance_m"])]
         for k, v in nearest],
    ]  # fmt: skip


def batch(columns: dict[str, list[Any]], k: int) -> list[Any]:
    """Point k's batch answer (every column but the input coordinates), metres rounded."""
    return [
        round(values[k]) if isinstance(values[k], float) else values[k]
        for name, values in columns.items()
        if name not in ("lon_wgs84", "lat_wgs84")
    ]


def check(name: str, columns: list[str], answers: list[Any], db: Backend) -> None:
    """Compare with the recorded answers, one per line (or record them, on SQLite, when
    updating)."""
    path = GOLDEN / f"{name}.json"
    if UPDATE and db.name == "sqlite":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        rows = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in answers]
        head = json.dumps(columns, ensure_ascii=False)
        body = ",\n".join(rows)
        path.write_text(f'{{"columns": {head}, "rows": [\n{body}\n]}}\n', encoding="utf-8")
        return
    recorded = json.loads(path.read_text(encoding="utf-8"))
    assert recorded["columns"] == columns
    expected = recorded["rows"]
    got = json.loads(json.dumps(answers, ensure_ascii=False))
    changed = [k for k, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b]
    assert not changed, f"{len(changed)} golden answers changed, e.g. #{changed[0]}: " + (
        f"{expected[changed[0]]} -> {got[changed[0]]}"
    )


@pytest.fixture(scope="module")
def pts() -> list[tuple[float, float]]:
    return points()


def test_single_geocode_answers(demo: Backend, pts: list[tuple[float, float]]) -> None:
    with demo.sessions() as s:
        answers = [
            single(geocode_geometry(s, geometry=shapely.Point(x, y), partner_distance_m=PARTNER_M,
                                    nearest_max_m=NEAREST_M))
            for x, y in pts
        ]  # fmt: skip
    assert sum(1 for a in answers if a[1]) > 50  # the set does meet the zones
    check("geocode_single", SINGLE, answers, demo)


def test_batch_geocode_answers(demo: Backend, pts: list[tuple[float, float]]) -> None:
    lons = np.array([p[0] for p in pts])
    lats = np.array([p[1] for p in pts])
    with demo.sessions() as s:
        found = geocode_points(
            s, lons=lons, lats=lats, partner_distance_m=PARTNER_M, nearest_max_m=NEAREST_M
        )
    names = [c for c in found.columns if c not in ("lon_wgs84", "lat_wgs84")]
    check("geocode_batch", names, [batch(found.columns, k) for k in range(len(pts))], demo)


LEAD = ["category", "status", "score", "breakdown", "legal_bases"]


def lead_answer(lead: Lead) -> list[Any]:
    """A lead's category, status, score, breakdown (name, value, points) and legal bases
    (code, edition, missing elements; a note where no article applies), days left out."""
    return [
        lead.category,
        lead.status,
        round(lead.score, 2),
        [[e["name"], round(e["value"], 3) if isinstance(e["value"], float) else e["value"],
          round(float(e.get("points") or 0), 2)] for e in lead.score_breakdown],
        [[b["code"], b.get("source"), sorted(map(str, b.get("missing") or []))]
         for b in lead.legal_bases],
    ]  # fmt: skip


def place_of(lead: Lead) -> tuple[float, float]:
    point = to_shape(lead.geom).centroid
    return round(point.x, 5), round(point.y, 5)


def test_demo_lead_answers(demo: Backend, tmp_path: Path) -> None:
    """Every demo lead (reports, hotspots, air, imagery, partners) as the code answers today."""
    settings = make_settings(demo, tmp_path)
    try:
        with demo.sessions.begin() as s:
            load_demo_reports(s, settings=settings)
            load_demo_air(s, settings=settings)
            load_demo_imagery(s, settings=settings)
            load_demo_partners(s, settings=settings)
        with demo.sessions() as s:
            leads = s.scalars(select(Lead)).all()
            ordered = sorted(leads, key=lambda lead: (lead.category, place_of(lead)))
            answers = [lead_answer(lead) for lead in ordered]
        assert len(answers) >= 10
        check("demo_leads", LEAD, answers, demo)
    finally:
        clear_activity(demo)
