"""Read, validate, repair and reproject vector reference layers (GeoJSON, GPKG, zipped SHP).

Everything comes out in WGS-84 lon/lat. Problems a user can fix are raised as
LayerFileError with a one-line message naming the problem.
"""

import json
import math
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from geo.crs import CRSError, parse_crs, to_wgs84_coords
from geo.geojson_limits import (
    MAX_COLLECTION_DEPTH,
    GeometryLimitError,
    count_positions,
    document_geometries,
)
from geo.progress import Progress, no_progress
from rules.kinds import KindError, normalise_grade, normalise_level

NAME_FIELDS = ("name", "NAME", "Name", "名称", "mc", "MC")
CODE_FIELDS = ("code", "CODE", "adcode", "ADCODE", "编码", "dm", "DM")
LEVEL_FIELDS = ("level", "LEVEL", "Level", "级别", "grade")
# A nature reserve's grade (国家级, 省级, …): never picked from LEVEL_FIELDS (there "级别" may
# mean the functional zone).
GRADE_FIELDS = ("reserve_grade", "保护区级别", "保护地级别")
# SQLite header field application_id (offset 68) of a GeoPackage: "GPKG" since 1.2,
# "GP10"/"GP11" in 1.0/1.1 (OGC 12-128r18 §1.1.1.1.1). Any other SQLite file is refused.
GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")


class LayerFileError(ValueError):
    """A layer file that cannot be imported; the message names the problem."""


@dataclass
class ReadOptions:
    """How to interpret a layer file."""

    kind: str
    crs: str | None = None
    name_field: str | None = None
    level_field: str | None = None
    code_field: str | None = None
    level: str | None = None
    grade_field: str | None = None
    grade: str | None = None


@dataclass
class ReadFeature:
    """One usable feature, geometry in WGS-84."""

    geometry: shapely.Geometry
    name: str | None
    level: str | None
    code: str | None
    properties: dict[str, Any]
    grade: str | None = None


@dataclass
class ReadResult:
    """The usable features of a file and what was done to them."""

    features: list[ReadFeature]
    source_format: str
    source_crs: str
    repaired_count: int = 0
    skipped_count: int = 0
    bbox: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """A layer file as GDAL will read it."""

    format: str
    gdal_path: str
    has_prj: bool = True
    declared_crs: str | None = None  # a GeoJSON's legacy "crs" member, as written


def detect_format(path: Path) -> Source:
    """Recognise the file by its content, not its name."""
    with path.open("rb") as fh:
        head = fh.read(100)
    if head.startswith(b"SQLite format 3\x00"):
        if head[68:72] not in GPKG_APPLICATION_IDS:
            raise LayerFileError(
                "not a GeoPackage: an SQLite database without the GeoPackage application id"
            )
        return Source("gpkg", str(path))
    if head.startswith(b"PK\x03\x04"):
        return _zipped_shapefile(path)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return Source("geojson", str(path))
    raise LayerFileError("unreadable content: not a GeoJSON, GeoPackage or zipped Shapefile")


