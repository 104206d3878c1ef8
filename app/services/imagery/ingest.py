"""Use case: take in an image — a GeoTIFF scene or orthomosaic, or a drone photo.

The request checks what it can cheaply (a readable raster with a CRS and a sane declared
size, or a JPEG with a GPS position) and queues a job; the job keeps the original byte for
byte in the evidence store, writes and validates a Cloud-Optimized GeoTIFF, traces the
footprint from the valid-data mask and records the image. A drone photo becomes a point
evidence item with its camera position and altitude reference.
"""

import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from geoalchemy2.shape import from_shape
from PIL import Image as PILImage
from shapely import Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid
from app.services import audit
from app.services.files.evidence_store import EvidenceStore, evidence_key, stage_file
from app.services.files.scratch import process_scratch
from app.services.files.uploads import sha256_file
from app.services.leads.pipeline import place
from app.settings import Settings
from geo.imagery.acquired import parse_acquired, tiff_datetime
from geo.imagery.cog import validate_cog, write_cog
from geo.imagery.drone import DronePhoto, read_drone_photo
from geo.imagery.footprint import trace_footprint
from geo.imagery.inspect import RasterInfo, RasterRefused, inspect_raster
from geo.imagery.sensors import SensorError, band_map, check_sensor, reflectance_scale
from geo.progress import Progress, no_progress
from models import EvidenceItem, Image
from models.base import SRID
from rules.categories import CATEGORIES

_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True)
class ImageUpload:
    """An uploaded image file and what the uploader says about it."""

    path: Path
    name: str
    sensor: str
    acquired: datetime | None = None
    bands: dict[str, int] | None = None
    title: str | None = None
    illustrative: bool = False
    category: str | None = None

    def params(self) -> dict[str, Any]:
        """The upload as job parameters (JSON)."""
        return {
            "path": str(self.path),
            "name": self.name,
            "sensor": self.sensor,
            "acquired": self.acquired.isoformat() if self.acquired else None,
            "bands": self.bands,
            "title": self.title,
            "illustrative": self.illustrative,
            "category": self.category,
        }

    @classmethod
    def from_text(
        cls,
        *,
        path: Path,
        name: str,
        sensor: str,
        acquired: str | None,
        bands: str | None,
        title: str | None,
        illustrative: bool,
        category: str | None,
    ) -> "ImageUpload":
        """An upload from the text the uploader typed (form fields or CLI options): the
        acquisition time as ISO 8601, the band map as JSON; 422 naming what is wrong."""
        try:
            when = parse_acquired(acquired) if acquired else None
        except ValueError as exc:
            raise Invalid(str(exc)) from exc
        return cls(
            path=path,
            name=name,
            sensor=sensor,
            acquired=when,
            bands=_band_map(bands) if bands else None,
            title=title,
            illustrative=illustrative,
            category=category,
        )

    @classmethod
    def from_params(cls, p: dict[str, Any]) -> "ImageUpload":
        """The upload back from job parameters."""
        return cls(
            path=Path(p["path"]),
            name=p["name"],
            sensor=p["sensor"],
            acquired=parse_acquired(p["acquired"]) if p.get("acquired") else None,
            bands=p.get("bands"),
            title=p.get("title"),
            illustrative=bool(p.get("illustrative")),
            category=p.get("category"),
        )


def _band_map(text: str) -> dict[str, int]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(f"bands is not JSON: {exc.msg}") from exc
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        for k, v in value.items()
    ):
        raise Invalid('bands must map band names to band numbers, e.g. {"red": 3, "nir": 4}')
    return value


def is_photo(path: Path) -> bool:
    """A JPEG is a drone photo; anything else must be a raster GDAL reads."""
    with path.open("rb") as fh:
        return fh.read(3) == _JPEG


