"""Organisation (procuratorate) schemas."""

from typing import Any

from pydantic import BaseModel, Field


class OrganisationRead(BaseModel):
    """A procuratorate; `jurisdiction` only when asked for (`geometry=true`)."""

    id: int
    code: str
    name: str
    name_en: str | None
    role: str = Field(description="own or partner")
    level: str
    parent_id: int | None
    admin_code: str | None
    jurisdiction_source: str | None
    jurisdiction: dict[str, Any] | None = Field(
        default=None, description="GeoJSON (multi)polygon, WGS-84; present only with geometry=true"
    )
