"""Small helpers shared by the API tests."""

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

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
