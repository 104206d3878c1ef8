"""Read point lists for batch geocoding from CSV or GeoJSON."""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LON_NAMES = ("lon", "lng", "longitude", "x", "经度")
LAT_NAMES = ("lat", "latitude", "y", "纬度")
ID_NAMES = ("id", "ID", "编号")


class PointsFileError(ValueError):
    """A point file that cannot be read; the message names the problem and the row."""


@dataclass
class PointList:
    """Identifiers and coordinates of the points to geocode (in the file's CRS)."""

    ids: list[str]
    xs: np.ndarray
    ys: np.ndarray


def _column(header: list[str], names: tuple[str, ...], what: str) -> int:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name.lower() in lowered:
            return lowered.index(name.lower())
    raise PointsFileError(f"CSV has no {what} column (one of {', '.join(names)})")


def _read_csv(text: str, max_points: int) -> PointList:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise PointsFileError("CSV is empty")
    ix, iy = _column(header, LON_NAMES, "longitude"), _column(header, LAT_NAMES, "latitude")
    lowered = [h.strip().lower() for h in header]
    iid = next((lowered.index(n.lower()) for n in ID_NAMES if n.lower() in lowered), None)
    ids: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    for n, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(ids) >= max_points:
            raise PointsFileError(f"more than {max_points} points; split the file")
        try:
            xs.append(float(row[ix]))
            ys.append(float(row[iy]))
        except (ValueError, IndexError) as exc:
            raise PointsFileError(f"CSV line {n}: bad coordinates {row!r}") from exc
        ids.append(row[iid] if iid is not None and iid < len(row) else str(len(ids) + 1))
    return PointList(ids, np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))


def _read_geojson(text: str, max_points: int) -> PointList:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PointsFileError(
            f"bad GeoJSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:  # arrays or objects nested thousands deep
        raise PointsFileError("bad GeoJSON: nested too deeply to read") from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise PointsFileError("GeoJSON must be a FeatureCollection of Point features")
    if len(features) > max_points:
        raise PointsFileError(f"more than {max_points} points; split the file")
    ids: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    for n, feat in enumerate(features):
        feat = feat if isinstance(feat, dict) else {}
        geom = feat.get("geometry")
        geom = geom if isinstance(geom, dict) else {}
        coords = geom.get("coordinates")
        if geom.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            raise PointsFileError(f"feature {n}: not a Point geometry")
        try:
            x, y = float(coords[0]), float(coords[1])
        except (TypeError, ValueError) as exc:
            raise PointsFileError(f"feature {n}: bad coordinates {coords!r}") from exc
        props = feat.get("properties")
        props = props if isinstance(props, dict) else {}
        ids.append(str(feat.get("id", props.get("id", n + 1))))
        xs.append(x)
        ys.append(y)
    return PointList(ids, np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))


def read_points(path: Path, max_points: int) -> PointList:
    """Read a CSV (header with lon/lat columns) or GeoJSON FeatureCollection of points."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PointsFileError("point file is not UTF-8 text") from exc
    points = (_read_geojson if text.lstrip().startswith("{") else _read_csv)(text, max_points)
    if not points.ids:
        raise PointsFileError("the file holds no points")
    bad = ~(np.isfinite(points.xs) & np.isfinite(points.ys))
    if bad.any():
        raise PointsFileError(f"point {points.ids[int(np.argmax(bad))]!r}: coordinates not finite")
    return points
