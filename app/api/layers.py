"""Reference layers: list, read, features as GeoJSON, upload a new version."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from fastapi.responses import JSONResponse

from app.auth import Allow, Principal
from app.deps import BBoxDep, Offset, SessionDep, SettingsDep
from app.http.responses import GEOJSON, GeoJSONResponse, accepted, media
from app.http.routing import TransactionRoute
from app.schemas.common import ID_MAX
from app.schemas.jobs import JobRead
from app.schemas.layers import LayerFeatures, LayerImported, LayerRead, LayerVersionRead
from app.services import jobs as job_service
from app.services.files.uploads import discard_upload, save_upload
from app.services.places import layers as service
from geo.layers import ReadOptions
from models import Layer, LayerVersion
from rules.kinds import KINDS, check_kind, normalise_grade

router = APIRouter(prefix="/api/v1/layers", tags=["layers"], route_class=TransactionRoute)
Reader = Annotated[Principal, Depends(Allow("layers:read", "admin", "prosecutor", "partner"))]
Writer = Annotated[Principal, Depends(Allow("layers:write", "admin"))]


def _layer_read(layer: Layer, versions: list[LayerVersion]) -> LayerRead:
    spec = KINDS.get(layer.kind)
    items = [LayerVersionRead.model_validate(v) for v in versions]
    return LayerRead(
        id=layer.id,
        name=layer.name,
        title=layer.title,
        kind=layer.kind,
        kind_title=spec.title_zh if spec else None,
        protected=bool(spec and spec.protected),
        current_version=items[0] if items else None,
        versions=items,
        created_at=layer.created_at,
    )


@router.get("", summary="List reference layers")
def list_layers(session: SessionDep, _: Reader) -> list[LayerRead]:
    """List every layer with its versions."""
    return [_layer_read(layer, versions) for layer, versions in service.list_layers(session)]


@router.get("/{layer}", summary="Read a layer (by id or name)")
def get_layer(layer: str, session: SessionDep, _: Reader) -> LayerRead:
    """Return one layer with all its versions."""
    return _layer_read(*service.get_layer(session, ref=layer))


@router.get(
    "/{layer}/features",
    summary="Features of a layer version as GeoJSON",
    response_class=GeoJSONResponse,
    responses=media(GEOJSON, "a page of features", LayerFeatures),
)
def layer_features(
    layer: str,
    session: SessionDep,
    _: Reader,
    bbox: BBoxDep,
    version: Annotated[int | None, Query(ge=1, le=ID_MAX, description="default: newest")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Offset = 0,
    tolerance: Annotated[
        float, Query(ge=0, le=0.1, description="simplify by this many degrees (for maps)")
    ] = 0.0,
) -> GeoJSONResponse:
    """Return a page of features (GeoJSON FeatureCollection), optionally within a bbox."""
    body = service.layer_features(
        session,
        ref=layer,
        version=version,
        bbox=bbox,
        limit=limit,
        offset=offset,
        tolerance=tolerance,
    )
    return GeoJSONResponse(body)


@router.post(
    "",
    status_code=201,
    summary="Upload a layer file as a new version",
    response_model=LayerImported,
    responses={202: {"model": JobRead, "description": "large file: import runs as a job"}},
)
def upload_layer(
    session: SessionDep,
    caller: Writer,
    settings: SettingsDep,
    response: Response,
    file: Annotated[UploadFile, File(description="GeoJSON, GeoPackage or zipped Shapefile")],
    name: Annotated[
        str, Form(pattern=service.LAYER_NAME_PATTERN, description="identifier, e.g. wetlands-2024")
    ],
    kind: Annotated[str, Form()],
    title: Annotated[str | None, Form(max_length=200)] = None,
    crs: Annotated[str | None, Form(description="override: gcj02, bd09, EPSG:<code>")] = None,
    name_field: Annotated[str | None, Form()] = None,
    level_field: Annotated[str | None, Form()] = None,
    code_field: Annotated[str | None, Form()] = None,
    level: Annotated[str | None, Form(description="one level for every feature")] = None,
    grade_field: Annotated[str | None, Form(description="nature reserves: the grade field")] = None,
    grade: Annotated[
        str | None, Form(description="nature reserves: one grade (国家公园, 国家级, 省级, …)")
    ] = None,
) -> LayerImported | JSONResponse:
    """Import small files at once (201); larger ones run as a job (202 + Location)."""
    check_kind(kind)
    normalise_grade(kind, grade)
    service.check_layer_name(name)
    options = ReadOptions(
        kind=kind,
        crs=crs,
        name_field=name_field,
        level_field=level_field,
        code_field=code_field,
        level=level,
        grade_field=grade_field,
        grade=grade,
    )
    path = save_upload(file.file, file.filename, settings.uploads_dir, settings.upload_max_bytes)
    if path.stat().st_size > settings.sync_import_max_bytes:
        job = job_service.create_job(
            session,
            kind="layer_import",
            created_by=caller.user,
            params={
                "path": str(path),
                "name": name,
                "kind": kind,
                "title": title,
                "filename": file.filename,
                "options": {k: v for k, v in vars(options).items()},
            },
        )
        return accepted(job)
    try:
        version = service.import_layer(
            session,
            path=path,
            name=name,
            kind=kind,
            title=title,
            filename=file.filename,
            options=options,
        )
    finally:
        discard_upload(path)
    response.headers["Location"] = f"/api/v1/layers/{name}"
    return LayerImported(layer=name, kind=kind, version=LayerVersionRead.model_validate(version))
