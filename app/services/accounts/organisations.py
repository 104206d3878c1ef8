"""Use cases for organisations (procuratorates) and their jurisdictions."""

import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.services.places.layers import get_layer
from models import LayerFeature, Organisation
from models.base import SRID
from models.org import ORG_LEVELS, ORG_ROLES


def upsert_organisation(
    session: Session,
    *,
    code: str,
    name: str,
    role: str,
    level: str,
    name_en: str | None = None,
    parent_code: str | None = None,
    layer: str | None = None,
    feature_code: str | None = None,
) -> Organisation:
    """Create or update an organisation; its jurisdiction is copied from a layer feature."""
    if role not in ORG_ROLES:
        raise Invalid(f"role must be one of {', '.join(ORG_ROLES)}, not {role!r}")
    if level not in ORG_LEVELS:
        raise Invalid(f"level must be one of {', '.join(ORG_LEVELS)}, not {level!r}")
    parent = None
    if parent_code:
        parent = session.scalar(select(Organisation).where(Organisation.code == parent_code))
        if parent is None:
            raise Invalid(f"parent organisation {parent_code!r} does not exist")
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        org = Organisation(code=code)
        session.add(org)
    org.name, org.name_en, org.role, org.level = name, name_en, role, level
    org.parent_id = parent.id if parent else None
    if layer and feature_code:
        lyr, versions = get_layer(session, ref=layer)
        if not versions:
            raise Invalid(f"layer {layer!r} has no versions")
        feature = session.scalar(
            select(LayerFeature).where(
                LayerFeature.layer_version_id == versions[0].id, LayerFeature.code == feature_code
            )
        )
        if feature is None:
            raise Invalid(f"layer {layer!r} has no feature with code {feature_code!r}")
        geom = to_shape(feature.geom)
        if shapely.get_type_id(geom) not in (3, 6):
            raise Invalid(f"feature {feature_code!r} of {layer!r} is not a polygon")
        org.jurisdiction = from_shape(shapely.multipolygons(shapely.get_parts(geom)), srid=SRID)
        org.admin_code = feature_code
        org.jurisdiction_source = f"{lyr.name} v{versions[0].version} #{feature_code}"
    session.flush()
    return org


def list_organisations(session: Session) -> list[Organisation]:
    """Return every organisation, own first, by code."""
    return list(
        session.scalars(select(Organisation).order_by(Organisation.role, Organisation.code))
    )


def get_organisation(session: Session, *, code: str) -> Organisation:
    """Return an organisation by code or raise NotFound."""
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise NotFound(f"organisation {code!r} not found")
    return org
