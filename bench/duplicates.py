"""Benchmark: the per-report duplicate-photo lookup with 0, 10,000 and 100,000 stored photos.

On SpatiaLite and PostGIS, measures `earlier_duplicates` (exact SHA-256 by index, near
duplicates among the rows sharing a probed pHash band) and the whole intake
(`create_report`, small GPS-tagged JPEG, so the database part is visible) as the archive
grows with synthetic one-photo reports (random SHA-256 and pHash, Core executemany),
and prints the ratio 100k / empty. Target: flat (~1x). The baseline is the former lookup,
a scan of every stored photo in Python, measured on the same archive.

Usage: `scripts/with-postgis.sh .venv/bin/python bench/duplicates.py` (PostGIS from
ECOLEADS_TEST_POSTGIS_URL; SpatiaLite alone without it).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.services.accounts.auth import create_user
from app.services.accounts.tokens import issue_token
from app.services.demo.base import load_demo
from app.services.files.evidence_store import LocalEvidenceStore
from app.services.reports.intake import PhotoUpload, ReportInput, create_report
from app.services.reports.photos import earlier_duplicates
from app.services.reports.placing import place_waiting_reports
from app.settings import Settings
from geo.photos import NEAR_DUPLICATE_BITS, PhotoLimits, ProcessedPhoto, hamming, process_photo
from geo.photos.duplicates import phash_bands
from models import Report, ReportPhoto, Token, User

ROOT = Path(__file__).resolve().parents[1]
PHOTO = (ROOT / "tests" / "data" / "photos" / "gps_ne.jpg").read_bytes()  # EXIF GPS in ZJK
LEVELS = (0, 10_000, 100_000)


def variant(jpeg: bytes, n: int) -> bytes:
    """The same picture with a distinct JPEG comment segment: new SHA-256, same pHash."""
    body = f"bench {n}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(body) + 2).to_bytes(2, "big") + body + jpeg[2:]


def full_scan(session: Session, photos: list[ProcessedPhoto]) -> list[int | None]:
    """The former lookup: every stored photo's hashes compared in Python."""
    known = session.execute(
        select(ReportPhoto.id, ReportPhoto.sha256, ReportPhoto.phash).order_by(ReportPhoto.id)
    ).all()
    out: list[int | None] = []
    for photo in photos:
        same = next((pid for pid, sha, _ in known if sha == photo.sha256), None)
        near = same or next(
            (pid for pid, _, ph in known if hamming(ph, photo.phash) <= NEAR_DUPLICATE_BITS), None
        )
        out.append(near)
    return out


def add_archive(session: Session, n: int, rng: random.Random) -> None:
    """Store n old one-photo reports (copies of the first real report, submitted in 2025)
    whose photos have random SHA-256 and pHash, 10,000 rows per executemany."""
    template = dict(session.execute(select(Report.__table__)).mappings().first() or {})
    template.update(submitted_at=datetime(2025, 1, 1, tzinfo=UTC), flags=[])
    del template["id"]
    band_keys = [c.key for c in ReportPhoto.band_columns()]
    for start in range(0, n, 10_000):
        size = min(10_000, n - start)
        ids = session.scalars(
            insert(Report).returning(Report.id, sort_by_parameter_order=True),
            [template] * size,
        ).all()
        photos = []
        for report_id in ids:
            phash = f"{rng.getrandbits(64):016x}"
            photos.append(
                {
                    "report_id": report_id,
                    "position": 1,
                    "sha256": f"{rng.getrandbits(256):064x}",
                    "format": "jpeg",
                    "size_bytes": 150_000,
                    "width": 640,
                    "height": 480,
                    "phash": phash,
                    "exif": {},
                    **dict(zip(band_keys, phash_bands(phash), strict=True)),
                }
            )
        session.execute(insert(ReportPhoto), photos)
    session.execute(text("ANALYZE"))


