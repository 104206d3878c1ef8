"""Use cases for reference layers: import a file as a new version, list, read features."""

import logging
import re
from pathlib import Path
from typing import Any

import shapely
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import mapping
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.schemas.common import ID_MAX
from app.services.files.uploads import sha256_file
from geo.layers import ReadOptions, read_layer
from geo.progress import Progress, no_progress
from models import Layer, LayerFeature, LayerVersion
from models.base import SRID, utcnow
from models.spatial import BBoxFilter
from rules.kinds import check_kind

log = logging.getLogger("ecoleads.layers")
INSERT_BATCH = 500
# Layer names are identifiers (URLs, CLI arguments, file names of exports), never paths:
# lower-case ASCII letter first, then letters, digits, '_' or '-', at most 63 characters.
LAYER_NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"


def check_layer_name(name: str) -> None:
    """Refuse a layer name that is not an identifier (e.g. '../x', 'a/b', 'Zones')."""
    if not re.fullmatch(LAYER_NAME_PATTERN, name):
        raise Invalid(
            f"layer name {name!r} is not an identifier: use a lower-case letter, then "
            "lower-case letters, digits, '_' or '-' (at most 63 characters)"
        )


def import_layer(
    session: Session,
    *,
    path: Path,
    name: str,
    kind: str,
    options: ReadOptions,
    filename: str | None = None,
    title: str | None = None,
    progress: Progress = no_progress,
) -> LayerVersion:
    """Read a file and store it as the next version of the named layer (created if new).

    Nothing is written unless the whole file is usable; the caller's transaction commits.
    """
    check_kind(kind)
    check_layer_name(name)
    existing = session.scalar(select(Layer).where(Layer.name == name))
    if existing is not None and existing.kind != kind:
        raise Conflict(f"layer {name!r} exists with kind {existing.kind!r}, not {kind!r}")
    digest = sha256_file(path)
    result = read_layer(path, options, lambda f, m: progress(f * 0.5, m))
    layer = existing or Layer(name=name, kind=kind, title=title)
    if existing is None:
        session.add(layer)
        session.flush()
    elif title:
        layer.title = title
    number = (
        session.scalar(
            select(func.max(LayerVersion.version)).where(LayerVersion.layer_id == layer.id)
        )
        or 0
    ) + 1
    version = LayerVersion(
        layer_id=layer.id,
        version=number,
        source_filename=filename or path.name,
        source_sha256=digest,
        source_format=result.source_format,
        source_crs=result.source_crs,
        feature_count=len(result.features),
        repaired_count=result.repaired_count,
        skipped_count=result.skipped_count,
        options={k: v for k, v in vars(options).items() if v is not None},
        bbox=result.bbox,
        imported_at=utcnow(),
    )
    session.add(version)
    session.flush()
    total = len(result.features)
    for start in range(0, total, INSERT_BATCH):
        rows = [
            {
                "layer_version_id": version.id,
                "name": f.name,
                "level": f.level,
                "grade": f.grade,
                "code": f.code,
                "properties": f.properties,
                "geom": from_shape(f.geometry, srid=SRID),
            }
            for f in result.features[start : start + INSERT_BATCH]
        ]
        session.execute(insert(LayerFeature), rows)
        done = min(start + INSERT_BATCH, total)
        progress(0.5 + 0.5 * done / total, f"stored {done}/{total} features")
    log.info(
        "layer imported",
        extra={
            "layer": name,
            "version": number,
            "features": total,
            "repaired": result.repaired_count,
            "sha256": digest,
        },
    )
    return version


def current_version_ids(session: Session) -> list[int]:
    """Return the id of the newest version of every layer."""
    newest = (
        select(LayerVersion.layer_id, func.max(LayerVersion.version).label("v"))
        .group_by(LayerVersion.layer_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(LayerVersion.id).join(
                newest,
                (LayerVersion.layer_id == newest.c.layer_id) & (LayerVersion.version == newest.c.v),
            )
        )
    )


def list_layers(session: Session) -> list[tuple[Layer, list[LayerVersion]]]:
    """Return every layer with its versions, newest version first."""
    layers = session.scalars(select(Layer).order_by(Layer.kind, Layer.name)).all()
    versions = session.scalars(
        select(LayerVersion).order_by(LayerVersion.layer_id, LayerVersion.version.desc())
    ).all()
    by_layer: dict[int, list[LayerVersion]] = {}
    for v in versions:
        by_layer.setdefault(v.layer_id, []).append(v)
    return [(layer, by_layer.get(layer.id, [])) for layer in layers]


def get_layer(session: Session, *, ref: str) -> tuple[Layer, list[LayerVersion]]:
    """Return a layer by id or name, with its versions newest first, or raise NotFound."""
    by_id = ref.isascii() and ref.isdigit() and int(ref) <= ID_MAX
    cond = Layer.id == int(ref) if by_id else Layer.name == ref
    layer = session.scalar(select(Layer).where(cond))
    if layer is None:
        raise NotFound(f"layer {ref!r} not found")
    versions = session.scalars(
        select(LayerVersion)
        .where(LayerVersion.layer_id == layer.id)
        .order_by(LayerVersion.version.desc())
    ).all()
    return layer, list(versions)


def layer_features(
    session: Session,
    *,
    ref: str,
    version: int | None,
    bbox: tuple[float, float, float, float] | None,
    limit: int,
    offset: int,
    tolerance: float = 0.0,
) -> dict[str, Any]:
    """Return a page of a layer version's features as a GeoJSON FeatureCollection.

    A tolerance (degrees) simplifies the geometries for display, keeping their topology.
    """
    layer, versions = get_layer(session, ref=ref)
    if not versions:
        raise NotFound(f"layer {ref!r} has no versions")
    chosen = (
        versions[0]
        if version is None
        else next((v for v in versions if v.version == version), None)
    )
    if chosen is None:
        raise NotFound(f"layer {layer.name!r} has no version {version}")
    conds = [LayerFeature.layer_version_id == chosen.id]
    if bbox is not None:
        conds.append(BBoxFilter(LayerFeature.id, LayerFeature.geom, bbox))
        conds.append(
            func.ST_Intersects(
                LayerFeature.geom, func.ST_GeomFromText(shapely.box(*bbox).wkt, SRID)
            )
        )
    matched = session.scalar(select(func.count()).select_from(LayerFeature).where(*conds)) or 0
    rows = session.scalars(
        select(LayerFeature).where(*conds).order_by(LayerFeature.id).limit(limit).offset(offset)
    ).all()
    features = [
        {
            "type": "Feature",
            "id": f.id,
            "geometry": mapping(_simplified(to_shape(f.geom), tolerance)),
            "properties": {
                **f.properties,
                "name": f.name,
                "level": f.level,
                "grade": f.grade,
                "code": f.code,
            },
        }
        for f in rows
    ]
    return {
        "type": "FeatureCollection",
        "layer": layer.name,
        "kind": layer.kind,
        "version": chosen.version,
        "numberMatched": matched,
        "numberReturned": len(features),
        "features": features,
    }


def _simplified(geom: shapely.Geometry, tolerance: float) -> shapely.Geometry:
    """Return the geometry simplified for display (unchanged at tolerance 0)."""
    if tolerance <= 0:
        return geom
    return shapely.set_precision(geom.simplify(tolerance, preserve_topology=True), 1e-6)
