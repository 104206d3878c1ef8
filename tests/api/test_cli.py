"""The `ecoleads` command, run as a real process against each backend."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.helpers import DATA
from tests.conftest import Backend


def ecoleads(db: Backend, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI with the test database configured through the environment."""
    env = {**os.environ, "ECOLEADS_DATABASE_URL": db.url, "ECOLEADS_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
        timeout=120,
        check=False,
    )


def test_import_list_geocode_batch(db: Backend, tmp_path: Path) -> None:
    r = ecoleads(
        db,
        tmp_path,
        "layers",
        "import",
        str(DATA / "huailai_counties_gcj02.geojson"),
        "--kind",
        "admin_division",
        "--name",
        "counties",
        "--crs",
        "gcj02",
        "--code-field",
        "adcode",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["features"] == 3 and out["source_crs"] == "gcj02" and len(out["sha256"]) == 64
    assert "100%" in r.stderr  # the progress bar ran to the end
    listed = ecoleads(db, tmp_path, "layers", "list")
    assert listed.stdout.startswith("counties\tadmin_division\tv1\t3 features")
    org = ecoleads(
        db,
        tmp_path,
        "orgs",
        "upsert",
        "--code",
        "130730",
        "--name",
        "怀来县人民检察院",
        "--role",
        "own",
        "--level",
        "county",
        "--layer",
        "counties",
        "--feature-code",
        "130730",
    )
    assert org.returncode == 0 and "counties v1 #130730" in org.stdout
    g = ecoleads(db, tmp_path, "geocode", "--lon", "115.52", "--lat", "40.41")
    answer = json.loads(g.stdout)
    assert answer["admin"][0]["name"] == "怀来县"
    assert answer["responsible_organisations"][0]["code"] == "130730"
    out_csv = tmp_path / "out.csv"
    b = ecoleads(db, tmp_path, "geocode-batch", str(DATA / "points.csv"), "--out", str(out_csv))
    assert b.returncode == 0, b.stderr
    lines = out_csv.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 21 and lines[0].startswith("id,lon,lat,lon_wgs84")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            [
                "layers",
                "import",
                str(DATA / "zones_shp_noprj.zip"),
                "--kind",
                "wetland",
                "--name",
                "x",
            ],
            "no .prj",
        ),
        (
            ["layers", "import", str(DATA / "empty.geojson"), "--kind", "wetland", "--name", "x"],
            "0 features",
        ),
        (
            [
                "layers",
                "import",
                str(DATA / "bad_geometry.geojson"),
                "--kind",
                "wetland",
                "--name",
                "x",
            ],
            "invalid JSON",
        ),
        (["geocode", "--lon", "115", "--lat", "40", "--crs", "mars"], "unknown coordinate"),
        (["geocode", "--lon", "115"], "either lon and lat"),
        (
            ["orgs", "upsert", "--code", "1", "--name", "n", "--role", "boss", "--level", "city"],
            "role must be one of",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    db: Backend, tmp_path: Path, args: list[str], needle: str
) -> None:
    r = ecoleads(db, tmp_path, *args)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert ecoleads(db, tmp_path, "layers", "list").stdout == ""
