"""The SQL-backed collections: leads and referrals by visibility, reference data for all."""

from typing import Any

from sqlalchemy import Label, func, select
from sqlalchemy.orm import Session, aliased

from app.services.access import visible_leads, visible_referrals
from app.services.ogc.source import Rows, SqlCollection
from models import (
    FireHotspot,
    Layer,
    LayerFeature,
    LayerVersion,
    Lead,
    Organisation,
    Referral,
    User,
)
from rules.kinds import KINDS

PROTECTED_KINDS = tuple(sorted(k for k, spec in KINDS.items() if spec.protected))


def _own_names(entity: Any, *names: str) -> list[Label[Any]]:
    """The entity's columns `names`, each labelled with its name (the collection's property
    names)."""
    return [getattr(entity, name).label(name) for name in names]


def _leads(session: Session, user: User) -> Rows:
    return (
        select(
            *_own_names(Lead, "id", "category", "status", "score"),
            Organisation.code.label("org_code"),
            *_own_names(Lead, "first_evidence_at", "last_evidence_at"),
        )
        .outerjoin(Organisation, Organisation.id == Lead.org_id)
        .where(visible_leads(session, user))
    )


def _referrals(session: Session, user: User) -> Rows:
    source, target = aliased(Organisation), aliased(Organisation)
    return (
        select(
            *_own_names(Referral, "id", "lead_id"),
            source.code.label("from_org"),
            target.code.label("to_org"),
            Referral.status.label("status"),
            Referral.created_at.label("sent_at"),
            *_own_names(Referral, "receipt_due_at", "received_at"),
        )
        .join(Lead, Lead.id == Referral.lead_id)
        .join(source, source.id == Referral.from_org_id)
        .join(target, target.id == Referral.to_org_id)
        .where(visible_referrals(session, user))
    )


def _jurisdictions(_session: Session, _user: User) -> Rows:
    return select(
        *_own_names(Organisation, "id", "code", "name", "name_en", "role", "level"),
    ).where(Organisation.jurisdiction.is_not(None))


def _layer_features(kinds: tuple[str, ...]) -> Rows:
    """Features of the newest version of every layer of these kinds."""
    newest = (
        select(LayerVersion.layer_id, func.max(LayerVersion.version).label("v"))
        .group_by(LayerVersion.layer_id)
        .subquery()
    )
    return (
        select(
            *_own_names(LayerFeature, "id", "name"),
            Layer.kind.label("kind"),
            *_own_names(LayerFeature, "level", "code"),
            Layer.name.label("layer"),
            LayerVersion.version.label("layer_version"),
        )
        .join(LayerVersion, LayerVersion.id == LayerFeature.layer_version_id)
        .join(Layer, Layer.id == LayerVersion.layer_id)
        .join(
            newest,
            (newest.c.layer_id == LayerVersion.layer_id) & (newest.c.v == LayerVersion.version),
        )
        .where(Layer.kind.in_(kinds))
    )


def _hotspots(_session: Session, _user: User) -> Rows:
    return select(
        *_own_names(FireHotspot, "id", "acquired_at", "instrument", "satellite"),
        FireHotspot.confidence_class.label("confidence"),
        FireHotspot.frp.label("frp"),
    )


SQL_COLLECTIONS = (
    SqlCollection(
        "leads",
        "Leads",
        "Leads the caller may see (shared with a partner's organisation), geometry as stored.",
        _leads,
        Lead.id,
        Lead.geom,
        Lead.id,
        Lead.first_evidence_at,
        Lead.last_evidence_at,
    ),
    SqlCollection(
        "referrals",
        "Referrals",
        "Referrals sent or received by the caller's organisation; geometry: the lead's.",
        _referrals,
        Referral.id,
        Lead.geom,
        Lead.id,
        Referral.created_at,
        Referral.created_at,
    ),
    SqlCollection(
        "jurisdictions",
        "Jurisdictions",
        "Organisations' jurisdiction polygons.",
        _jurisdictions,
        Organisation.id,
        Organisation.jurisdiction,
        Organisation.id,
    ),
    SqlCollection(
        "basins",
        "Basins",
        "Basin polygons (current versions of layers of kind basin).",
        lambda _s, _u: _layer_features(("basin",)),
        LayerFeature.id,
        LayerFeature.geom,
        LayerFeature.id,
    ),
    SqlCollection(
        "protected-zones",
        "Protected zones",
        f"Current features of protected layer kinds: {', '.join(PROTECTED_KINDS)}.",
        lambda _s, _u: _layer_features(PROTECTED_KINDS),
        LayerFeature.id,
        LayerFeature.geom,
        LayerFeature.id,
    ),
    SqlCollection(
        "hotspots",
        "Fire hotspots",
        "Satellite fire detections (NASA FIRMS).",
        _hotspots,
        FireHotspot.id,
        FireHotspot.geom,
        FireHotspot.id,
        FireHotspot.acquired_at,
        FireHotspot.acquired_at,
    ),
)
