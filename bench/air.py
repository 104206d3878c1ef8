"""Benchmark and accuracy of the air model on the real UCI Beijing multi-site data.

1. Import: the 12 PRSA files (420,768 hourly rows) through `import_readings` (what
   `ecoleads air import --format prsa` runs) on SpatiaLite and PostGIS, rows/second, the
   ratio to a bare `pandas.read_csv` of the same files and the ratio to PostgreSQL's own
   `COPY` of the raw CSV rows into a temporary table (the floor), all in the same run.
2. Accuracy: leave-one-station-out cross-validation of daily PM10 (valid GB 3095-2012 daily
   means, from the database) for IDW, ordinary kriging and the naive baseline (the mean of
   the other stations), over every day of 2013-03-01..2017-02-28 with >= 6 stations.

Usage: `make bench` (PostGIS from ECOLEADS_TEST_POSTGIS_URL), or
`.venv/bin/python bench/air.py [--data ../shared/data/air_quality/beijing_prsa] [--days N]
[--import-only] [--profile FILE] [--breakdown]` (--profile writes a cProfile of each import
to FILE.<backend>; --breakdown also imports on PostGIS with the foreign keys of air_readings
dropped, to show what the database's per-row referential checks cost).
"""

import argparse
import cProfile
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from app.services.air.imports import SourceFile, import_readings
from app.services.air.queries import daily, station_info, stations_in
from app.settings import Settings
from bench.common import demo_database
from geo.air.surface import loo_cv
from geo.air.surface_io import make_grid, project_metric

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/air_quality/beijing_prsa"
MIN_STATIONS = 6


def bare_read(paths: list[Path]) -> float:
    """Seconds for pandas.read_csv of the files (the baseline)."""
    t0 = time.perf_counter()
    for p in paths:
        pd.read_csv(p)
    return time.perf_counter() - t0


# The raw PRSA layout, typed as PostgreSQL would store it (the floor's table).
RAW_COLUMNS = (
    '"No" integer, year integer, month integer, day integer, hour integer, '
    '"PM2.5" double precision, "PM10" double precision, "SO2" double precision, '
    '"NO2" double precision, "CO" double precision, "O3" double precision, '
    '"TEMP" double precision, "PRES" double precision, "DEWP" double precision, '
    '"RAIN" double precision, wd text, "WSPM" double precision, station text'
)


def copy_floor(url: str, files: list[SourceFile]) -> float:
    """Seconds for PostgreSQL's own COPY (CSV text) of the raw rows into a temporary table."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cur:
                cur.execute(f"CREATE TEMPORARY TABLE prsa_raw ({RAW_COLUMNS}) ON COMMIT DROP")
                t0 = time.perf_counter()
                for f in files:
                    sql = "COPY prsa_raw FROM STDIN (FORMAT csv, HEADER true, NULL 'NA')"
                    with cur.copy(sql) as copy:
                        copy.write(f.data)
                secs = time.perf_counter() - t0
                cur.execute("SELECT count(*) FROM prsa_raw")
                row = cur.fetchone()
                assert row is not None and row[0] > 0
    finally:
        engine.dispose()
    return secs


# What --breakdown drops on PostGIS: the per-row RI triggers of air_readings' foreign keys.
WITHOUT_FOREIGN_KEYS = (
    "ALTER TABLE air_readings DROP CONSTRAINT fk_air_readings_station_id_air_stations",
    "ALTER TABLE air_readings DROP CONSTRAINT fk_air_readings_import_id_air_imports",
)


def sqlite_floors(paths: list[Path], tmp: str) -> tuple[float, float]:
    """Seconds for SQLite's own executemany of the files' rows (station, hour, their 11 numeric
    values and wind direction, two integers: what an import stores) into a keyless table,
    and into one with the unique (station, hour) key: the engine's cost before our checks."""
    import pysqlite3.dbapi2 as sqlite3

    frames = [pd.read_csv(p) for p in paths]
    rows = [
        (n, f"{r.year:04d}-{r.month:02d}-{r.day:02d} {r.hour:02d}:00:00.000000", *values, 0.0, 0, 1)
        for n, f in enumerate(frames)
        for r, values in zip(
            f.itertuples(), f.select_dtypes("float").to_numpy().tolist(), strict=True
        )
    ]
    columns = ", ".join(f"v{i} REAL" for i in range(12))
    insert = f"INSERT INTO r VALUES (NULL, {', '.join('?' * 16)})"
    out = []
    for key in ("", "CREATE UNIQUE INDEX u ON r (station, at);"):
        db = sqlite3.connect(f"{tmp}/floor{len(out)}.db", isolation_level=None)
        db.executescript(
            f"CREATE TABLE r (id INTEGER PRIMARY KEY, station INTEGER, at TEXT, {columns}, "
            f"invalid INTEGER, import_id INTEGER); {key}"
        )
        t0 = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(insert, rows)
        db.execute("COMMIT")
        out.append(time.perf_counter() - t0)
        db.close()
    return out[0], out[1]


