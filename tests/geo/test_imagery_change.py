"""Change detection: real NDVI pair, windowing, planted patches, co-registration, rechecks."""

from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.transform import from_origin
from rasterio.vrt import WarpedVRT
from rasterio.warp import calculate_default_transform, reproject
from scipy import ndimage

from geo.imagery.change import (
    ChangeParams,
    ChangeRefused,
    ChangeResult,
    Scene,
    detect_change,
)
from geo.imagery.recheck import restored_fraction
from geo.imagery.sensors import SENSORS, Scale

DATA = Path(__file__).parents[1] / "data" / "imagery"
NDVI_BEFORE = DATA / "DERIVED_NDVI_2016-08-04.tif"
NDVI_AFTER = DATA / "DERIVED_NDVI_2017-08-04.tif"
L8 = SENSORS["landsat8"].integer_scale
assert L8 is not None
RED_NIR = {"red": 1, "nir": 2}

# Synthetic scene: 200 x 200 px of 10 m in UTM 50N (Huailai, Hebei).
CRS, X0, Y0, RES, SIZE = "EPSG:32650", 400_000.0, 4_480_000.0, 10.0, 200
SQUARE = (50, 80, 100, 130)  # rows r0:r1, cols c0:c1 → 30 x 30 px = 90,000 m²
SPECK = (150, 152, 30, 32)  # 2 x 2 px = 400 m²


def dn(reflectance: float) -> int:
    """Landsat 8 C2 L2 DN for a reflectance."""
    return round((reflectance + 0.2) / 2.75e-5)


VEG, BARE = (dn(0.05), dn(0.45)), (dn(0.20), dn(0.25))  # (red, nir): NDVI 0.8 vs 0.11


def scene_array(*bare: tuple[int, int, int, int], seed: int = 0) -> np.ndarray:
    """Vegetated red/nir uint16 bands with bare-soil rectangles and a little noise."""
    rng = np.random.default_rng(seed)
    out = np.empty((2, SIZE, SIZE), np.uint16)
    for band in range(2):
        out[band] = VEG[band] + rng.integers(-100, 100, (SIZE, SIZE))
        for r0, r1, c0, c1 in bare:
            out[band, r0:r1, c0:c1] = BARE[band]
    return out


def write(path: Path, data: np.ndarray, crs: str = CRS, transform=None, **kw) -> Path:
    transform = transform or from_origin(X0, Y0, RES, RES)
    count, height, width = data.shape
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=count,
                       dtype=data.dtype, crs=crs, transform=transform, **kw) as dst:  # fmt: skip
        dst.write(data)
    return path


def l8(path: Path, bands: dict[str, int] | None = None) -> Scene:
    return Scene(path, bands or RED_NIR, L8)


def lonlat(row: float, col: float) -> tuple[float, float]:
    """Lon/lat of a (fractional) pixel position of the synthetic grid."""
    to = Transformer.from_crs(CRS, 4326, always_xy=True)
    return to.transform(X0 + col * RES, Y0 - row * RES)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Scene, Scene]:
    before = write(tmp_path / "before.tif", scene_array(seed=1))
    after = write(tmp_path / "after.tif", scene_array(SQUARE, SPECK, seed=2))
    return l8(before), l8(after)


def run(before: Scene, after: Scene, params: ChangeParams, tmp_path: Path, **kw) -> ChangeResult:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    result = detect_change(before, after, params, workdir=work, **kw)
    assert list(work.iterdir()) == []  # temporary rasters are gone
    return result


def ndvi_pair() -> tuple[Scene, Scene]:
    return Scene(NDVI_BEFORE, {"ndvi": 1}, Scale(1.0)), Scene(NDVI_AFTER, {"ndvi": 1}, Scale(1.0))


def aligned_ndvi(result: ChangeResult) -> tuple[np.ndarray, np.ndarray]:
    """Both NDVI rasters warped onto the result's grid, NaN where either is invalid."""
    g = result.grid
    left, _, _, top = g["bounds"]
    tr = from_origin(left, top, g["res_m"], g["res_m"])
    out = []
    for path in (NDVI_BEFORE, NDVI_AFTER):
        with rasterio.open(path) as src, WarpedVRT(
            src, crs=f"EPSG:{g['epsg']}", transform=tr, width=g["width"], height=g["height"],
            resampling=Resampling.bilinear, add_alpha=True,
        ) as vrt:  # fmt: skip
            data = vrt.read().astype(np.float64)
        out.append(np.where(data[1] > 0, np.clip(data[0], -1, 1), np.nan))
    return out[0], out[1]


