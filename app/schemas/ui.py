"""What the map UI starts from: base map, view, and the server's controlled lists."""

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.labels import CodeLabel


class Pm10Band(BaseModel):
    """A colour band of the daily PM10 mean (µg/m³): above `from` up to `to` inclusive."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: float = Field(alias="from")
    to: float | None = Field(description="null: no upper bound")
    colour: str = Field(examples=["#00c853"])
    zh: str
    en: str
    source: str = Field(description="the standard the limits come from")


class UiConfig(BaseModel):
    """The optional raster base map, the initial view and the lists the UI shows."""

    tile_url: str | None
    tile_attribution: str
    center: list[float] = Field(description="lat, lon")
    zoom: int
    languages: list[str]
    categories: list[CodeLabel] = Field(description="report and lead categories")
    lead_statuses: list[CodeLabel] = Field(description="the states of the lead workflow")
    open_statuses: list[str] = Field(
        description="the states of leads still being worked on; the others are done"
    )
    zone_kinds: list[CodeLabel] = Field(
        description="the zone kinds the map always offers as overlays, the first drawn on top"
    )
    zones_on: list[str] = Field(description="the zone kinds shown at start")
    base_kinds: list[str] = Field(description="layer kinds drawn as the base map, not as zones")
    pm10_bands: list[Pm10Band] = Field(description="station colours by daily PM10 mean")