def import_on(
    url: str,
    files: list[SourceFile],
    data_dir: str,
    profile: Path | None = None,
    ddl: tuple[str, ...] = (),
) -> tuple[float, int, object]:
    """Migrate a fresh database, load the demo layers (apply `ddl`), import; return seconds
    and rows."""
    _, sessions = demo_database(url)
    with sessions.begin() as s:
        for statement in ddl:
            s.execute(text(statement))
    settings = Settings(database_url=url, data_dir=Path(data_dir))
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    with sessions.begin() as s:
        if profiler:
            profiler.enable()
        record = import_readings(s, files=files, fmt="prsa", settings=settings, actor="bench")
    secs = time.perf_counter() - t0
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    return secs, record.rows_stored, sessions


def accuracy(sessions: object, days: int | None) -> dict[str, tuple[float, float, int]]:
    """Pooled LOO RMSE and MAE of daily PM10 per method, and the number of station-days."""
    with sessions() as s:  # type: ignore[operator]
        stations = [station_info(x) for x in stations_in(s, None)]
        frame = daily(s, [x.id for x in stations], date(2013, 3, 1), date(2017, 2, 28), "pm10")
    valid = frame[frame["valid"]].pivot(index="date", columns="station_code", values="mean")
    grid = make_grid((116.1, 39.8, 116.7, 40.35), 5000.0)
    pos = {x.code: (x.lon, x.lat) for x in stations}
    errors: dict[str, list[float]] = {"idw": [], "kriging": [], "baseline": []}
    rows = list(valid.iterrows())[:days] if days else list(valid.iterrows())
    for _, row in rows:
        row = row.dropna()
        if len(row) < MIN_STATIONS:
            continue
        sx, sy = project_metric(
            grid, [pos[c][0] for c in row.index], [pos[c][1] for c in row.index]
        )
        for method in errors:
            cv = loo_cv(sx, sy, row.to_numpy(dtype=float), method)  # type: ignore[arg-type]
            errors[method] += list(np.subtract(cv.predicted, cv.observed))
    return {
        m: (float(np.sqrt(np.mean(np.square(e)))), float(np.mean(np.abs(e))), len(e))
        for m, e in errors.items()
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="air model benchmark")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--days", type=int, default=None, help="limit the CV to N days")
    parser.add_argument("--import-only", action="store_true", help="skip the accuracy part")
    parser.add_argument("--profile", type=Path, default=None, help="cProfile each import")
    parser.add_argument(
        "--breakdown", action="store_true", help="also import on PostGIS without foreign keys"
    )
    args = parser.parse_args()
    paths = sorted(args.data.glob("PRSA_Data_*.csv"))
    if not paths:
        sys.exit(f"error: no PRSA_Data_*.csv files in {args.data}")
    files = [SourceFile(p.name, p.read_bytes()) for p in paths]
    bare = bare_read(paths)
    backends = [("spatialite", None)]
    if os.environ.get("ECOLEADS_TEST_POSTGIS_URL"):
        backends.append(("postgis", os.environ["ECOLEADS_TEST_POSTGIS_URL"]))
    else:
        print("ECOLEADS_TEST_POSTGIS_URL is not set: PostGIS not measured (use make bench)")
    pg_url = os.environ.get("ECOLEADS_TEST_POSTGIS_URL")
    floor = copy_floor(pg_url, files) if pg_url else None
    rows_in = sum(f.data.count(b"\n") - 1 for f in files)
    print(f"{len(paths)} files, {rows_in:,} data rows")
    print(f"bare pandas.read_csv: {bare:.2f} s")
    if floor:
        print(f"PostgreSQL COPY (csv text) of the raw rows into a temp table: {floor:.2f} s")
    sessions = None
    results: list[tuple[str, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        bare_sqlite, keyed_sqlite = sqlite_floors(paths, tmp)
        print(
            f"SQLite executemany of the same rows: {bare_sqlite:.2f} s keyless, "
            f"{keyed_sqlite:.2f} s with the unique (station, hour) key"
        )
        for name, url in backends:
            out = args.profile.with_suffix(f".{name}") if args.profile else None
            secs, rows, made = import_on(url or f"sqlite:///{tmp}/bench.db", files, tmp, out)
            sessions = sessions or made
            results.append((name, secs, rows))
        if args.breakdown and pg_url:
            secs, rows, _ = import_on(pg_url, files, tmp, ddl=WITHOUT_FOREIGN_KEYS)
            results.append(("postgis-fk", secs, rows))
        print(
            f"\n{'backend':<11} {'rows':>9} {'import s':>9} {'rows/s':>9} "
            f"{'x read_csv':>10} {'x COPY':>7}"
        )
        for name, secs, rows in results:
            vs_copy = f"{secs / floor:7.1f}" if floor else f"{'-':>7}"
            print(
                f"{name:<11} {rows:>9,} {secs:>9.2f} {rows / secs:>9,.0f} "
                f"{secs / bare:>10.1f} {vs_copy}"
            )
        if args.import_only:
            return
        t0 = time.perf_counter()
        result = accuracy(sessions, args.days)
    print(
        f"daily PM10, leave-one-station-out over days with >= {MIN_STATIONS} stations "
        f"({time.perf_counter() - t0:.0f} s):"
    )
    for method, (rmse, mae, n) in result.items():
        print(f"  {method:9s} RMSE {rmse:6.2f}  MAE {mae:6.2f} µg/m³  ({n:,} station-days)")
    base = result["baseline"][0]
    for method in ("idw", "kriging"):
        print(f"  {method} RMSE is {result[method][0] / base:.2f}x the baseline's")


if __name__ == "__main__":
    main()
