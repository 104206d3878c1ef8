"""Leads (线索): list, read with evidence and explanation, workflow, assignment."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.acting import act
from app.auth import Allow, Principal
from app.deps import (
    BBoxDep,
    DbId,
    DbIdQuery,
    LeadReader,
    LeadWriter,
    Offset,
    SessionDep,
    SettingsDep,
    lead_visible_to,
)
from app.errors import Invalid
from app.http.responses import GEOJSON, GeoJSONResponse, media
from app.http.routing import TransactionRoute
from app.presenters.leads import lead_collection, lead_read, lead_summary, weights_read
from app.schemas.common import Instant
from app.schemas.lead_actions import (
    AssignRequest,
    MergeRequest,
    SplitRequest,
    TransitionRequest,
    WeightsRequest,
)
from app.schemas.leads import (
    FindingCreate,
    FindingRead,
    LeadCollection,
    LeadMap,
    LeadRead,
    LeadSummary,
    WeightsRead,
)
from app.services.dossiers.lead_file import make_dossier, now_stamp
from app.services.files.archived_store import evidence_store
from app.services.leads.build import list_weights, new_weights
from app.services.leads.findings import record_finding
from app.services.leads.map_view import lead_map
from app.services.leads.regroup import merge, split
from app.services.leads.steps import StepDetails
from app.services.leads.workflow import LeadFilter, assign, list_leads, transition
from models import Lead

router = APIRouter(prefix="/api/v1", tags=["leads"], route_class=TransactionRoute)
# Partners read the leads shared with them (app/services/access.py), and nothing else here.
shared_read = Allow("leads:read", "prosecutor", "admin", "partner")
SharedReader = Annotated[Principal, Depends(shared_read)]
SharedLead = Annotated[Lead, Depends(lead_visible_to(shared_read))]
Admin = Annotated[Principal, Depends(Allow("leads:write", "admin"))]


def lead_filter(
    bbox: BBoxDep,
    status: str | None = None,
    category: str | None = None,
    org: Annotated[str | None, Query(description="organisation code (and those below)")] = None,
    assignee_id: DbIdQuery = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    since: Annotated[Instant | None, Query(description="evidence on or after")] = None,
    until: Annotated[Instant | None, Query(description="evidence on or before")] = None,
) -> LeadFilter:
    """Parse the lead search filters shared by the list and the map."""
    return LeadFilter(
        bbox=bbox,
        status=status,
        category=category,
        org_code=org,
        assignee_id=assignee_id,
        min_score=min_score,
        max_score=max_score,
        since=since,
        until=until,
    )


FilterDep = Annotated[LeadFilter, Depends(lead_filter)]


@router.get(
    "/leads",
    summary="Search leads: filters, sort by score or time, JSON or GeoJSON",
    response_model=list[LeadSummary],
    responses=media(GEOJSON, "a page of leads (`format=geojson`: GeoJSON)", LeadCollection),
)
def leads(
    session: SessionDep,
    caller: SharedReader,
    response: Response,
    where: FilterDep,
    sort: Annotated[str, Query(pattern="^(score|time)$")] = "score",
    format: Annotated[str, Query(pattern="^(json|geojson)$")] = "json",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> list[LeadSummary] | GeoJSONResponse:
    """Return a page of the leads of the caller's organisations (X-Total-Count: all matches)."""
    found, total = list_leads(
        session, user=caller.user, where=where, sort=sort, limit=limit, offset=offset
    )
    response.headers["X-Total-Count"] = str(total)
    if format == "json":
        return [lead_summary(lead) for lead in found]
    return GeoJSONResponse(lead_collection(found, total), headers={"X-Total-Count": str(total)})


@router.get(
    "/leads/map",
    summary="The leads of a map view: each lead, or clusters",
    response_class=GeoJSONResponse,
    responses=media(GEOJSON, "the view's leads, or clusters of them", LeadMap),
)
def leads_map(
    session: SessionDep,
    caller: SharedReader,
    where: FilterDep,
    zoom: Annotated[float, Query(ge=0, le=22, description="web-mercator zoom of the view")],
) -> GeoJSONResponse:
    """Return the view's leads one by one when few, else grid clusters (GeoJSON)."""
    if where.bbox is None:
        raise Invalid("the map needs a bbox")
    return GeoJSONResponse(lead_map(session, user=caller.user, where=where, zoom=zoom))


