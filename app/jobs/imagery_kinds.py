"""The job kinds of imagery: import, change detection, remediation re-check."""

from typing import Any

from app.jobs.registry import JobContext, job_kind
from app.services.files.archived_store import evidence_store
from app.services.imagery.change import ChangeRequest, detect
from app.services.imagery.ingest import ImageUpload, import_image
from app.services.imagery.rechecks import recheck
from models import User


@job_kind("imagery_import")
def run_imagery_import(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Import an uploaded image (original kept, COG written, footprint traced)."""
    image = import_image(
        ctx.session,
        upload=ImageUpload.from_params(params),
        store=evidence_store(ctx.settings),
        settings=ctx.settings,
        user_id=params.get("user_id"),
        progress=ctx.report,
    )
    return {
        "image_id": image.id,
        "kind": image.kind,
        "sha256": image.original_sha256,
        "cog_sha256": image.cog_sha256,
        "evidence_id": image.evidence_id,
        "stac": f"/api/v1/imagery/{image.id}",
    }


@job_kind("change_detection")
def run_change_detection(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Compare two images; changes in protected zones become evidence."""
    detection = detect(
        ctx.session,
        req=ChangeRequest(**params["request"]),
        store=evidence_store(ctx.settings),
        settings=ctx.settings,
        user_id=params.get("user_id"),
        progress=ctx.report,
    )
    return {
        "detection_id": detection.id,
        "polygons": detection.summary["polygons"],
        "evidence": detection.summary["evidence"],
        "leads": detection.summary["leads"],
        "href": f"/api/v1/change-detections/{detection.id}",
    }


@job_kind("imagery_recheck")
def run_recheck(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Measure how much of a lead's changed area a newer image shows restored."""
    record = recheck(
        ctx.session,
        user=ctx.session.get_one(User, params["user_id"]),
        lead_id=params["lead_id"],
        after_id=params["after"],
        store=evidence_store(ctx.settings),
        settings=ctx.settings,
        progress=ctx.report,
    )
    return {
        "recheck_id": record.id,
        "lead_id": record.lead_id,
        "restored_fraction": record.restored_fraction,
        "href": f"/api/v1/leads/{record.lead_id}/rechecks",
    }
