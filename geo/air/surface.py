"""PM10 surfaces from station values: IDW and ordinary kriging in metres, leave-one-out CV.

Stations and cell centres are projected to the UTM zone of the grid centre before any
distance is taken (never degrees). Values are whatever the caller passes (µg/m³ for PM10).
The grid, the result types and the GeoTIFF / GeoJSON writers live in surface_io and are
re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pykrige.ok import OrdinaryKriging
from scipy.spatial.distance import pdist

from geo.air.surface_io import (
    CrossValidation,
    Grid,
    Surface,
    SurfaceMethod,
    cells_geojson,
    make_grid,
    project_metric,
    write_geotiff,
)

__all__ = [
    "CrossValidation",
    "Grid",
    "Surface",
    "cells_geojson",
    "estimate_surface",
    "idw",
    "loo_cv",
    "make_grid",
    "ordinary_kriging",
    "project_metric",
    "write_geotiff",
]

FloatArray = NDArray[np.float64]
CVMethod = Literal["idw", "kriging", "baseline"]
VariogramModel = Literal["linear", "power", "gaussian", "spherical", "exponential", "hole-effect"]

# Inverse-square weighting: the conventional IDW default (Shepard 1968, also gstat's and
# QGIS's); higher powers flatten the surface into plateaus around each station.
IDW_POWER = 2.0
# Six stations give 15 pairs, the fewest on which a three-parameter variogram is more than
# noise; with fewer, kriging adds nothing over IDW, so "auto" only krigs from six on.
MIN_STATIONS_KRIGING = 6
# Three stations is the least that gives a surface any spatial shape and a leave-one-out CV
# that predicts each station from at least two others.
MIN_STATIONS = 3
# A query this close to a station (metres) is the station: return its value exactly.
COINCIDENT_M = 1e-6
# Query points per block: bounds the (points x stations) matrices to tens of MB.
QUERY_CHUNK = 50_000
# A variogram needs at least one station pair.
MIN_KRIGING_INPUT = 2
# pykrige's default number of lag bins, enough for the 10-40 stations of a city network.
KRIGING_MAX_LAGS = 6
# Spherical, exponential and gaussian variograms have three parameters (partial sill,
# range, nugget); fewer than three experimental points leave the fit underdetermined.
KRIGING_MIN_LAGS = 3
# Station pairs aimed for per lag bin: 6 stations (15 pairs) get 3 lags, 12 or more get 6.
PAIRS_PER_LAG = 10
# Spherical: a bounded sill reached at a finite range, the usual model for urban PM fields.
DEFAULT_VARIOGRAM: VariogramModel = "spherical"
_PARAM_NAMES = {"linear": ("slope", "nugget"), "power": ("scale", "exponent", "nugget")}
_SILL_RANGE_NUGGET = ("psill", "range_m", "nugget")


def _stations(sx: ArrayLike, sy: ArrayLike, sv: ArrayLike) -> tuple[FloatArray, ...]:
    x, y, v = (np.asarray(a, dtype=np.float64).ravel() for a in (sx, sy, sv))
    if not x.size == y.size == v.size:
        raise ValueError(f"station arrays differ in length: {x.size}, {y.size}, {v.size}")
    if x.size == 0:
        raise ValueError("interpolation needs at least one station")
    if not (np.isfinite(x).all() and np.isfinite(y).all() and np.isfinite(v).all()):
        raise ValueError("station coordinates and values must be finite")
    return x, y, v


def _queries(qx: ArrayLike, qy: ArrayLike) -> tuple[FloatArray, FloatArray]:
    bx, by = np.broadcast_arrays(np.asarray(qx, np.float64), np.asarray(qy, np.float64))
    return bx, by


def idw(
    sx: ArrayLike,
    sy: ArrayLike,
    sv: ArrayLike,
    qx: ArrayLike,
    qy: ArrayLike,
    power: float = IDW_POWER,
) -> FloatArray:
    """Interpolate station values at query points by inverse distance weighting in metres."""
    x, y, v = _stations(sx, sy, sv)
    if not (math.isfinite(power) and power > 0):
        raise ValueError(f"IDW power must be a positive number, got {power!r}")
    bx, by = _queries(qx, qy)
    fx, fy = bx.ravel(), by.ravel()
    out = np.empty(fx.size)
    for start in range(0, fx.size, QUERY_CHUNK):
        block = slice(start, start + QUERY_CHUNK)
        d = np.hypot(fx[block, None] - x[None, :], fy[block, None] - y[None, :])
        hit = d < COINCIDENT_M
        with np.errstate(divide="ignore"):
            w = d**-power
        # On a station only the coincident station(s) count, so its value comes back exactly.
        on_station = hit.any(axis=1)
        w[on_station] = hit[on_station]
        out[block] = (w @ v) / w.sum(axis=1)
    return out.reshape(bx.shape)


def _nlags(n: int) -> int:
    return int(np.clip(n * (n - 1) // 2 // PAIRS_PER_LAG, KRIGING_MIN_LAGS, KRIGING_MAX_LAGS))


def _try_fit(
    x: FloatArray,
    y: FloatArray,
    v: FloatArray,
    model: str,
    params: list[float] | None,
    dmax: float,
) -> OrdinaryKriging:
    """Fit one variogram and check it gives a usable kriging system; raise ValueError if not."""
    # Degenerate inputs (a constant field, a single lag) make pykrige divide by zero; the
    # checks below catch the outcome, so the floating-point warnings are only noise.
    with np.errstate(all="ignore"):
        ok = OrdinaryKriging(
            x,
            y,
            v,
            variogram_model=model,
            variogram_parameters=params,
            nlags=_nlags(x.size),
            pseudo_inv=True,  # a pseudo-inverse survives co-located stations
        )
        fitted = np.asarray(ok.variogram_model_parameters, dtype=np.float64)
        if not np.isfinite(fitted).all():
            raise ValueError(f"non-finite variogram parameters {fitted.tolist()}")
        if not float(ok.variogram_function(fitted, np.array([dmax]))[0]) > 0:
            raise ValueError("variogram is zero at the largest station distance")
        z, ss = ok.execute("points", np.array([x.mean()]), np.array([y.mean()]))
        if not (np.isfinite(np.ma.filled(z, np.nan)).all() and np.isfinite(ss).all()):
            raise ValueError("kriging system gives non-finite predictions")
    return ok


def _fit_krige(
    x: FloatArray, y: FloatArray, v: FloatArray, model: str
) -> tuple[OrdinaryKriging, list[str]]:
    """Fit `model`, falling back to a fitted then a fixed linear variogram; return notes."""
    if x.size < MIN_KRIGING_INPUT:
        raise ValueError(f"kriging needs at least {MIN_KRIGING_INPUT} stations")
    dmax = float(np.max(pdist(np.column_stack([x, y]))))
    if dmax < COINCIDENT_M:
        raise ValueError("kriging needs stations at more than one location")
    # Last resort: zero nugget, slope = variance / largest distance. With no nugget the
    # kriging weights do not depend on the slope, so its scale only sets the variances.
    fixed = [(float(np.var(v)) or 1.0) / dmax, 0.0]
    last = ("linear", fixed, "fixed linear variogram (slope = variance / max distance)")
    attempts: list[tuple[str, list[float] | None, str]] = [(model, None, f"{model} variogram")]
    if model != "linear":
        attempts.append(("linear", None, "linear variogram"))
    attempts.append(last)
    notes: list[str] = []
    if np.ptp(v) == 0:  # a constant field has a zero variogram: nothing to fit
        attempts = [last]
        notes.append(f"kriging: all station values are equal; used a {last[2]}")
    for (name, params, label), after in zip(attempts, [*attempts[1:], None], strict=True):
        try:
            return _try_fit(x, y, v, name, params, dmax), notes
        except (ValueError, ArithmeticError) as exc:
            if after is None:
                raise ValueError(f"kriging failed even with a {label}: {exc}") from exc
            notes.append(f"kriging: {label} fit failed ({exc}); fell back to a {after[2]}")
    raise AssertionError("unreachable")  # the loop returns or raises


def _describe(ok: OrdinaryKriging) -> str:
    names = _PARAM_NAMES.get(ok.variogram_model, _SILL_RANGE_NUGGET)
    values = ", ".join(
        f"{k}={p:.4g}" for k, p in zip(names, ok.variogram_model_parameters, strict=True)
    )
    return f"kriging: {ok.variogram_model} variogram ({values}), {len(ok.lags)} lags"


def _execute(ok: OrdinaryKriging, qx: FloatArray, qy: FloatArray) -> tuple[FloatArray, FloatArray]:
    fx, fy = qx.ravel(), qy.ravel()
    values, variances = np.empty(fx.size), np.empty(fx.size)
    for start in range(0, fx.size, QUERY_CHUNK):
        block = slice(start, start + QUERY_CHUNK)
        z, ss = ok.execute("points", fx[block], fy[block])
        values[block] = np.ma.filled(z, np.nan)
        variances[block] = np.ma.filled(ss, np.nan)
    # Round-off leaves variances a hair below zero on and next to stations.
    return values.reshape(qx.shape), np.clip(variances, 0.0, None).reshape(qx.shape)


def ordinary_kriging(
    sx: ArrayLike,
    sy: ArrayLike,
    sv: ArrayLike,
    qx: ArrayLike,
    qy: ArrayLike,
    variogram_model: VariogramModel = DEFAULT_VARIOGRAM,
    *,
    notes: list[str] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Krige station values at query points in metres; return (values, variances).

    If the variogram cannot be fitted a linear one is used and a line appended to `notes`.
    """
    x, y, v = _stations(sx, sy, sv)
    ok, fit_notes = _fit_krige(x, y, v, variogram_model)
    if notes is not None:
        notes.extend(fit_notes)
    return _execute(ok, *_queries(qx, qy))


