"""The prosecutors' map UI: its page, its static files, and the settings it starts from."""

from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from app.auth import public
from app.deps import SettingsDep
from app.http.routing import TransactionRoute
from app.schemas.labels import CodeLabel
from app.schemas.ui import Pm10Band, UiConfig
from geo.air.bands import PM10_BANDS, PM10_BANDS_SOURCE
from rules.categories import CATEGORIES
from rules.kinds import KINDS, MAP_BASE_KINDS, MAP_ZONE_KINDS, MAP_ZONES_ON
from rules.workflow import OPEN_STATUSES, STATUS_LABELS

STATIC = Path(__file__).resolve().parents[1] / "static"
router = APIRouter(tags=["ui"], route_class=TransactionRoute)


@router.get("/", include_in_schema=False, dependencies=[Depends(public)])
def index() -> FileResponse:
    """Serve the map UI (UTF-8, so Chinese renders)."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get(
    "/api/v1/ui/config", summary="What the map UI starts from", dependencies=[Depends(public)]
)
def ui_config(settings: SettingsDep) -> UiConfig:
    """Return the base map, the initial view, categories, lead statuses, the map's zone kinds
    and PM10 bands."""
    return UiConfig(
        tile_url=settings.tile_url,
        tile_attribution=settings.tile_attribution,
        center=[settings.map_center_lat, settings.map_center_lon],
        zoom=settings.map_zoom,
        languages=["zh-CN", "en"],
        categories=[CodeLabel(code=c, zh=r.zh, en=r.en) for c, r in CATEGORIES.items()],
        lead_statuses=[CodeLabel(code=s, zh=zh, en=en) for s, (zh, en) in STATUS_LABELS.items()],
        open_statuses=list(OPEN_STATUSES),
        zone_kinds=[
            CodeLabel(code=k, zh=KINDS[k].title_zh, en=KINDS[k].title_en) for k in MAP_ZONE_KINDS
        ],
        zones_on=list(MAP_ZONES_ON),
        base_kinds=list(MAP_BASE_KINDS),
        pm10_bands=[
            Pm10Band.model_validate(
                {
                    "from": b.lower,
                    "to": b.upper,
                    "colour": b.colour,
                    "zh": b.zh,
                    "en": b.en,
                    "source": PM10_BANDS_SOURCE,
                }
            )
            for b in PM10_BANDS
        ],
    )
