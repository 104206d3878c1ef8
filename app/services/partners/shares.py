"""Use cases: sharing agreements — the area a partner sees leads in (its jurisdiction plus
a buffer, or a named basin polygon). Every grant and revocation goes into the audit log."""

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.services import audit
from app.services.partners.common import partner_org
from app.services.places.layers import current_version_ids, get_layer
from geo.distance import buffer_m as widened_by_m
from models import LayerFeature, PartnerShare, User
from models.base import SRID, utcnow

MAX_BUFFER_M = 200_000.0


def grant_share(
    session: Session,
    *,
    user: User,
    org_code: str,
    buffer_m: float | None = None,
    basin: tuple[str, int] | None = None,
    note: str | None = None,
) -> PartnerShare:
    """Share the leads in an area with a partner: its jurisdiction widened by `buffer_m`, or
    the basin feature `basin` = (layer name, feature id) of a layer of kind basin."""
    org = partner_org(session, org_code)
    if (buffer_m is None) == (basin is None):
        raise Invalid("give either jurisdiction_buffer_m or basin, not both or neither")
    feature_id = None
    area: BaseGeometry
    if buffer_m is not None:
        if not 0 <= buffer_m <= MAX_BUFFER_M:
            raise Invalid(f"jurisdiction_buffer_m must be between 0 and {MAX_BUFFER_M:,.0f}")
        if org.jurisdiction is None:
            raise Invalid(f"organisation {org.code} has no jurisdiction polygon to widen")
        area = widened_by_m(to_shape(org.jurisdiction), buffer_m)
    else:
        assert basin is not None
        area, feature_id = _basin(session, *basin)
    share = PartnerShare(
        org_id=org.id,
        area_kind="jurisdiction_buffer" if buffer_m is not None else "basin",
        buffer_m=buffer_m,
        layer_feature_id=feature_id,
        geom=from_shape(area, srid=SRID),
        note=note,
        granted_by_id=user.id,
    )
    session.add(share)
    session.flush()
    audit.append_by(
        session,
        user,
        "share_grant",
        change={
            "share": share.id,
            "org": org.code,
            "area_kind": share.area_kind,
            "buffer_m": buffer_m,
            "basin": list(basin) if basin else None,
            "note": note,
        },
    )
    return share


def _basin(session: Session, layer: str, feature_id: int) -> tuple[BaseGeometry, int]:
    found, _ = get_layer(session, ref=layer)
    if found.kind != "basin":
        raise Invalid(f"layer {layer} is of kind {found.kind}, not basin")
    feature = session.scalar(
        select(LayerFeature).where(
            LayerFeature.id == feature_id,
            LayerFeature.layer_version_id.in_(current_version_ids(session)),
        )
    )
    if feature is None:
        raise Invalid(f"layer {layer} has no current feature {feature_id}")
    return to_shape(feature.geom), feature.id


def revoke_share(session: Session, *, user: User, share_id: int) -> PartnerShare:
    """End a sharing agreement (kept, with its revocation time, for the record)."""
    share = session.get(PartnerShare, share_id)
    if share is None:
        raise NotFound(f"no sharing agreement {share_id}")
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        audit.append_by(
            session,
            user,
            "share_revoke",
            change={"share": share.id, "org_id": share.org_id},
        )
    return share


def list_shares(session: Session, *, org_id: int | None = None) -> list[PartnerShare]:
    """Sharing agreements, newest first (one organisation's when given)."""
    q = select(PartnerShare).order_by(PartnerShare.id.desc())
    if org_id is not None:
        q = q.where(PartnerShare.org_id == org_id)
    return list(session.scalars(q))