def _zipped_shapefile(path: Path) -> Source:
    """Check a zip holds exactly one shapefile with its parts."""
    try:
        names = zipfile.ZipFile(path).namelist()
    except zipfile.BadZipFile as exc:
        raise LayerFileError(f"unreadable zip file: {exc}") from exc
    shps = [n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
    if len(shps) != 1:
        raise LayerFileError(f"zip must hold exactly one .shp file, found {len(shps)}")
    stem = shps[0][:-4].lower()
    lower = {n.lower() for n in names}
    for ext in (".shx", ".dbf"):
        if stem + ext not in lower:
            raise LayerFileError(f"shapefile zip lacks {Path(shps[0]).stem}{ext}")
    # The {…} form lets GDAL open an archive whatever its file name (uploads keep theirs).
    return Source("shapefile-zip", f"/vsizip/{{{path}}}/{shps[0]}", stem + ".prj" in lower)


def _check_json(path: Path) -> str | None:
    """Parse the file as JSON so that syntax errors are reported with their position.

    Refuse geometries nested too deeply for the recursive parsers behind (GDAL, shapely).
    Return the declared legacy "crs" name, if any.
    """
    try:
        with path.open("rb") as fh:
            doc = json.load(fh)  # NaN in properties is read (as null); in coordinates, refused
    except RecursionError as exc:
        raise LayerFileError(
            "bad GeoJSON: nested too deeply to read (e.g. GeometryCollections inside "
            f"GeometryCollections; at most {MAX_COLLECTION_DEPTH} levels are accepted)"
        ) from exc
    except UnicodeDecodeError as exc:
        raise LayerFileError(f"GeoJSON is not UTF-8 text: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise LayerFileError(
            f"bad GeoJSON: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(doc, dict) or "type" not in doc:
        raise LayerFileError("bad GeoJSON: top level is not a GeoJSON object with a 'type'")
    if doc["type"] == "FeatureCollection" and not doc.get("features"):
        raise LayerFileError("no usable features: the FeatureCollection has 0 features")
    for n, geometry in enumerate(document_geometries(doc), start=1):
        try:
            count_positions(geometry)
        except GeometryLimitError as exc:
            raise LayerFileError(f"bad GeoJSON: feature {n}: {exc}") from exc
    return _declared_crs(doc.get("crs"))


def _declared_crs(member: Any) -> str | None:
    """Return the name a legacy GeoJSON "crs" member declares ('?' if it is unreadable)."""
    if member is None:
        return None
    props = member.get("properties") if isinstance(member, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    return str(name) if name is not None else json.dumps(member, ensure_ascii=False)[:200]


def _read_frame(source: Source, path: Path) -> tuple[gpd.GeoDataFrame, Source]:
    if source.format == "geojson":
        source = Source(source.format, source.gdal_path, declared_crs=_check_json(path))
    try:
        frame = pyogrio.read_dataframe(source.gdal_path)
    except Exception as exc:  # pyogrio raises several DataSourceError/FieldError classes
        raise LayerFileError(f"unreadable {source.format}: {str(exc).splitlines()[0]}") from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        raise LayerFileError(f"no usable features: the {source.format} has no geometry column")
    if frame.geometry.name is None or len(frame) == 0:
        raise LayerFileError(f"no usable features: the {source.format} has 0 features")
    return frame, source


def _checked(geoms: np.ndarray) -> np.ndarray:
    """Refuse non-finite coordinates and collections nested too deeply, naming the feature.

    A GeometryCollection (nested within the bound) becomes the Multi* geometry of its parts
    when they share one dimension: the same area, stored by both backends (SpatiaLite does
    not take collections). A collection mixing dimensions is refused.
    """
    geoms = geoms.copy()
    for i in np.flatnonzero(shapely.get_type_id(geoms) == 7):
        geoms[i] = _collection_as_multi(geoms[i], int(i) + 1)
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        raise LayerFileError(
            f"feature {int(index[bad][0]) + 1}: a coordinate is not a finite number "
            "(NaN or Infinity)"
        )
    return geoms


def _collection_as_multi(collection: shapely.Geometry, n: int) -> shapely.Geometry:
    """Walk a collection without recursion; return its parts as one Multi* geometry."""
    leaves: list[shapely.Geometry] = []
    stack = [(collection, 0)]
    while stack:
        geom, depth = stack.pop()
        if shapely.get_type_id(geom) != 7:
            leaves.extend(shapely.get_parts(geom))
        elif depth >= MAX_COLLECTION_DEPTH:
            raise LayerFileError(
                f"feature {n}: GeometryCollections nested more than "
                f"{MAX_COLLECTION_DEPTH} levels deep"
            )
        else:
            stack.extend((p, depth + 1) for p in reversed(shapely.get_parts(geom)))
    leaves = [g for g in leaves if not g.is_empty]
    dims = {int(shapely.get_dimensions(g)) for g in leaves}
    if not leaves:
        return shapely.GeometryCollection()
    if len(dims) > 1:
        raise LayerFileError(
            f"feature {n}: a GeometryCollection mixing points, lines and areas; "
            "store each kind as its own feature"
        )
    make = {0: shapely.MultiPoint, 1: shapely.MultiLineString, 2: shapely.MultiPolygon}
    return make[dims.pop()](leaves)


def _source_crs(frame: gpd.GeoDataFrame, source: Source, override: str | None) -> str:
    """Decide the source coordinate system; refuse when it cannot be known."""
    if override:
        try:
            return str(parse_crs(override))
        except CRSError as exc:
            raise LayerFileError(str(exc)) from exc
    fmt = source.format
    if not source.has_prj:
        raise LayerFileError(
            "unknown CRS: the shapefile zip has no .prj; add it or give the CRS (--crs EPSG:4490)"
        )
    if source.declared_crs is not None:
        _check_declared(source.declared_crs)
    if frame.crs is None:
        if fmt == "geojson":
            return "EPSG:4326"  # RFC 7946: GeoJSON without a crs member is WGS-84
        raise LayerFileError(f"unknown CRS: the {fmt} declares no coordinate system; give --crs")
    epsg = frame.crs.to_epsg(min_confidence=70)
    if epsg is None:
        try:
            CRS.from_user_input(frame.crs).to_wkt()
        except ProjCRSError as exc:
            raise LayerFileError(f"unknown CRS: {exc}") from exc
        return frame.crs.to_wkt()
    return f"EPSG:{epsg}"


def _check_declared(name: str) -> None:
    """Refuse a declared CRS that PROJ does not know (GDAL would silently read EPSG:4326)."""
    try:
        CRS.from_user_input(name)
    except ProjCRSError as exc:
        raise LayerFileError(
            f"unknown CRS: the GeoJSON declares {name!r}, which is not a known coordinate "
            "system; fix its crs member or give the CRS (--crs EPSG:4490)"
        ) from exc


def _to_wgs84(geoms: np.ndarray, crs_name: str) -> np.ndarray:
    """Reproject an array of geometries to WGS-84 lon/lat (2D)."""
    if crs_name.startswith(("PROJCRS", "GEOGCRS", "PROJCS", "GEOGCS")):
        series = gpd.GeoSeries(geoms, crs=CRS.from_user_input(crs_name))
        return np.asarray(shapely.force_2d(series.to_crs(4326).values))
    system = parse_crs(crs_name)

    def fn(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(to_wgs84_coords(system, coords[:, 0], coords[:, 1]))

    return np.asarray(shapely.transform(geoms, fn))


def _repair(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Make invalid geometries valid; return (geoms, usable mask, repaired count)."""
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    invalid = usable & ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid])
        dims = shapely.get_dimensions(geoms[invalid])
        for i, (geom, dim) in enumerate(zip(fixed, dims, strict=True)):
            if shapely.get_type_id(geom) == 7:
                # make_valid may add stray lines or points (a bow-tie's crossing, a
                # zero-length segment): keep the parts of the original's dimension.
                parts = [p for p in shapely.get_parts(geom) if shapely.get_dimensions(p) == dim]
                fixed[i] = shapely.union_all(parts) if parts else shapely.GeometryCollection()
        geoms = geoms.copy()
        geoms[invalid] = fixed
        usable &= ~shapely.is_empty(geoms)
    return geoms, usable, int(invalid.sum())


def _json_value(value: Any) -> Any:
    if value is pd.NaT or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, np.generic):
        return _json_value(value.item())
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _pick(
    columns: list[str], wanted: str | None, guesses: tuple[str, ...], what: str
) -> str | None:
    if wanted:
        if wanted not in columns:
            raise LayerFileError(
                f"{what} field {wanted!r} not in the file; fields are: {', '.join(columns)}"
            )
        return wanted
    return next((c for c in guesses if c in columns), None)


def _text(value: Any) -> str | None:
    value = _json_value(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def read_layer(path: Path, options: ReadOptions, progress: Progress = no_progress) -> ReadResult:
    """Read a layer file into WGS-84 features, or raise LayerFileError naming the problem."""
    source = detect_format(path)
    progress(0.05, f"reading {source.format}")
    frame, source = _read_frame(source, path)
    crs_name = _source_crs(frame, source, options.crs)
    progress(0.2, f"{len(frame)} features read; reprojecting from {crs_name}")
    geoms, usable, repaired = _repair(_checked(np.asarray(frame.geometry.values)))
    if not usable.any():
        raise LayerFileError(f"no usable features: all {len(frame)} features lack a geometry")
    geoms = _to_wgs84(geoms[usable], crs_name)
    bounds = shapely.total_bounds(geoms)
    if not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
        raise LayerFileError(
            f"coordinates are not longitude/latitude after reading as {crs_name} "
            f"(x {bounds[0]:.6g}..{bounds[2]:.6g}): declare the real CRS with --crs"
        )
    progress(0.35, "reading attributes")
    attrs = frame.drop(columns=frame.geometry.name)[usable]
    columns = [str(c) for c in attrs.columns]
    name_f = _pick(columns, options.name_field, NAME_FIELDS, "name")
    code_f = _pick(columns, options.code_field, CODE_FIELDS, "code")
    level_f = _pick(columns, options.level_field, LEVEL_FIELDS, "level")
    grade_f = (
        _pick(columns, options.grade_field, GRADE_FIELDS, "grade")
        if options.kind == "nature_reserve" or options.grade_field
        else None
    )
    features = []
    try:
        for geom, row in zip(geoms, attrs.to_dict("records"), strict=True):
            props = {str(k): _json_value(v) for k, v in row.items()}
            raw_level = (
                options.level
                if options.level is not None
                else (props.get(level_f) if level_f else None)
            )
            raw_grade = (
                options.grade
                if options.grade is not None
                else (props.get(grade_f) if grade_f else None)
            )
            features.append(
                ReadFeature(
                    geometry=geom,
                    name=_text(props.get(name_f)) if name_f else None,
                    level=normalise_level(options.kind, raw_level),
                    code=_text(props.get(code_f)) if code_f else None,
                    properties=props,
                    grade=normalise_grade(options.kind, raw_grade),
                )
            )
    except KindError as exc:
        raise LayerFileError(str(exc)) from exc
    return ReadResult(
        features=features,
        source_format=source.format,
        source_crs=crs_name,
        repaired_count=repaired,
        skipped_count=int((~usable).sum()),
        bbox=[float(b) for b in bounds],
    )
