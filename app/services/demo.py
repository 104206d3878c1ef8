"""Load the demo dataset (demo/manifest.json): layers and organisations, idempotently."""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.layers import get_layer, import_layer
from app.services.organisations import upsert_organisation
from app.services.uploads import sha256_file
from geo.layers import ReadOptions
from geo.progress import Progress, no_progress
from models import Layer

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


def load_demo(
    session: Session, *, root: Path = DEMO_DIR, progress: Progress = no_progress
) -> dict[str, Any]:
    """Import every demo layer whose file changed since its last version, then the orgs."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    imported, unchanged = [], []
    entries = manifest["layers"]
    for n, entry in enumerate(entries):
        path = root / entry["file"]
        progress(n / (len(entries) + 1), f"layer {entry['name']}")
        if session.scalar(select(Layer.id).where(Layer.name == entry["name"])) is not None:
            _, versions = get_layer(session, ref=entry["name"])
            if versions and versions[0].source_sha256 == sha256_file(path):
                unchanged.append(entry["name"])
                continue
        import_layer(
            session,
            path=path,
            name=entry["name"],
            kind=entry["kind"],
            title=entry.get("title"),
            filename=path.name,
            options=ReadOptions(
                kind=entry["kind"],
                crs=entry.get("crs"),
                name_field=entry.get("name_field"),
                level_field=entry.get("level_field"),
                code_field=entry.get("code_field"),
            ),
        )
        imported.append(entry["name"])
    progress(len(entries) / (len(entries) + 1), "organisations")
    for org in manifest["organisations"]:
        juris = org.get("jurisdiction") or {}
        upsert_organisation(
            session,
            code=org["code"],
            name=org["name"],
            name_en=org.get("name_en"),
            role=org["role"],
            level=org["level"],
            parent_code=org.get("parent"),
            layer=juris.get("layer"),
            feature_code=juris.get("feature_code"),
        )
    progress(1.0, "demo loaded")
    return {
        "imported": imported,
        "unchanged": unchanged,
        "organisations": len(manifest["organisations"]),
    }
