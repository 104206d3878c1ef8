"""Scratch space: a job killed mid-run leaves its temporary rasters; the next sweep (at
start-up, and as workers recover jobs) removes what no living process owns."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.services.files.scratch import process_scratch, sweep_scratch

HOLDER = """
import sys, time
from pathlib import Path
from app.services.files.scratch import process_scratch
d = process_scratch(Path(sys.argv[1]))
(d / "half-written.cog.tif").write_bytes(b"x" * 1_000_000)
print(d, flush=True)
time.sleep(600)
"""


def _holder(root: Path) -> tuple[subprocess.Popen[str], Path]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE,
                            text=True, cwd=Path(__file__).parents[2])  # fmt: skip
    assert proc.stdout is not None
    return proc, Path(proc.stdout.readline().strip())


def test_a_killed_process_leaves_scratch_that_the_next_sweep_removes(tmp_path: Path) -> None:
    root = tmp_path / "scratch"
    alive, alive_dir = _holder(root)
    killed, killed_dir = _holder(root)
    mine = process_scratch(root)
    (mine / "in-use.tif").write_bytes(b"y")
    (root / "old-layout.cog.tif").write_bytes(b"z" * 10)  # written straight into the root
    try:
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(10)
        swept = sweep_scratch(root)
        assert swept.directories == 1 and swept.files == 3  # its owner file, its raster, loose
        assert swept.bytes == 1_000_010
        assert not killed_dir.exists() and not (root / "old-layout.cog.tif").exists()
        assert (alive_dir / "half-written.cog.tif").exists()  # its owner still runs
        assert (mine / "in-use.tif").exists()
    finally:
        alive.kill()
        alive.wait(10)
    assert sweep_scratch(root).directories == 1 and not alive_dir.exists()


def test_a_directory_being_made_is_left_alone(tmp_path: Path) -> None:
    young = tmp_path / "host-1-new"
    young.mkdir()  # no owner file yet: made a moment ago
    assert sweep_scratch(tmp_path).directories == 0 and young.exists()
    old = time.time() - 3600
    os.utime(young, (old, old))
    assert sweep_scratch(tmp_path).directories == 1 and not young.exists()
