"""Use cases: find images, describe one as a STAC Item, open its COG for tiles and change."""

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.services.files.evidence_store import EvidenceStore
from geo.imagery.change import Scene
from geo.imagery.indices import IndexUnavailable, check_index, needed_bands
from geo.imagery.sensors import CENTRE_UM, SENSORS, Scale
from models import Image
from models.spatial import BBoxFilter

STAC_VERSION = "1.0.0"
STAC_EXTENSIONS = [
    "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
    "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
    "https://stac-extensions.github.io/file/v2.1.0/schema.json",
]
GEOTIFF = "image/tiff; application=geotiff"
COG = "image/tiff; application=geotiff; profile=cloud-optimized"


def get_image(session: Session, image_id: int) -> Image:
    """Return an image or raise NotFound."""
    image = session.get(Image, image_id)
    if image is None:
        raise NotFound(f"no image {image_id}")
    return image


def get_raster(session: Session, image_id: int) -> Image:
    """Return an image that has a COG (a scene or orthomosaic, not a drone photo)."""
    image = get_image(session, image_id)
    _cog_key(image)
    return image


def _cog_key(image: Image) -> str:
    if image.cog_key is None:
        raise Invalid(f"image {image.id} is a drone photo: it has no raster to read")
    return image.cog_key


def cog_path(image: Image, store: EvidenceStore) -> Path:
    """Where GDAL reads the image's COG (422 for a drone photo, which has none)."""
    return Path(store.local_path(_cog_key(image)))


def list_images(
    session: Session,
    *,
    bbox: Sequence[float] | None,
    start: datetime | None,
    end: datetime | None,
    sensor: str | None,
    limit: int,
    offset: int,
) -> list[Image]:
    """Images in a bbox and period, newest acquisition first."""
    q = select(Image).order_by(Image.acquired_at.desc(), Image.id.desc())
    if bbox is not None:
        q = q.where(BBoxFilter(Image.id, Image.footprint, bbox))
    if start is not None:
        q = q.where(Image.acquired_at >= start)
    if end is not None:
        q = q.where(Image.acquired_at < end)
    if sensor is not None:
        q = q.where(Image.sensor == sensor)
    return list(session.scalars(q.limit(limit).offset(offset)))


def scale_of(image: Image) -> Scale:
    """The image's stored-value → reflectance scale."""
    return Scale(image.scale["gain"], image.scale.get("offset", 0.0))


def scene_of(image: Image, store: EvidenceStore) -> Scene:
    """The image as change detection reads it (its COG)."""
    return Scene(cog_path(image, store), dict(image.bands), scale_of(image))


def check_index_of(image: Image, index: str) -> None:
    """Refuse (422) an index the image's bands cannot give."""
    try:
        needed_bands(check_index(index), image.bands)
    except IndexUnavailable as exc:
        raise Invalid(f"image {image.id}: {exc}") from exc


def _eo_bands(image: Image) -> list[dict[str, Any]]:
    out = []
    for name, number in sorted(image.bands.items(), key=lambda kv: kv[1]):
        band: dict[str, Any] = {"name": f"b{number}", "common_name": name}
        if name in CENTRE_UM:
            band["center_wavelength"] = CENTRE_UM[name]
        else:
            band = {"name": f"b{number}", "description": f"{name.upper()} (precomputed index)"}
        out.append(band)
    return out


def _checksum(sha256: str) -> str:
    """A multihash (sha2-256) as the STAC file extension wants it."""
    return "1220" + sha256


def stac_item(image: Image, base: str) -> dict[str, Any]:
    """The image as a STAC Item (eo, projection and file extensions)."""
    geom = to_shape(image.footprint)
    href = f"{base}/api/v1/imagery/{image.id}"
    sensor = SENSORS.get(image.sensor)
    properties: dict[str, Any] = {
        "datetime": image.acquired_at.isoformat(),
        "created": image.created_at.isoformat(),
        "title": image.title or image.original_name,
        "platform": sensor.title_en if sensor else image.sensor,
        "ecoleads:kind": image.kind,
        "ecoleads:sensor": image.sensor,
        "illustrative": image.illustrative,
        "proj:epsg": image.epsg,
        "proj:shape": [image.height, image.width],
        "gsd": image.gsd_m,
        "eo:bands": _eo_bands(image),
    }
    if image.kind == "drone_photo":
        properties["ecoleads:camera"] = image.properties.get("camera", {})
        properties["ecoleads:evidence_id"] = image.evidence_id
    assets: dict[str, Any] = {
        "original": {
            "href": f"{href}/original",
            "title": image.original_name,
            "type": "image/jpeg" if image.kind == "drone_photo" else GEOTIFF,
            "roles": ["data", "source"],
            "file:checksum": _checksum(image.original_sha256),
            "file:size": image.original_bytes,
        }
    }
    links = [
        {"rel": "self", "href": href, "type": "application/geo+json"},
        {"rel": "collection", "href": f"{base}/api/v1/imagery", "type": "application/json"},
    ]
    if image.cog_sha256:
        assets["cog"] = {
            "href": f"{href}/cog",
            "type": COG,
            "roles": ["data", "visual"],
            "file:checksum": _checksum(image.cog_sha256),
            "eo:bands": properties["eo:bands"],
        }
        links.append(
            {"rel": "tilejson", "href": f"{href}/tilejson.json", "type": "application/json"}
        )
    return {
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "stac_extensions": STAC_EXTENSIONS,
        "id": f"ecoleads-image-{image.id}",
        "geometry": mapping(geom),
        "bbox": list(geom.bounds),
        "properties": properties,
        "assets": assets,
        "links": links,
    }