def _raster(upload: ImageUpload, settings: Settings) -> tuple[RasterInfo, dict[str, int]]:
    try:
        info = inspect_raster(upload.path, max_pixels=settings.imagery_max_pixels)
        sensor = check_sensor(upload.sensor)
        bands = band_map(sensor, info.count - int(info.has_alpha), upload.bands)
    except (RasterRefused, SensorError) as exc:
        raise Invalid(str(exc)) from exc
    return info, bands


def _photo(upload: ImageUpload, settings: Settings) -> DronePhoto:
    if upload.path.stat().st_size > settings.photo_max_bytes:
        raise Invalid(f"a drone photo may have at most {settings.photo_max_bytes} bytes")
    try:
        return read_drone_photo(upload.path.read_bytes())
    except RasterRefused as exc:
        raise Invalid(str(exc)) from exc


def precheck(upload: ImageUpload, settings: Settings) -> str:
    """Refuse what can be refused before queueing (422 naming the reason); return the kind."""
    if upload.category is not None and upload.category not in CATEGORIES:
        raise Invalid(f"unknown category {upload.category!r}")
    if is_photo(upload.path):
        _photo(upload, settings)
        return "drone_photo"
    if upload.category is not None:
        raise Invalid("a category is given for drone photos only; scenes give change polygons")
    _raster(upload, settings)
    if upload.acquired is None and tiff_datetime(str(upload.path)) is None:
        raise Invalid("the file carries no acquisition time: give `acquired` (ISO 8601)")
    return "raster"


def _refuse_twin(session: Session, sha256: str) -> None:
    twin = session.scalar(select(Image.id).where(Image.original_sha256 == sha256))
    if twin is not None:
        raise Conflict(f"this file was already imported as image {twin}")


def import_image(
    session: Session,
    *,
    upload: ImageUpload,
    store: EvidenceStore,
    settings: Settings,
    user_id: int | None,
    progress: Progress = no_progress,
) -> Image:
    """Import an uploaded image (its file is the caller's to remove afterwards)."""
    progress(0.02, "hashing the original")
    sha256 = sha256_file(upload.path)
    _refuse_twin(session, sha256)
    if is_photo(upload.path):
        image = _import_photo(session, upload, sha256, store, settings, user_id)
    else:
        image = _import_raster(session, upload, sha256, store, settings, user_id, progress)
    audit.append(
        session,
        actor=image_actor(user_id),
        action="image_import",
        evidence_id=image.evidence_id,
        change={
            "image": image.id,
            "kind": image.kind,
            "sensor": image.sensor,
            "sha256": sha256,
            "cog_sha256": image.cog_sha256,
            "illustrative": image.illustrative,
        },
    )
    progress(1.0, f"image {image.id} stored")
    return image


def _import_raster(
    session: Session,
    upload: ImageUpload,
    sha256: str,
    store: EvidenceStore,
    settings: Settings,
    user_id: int | None,
    progress: Progress,
) -> Image:
    info, bands = _raster(upload, settings)
    acquired = upload.acquired or tiff_datetime(str(upload.path))
    if acquired is None:
        raise Invalid("the file carries no acquisition time: give `acquired` (ISO 8601)")
    scale = reflectance_scale(check_sensor(upload.sensor), info.dtypes[0], info.max_value)
    cog = process_scratch(settings.scratch_dir) / f"{sha256}.cog.tif"
    try:
        write_cog(upload.path, cog, progress=lambda f, m: progress(0.05 + 0.75 * f, m))
        errors = validate_cog(cog)
        if errors:
            raise RuntimeError(f"the COG written for {upload.name} is not valid: {errors}")
        progress(0.85, "tracing the footprint")
        footprint = trace_footprint(cog)
        cog_sha = sha256_file(cog)
        progress(0.9, "storing the original and the COG")
        original_key = evidence_key("image", sha256, _suffix(upload.name))
        cog_key = evidence_key("cog", cog_sha, ".tif")
        stage_file(session, store, original_key, upload.path)
        stage_file(session, store, cog_key, cog)
    finally:
        cog.unlink(missing_ok=True)
    image = Image(
        kind="raster",
        sensor=upload.sensor,
        title=upload.title,
        original_name=upload.name,
        original_sha256=sha256,
        original_key=original_key,
        original_bytes=upload.path.stat().st_size,
        cog_key=cog_key,
        cog_sha256=cog_sha,
        footprint=from_shape(footprint, srid=SRID),
        acquired_at=acquired,
        bands=bands,
        scale={"gain": scale.gain, "offset": scale.offset},
        epsg=info.epsg,
        gsd_m=info.gsd_m,
        width=info.width,
        height=info.height,
        band_count=info.count,
        dtype=info.dtypes[0],
        illustrative=upload.illustrative,
        properties={
            "driver": info.driver,
            # JSON has no NaN (PostgreSQL refuses it): a NaN nodata is kept as text.
            "nodata": "NaN" if info.nodata is not None and math.isnan(info.nodata) else info.nodata,
            "has_alpha": info.has_alpha,
            "descriptions": list(info.descriptions),
            "crs_wkt": info.crs_wkt,
        },
        created_by_id=user_id,
    )
    session.add(image)
    session.flush()
    return image


