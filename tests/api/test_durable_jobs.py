"""Durable jobs: `ecoleads worker` processes killed mid-job, sharing one queue, and a service
that only enqueues (ECOLEADS_JOB_RUNNER=external). Real processes, real databases."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.main import create_app
from models import Job, Layer, LayerVersion
from tests.conftest import Backend, bearer, login_as, make_settings

ROOT = Path(__file__).parents[2]
# Fast failure detection for the tests: heartbeat every 0.3 s, cut off after 2 s of silence.
FAST = {
    "ECOLEADS_JOB_HEARTBEAT_S": "0.3",
    "ECOLEADS_JOB_HEARTBEAT_TIMEOUT_S": "2",
    "ECOLEADS_JOB_POLL_S": "0.2",
    "ECOLEADS_LOG_JSON": "false",
}


def layer_file(tmp_path: Path, name: str, squares: int) -> Path:
    """Write a GeoJSON of small squares near Huailai (importing 3,000 takes a few seconds)."""
    features = []
    for i in range(squares):
        x, y = 114.5 + (i % 100) * 0.02, 40.3 + (i // 100) * 0.02
        ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"name": f"w{i}"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path = tmp_path / f"{name}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.fixture
def service(db: Backend, tmp_path: Path) -> Iterator[TestClient]:
    """The service with ECOLEADS_JOB_RUNNER=external: it enqueues and runs nothing."""
    settings = make_settings(db, tmp_path, job_runner="external", sync_import_max_bytes=1000)
    with TestClient(create_app(settings)) as c:
        c.headers.update(bearer(login_as(db, "admin")))
        yield c


def submit_import(client: TestClient, path: Path, name: str) -> str:
    """POST a layer large enough to run as a job; return the job's id."""
    with path.open("rb") as fh:
        form = {"name": name, "kind": "wetland"}
        r = client.post("/api/v1/layers", files={"file": (path.name, fh)}, data=form)
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def start_worker(db: Backend, tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """Start `python -m app.cli worker` on the test database and data directory."""
    full = {
        **os.environ,
        **FAST,
        **env,
        "ECOLEADS_DATABASE_URL": db.url,
        "ECOLEADS_DATA_DIR": str(tmp_path),
    }
    log = (tmp_path / f"worker-{time.monotonic_ns()}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=full,
        cwd=ROOT,
    )


def job_row(db: Backend, job_id: str) -> Job:
    with db.sessions() as s:
        job = s.get(Job, job_id)
        assert job is not None
        return job


def wait_until(check: Callable[[], Any], timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def stop(proc: subprocess.Popen[str]) -> int:
    """SIGTERM a worker (it finishes its job first) and return its exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


def kill_mid_job(db: Backend, tmp_path: Path, job_id: str, **env: str) -> Job:
    """Start a worker, SIGKILL it while it runs the job; return the job's row afterwards."""
    first = start_worker(db, tmp_path, **env)
    try:
        wait_until(lambda: job_row(db, job_id).status == "running", 60, "the job to start")
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    cut = job_row(db, job_id)
    assert cut.status == "running" and cut.attempts == 1, "the job ended before the kill"
    return cut


def versions(db: Backend, name: str) -> list[int]:
    with db.sessions() as s:
        return list(s.scalars(select(LayerVersion.version).join(Layer).where(Layer.name == name)))


def test_killed_worker_job_runs_again(service: TestClient, db: Backend, tmp_path: Path) -> None:
    job_id = submit_import(service, layer_file(tmp_path, "big", 3000), "big")
    time.sleep(0.5)
    assert service.get(f"/api/v1/jobs/{job_id}").json()["status"] == "queued"  # nobody runs it
    cut = kill_mid_job(db, tmp_path, job_id, ECOLEADS_JOB_MAX_ATTEMPTS="2")
    second = start_worker(db, tmp_path, ECOLEADS_JOB_MAX_ATTEMPTS="2")
    try:
        done = wait_until(
            lambda: (j := job_row(db, job_id)).status in ("succeeded", "failed") and j, 120, "end"
        )
    finally:
        assert stop(second) == 0  # SIGTERM: a clean stop
    assert done.status == "succeeded", done.error
    assert done.attempts == 2 and done.claimed_by != cut.claimed_by
    assert done.result is not None and done.result["feature_count"] == 3000
    assert versions(db, "big") == [1]  # the cut-off attempt committed nothing
    assert not any((tmp_path / "uploads").iterdir())  # the input is removed once done


def test_job_out_of_attempts_fails_as_interrupted(
    service: TestClient, db: Backend, tmp_path: Path
) -> None:
    job_id = submit_import(service, layer_file(tmp_path, "big", 3000), "big")
    kill_mid_job(db, tmp_path, job_id, ECOLEADS_JOB_MAX_ATTEMPTS="1")
    second = start_worker(db, tmp_path, ECOLEADS_JOB_MAX_ATTEMPTS="1")
    try:
        job = wait_until(
            lambda: (
                (j := service.get(f"/api/v1/jobs/{job_id}").json())["status"] != "running" and j
            ),
            60,
            "recovery",
        )
    finally:
        assert stop(second) == 0
    assert job["status"] == "failed" and job["error"]["type"] == "interrupted", job
    assert "worker stopped" in job["error"]["detail"]
    assert versions(db, "big") == []
    assert not any((tmp_path / "uploads").iterdir())


def test_two_workers_share_one_queue(service: TestClient, db: Backend, tmp_path: Path) -> None:
    # Enough work (about 15 s for one worker) that the second worker, started a moment
    # later, finds jobs left even on a busy machine.
    names = [f"layer{i}" for i in range(16)]
    ids = [submit_import(service, layer_file(tmp_path, n, 2000), n) for n in names]
    workers = [start_worker(db, tmp_path, "--once") for _ in range(2)]
    try:
        codes = [w.wait(timeout=300) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    assert codes == [0, 0]
    jobs = [job_row(db, i) for i in ids]
    assert [j.status for j in jobs] == ["succeeded"] * len(ids), [j.error for j in jobs]
    assert all(j.attempts == 1 for j in jobs)  # each claimed once
    assert all(versions(db, n) == [1] for n in names)  # each ran once
    claimers = {j.claimed_by for j in jobs}
    assert len(claimers) == 2, claimers  # both workers took jobs