def _predict_left_out(
    x: FloatArray,
    y: FloatArray,
    v: FloatArray,
    i: int,
    method: CVMethod,
    power: float,
    fold_notes: list[str],
) -> float:
    keep = np.arange(v.size) != i
    if method == "baseline":
        return float(v[keep].mean())
    if method == "idw":
        return float(idw(x[keep], y[keep], v[keep], x[i], y[i], power))
    values, _ = ordinary_kriging(x[keep], y[keep], v[keep], x[i], y[i], notes=fold_notes)
    return float(values)


def loo_cv(
    sx: ArrayLike,
    sy: ArrayLike,
    sv: ArrayLike,
    method: CVMethod,
    *,
    power: float = IDW_POWER,
    notes: list[str] | None = None,
) -> CrossValidation:
    """Predict each station from all the others with `method` and summarise the errors."""
    if method not in ("idw", "kriging", "baseline"):
        raise ValueError(f"unknown method {method!r}; expected 'idw', 'kriging' or 'baseline'")
    x, y, v = _stations(sx, sy, sv)
    # Each station is predicted from the n-1 others: kriging needs two of them, the rest one.
    least = (MIN_KRIGING_INPUT if method == "kriging" else 1) + 1
    if v.size < least:
        raise ValueError(f"{method} cross-validation needs at least {least} stations")
    predicted = np.empty(v.size)
    fallbacks: list[str] = []
    folds_fell_back = 0
    for i in range(v.size):
        fold: list[str] = []
        predicted[i] = _predict_left_out(x, y, v, i, method, power, fold)
        folds_fell_back += bool(fold)
        fallbacks.extend(fold)
    if notes is not None and fallbacks:
        distinct = "; ".join(dict.fromkeys(fallbacks))
        notes.append(f"cross-validation: {folds_fell_back} of {v.size} fits fell back: {distinct}")
    err = predicted - v
    return CrossValidation(
        method=method,
        n=int(v.size),
        rmse=float(np.sqrt(np.mean(err**2))),
        mae=float(np.mean(np.abs(err))),
        bias=float(np.mean(err)),
        observed=tuple(v.tolist()),
        predicted=tuple(predicted.tolist()),
    )


