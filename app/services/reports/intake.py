"""Use case: take in a volunteer's report (随手拍) — photos, location, geocode — atomically.

Every step runs inside the request's transaction. Evidence files are staged in the store
as they are made and removed again if anything later fails, so a refused or failed report
leaves no rows and no files.
"""

import hashlib
import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from geoalchemy2.shape import from_shape
from shapely import Point
from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, TooLarge, TooManyRequests, Unavailable
from app.services.files.evidence_store import (
    EvidenceStore,
    evidence_key,
    stage,
    stage_when_made,
    unstage,
)
from app.services.places.geocode import geocode_geometry
from app.services.reports.evidence import report_evidence
from app.services.reports.photos import earlier_duplicates, photo_row
from app.settings import Settings
from geo.crs import parse_crs
from geo.photos import (
    CheckedPhoto,
    DecodedPhoto,
    PhotoError,
    PhotoLimits,
    decide_location,
    decode_photo,
    display_copy,
    perceptual_hash,
    pixel_count,
    thumbnail,
    time_flags,
)
from geo.place import Place
from models import Organisation, Report, ReportPhoto, Token, User
from models.base import SRID, utcnow
from rules.categories import CATEGORIES

DEVICE_CRS = ("wgs84", "gcj02", "bd09")


@dataclass
class PhotoUpload:
    """One uploaded file as received."""

    filename: str | None
    data: bytes


@dataclass
class ReportInput:
    """What a volunteer sends, before any checking."""

    category: str
    description: str
    photos: list[PhotoUpload]
    lat: float | None = None
    lon: float | None = None
    crs: str = "wgs84"
    accuracy_m: float | None = None
    manual_pin: bool = False
    observed_at: datetime | None = None
    idempotency_key: str | None = None


def _check(inp: ReportInput, settings: Settings) -> None:
    if inp.category not in CATEGORIES:
        raise Invalid(f"unknown category {inp.category!r}; use one of {', '.join(CATEGORIES)}")
    if not 1 <= len(inp.photos) <= settings.report_max_photos:
        raise Invalid(f"send 1 to {settings.report_max_photos} photos, not {len(inp.photos)}")
    if len(inp.description) > 5000:
        raise Invalid("description is longer than 5,000 characters")
    if (inp.lat is None) != (inp.lon is None):
        raise Invalid("give both lat and lon, or neither")
    if inp.crs not in DEVICE_CRS:
        raise Invalid(f"crs must be one of {', '.join(DEVICE_CRS)}, not {inp.crs!r}")
    if inp.accuracy_m is not None and not 0 <= inp.accuracy_m <= 100_000:
        raise Invalid("accuracy_m must be between 0 and 100,000 metres")
    if inp.observed_at is not None and inp.observed_at.tzinfo is None:
        raise Invalid("observed_at needs a time zone offset, e.g. 2026-05-01T09:30:00+08:00")
    if inp.idempotency_key is not None and not 1 <= len(inp.idempotency_key) <= 200:
        raise Invalid("Idempotency-Key must be 1 to 200 characters")


def _content_hash(inp: ReportInput, photos: list[DecodedPhoto]) -> str:
    """Fingerprint of a submission, to tell a retry from a different report under one key."""
    doc = [inp.category, inp.description, inp.lat, inp.lon, inp.crs, [p.sha256 for p in photos]]
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode()).hexdigest()


def _replay(session: Session, user: User, inp: ReportInput, digest: str) -> Report | None:
    if inp.idempotency_key is None:
        return None
    earlier = session.scalar(
        select(Report).where(
            Report.user_id == user.id, Report.idempotency_key == inp.idempotency_key
        )
    )
    if earlier is not None and earlier.content_hash != digest:
        raise Conflict("this Idempotency-Key was already used for a different report")
    return earlier


def _within_limit(
    session: Session, who: ColumnElement[bool], limit: int, window: timedelta, what: str
) -> None:
    """Refuse a submission once `limit` reports matching `who` fall in the sliding window."""
    now = utcnow()
    times = session.scalars(
        select(Report.submitted_at)
        .where(who, Report.submitted_at > now - window)
        .order_by(Report.submitted_at)
    ).all()
    if len(times) >= limit:
        wait = (times[0] + window - now).total_seconds()
        raise TooManyRequests(f"at most {limit} reports {what}", max(1, int(wait) + 1))


def _enforce_limits(session: Session, user: User, token: Token, settings: Settings) -> None:
    _within_limit(
        session,
        Report.token_id == token.id,
        settings.reports_per_minute_per_token,
        timedelta(minutes=1),
        "a minute per token",
    )
    if user.role == "volunteer":
        _within_limit(
            session,
            Report.user_id == user.id,
            settings.reports_per_day_per_volunteer,
            timedelta(days=1),
            "a day per volunteer",
        )


