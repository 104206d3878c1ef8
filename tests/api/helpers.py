"""Small helpers shared by the API tests."""

import contextlib
import os
import socket
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from subprocess import Popen
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from models import EvidenceItem
from rules.working_days import CHINA

DATA = Path(__file__).parents[1] / "data"


def upload_layer(client: TestClient, fixture: str, **form: str) -> Any:
    """POST a fixture file to /api/v1/layers with form fields."""
    path = DATA / fixture
    with path.open("rb") as fh:
        return client.post("/api/v1/layers", files={"file": (path.name, fh)}, data=form)


def wait_for_job(client: TestClient, job_id: str, timeout_s: float = 60) -> dict[str, Any]:
    """Poll a job until it finishes; return its final state."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout_s} s")


def layer_state(client: TestClient) -> list[tuple[str, int]]:
    """Return (layer name, number of versions) for every layer."""
    return [(lyr["name"], len(lyr["versions"])) for lyr in client.get("/api/v1/layers").json()]


@contextlib.contextmanager
def serve_process(url: str, data_dir: Path, **env: str) -> Iterator[tuple[str, Popen[bytes]]]:
    """Run `ecoleads serve` on a free port with ECOLEADS_* settings; yield its base URL and
    process once it answers; kill it afterwards if it still runs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = {"DATABASE_URL": url, "DATA_DIR": str(data_dir), "PORT": str(port), **env}
    proc = Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        env={**os.environ, **{f"ECOLEADS_{k.upper()}": v for k, v in settings.items()}},
        cwd=Path(__file__).parents[2],
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            assert proc.poll() is None, "the service did not start"
            time.sleep(0.1)
        yield base, proc
    finally:
        proc.kill()
        proc.wait(10)


def working_day_from(day: date) -> date:
    """The first working day from `day` on (a period ending on a non-working day rolls)."""
    while day in CHINA:
        day += timedelta(days=1)
    return day


def waiting_reports(engine: Engine) -> int:
    """How many answered reports are not placed in a lead yet."""
    with engine.connect() as conn:
        count = conn.scalar(
            select(func.count())
            .select_from(EvidenceItem)
            .where(EvidenceItem.lead_id.is_(None), EvidenceItem.report_id.is_not(None))
        )
    return int(count or 0)


def wait_placed(engine: Engine, timeout_s: float = 30) -> None:
    """Wait until a live service has placed every answered report in a lead (it does so
    right after each answer)."""
    deadline = time.monotonic() + timeout_s
    while waiting_reports(engine):
        assert time.monotonic() < deadline, "reports still wait for a lead"
        time.sleep(0.05)