def test_real_ndvi_pair_matches_numpy(tmp_path: Path) -> None:
    before, after = ndvi_pair()
    params = ChangeParams("ndvi", threshold=0.15, min_area_m2=500)
    calls: list[float] = []
    result = run(before, after, params, tmp_path, progress=lambda f, _m: calls.append(f))
    g = result.grid
    assert g["epsg"] == 32633 and g["res_m"] == pytest.approx(9.997448, abs=1e-6)
    b, a = aligned_ndvi(result)
    diff = a - b
    assert result.valid_pixels == int(np.isfinite(diff).sum()) > 9_900
    with np.errstate(invalid="ignore"):
        changed = diff <= -0.15
    labels, n = ndimage.label(changed, structure=np.ones((3, 3)))
    sizes = np.bincount(labels.ravel())[1:]
    px = g["res_m"] ** 2
    kept = sizes[sizes * px >= 500]
    assert len(result.polygons) == len(kept) >= 2
    assert result.removed_specks == n - len(kept) > 0
    specks = sizes[sizes * px < 500]
    assert result.changed_area_m2 == pytest.approx((changed.sum() - specks.sum()) * px)
    assert result.changed_area_m2 == pytest.approx(sum(p.area_m2 for p in result.polygons))
    assert [p.pixels for p in result.polygons] == sorted(kept.tolist(), reverse=True)
    for poly in result.polygons:
        assert poly.area_m2 == pytest.approx(poly.pixels * px)
        assert poly.mean_change <= -0.15
        assert 14.55 < poly.geom.centroid.x < 14.565 and 45.865 < poly.geom.centroid.y < 45.876
    # Mean change of the largest polygon equals the numpy mean over its component.
    largest = np.argmax(sizes) + 1
    assert result.polygons[0].mean_change == pytest.approx(diff[labels == largest].mean(), abs=1e-5)
    assert calls == sorted(calls) and calls[-1] == 1.0


def same_polygons(x: ChangeResult, y: ChangeResult) -> None:
    assert len(x.polygons) == len(y.polygons)
    for p, q in zip(x.polygons, y.polygons, strict=True):
        assert p.area_m2 == pytest.approx(q.area_m2, rel=1e-6)
        assert p.pixels == q.pixels and p.mean_change == pytest.approx(q.mean_change, rel=1e-6)
    ux = shapely.union_all([shapely.make_valid(p.geom) for p in x.polygons])
    uy = shapely.union_all([shapely.make_valid(p.geom) for p in y.polygons])
    assert ux.symmetric_difference(uy).area < 1e-14
    assert (x.removed_specks, x.valid_pixels) == (y.removed_specks, y.valid_pixels)


def test_windowing_invariance_synthetic(tmp_path: Path) -> None:
    # The square crosses the 16-px window edges at row 64 and cols 112, 128; the staircase
    # crosses a window corner (63, 63) → (64, 64) only diagonally (8-connected).
    stairs = [(60 + i, 61 + i, 60 + i, 62 + i) for i in range(8)]
    before = write(tmp_path / "b.tif", scene_array(seed=1))
    after = write(tmp_path / "a.tif", scene_array(SQUARE, SPECK, *stairs, seed=2))
    params = ChangeParams("ndvi", threshold=0.3, min_area_m2=0)
    small = run(l8(before), l8(after), params, tmp_path, window=16)
    big = run(l8(before), l8(after), params, tmp_path, window=1024)
    same_polygons(small, big)
    assert [p.pixels for p in big.polygons] == [900, 16, 4]


def test_windowing_invariance_real(tmp_path: Path) -> None:
    before, after = ndvi_pair()
    params = ChangeParams("ndvi", threshold=0.1, min_area_m2=0, direction="either")
    results = [run(before, after, params, tmp_path, window=w) for w in (1024, 16, 7)]
    assert len(results[0].polygons) > 10
    same_polygons(results[0], results[1])
    same_polygons(results[0], results[2])


def test_planted_square_and_speck(pair: tuple[Scene, Scene], tmp_path: Path) -> None:
    result = run(*pair, ChangeParams("ndvi", threshold=0.3, min_area_m2=1000), tmp_path)
    assert result.grid["epsg"] == 32650 and result.grid["res_m"] == RES
    assert result.grid["width"] == result.grid["height"] == SIZE
    assert result.valid_pixels == SIZE * SIZE
    [poly] = result.polygons
    assert poly.area_m2 == pytest.approx(90_000) and poly.pixels == 900
    assert result.removed_specks == 1 and result.changed_area_m2 == pytest.approx(90_000)
    assert poly.mean_change == pytest.approx(0.11 - 0.8, abs=0.01)
    lon, lat = lonlat(65, 115)
    assert poly.geom.centroid.x == pytest.approx(lon, abs=1e-6)
    assert poly.geom.centroid.y == pytest.approx(lat, abs=1e-6)
    # Vegetation loss is not an increase.
    up = run(*pair, ChangeParams("ndvi", 0.3, 0, direction="increase"), tmp_path)
    assert up.polygons == [] and up.changed_area_m2 == 0
    # The cap keeps the largest polygons and says so; the changed area still counts all.
    capped = run(*pair, ChangeParams("ndvi", 0.3, 0), tmp_path, max_polygons=1)
    assert [p.pixels for p in capped.polygons] == [900] and capped.removed_specks == 0
    assert capped.changed_area_m2 == pytest.approx(90_400)
    assert capped.grid["notes"] == ["2 polygons found; only the largest 1 are returned"]


