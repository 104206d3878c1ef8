"""Reference features and jurisdictions in memory, so that geocoding does not read and
decode whole province polygons from the database on every call.

A layer version never changes once imported: the features of the current versions are read
once per process into the index of geo/index.py (and kept while that set of versions stays
current). Organisations' jurisdictions can be edited. One small query per geocode (how many
layer versions, the newest, how many jurisdictions, the latest edit) tells whether the
Reference held in memory is still current.
"""

import threading
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.services.places.layers import current_version_ids
from geo.geocode import FeatureInfo, OrgInfo
from geo.index import Indexed
from geo.locate import Reference
from geo.place import LayerVersionEntry
from models import Layer, LayerFeature, LayerVersion, Organisation
from rules.kinds import NEAREST_KINDS

_jurisdictions = Organisation.jurisdiction.is_not(None)
_STAMP = select(
    select(func.count(LayerVersion.id)).scalar_subquery(),
    select(func.max(LayerVersion.id)).scalar_subquery(),
    select(func.max(LayerVersion.imported_at)).scalar_subquery(),
    select(func.count(Organisation.id)).where(_jurisdictions).scalar_subquery(),
    select(func.max(Organisation.updated_at)).where(_jurisdictions).scalar_subquery(),
)

_lock = threading.Lock()
_references: dict[tuple[Any, ...], Reference] = {}
_features: dict[tuple[Any, ...], Indexed[FeatureInfo]] = {}
_orgs: dict[tuple[Any, ...], Indexed[OrgInfo]] = {}


def reference(session: Session) -> Reference:
    """The current layer versions, their features and the jurisdictions, indexed in memory
    (per database; read again once a layer version or a jurisdiction changes)."""
    url = session.get_bind().engine.url
    stamp = (url, *session.connection().execute(_STAMP).one())
    with _lock:
        found = _references.get(stamp)
    if found is not None:
        return found
    layers = layer_versions(session)
    found = Reference(
        layers, _feature_index(session, layers), _org_index(session, stamp[4:]), NEAREST_KINDS
    )
    with _lock:
        _references.clear()  # older stamps are not current any more
        _references[stamp] = found
    return found


def layer_versions(session: Session) -> list[LayerVersionEntry]:
    """The current version of every layer, as geocoding uses and reports them."""
    rows = session.execute(
        select(
            Layer.name,
            Layer.kind,
            LayerVersion.id,
            LayerVersion.version,
            LayerVersion.source_sha256,
            LayerVersion.imported_at,
        )
        .join(LayerVersion, LayerVersion.layer_id == Layer.id)
        .where(LayerVersion.id.in_(current_version_ids(session)))
        .order_by(Layer.name)
    ).all()
    return [
        {
            "layer": r[0],
            "kind": r[1],
            "layer_version_id": r[2],
            "version": r[3],
            "source_sha256": r[4],
            "imported_at": r[5].isoformat(),
        }
        for r in rows
    ]


def _feature_index(session: Session, versions: list[LayerVersionEntry]) -> Indexed[FeatureInfo]:
    """The features of these layer versions, indexed: read once per database and set of
    versions. A version is known by its id, source hash and import time, so a database
    emptied and filled again (ids reused) is read afresh."""
    stamp = sorted((v["layer_version_id"], v["source_sha256"], v["imported_at"]) for v in versions)
    key = (session.get_bind().engine.url, *stamp)
    with _lock:
        found = _features.get(key)
        if found is None:
            found = _load_features(session, tuple(v[0] for v in stamp))
            _features.clear()  # older sets are not current any more
            _features[key] = found
        return found


def _org_index(session: Session, stamp: tuple[Any, ...]) -> Indexed[OrgInfo]:
    """The organisations with a jurisdiction, indexed (read again once one changes)."""
    key = (session.get_bind().engine.url, *stamp)
    with _lock:
        found = _orgs.get(key)
        if found is None:
            found = _load_orgs(session)
            _orgs.clear()
            _orgs[key] = found
        return found


def feature_info_select(*extra: Any) -> Select[Any]:
    """A query of FeatureInfo's columns (then `extra`) of layer features with their layer."""
    return (
        select(
            LayerFeature.id,
            Layer.name,
            Layer.kind,
            LayerVersion.version,
            LayerFeature.name,
            LayerFeature.level,
            LayerFeature.code,
            LayerFeature.grade,
            *extra,
        )
        .join(LayerVersion, LayerFeature.layer_version_id == LayerVersion.id)
        .join(Layer, LayerVersion.layer_id == Layer.id)
    )


def _load_features(session: Session, version_ids: tuple[int, ...]) -> Indexed[FeatureInfo]:
    rows = session.execute(
        feature_info_select(LayerFeature.geom)
        .where(LayerFeature.layer_version_id.in_(version_ids))
        .order_by(LayerFeature.id)
    ).all()
    infos = [FeatureInfo(*r[:8]) for r in rows]
    measured = [f.kind in NEAREST_KINDS for f in infos]
    return Indexed.build(infos, [to_shape(r[8]) for r in rows], measured)


def _load_orgs(session: Session) -> Indexed[OrgInfo]:
    rows = session.execute(
        select(
            Organisation.id,
            Organisation.code,
            Organisation.name,
            Organisation.name_en,
            Organisation.role,
            Organisation.level,
            Organisation.jurisdiction,
        )
        .where(Organisation.jurisdiction.is_not(None))
        .order_by(Organisation.id)
    ).all()
    return Indexed.build(
        [OrgInfo(*r[:6]) for r in rows], [to_shape(r[6]) for r in rows], [True] * len(rows)
    )
