"""Report schemas."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class PhotoRead(BaseModel):
    """A photo of a report; `url` is an EXIF-free display copy."""

    n: int
    sha256: str
    format: str
    size_bytes: int
    width: int
    height: int
    taken_at: datetime | None
    exif: dict[str, Any]
    duplicate_of_photo_id: int | None = Field(
        description="the earlier identical photo; for a volunteer only if it is their own"
    )
    seen_before: bool = Field(description="this photo was submitted before (by anyone)")
    url: str
    thumb_url: str


class LocationRead(BaseModel):
    """Where the report is, and how that was decided."""

    lon: float
    lat: float
    source: str
    accuracy_m: float | None
    device: dict[str, Any] | None


class ReportRead(BaseModel):
    """A report as its volunteer or a prosecutor sees it."""

    id: int
    status: str
    status_text: dict[str, str]
    category: str
    category_label: dict[str, str]
    description: str
    location: LocationRead
    observed_at: datetime | None
    submitted_at: datetime
    flags: list[str]
    organisation: dict[str, Any]
    duplicate_of_report_id: int | None = Field(
        description="the earlier report it repeats; for a volunteer only if it is their own"
    )
    seen_before: bool = Field(description="a report with these photos came in before")
    geocode: Mapping[str, Any]
    photos: list[PhotoRead]