@router.get(
    "/leads/{lead_id}",
    summary="A lead with evidence, score, legal bases, timeline",
    response_model_exclude_unset=True,  # a score entry has `details` only when it has some
)
def lead(found: SharedLead, session: SessionDep, caller: SharedReader) -> LeadRead:
    """Return one lead with everything a prosecutor needs to triage it."""
    return lead_read(session, found, caller.user)


@router.post(
    "/leads/{lead_id}/elements",
    status_code=201,
    summary="Record what investigation found on an evidence element (proven or not)",
)
def add_finding(
    lead_id: DbId, req: FindingCreate, session: SessionDep, caller: LeadWriter
) -> FindingRead:
    """The newest finding per element decides it in the legal bases (logged; re-matched)."""
    return FindingRead.model_validate(act(record_finding, session, caller, req, lead_id=lead_id))


@router.post("/leads/{lead_id}/transitions", summary="Move a lead through the workflow")
def move(
    lead_id: DbId,
    req: TransitionRequest,
    session: SessionDep,
    settings: SettingsDep,
    caller: LeadWriter,
) -> LeadSummary:
    """Apply an allowed transition with its note (logged)."""
    return lead_summary(
        transition(
            session,
            user=caller.user,
            lead_id=lead_id,
            to=req.to,
            note=req.note,
            details=StepDetails(**req.model_dump(exclude={"to", "note"})),
            closed=settings.non_working_days(),
        )
    )


@router.post("/leads/{lead_id}/assign", summary="Assign a lead to a prosecutor")
def assign_lead(
    lead_id: DbId, req: AssignRequest, session: SessionDep, caller: LeadWriter
) -> LeadSummary:
    """Assign the lead (logged)."""
    return lead_summary(act(assign, session, caller, req, lead_id=lead_id))


@router.get(
    "/leads/{lead_id}/dossier",
    summary="The lead file: a signed ZIP (HTML, PDF, map, originals)",
    response_class=Response,
    responses=media("application/zip", "the signed dossier (ZIP)"),
)
def dossier(
    lead_id: DbId, session: SessionDep, settings: SettingsDep, caller: LeadReader
) -> Response:
    """Build the lead's dossier; verify it with `ecoleads dossier verify FILE.zip`."""
    data = make_dossier(
        session,
        user=caller.user,
        lead_id=lead_id,
        store=evidence_store(settings),
        key_path=settings.dossier_key_path,
    )
    name = f"lead-{lead_id}-dossier-{now_stamp()}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/leads/merge", summary="Merge two leads (the source becomes a duplicate)")
def merge_leads(
    req: MergeRequest, session: SessionDep, settings: SettingsDep, caller: LeadWriter
) -> LeadSummary:
    """Move the source's evidence into the target (logged on both)."""
    return lead_summary(
        merge(
            session,
            user=caller.user,
            target_id=req.target,
            source_id=req.source,
            note=req.note,
            settings=settings,
        )
    )


@router.post("/leads/{lead_id}/split", status_code=201, summary="Split evidence into a new lead")
def split_lead(
    lead_id: DbId, req: SplitRequest, session: SessionDep, settings: SettingsDep, caller: LeadWriter
) -> LeadSummary:
    """Create a new lead from some of this lead's evidence (logged on both)."""
    return lead_summary(act(split, session, caller, req, lead_id=lead_id, settings=settings))


@router.get("/score-weights", summary="Scoring weights, newest version first")
def weights(session: SessionDep, caller: LeadReader) -> list[WeightsRead]:
    """List every version of the weights."""
    return [weights_read(w) for w in list_weights(session)]


@router.post("/score-weights", status_code=201, summary="Add a weights version (admins)")
def add_weights(req: WeightsRequest, session: SessionDep, caller: Admin) -> WeightsRead:
    """Store new weights; leads are re-scored with them when their evidence next changes."""
    return weights_read(new_weights(session, user=caller.user, weights=req.weights, note=req.note))
