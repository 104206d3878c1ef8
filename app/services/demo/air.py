"""Load the demo air data (demo/manifest.json "air"): readings and hotspots, once each."""

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.air.hotspots import import_hotspots
from app.services.air.imports import SourceFile, import_readings
from app.services.air.surfaces import SurfaceRequest, create_surface
from app.services.demo.base import DEMO_DIR
from app.settings import Settings
from models import AirImport


def load_demo_air(session: Session, *, settings: Settings, root: Path = DEMO_DIR) -> list[str]:
    """Import the demo readings and hotspots unless files with the same hashes are in."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    seen = {f["sha256"] for r in session.scalars(select(AirImport)) for f in r.files}
    done = []
    for part in ("readings", "hotspots"):
        entry = manifest.get("air", {}).get(part)
        if not entry:
            continue
        files = [SourceFile(Path(f).name, (root / f).read_bytes()) for f in entry["files"]]
        if all(hashlib.sha256(f.data).hexdigest() in seen for f in files):
            continue
        if entry["format"] == "firms":
            import_hotspots(session, files=files, settings=settings, actor="demo")
        else:
            import_readings(
                session, files=files, fmt=entry["format"], settings=settings, actor="demo"
            )
        done.append(part)
    if "readings" in done:
        _demo_surface(session, settings, manifest["air"].get("surface"))
        done.append("surface")
    return done


def _demo_surface(session: Session, settings: Settings, spec: dict[str, Any] | None) -> None:
    """Estimate the demo's PM10 surface (its day and area are in the manifest)."""
    if spec:
        req = SurfaceRequest(
            bbox=tuple(spec["bbox"]),  # type: ignore[arg-type]
            cell_m=spec["cell_m"],
            day=date.fromisoformat(spec["day"]),
        )
        create_surface(session, req=req, settings=settings)