def _choose(method: str, n: int, min_stations_kriging: int, notes: list[str]) -> SurfaceMethod:
    if method == "auto":
        chosen: SurfaceMethod = "kriging" if n >= min_stations_kriging else "idw"
        notes.append(f"auto: {n} stations (kriging from {min_stations_kriging}), used {chosen}")
        return chosen
    if method in ("idw", "kriging"):
        return "kriging" if method == "kriging" else "idw"
    raise ValueError(f"unknown method {method!r}; expected 'auto', 'idw' or 'kriging'")


def estimate_surface(
    codes: Sequence[str],
    lons: ArrayLike,
    lats: ArrayLike,
    values: ArrayLike,
    grid: Grid,
    method: Literal["auto", "idw", "kriging"] = "auto",
    min_stations_kriging: int = MIN_STATIONS_KRIGING,
    power: float = IDW_POWER,
) -> Surface:
    """Estimate a surface on `grid` from station values, with leave-one-out CV."""
    names = [str(c) for c in codes]
    lon, lat, val = (np.asarray(a, dtype=np.float64).ravel() for a in (lons, lats, values))
    if not len(names) == lon.size == lat.size == val.size:
        raise ValueError(
            f"codes, lons, lats and values differ in length: "
            f"{len(names)}, {lon.size}, {lat.size}, {val.size}"
        )
    notes: list[str] = []
    usable = np.isfinite(val) & np.isfinite(lon) & np.isfinite(lat)
    if not usable.all():
        dropped = ", ".join(c for c, u in zip(names, usable, strict=True) if not u)
        notes.append(f"ignored station(s) without a value or location: {dropped}")
    n = int(usable.sum())
    if n < MIN_STATIONS:
        raise ValueError(f"a surface needs at least {MIN_STATIONS} stations with values, got {n}")
    chosen = _choose(method, n, min_stations_kriging, notes)
    sx, sy = project_metric(grid, lon[usable], lat[usable])
    sv = val[usable]
    qx, qy = project_metric(grid, *grid.centres())
    variance: FloatArray | None = None
    if chosen == "kriging":
        ok, fit_notes = _fit_krige(sx, sy, sv, DEFAULT_VARIOGRAM)
        notes.extend([*fit_notes, _describe(ok)])
        grid_values, variance = _execute(ok, qx, qy)
        variance.setflags(write=False)
    else:
        grid_values = idw(sx, sy, sv, qx, qy, power)
    grid_values.setflags(write=False)  # the Surface is frozen, so are its arrays
    return Surface(
        grid=grid,
        values=grid_values,
        method=chosen,
        cv=loo_cv(sx, sy, sv, chosen, power=power, notes=notes),
        baseline_cv=loo_cv(sx, sy, sv, "baseline"),
        codes=tuple(c for c, u in zip(names, usable, strict=True) if u),
        notes=tuple(notes),
        variance=variance,
    )