def test_nodata_and_internal_mask_are_honoured(tmp_path: Path) -> None:
    data = scene_array(SQUARE, seed=2)
    data[:, 50:80, 100:115] = 0  # the square's left half is nodata in "after"
    after = write(tmp_path / "a.tif", data, nodata=0)
    before_data = scene_array(seed=1)
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True):
        before = write(tmp_path / "b.tif", before_data)
        with rasterio.open(before, "r+") as dst:
            mask = np.full((SIZE, SIZE), 255, np.uint8)
            mask[:, 120:] = 0  # and everything right of col 120 is masked in "before"
            dst.write_mask(mask)
    result = run(l8(before), l8(after), ChangeParams("ndvi", 0.3, 0), tmp_path)
    [poly] = result.polygons
    assert poly.pixels == 30 * 5  # cols 115..119 only
    assert result.valid_pixels == SIZE * 120 - 30 * 15


@pytest.mark.parametrize(("crs", "res"), [("EPSG:4326", 0.00018), ("EPSG:32649", 20.0)])
def test_coregistration_other_crs_and_resolution(
    pair: tuple[Scene, Scene], tmp_path: Path, crs: str, res: float
) -> None:
    with rasterio.open(pair[1].path) as src:
        tr, w, h = calculate_default_transform(src.crs, crs, src.width, src.height, *src.bounds,
                                               resolution=res)  # fmt: skip
        out = np.zeros((2, h, w), np.uint16)
        reproject(src.read(), out, src_transform=src.transform, src_crs=src.crs,
                  dst_transform=tr, dst_crs=crs, resampling=Resampling.nearest,
                  dst_nodata=0)  # fmt: skip
    after = write(tmp_path / "moved.tif", out, crs=crs, transform=tr, nodata=0)
    result = run(pair[0], l8(after), ChangeParams("ndvi", 0.3, 1000), tmp_path)
    coarse = result.grid["res_m"]
    assert result.grid["epsg"] == 32650 and 14 < coarse < 21
    [poly] = result.polygons
    assert poly.area_m2 == pytest.approx(90_000, abs=300 * coarse)  # ± one coarse row
    to = Transformer.from_crs(4326, CRS, always_xy=True)
    x, y = to.transform(poly.geom.centroid.x, poly.geom.centroid.y)
    assert np.hypot(x - (X0 + 115 * RES), y - (Y0 - 65 * RES)) < coarse


def test_refusals(pair: tuple[Scene, Scene], tmp_path: Path) -> None:
    away = from_origin(X0 + 50_000, Y0, RES, RES)
    far = write(tmp_path / "far.tif", scene_array(), transform=away)
    params = ChangeParams("ndvi", 0.3, 0)
    with pytest.raises(ChangeRefused, match="do not overlap"):
        run(pair[0], l8(far), params, tmp_path)
    with pytest.raises(ChangeRefused, match=r"after image: NDVI needs bands nir"):
        run(pair[0], l8(pair[1].path, {"red": 1}), params, tmp_path)
    with pytest.raises(ChangeRefused, match=r"before image: BSI needs bands swir1, blue"):
        run(*pair, ChangeParams("bsi", 0.3, 0), tmp_path)
    with pytest.raises(ChangeRefused, match="threshold"):
        run(*pair, ChangeParams("ndvi", 0, 0), tmp_path)
    with pytest.raises(ChangeRefused, match="direction"):
        run(*pair, ChangeParams("ndvi", 0.3, 0, "sideways"), tmp_path)
    with pytest.raises(ChangeRefused, match="unknown index"):
        run(*pair, ChangeParams("evi", 0.3, 0), tmp_path)
    assert list((tmp_path / "work").iterdir()) == []  # no temporary rasters left behind


def test_restored_fraction(pair: tuple[Scene, Scene], tmp_path: Path) -> None:
    params = ChangeParams("ndvi", 0.3, 1000)
    [poly] = run(*pair, params, tmp_path).polygons
    half = write(tmp_path / "half.tif", scene_array((65, 80, 100, 130), seed=3))
    crop = write(tmp_path / "crop.tif", scene_array(seed=4)[:, :100, :90])
    elsewhere = shapely.box(*lonlat(190, 10), *lonlat(180, 20))
    fractions = restored_fraction(pair[0], l8(half), [poly.geom, elsewhere], params)
    assert fractions == [pytest.approx(0.5), 1.0]  # elsewhere nothing was lost
    assert restored_fraction(pair[0], pair[1], [poly.geom], params) == [0.0]
    assert restored_fraction(pair[0], l8(crop), [poly.geom, elsewhere], params) == [None, None]
    inside_crop = shapely.box(*lonlat(20, 10), *lonlat(10, 20))
    assert restored_fraction(pair[0], l8(crop), [inside_crop], params) == [1.0]