def _suffix(name: str) -> str:
    ext = Path(name).suffix.lower()
    return {".tif": ".tif", ".tiff": ".tif", ".jpg": ".jpg", ".jpeg": ".jpg"}.get(ext, "")


def _import_photo(
    session: Session,
    upload: ImageUpload,
    sha256: str,
    store: EvidenceStore,
    settings: Settings,
    user_id: int | None,
) -> Image:
    photo = _photo(upload, settings)
    taken = upload.acquired or _utc(photo, settings)
    if taken is None:
        raise Invalid("the photo carries no time in its EXIF: give `acquired` (ISO 8601)")
    key = evidence_key("image", sha256, ".jpg")
    stage_file(session, store, key, upload.path)
    point = from_shape(Point(photo.lon, photo.lat), srid=SRID)
    camera = _camera(photo)
    with PILImage.open(upload.path) as img:
        width, height = img.size
    item = EvidenceItem(
        kind="drone_photo",
        category=upload.category or "other",
        geom=point,
        observed_at=taken,
        source=image_actor(user_id),
        provenance={
            "sha256": sha256,
            "file": upload.name,
            "camera": camera,
            "time_zone_assumed": not photo.taken_at_is_utc and upload.acquired is None,
        },
    )
    session.add(item)
    session.flush()
    image = Image(
        kind="drone_photo",
        sensor="drone",
        title=upload.title,
        original_name=upload.name,
        original_sha256=sha256,
        original_key=key,
        original_bytes=upload.path.stat().st_size,
        footprint=point,
        acquired_at=taken,
        bands={"red": 1, "green": 2, "blue": 3},
        scale={"gain": 1 / 255, "offset": 0.0},
        width=width,
        height=height,
        band_count=3,
        dtype="uint8",
        illustrative=upload.illustrative,
        properties={"camera": camera},
        evidence_id=item.id,
        created_by_id=user_id,
    )
    session.add(image)
    session.flush()
    item.provenance = {**item.provenance, "image_id": image.id}
    if upload.category is not None:
        place(session, [item], actor=image_actor(user_id), settings=settings)
    return image


def _utc(photo: DronePhoto, settings: Settings) -> datetime | None:
    """The photo's time in UTC; a camera's local time without an offset is read in the
    configured local zone (China Standard Time), as for volunteers' photos."""
    if photo.taken_at is None or photo.taken_at_is_utc:
        return photo.taken_at
    zone = timezone(timedelta(hours=settings.local_utc_offset_h))
    return photo.taken_at.replace(tzinfo=zone).astimezone(UTC)


def _camera(photo: DronePhoto) -> dict[str, Any]:
    """The photo's camera facts as JSON (position, altitude and its reference, time)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(photo).items()}


def image_actor(user_id: int | None) -> str:
    """The audit actor of an imagery action."""
    return f"user:{user_id}" if user_id else "system"
