"""Organisations (procuratorates) and their jurisdictions."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping

from app.auth import Allow, Principal
from app.deps import SessionDep
from app.services.organisations import get_organisation, list_organisations
from models import Organisation

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])
Reader = Annotated[
    Principal, Depends(Allow("organisations:read", "admin", "prosecutor", "partner"))
]


def _read(org: Organisation, geometry: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": org.id,
        "code": org.code,
        "name": org.name,
        "name_en": org.name_en,
        "role": org.role,
        "level": org.level,
        "parent_id": org.parent_id,
        "admin_code": org.admin_code,
        "jurisdiction_source": org.jurisdiction_source,
    }
    if geometry:
        out["jurisdiction"] = mapping(to_shape(org.jurisdiction)) if org.jurisdiction else None
    return out


@router.get("", summary="List organisations")
def organisations(session: SessionDep, _: Reader) -> list[dict[str, Any]]:
    """List own and partner procuratorates."""
    return [_read(o, geometry=False) for o in list_organisations(session)]


@router.get("/{code}", summary="Read an organisation")
def organisation(
    code: str,
    session: SessionDep,
    _: Reader,
    geometry: Annotated[bool, Query(description="include the jurisdiction geometry")] = False,
) -> dict[str, Any]:
    """Return one organisation, optionally with its jurisdiction as GeoJSON."""
    return _read(get_organisation(session, code=code), geometry)
