"""Reference features and jurisdictions in memory, so that geocoding one geometry does not
read and decode whole province polygons from the database on every call.

A layer version never changes once imported: the features of the current versions are read
once per process into a spatial index (shapely's STRtree, every geometry prepared) and kept
while that set of versions stays current. Organisations' jurisdictions can be edited: their
index is keyed by a fingerprint (how many, the newest update) read on each use.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from geo.geocode import FeatureInfo, OrgInfo
from models import Layer, LayerFeature, LayerVersion, Organisation

T = TypeVar("T", FeatureInfo, OrgInfo)


@dataclass(frozen=True)
class Indexed(Generic[T]):
    """Records with their geometries in an STRtree, in load order (ascending id)."""

    records: list[T]
    geoms: np.ndarray
    tree: shapely.STRtree

    @classmethod
    def build(cls, records: list[T], geoms: Sequence[BaseGeometry]) -> "Indexed[T]":
        """Index the geometries (prepared once, here, before any thread queries them)."""
        array = np.array(geoms, dtype=object)
        shapely.prepare(array)
        return cls(records, array, shapely.STRtree(array))

    def meeting(self, geometry: BaseGeometry) -> list[tuple[T, BaseGeometry]]:
        """The records whose geometry intersects `geometry` (as ST_Intersects would)."""
        # The tree's own predicate would test the query geometry against each candidate
        # unprepared; testing the candidates (prepared once) against it is far faster.
        near = self.tree.query(geometry)
        found = np.sort(near[shapely.intersects(self.geoms[near], geometry)])
        return [(self.records[i], self.geoms[i]) for i in found]


_lock = threading.Lock()
_features: dict[tuple[Any, ...], Indexed[FeatureInfo]] = {}
_orgs: dict[tuple[Any, ...], Indexed[OrgInfo]] = {}


def feature_index(session: Session, versions: Sequence[dict[str, Any]]) -> Indexed[FeatureInfo]:
    """The features of these layer versions (as layer_context lists them), indexed: read once
    per database and set of versions. A version is known by its id, source hash and import
    time, so a database emptied and filled again (ids reused) is read afresh."""
    stamp = sorted((v["layer_version_id"], v["source_sha256"], v["imported_at"]) for v in versions)
    key = (session.get_bind().engine.url.render_as_string(), *stamp)
    with _lock:
        found = _features.get(key)
        if found is None:
            found = _load_features(session, tuple(v[0] for v in stamp))
            _features.clear()  # older sets are not current any more
            _features[key] = found
        return found


def org_index(session: Session) -> Indexed[OrgInfo]:
    """The organisations with a jurisdiction, indexed (read again once one changes)."""
    key = (
        session.get_bind().engine.url.render_as_string(),
        *session.execute(
            select(func.count(Organisation.id), func.max(Organisation.updated_at)).where(
                Organisation.jurisdiction.is_not(None)
            )
        ).one(),
    )
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
    return Indexed.build([FeatureInfo(*r[:8]) for r in rows], [to_shape(r[8]) for r in rows])


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
    return Indexed.build([OrgInfo(*r[:6]) for r in rows], [to_shape(r[6]) for r in rows])
