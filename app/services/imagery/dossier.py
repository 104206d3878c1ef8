"""What a lead's imagery adds to its dossier: the original images as evidence files, and
before/after figures of each change polygon (and of the latest re-check)."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.dossier import DossierFigure, DossierFile
from app.services.files.evidence_store import EvidenceStore
from app.services.imagery.catalog import GEOTIFF, cog_path, scale_of
from app.services.imagery.rechecks import latest_recheck
from geo.imagery.figures import before_after_png
from models import ChangeDetection, ChangePolygon, EvidenceItem, Image

# Originals larger than this are listed by SHA-256 (kept in the evidence store), not copied.
MAX_ORIGINAL_BYTES = 50 * 1024 * 1024
# Figures for at most this many change polygons (the largest).
MAX_FIGURES = 6
CONFIDENCE_ZH = {"low": "低", "high": "高", "highest": "最高"}


@dataclass
class ImageryPart:
    """Files, evidence rows, figures and facts for the dossier."""

    files: list[DossierFile] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    figures: list[tuple[DossierFigure, DossierFigure]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)


def _file_name(image: Image) -> str:
    return f"image{image.id}_{Path(image.original_name).name}"


def _row(n: int, item: EvidenceItem, image: Image, role: str, large: bool) -> dict[str, Any]:
    point = to_shape(item.geom).centroid
    flags = ["illustrative 示意"] if image.illustrative else []
    if large:
        flags.append(f"original in evidence store ({image.original_bytes:,} bytes)")
    return {
        "n": n,
        "kind": f"{item.kind} ({role})",
        "taken_at": image.acquired_at,
        "location": f"{point.y:.6f} N, {point.x:.6f} E",
        "source": f"{image.sensor}: {image.title or image.original_name}",
        "sha256": image.original_sha256,
        "flags": ", ".join(flags),
        "file_name": None if large else _file_name(image),
    }


def imagery_part(
    session: Session, *, lead_id: int, items: list[EvidenceItem], store: EvidenceStore
) -> ImageryPart:
    """The lead's imagery evidence for its dossier."""
    part = ImageryPart()
    added: set[int] = set()

    def add(n: int, item: EvidenceItem, image: Image, role: str) -> None:
        large = image.original_bytes > MAX_ORIGINAL_BYTES
        if image.id not in added and not large:
            media = "image/jpeg" if image.kind == "drone_photo" else GEOTIFF
            part.files.append(
                DossierFile(_file_name(image), store.get(image.original_key), media, role)
            )
        added.add(image.id)
        part.rows.append(_row(n, item, image, role, large))

    numbered = {i.id: n for n, i in enumerate(items, start=1)}
    polygons = {
        p.evidence_id: p
        for p in session.scalars(
            select(ChangePolygon).where(ChangePolygon.evidence_id.in_(list(numbered)))
        )
    }
    for item in items:
        n = numbered[item.id]
        if item.kind == "drone_photo":
            image = session.scalar(select(Image).where(Image.evidence_id == item.id))
            if image is not None:
                add(n, item, image, "无人机照片 drone photo")
        polygon = polygons.get(item.id)
        if polygon is None:
            continue
        detection = session.get_one(ChangeDetection, polygon.detection_id)
        before = session.get_one(Image, detection.before_id)
        after = session.get_one(Image, detection.after_id)
        add(n, item, before, "变化前影像 before")
        add(n, item, after, "变化后影像 after")
        part.facts.append(
            (
                f"变化图斑 Change #{polygon.id} (证据 {n})",
                f"{detection.index.upper()} {detection.direction} ≥ {detection.threshold}, "
                f"{polygon.area_ha:.2f} ha, 平均变化 mean change {polygon.mean_change:+.3f}, "
                f"置信度 {CONFIDENCE_ZH[polygon.confidence]} ({polygon.confidence}); "
                f"{before.acquired_at:%Y-%m-%d} → {after.acquired_at:%Y-%m-%d}"
                + ("; 示意影像 illustrative imagery" if before.illustrative else ""),
            )
        )
    ranked = sorted(polygons.values(), key=lambda p: -p.area_ha)[:MAX_FIGURES]
    for polygon in ranked:
        detection = session.get_one(ChangeDetection, polygon.detection_id)
        before = session.get_one(Image, detection.before_id)
        after = session.get_one(Image, detection.after_id)
        part.figures.append(_pair(store, polygon, detection.index, before, after, "change"))
    recheck = latest_recheck(session, lead_id)
    if recheck is not None:
        checked = session.get_one(Image, recheck.after_id)
        shown = "—" if recheck.restored_fraction is None else f"{recheck.restored_fraction:.0%}"
        part.facts.append(
            (
                f"整改复核 Re-check #{recheck.id}",
                f"{checked.acquired_at:%Y-%m-%d} 影像 image {checked.id}: 已恢复 restored {shown}",
            )
        )
        for polygon in ranked[:2]:
            detection = session.get_one(ChangeDetection, polygon.detection_id)
            before = session.get_one(Image, detection.before_id)
            item = session.get_one(EvidenceItem, polygon.evidence_id)
            add(numbered[item.id], item, checked, "整改复核影像 re-check")
            part.figures.append(_pair(store, polygon, detection.index, before, checked, "recheck"))
    return part


def _pair(
    store: EvidenceStore,
    polygon: ChangePolygon,
    index: str,
    before: Image,
    after: Image,
    what: str,
) -> tuple[DossierFigure, DossierFigure]:
    first, second = before_after_png(
        cog_path(before, store),
        cog_path(after, store),
        to_shape(polygon.geom),
        before_bands=before.bands,
        before_scale=scale_of(before),
        after_bands=after.bands,
        after_scale=scale_of(after),
        index=index,
    )
    label = "整改复核 re-check" if what == "recheck" else "变化后 after"
    stem = f"figures/{what}_{polygon.id}"
    return (
        DossierFigure(
            f"{stem}_before.png",
            first,
            f"变化前 before: {before.acquired_at:%Y-%m-%d} ({index.upper()}), 图斑 #{polygon.id}",
        ),
        DossierFigure(
            f"{stem}_after.png",
            second,
            f"{label}: {after.acquired_at:%Y-%m-%d} ({index.upper()}), 图斑 #{polygon.id}",
        ),
    )
