"""Volunteers' snap-and-report (随手拍): submit, follow, and (prosecutors) review."""

from typing import Annotated

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    Header,
    Query,
    Request,
    Response,
    UploadFile,
)

from app.auth import Allow, Principal
from app.deps import DbId, Offset, SessionDep, SettingsDep
from app.errors import TooLarge
from app.http.routing import TransactionRoute
from app.presenters.reports import report_read
from app.schemas.common import Instant
from app.schemas.reports import ReportRead
from app.services.files.archived_store import evidence_store
from app.services.files.evidence_store import EvidenceStore
from app.services.reports.intake import PhotoUpload, ReportInput, create_report
from app.services.reports.placing import place_waiting_reports_now
from app.services.reports.queries import get_report, list_reports, photo_file
from app.settings import Settings
from rules.categories import CATEGORIES

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], route_class=TransactionRoute)
Submitter = Annotated[Principal, Depends(Allow("reports:write", "volunteer", "admin"))]
Reader = Annotated[
    Principal, Depends(Allow("reports:read", "volunteer", "prosecutor", "admin", "partner"))
]


def store_of(settings: Settings) -> EvidenceStore:
    """The evidence store configured for this service."""
    return evidence_store(settings)


def _read_photos(files: list[UploadFile], settings: Settings) -> list[PhotoUpload]:
    out = []
    for n, f in enumerate(files, start=1):
        data = f.file.read(settings.photo_max_bytes + 1)
        if len(data) > settings.photo_max_bytes:
            raise TooLarge(
                f"photo {n}: larger than the limit of {settings.photo_max_bytes:,} bytes"
            )
        out.append(PhotoUpload(f.filename, data))
    return out


@router.post(
    "",
    status_code=201,
    summary="Submit a report with 1-9 photos",
    responses={200: {"description": "an Idempotency-Key replay: the earlier report"}},
)
def submit_report(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: Submitter,
    response: Response,
    background: BackgroundTasks,
    photos: Annotated[list[UploadFile], File(description="1 to 9 JPEG/PNG/WebP/HEIC photos")],
    category: Annotated[str, Form(description=", ".join(CATEGORIES))],
    description: Annotated[str, Form()] = "",
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    crs: Annotated[str, Form(description="wgs84, gcj02 or bd09")] = "wgs84",
    accuracy_m: Annotated[float | None, Form(ge=0, allow_inf_nan=False)] = None,
    manual_pin: Annotated[bool, Form(description="lat/lon is a pin placed on a map")] = False,
    observed_at: Annotated[Instant | None, Form()] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> ReportRead:
    """Take in a report; retries with the same Idempotency-Key return the first report.

    A plain (sync) route: decoding photos is CPU work for the thread pool, not the event loop.
    The report is placed in a lead right after the answer (app.services.reports.placing).
    """
    inp = ReportInput(
        category=category,
        description=description,
        photos=_read_photos(photos, settings),
        lat=lat,
        lon=lon,
        crs=crs,
        accuracy_m=accuracy_m,
        manual_pin=manual_pin,
        observed_at=observed_at,
        idempotency_key=idempotency_key,
    )
    report, created = create_report(
        session,
        user=caller.user,
        token=caller.token,
        inp=inp,
        settings=settings,
        store=store_of(settings),
        reader=request.app.state.sessions,
    )
    if created:
        background.add_task(place_waiting_reports_now, request.app.state.write_sessions, settings)
    else:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/api/v1/reports/{report.id}"
    return report_read(
        session,
        caller.user,
        report,
        get_report(session, user=caller.user, report_id=report.id)[1],
    )


@router.get("", summary="List reports (a volunteer's own; a prosecutor's jurisdiction)")
def reports(
    session: SessionDep,
    caller: Reader,
    status: str | None = None,
    category: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> list[ReportRead]:
    """Return a page of the reports the caller may see, newest first."""
    found, photos = list_reports(
        session, user=caller.user, status=status, category=category, limit=limit, offset=offset
    )
    return [report_read(session, caller.user, r, photos[r.id]) for r in found]


@router.get("/{report_id}", summary="Read a report")
def report(report_id: DbId, session: SessionDep, caller: Reader) -> ReportRead:
    """Return one report the caller may see."""
    return report_read(
        session, caller.user, *get_report(session, user=caller.user, report_id=report_id)
    )


@router.get(
    "/{report_id}/photos/{n}",
    summary="A photo: display copy, thumbnail or original",
    response_class=Response,
)
def photo(
    report_id: DbId,
    n: DbId,
    session: SessionDep,
    settings: SettingsDep,
    caller: Reader,
    size: Annotated[str, Query(pattern="^(display|thumb)$")] = "display",
    original: Annotated[bool, Query(description="the original bytes (prosecutors)")] = False,
) -> Response:
    """Return an EXIF-free display copy, or for prosecutors the original evidence file."""
    variant = "original" if original else size
    data, media, p = photo_file(
        session,
        user=caller.user,
        store=store_of(settings),
        report_id=report_id,
        position=n,
        variant=variant,
    )
    headers = {"X-Evidence-SHA256": p.sha256} if original else {}
    return Response(data, media_type=media, headers=headers)
