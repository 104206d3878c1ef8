"""Organisations (procuratorates) and their jurisdictions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping

from app.auth import Allow, Principal
from app.deps import SessionDep
from app.http.routing import TransactionRoute
from app.presenters.rows import from_row
from app.schemas.organisations import OrganisationRead
from app.services.accounts.organisations import get_organisation, list_organisations
from models import Organisation

router = APIRouter(
    prefix="/api/v1/organisations", tags=["organisations"], route_class=TransactionRoute
)
Reader = Annotated[
    Principal, Depends(Allow("organisations:read", "admin", "prosecutor", "partner"))
]


def _read(org: Organisation, geometry: bool) -> OrganisationRead:
    out = from_row(OrganisationRead, org, unset={"jurisdiction"})
    if geometry:  # set only when asked for: unset fields are left out of the answer
        out.jurisdiction = mapping(to_shape(org.jurisdiction)) if org.jurisdiction else None
    return out


@router.get("", summary="List organisations", response_model_exclude_unset=True)
def organisations(session: SessionDep, _: Reader) -> list[OrganisationRead]:
    """List own and partner procuratorates."""
    return [_read(o, geometry=False) for o in list_organisations(session)]


@router.get("/{code}", summary="Read an organisation", response_model_exclude_unset=True)
def organisation(
    code: str,
    session: SessionDep,
    _: Reader,
    geometry: Annotated[bool, Query(description="include the jurisdiction geometry")] = False,
) -> OrganisationRead:
    """Return one organisation, optionally with its jurisdiction as GeoJSON."""
    return _read(get_organisation(session, code=code), geometry)
