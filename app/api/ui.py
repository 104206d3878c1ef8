"""The prosecutors' map UI: its page, its static files, and the settings it starts from."""

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from app.auth import public
from app.deps import SettingsDep

STATIC = Path(__file__).resolve().parents[1] / "static"
router = APIRouter(tags=["ui"])


@router.get("/", include_in_schema=False, dependencies=[Depends(public)])
def index() -> FileResponse:
    """Serve the map UI (UTF-8, so Chinese renders)."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get(
    "/api/v1/ui/config", summary="What the map UI starts from", dependencies=[Depends(public)]
)
def ui_config(settings: SettingsDep) -> dict[str, Any]:
    """Return the optional raster base map and the initial view."""
    return {
        "tile_url": settings.tile_url,
        "tile_attribution": settings.tile_attribution,
        "center": [settings.map_center_lat, settings.map_center_lon],
        "zoom": settings.map_zoom,
        "languages": ["zh-CN", "en"],
    }