def median_s(fn: Callable[[], object], runs: int) -> float:
    """Median wall seconds of `runs` calls."""
    return statistics.median(timed(fn, runs))


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def run(url: str, data_dir: Path, lookups: int, intakes: int) -> list[dict[str, float]]:
    """Grow the archive through LEVELS on one backend; return the figures per level."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    settings = Settings(
        database_url=url,
        data_dir=data_dir,
        reports_per_minute_per_token=10**9,
        reports_per_day_per_volunteer=10**9,
    )  # type: ignore[call-arg]
    store = LocalEvidenceStore(data_dir / "evidence")
    with sessions.begin() as s:
        load_demo(s)
        user = create_user(
            s,
            role="volunteer",
            org_code="130700",
            username="bench",
            password="bench-pw-1234",
            display_name="bench",
        )
        _, token = issue_token(s, user=user, kind="session", ttl=timedelta(days=1))
        ids = (user.id, token.id)
    probe = process_photo(variant(PHOTO, -1), PhotoLimits())
    rng = random.Random(20261202)
    stored, n, out = 0, 0, []
    for level in LEVELS:
        if level > stored:
            with sessions.begin() as s:
                add_archive(s, level - stored, rng)
            stored = level
        with sessions() as s:
            times = timed(lambda: earlier_duplicates(s, [probe]), lookups)
            lookup, fastest = statistics.median(times), min(times)
            scan = median_s(lambda: full_scan(s, [probe]), 3)
            assert earlier_duplicates(s, [probe]) == full_scan(s, [probe])
            total = s.execute(text("SELECT count(*) FROM report_photos")).scalar_one()

        def intake() -> None:
            nonlocal n
            n += 1
            with sessions.begin() as s:
                user, token = s.get_one(User, ids[0]), s.get_one(Token, ids[1])
                inp = ReportInput(
                    category="waste_dumping",
                    description="倾倒垃圾",
                    photos=[PhotoUpload("p.jpg", variant(PHOTO, n))],
                )
                create_report(s, user=user, token=token, inp=inp, settings=settings, store=store)
                place_waiting_reports(s, settings=settings)  # what follows the answer

        whole = median_s(intake, intakes)
        stored += intakes
        out.append(
            {
                "level": level,
                "rows": total,
                "lookup": lookup,
                "fastest": fastest,
                "scan": scan,
                "intake": whole,
            }
        )
    engine.dispose()  # the database is thrown away: no downgrade of 100,000 rows
    return out


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="duplicate-photo lookup benchmark")
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--intakes", type=int, default=15)
    args = parser.parse_args()
    backends = [("spatialite", "")]
    if os.environ.get("ECOLEADS_TEST_POSTGIS_URL"):
        backends.append(("postgis", os.environ["ECOLEADS_TEST_POSTGIS_URL"]))
    else:
        print("ECOLEADS_TEST_POSTGIS_URL is not set: PostGIS not measured")
    for name, url in backends:
        with tempfile.TemporaryDirectory() as tmp:
            rows = run(url or f"sqlite:///{tmp}/bench.db", Path(tmp), args.lookups, args.intakes)
        for r in rows:
            print(
                f"{name}: {r['level']:>7,} synthetic + real photos ({r['rows']:,} rows) | "
                f"lookup p50 {r['lookup'] * 1000:.2f} ms, min {r['fastest'] * 1000:.2f} ms "
                f"(former full scan "
                f"{r['scan'] * 1000:.1f} ms) | whole intake p50 {r['intake'] * 1000:.1f} ms"
            )
        empty, full = rows[0], rows[-1]
        print(
            f"{name}: 100k / empty: lookup p50 {full['lookup'] / empty['lookup']:.2f}x, "
            f"min {full['fastest'] / empty['fastest']:.2f}x, "
            f"whole intake {full['intake'] / empty['intake']:.2f}x (target ~1x); "
            f"former full scan {full['scan'] / empty['scan']:.0f}x"
        )


if __name__ == "__main__":
    main()
