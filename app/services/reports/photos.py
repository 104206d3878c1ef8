"""Report photos: find earlier copies of new photos, and build their rows."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from geo.photos import NEAR_DUPLICATE_BITS, CheckedPhoto, hamming
from geo.photos.duplicates import PHASH_BANDS, band_probes, phash_bands
from models import ReportPhoto


def earlier_duplicates(session: Session, photos: list[CheckedPhoto]) -> list[int | None]:
    """For each photo, the id of an earlier photo with the same or a near-identical image.

    Two indexed lookups, whatever the size of the archive: exact SHA-256 matches, and the
    candidates sharing a probed pHash band (see geo.photos.duplicates), whose exact Hamming
    distance is then checked here. An exact match wins over an earlier near one.
    """
    exact: dict[str, int] = {
        sha: pid
        for sha, pid in session.execute(
            select(ReportPhoto.sha256, func.min(ReportPhoto.id))
            .where(ReportPhoto.sha256.in_({p.sha256 for p in photos}))
            .group_by(ReportPhoto.sha256)
        )
    }
    probes = [band_probes(p.phash) for p in photos]
    shares_a_band = or_(
        *(
            column.in_(sorted(set().union(*(probe[band] for probe in probes))))
            for band, column in enumerate(ReportPhoto.band_columns())
        )
    )
    candidates = session.execute(
        select(ReportPhoto.id, ReportPhoto.phash).where(shares_a_band).order_by(ReportPhoto.id)
    ).all()
    out: list[int | None] = []
    for photo in photos:
        same = exact.get(photo.sha256)
        near = same or next(
            (pid for pid, ph in candidates if hamming(ph, photo.phash) <= NEAR_DUPLICATE_BITS),
            None,
        )
        out.append(near)
    return out


def photo_row(
    report_id: int,
    position: int,
    filename: str | None,
    size_bytes: int,
    p: CheckedPhoto,
    *,
    taken_at: datetime | None,
    duplicate_of: int | None,
) -> ReportPhoto:
    """Return the row of a report's photo, with its pHash bands and EXIF record."""
    return ReportPhoto(
        report_id=report_id,
        position=position,
        sha256=p.sha256,
        original_filename=filename,
        format=p.format,
        size_bytes=size_bytes,
        width=p.width,
        height=p.height,
        phash=p.phash,
        **_band_values(p.phash),
        exif=_exif_record(p),
        taken_at=taken_at,
        duplicate_of_id=duplicate_of,
    )


def _band_values(phash: str) -> dict[str, int]:
    """Return the pHash band columns of a new ReportPhoto row."""
    columns = ReportPhoto.band_columns()
    assert len(columns) == PHASH_BANDS, "models.report and geo.photos.duplicates disagree"
    return {col.key: value for col, value in zip(columns, phash_bands(phash), strict=True)}


def _exif_record(p: CheckedPhoto) -> dict[str, Any]:
    e = p.exif
    return {
        "lat": e.lat,
        "lon": e.lon,
        "altitude_m": e.altitude_m,
        "gps_time": e.gps_time.isoformat() if e.gps_time else None,
        "taken_at": e.taken_at.isoformat() if e.taken_at else None,
        "taken_at_has_offset": e.taken_at_has_offset,
        "make": e.make,
        "model": e.model,
        "orientation": e.orientation,
        "warnings": list(e.warnings),
    }
