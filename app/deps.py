"""Annotated dependency aliases used by the routers."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

from app.auth import Allow, Principal
from app.db import get_session
from app.errors import Invalid
from app.schemas.common import ID_MAX
from app.services.leads.workflow import get_lead
from app.settings import Settings
from models import Lead

# scope="function": the commit happens before the response is sent, so a client never
# reads back a state that is not stored yet, and a failed commit is an error response.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_app_settings(request: Request) -> Settings:
    """Return the settings the application was built with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]

# Integer parameters that reach the database are bounded to its id range (ID_MAX), so a
# huge number is a 422 rather than a driver overflow error (a 500); the OpenAPI document
# states the bounds.
DbId = Annotated[int, Path(ge=1, le=ID_MAX)]
DbIdQuery = Annotated[int | None, Query(ge=1, le=ID_MAX)]
Offset = Annotated[int, Query(ge=0, le=ID_MAX, description="rows to skip")]


def parse_bbox(
    bbox: Annotated[
        str | None,
        Query(
            description="minLon,minLat,maxLon,maxLat (WGS-84)", examples=["115.3,40.2,115.9,40.6"]
        ),
    ] = None,
) -> tuple[float, float, float, float] | None:
    """Parse a bbox query parameter."""
    if bbox is None:
        return None
    try:
        minx, miny, maxx, maxy = (float(v) for v in bbox.split(","))
    except ValueError as exc:
        raise Invalid("bbox must be four numbers: minLon,minLat,maxLon,maxLat") from exc
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise Invalid(
            "bbox must satisfy -180 <= minLon < maxLon <= 180, -90 <= minLat < maxLat <= 90"
        )
    return minx, miny, maxx, maxy


BBoxDep = Annotated[tuple[float, float, float, float] | None, Depends(parse_bbox)]

# Prosecutors and admins read leads and act on them (and on their suggestions) with these.
LeadReader = Annotated[Principal, Depends(Allow("leads:read", "prosecutor", "admin"))]
LeadWriter = Annotated[Principal, Depends(Allow("leads:write", "prosecutor", "admin"))]


def lead_visible_to(allow: Allow) -> Callable[..., Lead]:
    """Return a dependency loading the path's lead for a caller `allow` admits: 401 or 403
    from `allow`, 422 for an id out of range, 404 for a lead the caller may not see."""

    def visible_lead(
        caller: Annotated[Principal, Depends(allow)], lead_id: DbId, session: SessionDep
    ) -> Lead:
        return get_lead(session, user=caller.user, lead_id=lead_id)

    return visible_lead