def _limits(settings: Settings) -> PhotoLimits:
    return PhotoLimits(
        max_bytes=settings.photo_max_bytes,
        max_pixels=settings.photo_max_pixels,
        display_max_px=settings.photo_display_px,
        thumb_max_px=settings.photo_thumb_px,
    )


_decode_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _slots(n: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _decode_slots.setdefault(n, threading.BoundedSemaphore(n))


def _check_pixels(inp: ReportInput, settings: Settings) -> None:
    """Refuse a report whose photos add up to too many pixels, from their headers alone."""
    total = sum(pixel_count(p.data) for p in inp.photos)
    if total > settings.report_max_total_pixels:
        raise TooLarge(
            f"the photos add up to {total:,} pixels, over the limit of "
            f"{settings.report_max_total_pixels:,} per report; send fewer or smaller photos"
        )


# Work on a report's photos that runs beside its rows (Pillow releases the GIL while it
# resizes and encodes), so that a report costs about its slowest part, not the sum.
_beside = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="photo-work")


@dataclass
class _Work:
    """What is being made of one decoded photo."""

    phash: Future[str]
    display: Future[bytes]
    thumb: Future[bytes]

    def futures(self) -> tuple[Future[str], Future[bytes], Future[bytes]]:
        """All of it."""
        return self.phash, self.display, self.thumb


def _display_jpeg(photo: DecodedPhoto, limits: PhotoLimits) -> bytes:
    return display_copy(photo, limits)[0]


def _release_when_done(slot: threading.BoundedSemaphore, futures: list[Future[Any]]) -> None:
    """Give the decode slot back once every future is done (made, failed or cancelled)."""
    left = [len(futures)]
    lock = threading.Lock()

    def one_done(_: Future[Any]) -> None:
        with lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            slot.release()

    for future in futures:
        future.add_done_callback(one_done)


def _decode_photos(inp: ReportInput, settings: Settings) -> tuple[list[DecodedPhoto], list[_Work]]:
    """Check and decode each photo, then start hashing it and making its display copies.

    A decode slot is taken first and given back once that work is done, so that at most
    `decode_slots` reports per process hold decoded pixels (CPU and memory bound).
    """
    slot = _slots(settings.decode_slots)
    if not slot.acquire(timeout=settings.decode_wait_s):
        raise Unavailable("too many photos are being processed; retry shortly", 10)
    try:
        limits = _limits(settings)
        decoded = []
        for n, upload in enumerate(inp.photos, start=1):
            try:
                decoded.append(decode_photo(upload.data, limits, index=n))
            except PhotoError as exc:
                raise Invalid(str(exc)) from exc
        work = [
            _Work(
                _beside.submit(perceptual_hash, photo),
                _beside.submit(_display_jpeg, photo, limits),
                _beside.submit(thumbnail, photo, limits),
            )
            for photo in decoded
        ]
    except BaseException:
        slot.release()
        raise
    _release_when_done(slot, [f for w in work for f in w.futures()])
    return decoded, work


def _stage_originals(
    session: Session, store: EvidenceStore, inp: ReportInput, photos: list[DecodedPhoto]
) -> None:
    """Stage each photo's original for this report."""
    for upload, photo in zip(inp.photos, photos, strict=True):
        stage(session, store, evidence_key("originals", photo.sha256), upload.data)


def _stage_copies(
    session: Session, store: EvidenceStore, photos: list[CheckedPhoto], work: list[_Work]
) -> None:
    """Stage each photo's display copy and thumbnail when the transaction commits (they are
    still being made)."""
    for photo, made in zip(photos, work, strict=True):
        stage_when_made(session, store, evidence_key("display", photo.sha256, ".jpg"), made.display)
        stage_when_made(session, store, evidence_key("thumbs", photo.sha256, ".jpg"), made.thumb)


def _responsible_org(session: Session, geocode: Place) -> Organisation:
    own = [o for o in geocode["responsible_organisations"] if o["role"] == "own"]
    if not own:
        lon, lat = geocode["geometry"]["coordinates"]
        where = " / ".join(a["name"] for a in geocode["admin"] if a["name"]) or "no known division"
        raise Invalid(
            f"outside the service area: the location ({lon:.6f}, {lat:.6f}) lies in {where}, "
            "outside the jurisdictions of this platform's procuratorates"
        )
    org = session.get(Organisation, own[0]["id"])
    assert org is not None
    return org


