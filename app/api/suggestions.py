"""Procuratorial suggestions (检察建议): overdue replies, service, reply, follow-up reviews."""

from fastapi import APIRouter

from app.api.acting import act
from app.deps import DbId, LeadReader, LeadWriter, SessionDep, SettingsDep
from app.http.routing import TransactionRoute
from app.presenters.rows import from_row
from app.schemas.leads import (
    FollowUpRequest,
    OverdueSuggestion,
    ReplyRequest,
    ServiceRequest,
    SuggestionRead,
)
from app.services.leads.suggestions import overdue, record_follow_up, record_reply, record_service

router = APIRouter(prefix="/api/v1", tags=["leads"], route_class=TransactionRoute)


@router.get("/suggestions/overdue", summary="Procuratorial suggestions past their deadline")
def overdue_suggestions(session: SessionDep, caller: LeadReader) -> list[OverdueSuggestion]:
    """List suggestions whose agency has not replied in time."""
    return [
        from_row(OverdueSuggestion, s, lead_id=lead.id)
        for s, lead in overdue(session, user=caller.user)
    ]


@router.post(
    "/suggestions/{suggestion_id}/service",
    summary="Record the day the agency received a suggestion (its reply period runs from there)",
)
def suggestion_service(
    suggestion_id: DbId,
    req: ServiceRequest,
    session: SessionDep,
    settings: SettingsDep,
    caller: LeadWriter,
) -> SuggestionRead:
    """The deadline is recomputed: two months (15 days if urgent) to the end of the day, CST."""
    return SuggestionRead.model_validate(
        act(
            record_service,
            session,
            caller,
            req,
            suggestion_id=suggestion_id,
            closed=settings.non_working_days(),
        )
    )


@router.post("/suggestions/{suggestion_id}/reply", summary="Record the agency's written reply")
def suggestion_reply(
    suggestion_id: DbId, req: ReplyRequest, session: SessionDep, caller: LeadWriter
) -> SuggestionRead:
    """Once per suggestion; the suggestion is then no longer overdue."""
    return SuggestionRead.model_validate(
        act(record_reply, session, caller, req, suggestion_id=suggestion_id)
    )


@router.post(
    "/suggestions/{suggestion_id}/follow-ups",
    status_code=201,
    summary="Record a follow-up review (跟进监督) of a replied suggestion",
)
def suggestion_follow_up(
    suggestion_id: DbId, req: FollowUpRequest, session: SessionDep, caller: LeadWriter
) -> SuggestionRead:
    """Whether the agency really acted, after its reply."""
    return SuggestionRead.model_validate(
        act(record_follow_up, session, caller, req, suggestion_id=suggestion_id)
    )
