"""Interactive API documentation (Swagger UI) served from our own vendored files.

FastAPI's built-in /docs loads Swagger UI from a CDN and starts it with an inline script,
which neither works offline nor passes our Content-Security-Policy; this page loads
app/static/vendor/swagger-ui and starts it from app/static/docs/init.js.
"""

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from app.api.ui import STATIC
from app.auth import public
from app.http.routing import TransactionRoute

router = APIRouter(tags=["ui"], route_class=TransactionRoute)


@router.get("/docs", include_in_schema=False, dependencies=[Depends(public)])
def docs() -> FileResponse:
    """Serve the Swagger UI page for /openapi.json."""
    return FileResponse(STATIC / "docs" / "index.html", media_type="text/html; charset=utf-8")