def create_report(
    session: Session,
    *,
    user: User,
    token: Token,
    inp: ReportInput,
    settings: Settings,
    store: EvidenceStore,
    reader: Callable[[], AbstractContextManager[Session]] | None = None,
) -> tuple[Report, bool]:
    """Take in a report; return it and whether it was created (False: an idempotent replay).

    Photos are decoded and hashed, their originals written, and the place geocoded (in a
    `reader` session when given), before the first query of `session`: the writer's
    transaction, which holds SQLite's write lock, then lasts only for the rows (and for
    whatever is left of making the display copies, which began after the decode).
    """
    _check(inp, settings)
    _check_pixels(inp, settings)
    decoded, work = _decode_photos(inp, settings)
    try:
        digest = _content_hash(inp, decoded)
        where = _locate(inp, decoded, settings)
        with reader() if reader is not None else nullcontext(session) as read:
            geocode = geocode_geometry(
                read,
                geometry=Point(where.lon, where.lat),
                partner_distance_m=settings.partner_distance_m,
                nearest_max_m=settings.nearest_max_m,
            )
        _stage_originals(session, store, inp, decoded)
        photos = [
            CheckedPhoto(**vars(d), phash=w.phash.result())
            for d, w in zip(decoded, work, strict=True)
        ]
        report, created = _record_report(
            session, user, token, inp, settings, photos, digest, where, geocode
        )
        if created:
            _stage_copies(session, store, photos, work)
        return report, created
    except BaseException:
        for future in (f for w in work for f in w.futures()):
            future.cancel()
        unstage(session)
        raise


def _locate(inp: ReportInput, photos: list[DecodedPhoto], settings: Settings) -> Any:
    """Decide where the report is: the photos' EXIF GPS, else the device's position."""
    exif_points = [
        (p.exif.lon, p.exif.lat)
        for p in photos
        if p.exif.lon is not None and p.exif.lat is not None
    ]
    device = (inp.lon, inp.lat) if inp.lon is not None and inp.lat is not None else None
    where = decide_location(
        exif_points,
        device,
        inp.crs,
        inp.accuracy_m,
        inp.manual_pin,
        settings.location_disagreement_m,
    )  # type: ignore[arg-type]
    if where.lon is None or where.lat is None:
        raise Invalid("no location: the photos carry no GPS position and no lat/lon was sent")
    return where


def _record_report(
    session: Session,
    user: User,
    token: Token,
    inp: ReportInput,
    settings: Settings,
    photos: list[CheckedPhoto],
    digest: str,
    where: Any,
    geocode: Place,
) -> tuple[Report, bool]:
    earlier = _replay(session, user, inp, digest)
    if earlier is not None:
        return earlier, False
    _enforce_limits(session, user, token, settings)
    submitted = utcnow()
    device = (inp.lon, inp.lat) if inp.lon is not None and inp.lat is not None else None
    flags = list(where.flags)
    zone = timezone(timedelta(hours=settings.local_utc_offset_h))
    taken = []
    for p in photos:
        when, more = time_flags(
            p.exif.taken_at,
            p.exif.taken_at_has_offset,
            submitted,
            timedelta(hours=settings.capture_max_age_h),
            zone,
        )
        taken.append(when)
        flags += [f for f in more if f not in flags]
    org = _responsible_org(session, geocode)
    dups = earlier_duplicates(session, photos)
    if any(dups):
        flags.append("duplicate_photo")
    report = Report(
        user_id=user.id,
        token_id=token.id,
        org_id=org.id,
        idempotency_key=inp.idempotency_key,
        content_hash=digest,
        category=inp.category,
        description=inp.description,
        location=from_shape(Point(where.lon, where.lat), srid=SRID),
        location_source=where.source,
        accuracy_m=inp.accuracy_m if device else None,
        device_location=None
        if device is None
        else {
            "lon": inp.lon,
            "lat": inp.lat,
            "crs": str(parse_crs(inp.crs)),
            "wgs84": list(where.device_wgs84) if where.device_wgs84 else None,
            "manual_pin": inp.manual_pin,
            "disagreement_m": where.disagreement_m,
        },
        observed_at=inp.observed_at or next((t for t in taken if t), None),
        submitted_at=submitted,
        flags=flags,
        geocode=geocode,
        status="received",
    )
    try:
        with session.begin_nested():  # a twin with the same key may commit first
            session.add(report)
            session.flush()
    except IntegrityError:
        earlier = _replay(session, user, inp, digest)
        if earlier is None:
            raise
        return earlier, False
    first_dup = next((d for d in dups if d), None)
    if first_dup is not None:
        report.duplicate_of_id = session.scalar(
            select(ReportPhoto.report_id).where(ReportPhoto.id == first_dup)
        )
    for n, (upload, p, when, dup) in enumerate(
        zip(inp.photos, photos, taken, dups, strict=True), start=1
    ):
        session.add(
            photo_row(
                report.id, n, upload.filename, len(upload.data), p, taken_at=when, duplicate_of=dup
            )
        )
    report_evidence(session, report)  # placed in a lead once answered (reports.placing)
    session.flush()
    return report, True
