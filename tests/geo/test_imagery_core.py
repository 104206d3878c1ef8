"""Imagery core: inspection, COGs, footprints, tiles, statistics, drone photos, figures.

Fixtures are small real files in tests/data/imagery (see SOURCES.md there); rasters made
here are tiny or header-only.
"""

import io
import time
from pathlib import Path

import morecantile
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from PIL import Image
from pyproj import Transformer
from rasterio.enums import ColorInterp, MaskFlags
from rasterio.transform import from_origin
from rio_tiler.colormap import cmap
from rio_tiler.io import Reader

from geo.imagery.cog import validate_cog, write_cog
from geo.imagery.drone import ABOVE_SEA_LEVEL, RELATIVE_TO_TAKEOFF, read_drone_photo
from geo.imagery.figures import OUTLINE, before_after_png
from geo.imagery.footprint import trace_footprint
from geo.imagery.indices import INDICES, compute
from geo.imagery.inspect import RasterRefused, inspect_raster
from geo.imagery.sensors import SENSORS, Scale
from geo.imagery.tiles import (
    TileOutside,
    default_rescale,
    render_tile,
    statistics,
    tilejson,
    zoom_range,
)

DATA = Path(__file__).parents[1] / "data" / "imagery"
PIX4D = DATA / "pix4d_alpha_nodata_crop.tif"
LANDSAT = DATA / "LC08_003069_20180906_clip.tif"
NDVI_2016 = DATA / "DERIVED_NDVI_2016-08-04.tif"
NDVI_2017 = DATA / "DERIVED_NDVI_2017-08-04.tif"
DRONE_JPEG = DATA / "IMG_2168_small.jpg"
L8_BANDS = {"blue": 1, "green": 2, "red": 3, "nir": 4, "swir1": 5, "swir2": 6}
RGB = {"red": 1, "green": 2, "blue": 3}
SR_1E4 = Scale(1e-4)  # the scikit-eo clip stores surface reflectance × 10⁴ as float32
BIG = 10**8
WMQ = morecantile.tms.get("WebMercatorQuad")


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)))


def _lonlat(path: Path, col: float, row: float) -> tuple[float, float]:
    with rasterio.open(path) as ds:
        x, y = ds.transform @ (col, row)
        to = Transformer.from_crs(ds.crs, "EPSG:4326", always_xy=True)
        return to.transform(x, y)


def _tiny(path: Path, **over: object) -> Path:
    """Write a 4×4 uint8 GeoTIFF, with profile keys overridden."""
    profile: dict[str, object] = {
        "driver": "GTiff",
        "width": 4,
        "height": 4,
        "count": 1,
        "dtype": "uint8",
        "crs": "EPSG:32650",
        "transform": from_origin(500000, 4000000, 10, 10),
    }
    profile.update(over)
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(np.ones((ds.count, ds.height, ds.width), dtype=ds.dtypes[0]))
    return path


@pytest.fixture(scope="module")
def cogs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("cogs")
    made = {}
    for name, src in (
        ("pix4d", PIX4D),
        ("landsat", LANDSAT),
        ("ndvi16", NDVI_2016),
        ("ndvi17", NDVI_2017),
    ):
        made[name] = out / f"{name}.tif"
        write_cog(src, made[name])
    return made


# --- inspect -------------------------------------------------------------------------------


def test_inspect_landsat_describes_grid_and_values() -> None:
    info = inspect_raster(LANDSAT, max_pixels=BIG)
    assert (info.driver, info.width, info.height, info.count) == ("GTiff", 110, 104, 6)
    assert info.dtypes == ("float32",) * 6 and info.epsg == 32619
    assert info.res == (30.0, 30.0) and info.gsd_m == pytest.approx(30.0, abs=0.1)
    assert info.bounds == (390330.0, -1426230.0, 393630.0, -1423110.0)
    west, _south, _east, north = info.bounds_wgs84
    assert west == pytest.approx(-70.011, abs=1e-3) and north == pytest.approx(-12.871, abs=1e-3)
    assert info.max_value == 5015.0 and info.nodata is None and not info.has_alpha


def test_inspect_pix4d_alpha_and_max_value() -> None:
    info = inspect_raster(PIX4D, max_pixels=BIG)
    assert info.has_alpha and info.count == 4 and info.epsg == 32750
    assert info.gsd_m == pytest.approx(0.3527, abs=0.001)
    assert info.max_value == 255.0
    assert 115.15 < info.bounds_wgs84[0] < 115.17 and -8.59 < info.bounds_wgs84[1] < -8.58


def test_inspect_gsd_in_metres_for_geographic_crs(tmp_path: Path) -> None:
    path = _tiny(tmp_path / "geo.tif", crs="EPSG:4326", transform=from_origin(116, 40, 1e-4, 1e-4))
    info = inspect_raster(path, max_pixels=BIG)
    # 1e-4° is 11.1 m north-south and 8.5 m east-west at 40° N
    assert info.epsg == 4326 and info.gsd_m == pytest.approx((11.1 + 8.5) / 2, abs=0.2)


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"lon,lat\n116,40\n", "not a raster image"), (b"%PDF-1.4\n%%EOF\n", "not a raster image")],
)
def test_inspect_refuses_non_rasters(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(RasterRefused, match=reason):
        inspect_raster(path, max_pixels=BIG)


def test_inspect_refuses_photo_without_crs() -> None:
    with pytest.raises(RasterRefused, match="has no coordinate reference system"):
        inspect_raster(DRONE_JPEG, max_pixels=BIG)


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"crs": None}, "has no coordinate reference system"),
        ({"transform": Affine.identity()}, "not georeferenced"),
        ({"transform": Affine(10, 2, 500000, 2, -10, 4000000)}, "rotated"),
        ({"count": 21}, "21 bands; at most 20"),
        ({"dtype": "complex64"}, "complex"),
    ],
)
@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_inspect_refusals(tmp_path: Path, over: dict[str, object], reason: str) -> None:
    path = _tiny(tmp_path / "bad.tif", **over)
    with pytest.raises(RasterRefused, match=reason):
        inspect_raster(path, max_pixels=BIG)


def test_inspect_refuses_huge_header_before_reading_pixels(tmp_path: Path) -> None:
    path = tmp_path / "huge.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=50_000,
        height=50_000,
        count=3,
        dtype="uint8",
        crs="EPSG:32650",
        transform=from_origin(500000, 4000000, 0.1, 0.1),
        tiled=True,
        SPARSE_OK=True,
        compress="deflate",
    ):
        pass
    assert path.stat().st_size < 2_000_000  # header and empty tile index only
    t0 = time.perf_counter()
    with pytest.raises(RasterRefused, match="50,000 × 50,000 pixels"):
        inspect_raster(path, max_pixels=BIG)
    assert time.perf_counter() - t0 < 1.0


# --- COG -----------------------------------------------------------------------------------


def test_write_cog_pix4d_alpha_becomes_internal_mask(tmp_path: Path) -> None:
    dst = tmp_path / "ortho.tif"
    steps: list[float] = []
    write_cog(PIX4D, dst, progress=lambda f, _m: steps.append(f))
    assert validate_cog(dst) == []
    assert steps[0] == 0.0 and steps[-1] == 1.0
    assert [p.name for p in tmp_path.iterdir()] == ["ortho.tif"]  # no temp file left
    with rasterio.open(dst) as cog, rasterio.open(PIX4D) as src:
        assert cog.count == 3 and cog.crs == src.crs and cog.transform == src.transform
        assert cog.colorinterp == (ColorInterp.red, ColorInterp.green, ColorInterp.blue)
        assert cog.mask_flag_enums[0] == [MaskFlags.per_dataset]
        assert cog.overviews(1) == [2] and cog.compression.name == "deflate"
        alpha = src.read(4)
        assert np.array_equal(cog.dataset_mask() > 0, alpha > 0)
        valid = alpha > 0
        assert 0.8 < valid.mean() < 0.9
        assert np.array_equal(cog.read()[:, valid], src.read([1, 2, 3])[:, valid])


def test_write_cog_landsat_keeps_values(tmp_path: Path) -> None:
    dst = tmp_path / "l8.tif"
    write_cog(LANDSAT, dst)
    assert validate_cog(dst) == []
    with rasterio.open(dst) as cog, rasterio.open(LANDSAT) as src:
        assert cog.count == 6 and cog.dtypes[0] == "float32"
        assert cog.block_shapes[0] == (256, 256) and cog.overviews(1) == []  # one tile
        assert np.array_equal(cog.read(), src.read())


def test_validate_cog_errors_but_not_warnings(tmp_path: Path) -> None:
    assert validate_cog(LANDSAT) == []  # stripped, but small enough to be a valid COG
    # 600 px stripped: "not tiled" is an error; "no overviews" only a warning, not listed
    striped = _tiny(tmp_path / "striped.tif", width=600, height=600)
    assert validate_cog(striped) == ["The file is greater than 512xH or 512xW, but is not tiled"]


# --- footprint -----------------------------------------------------------------------------


def test_footprint_follows_irregular_valid_area(cogs: dict[str, Path]) -> None:
    fp = trace_footprint(cogs["pix4d"])
    bbox = shapely.box(*inspect_raster(PIX4D, max_pixels=BIG).bounds_wgs84)
    assert fp.is_valid and fp.geom_type == "Polygon"
    assert 0.75 < fp.area / bbox.area < 0.92
    for col, row in ((300, 200), (100, 300), (600, 250), (200, 50)):  # valid pixels
        assert fp.contains(shapely.Point(_lonlat(PIX4D, col + 0.5, row + 0.5)))
    for col, row in ((680, 5), (5, 5), (680, 30)):  # the nodata corners
        assert not fp.contains(shapely.Point(_lonlat(PIX4D, col + 0.5, row + 0.5)))


def test_footprint_of_full_image_is_its_outline() -> None:
    fp = trace_footprint(LANDSAT, max_side=64)  # decimated: 64 × 61
    with rasterio.open(LANDSAT) as ds:
        corners = [ds.transform @ c for c in ((0, 0), (110, 0), (110, 104), (0, 104))]
    to = Transformer.from_crs("EPSG:32619", "EPSG:4326", always_xy=True)
    outline = shapely.Polygon([to.transform(x, y) for x, y in corners])
    assert fp.symmetric_difference(outline).area / outline.area < 0.01


# --- tiles ---------------------------------------------------------------------------------


def _tiles_over(path: Path, zoom: int) -> list[morecantile.Tile]:
    with Reader(str(path)) as src:
        return list(WMQ.tiles(*src.get_geographic_bounds("EPSG:4326"), zooms=[zoom]))


@pytest.mark.parametrize(
    ("name", "bands", "scale"), [("pix4d", RGB, Scale(1 / 255)), ("landsat", L8_BANDS, SR_1E4)]
)
def test_render_tile_equals_bare_rio_tiler(
    cogs: dict[str, Path], name: str, bands: dict[str, int], scale: Scale
) -> None:
    cog = cogs[name]
    lo, hi = default_rescale(scale)
    for tile in _tiles_over(cog, zoom_range(cog)[1])[:4]:
        ours = _png(render_tile(cog, tile.z, tile.x, tile.y, bands=bands, scale=scale))
        with Reader(str(cog)) as src:
            img = src.tile(
                tile.x, tile.y, tile.z, indexes=[bands["red"], bands["green"], bands["blue"]]
            )
        img.rescale(in_range=((lo, hi),))
        ref = _png(img.render(img_format="PNG"))
        assert ours.shape == (256, 256, 4) and np.array_equal(ours, ref)
        assert ours[..., 3].max() == 255  # some valid pixels in each tile


def test_default_rescale_by_scale() -> None:
    assert default_rescale(Scale(1 / 255)) == (0.0, 255.0)
    assert default_rescale(Scale(1e-4)) == pytest.approx((0.0, 3000.0))
    lo, hi = default_rescale(SENSORS["landsat8"].integer_scale or Scale(1.0))
    assert lo == pytest.approx(7272.73, abs=0.01) and hi == pytest.approx(18181.82, abs=0.01)


def test_render_index_tile_uses_index_colormap(cogs: dict[str, Path]) -> None:
    cog = cogs["landsat"]
    tile = _tiles_over(cog, 14)[0]
    png = _png(render_tile(cog, tile.z, tile.x, tile.y, bands=L8_BANDS, scale=SR_1E4, index="ndvi"))
    colours = {tuple(c) for c in cmap.get("rdylgn").values()}
    valid = png[..., 3] == 255
    assert valid.sum() > 1000
    assert {tuple(c) for c in png[valid][:, :3].tolist()} <= {c[:3] for c in colours}
    # vegetation dominates this Amazon clip: most pixels are on the green half of the ramp
    assert (png[valid][:, 1].astype(int) > png[valid][:, 0]).mean() > 0.5


def test_render_tile_outside_raises(cogs: dict[str, Path]) -> None:
    with pytest.raises(TileOutside, match="14/0/0"):
        render_tile(cogs["landsat"], 14, 0, 0, bands=L8_BANDS, scale=SR_1E4)


def test_zoom_range_and_tilejson(cogs: dict[str, Path]) -> None:
    assert zoom_range(cogs["landsat"]) == (12, 12)
    assert zoom_range(cogs["pix4d"]) == (18, 19)
    doc = tilejson(7, "https://x.org/", (1.0, 2.0, 3.0, 4.0), 12, 16, "?index=ndvi")
    assert doc["tilejson"] == "3.0.0" and doc["bounds"] == [1.0, 2.0, 3.0, 4.0]
    assert doc["tiles"] == [
        "https://x.org/api/v1/imagery/7/tiles/WebMercatorQuad/{z}/{x}/{y}.png?index=ndvi"
    ]
    assert (doc["minzoom"], doc["maxzoom"], doc["center"]) == (12, 16, [2.0, 3.0, 12])


def _pixel_box(path: Path, cols: tuple[int, int], rows: tuple[int, int]) -> shapely.Polygon:
    """A lon/lat box a quarter pixel inside the given pixel columns and rows."""
    c0, c1, r0, r1 = cols[0] + 0.25, cols[1] - 0.25, rows[0] + 0.25, rows[1] - 0.25
    return shapely.Polygon(
        [_lonlat(path, c, r) for c, r in ((c0, r0), (c1, r0), (c1, r1), (c0, r1))]
    )


def test_statistics_of_index_match_numpy(cogs: dict[str, Path]) -> None:
    area = _pixel_box(LANDSAT, (20, 80), (10, 50))
    stats = statistics(cogs["landsat"], area, bands=L8_BANDS, scale=SR_1E4, index="ndvi")
    with rasterio.open(LANDSAT) as ds:
        red, nir = (ds.read(b)[10:50, 20:80] for b in (3, 4))
    expected = compute(INDICES["ndvi"], {"red": red, "nir": nir}, SR_1E4)
    s = stats["ndvi"]
    assert s["count"] == 2400 and s["valid_percent"] == 100.0
    assert s["mean"] == pytest.approx(float(expected.mean()), abs=1e-6)
    assert s["min"] == pytest.approx(float(expected.min()))
    assert s["median"] == pytest.approx(float(np.median(expected)), abs=1e-6)
    assert s["p98"] == pytest.approx(float(np.percentile(expected, 98)), abs=1e-6)
    assert sum(s["histogram"]["counts"]) == 2400 and s["histogram"]["edges"][0] == -1.0


def test_statistics_of_bands_in_reflectance(cogs: dict[str, Path]) -> None:
    area = _pixel_box(LANDSAT, (0, 10), (0, 10))
    stats = statistics(cogs["landsat"], area, bands=L8_BANDS, scale=SR_1E4, index=None)
    assert set(stats) == set(L8_BANDS)
    with rasterio.open(LANDSAT) as ds:
        red = ds.read(3)[:10, :10] * 1e-4
    assert stats["red"]["count"] == 100
    assert stats["red"]["mean"] == pytest.approx(float(red.mean()), rel=1e-6)
    assert stats["red"]["max"] == pytest.approx(float(red.max()), rel=1e-6)


def test_statistics_count_only_valid_pixels(cogs: dict[str, Path]) -> None:
    area = _pixel_box(PIX4D, (400, 686), (0, 80))  # the top-right corner is mostly nodata
    stats = statistics(cogs["pix4d"], area, bands=RGB, scale=Scale(1 / 255), index=None)
    with rasterio.open(PIX4D) as ds:
        valid = ds.read(4)[:80, 400:686] > 0
        red = ds.read(1)[:80, 400:686][valid] / 255
    assert stats["red"]["count"] == valid.sum() == 4919
    assert stats["red"]["valid_percent"] == pytest.approx(21.499, abs=0.001)
    assert stats["red"]["mean"] == pytest.approx(float(red.mean()), rel=1e-9)


def test_statistics_outside_raises(cogs: dict[str, Path]) -> None:
    with pytest.raises(TileOutside):
        statistics(
            cogs["landsat"],
            shapely.box(116, 40, 116.1, 40.1),
            bands=L8_BANDS,
            scale=SR_1E4,
            index="ndvi",
        )


# --- indices -------------------------------------------------------------------------------


def test_ndvi_of_landsat_reflectance_floats_in_range() -> None:
    with rasterio.open(LANDSAT) as ds:
        arrays = {"red": ds.read(3), "nir": ds.read(4)}
    ndvi = compute(INDICES["ndvi"], arrays, SR_1E4)
    assert ndvi.shape == (104, 110) and np.isfinite(ndvi).all()
    assert -1.0 <= ndvi.min() < 0.0 < 0.8 < ndvi.max() <= 1.0


def test_index_on_uint16_dn_matches_float_reflectance() -> None:
    scale = SENSORS["landsat8"].integer_scale
    assert scale is not None
    rng = np.random.default_rng(7)
    dn = {n: rng.integers(7273, 40000, (50, 50)).astype(np.uint16) for n in L8_BANDS}
    refl = {n: a.astype(np.float64) * scale.gain + scale.offset for n, a in dn.items()}
    for code in ("ndvi", "ndwi", "mndwi", "nbr", "bsi"):
        from_dn = compute(INDICES[code], dn, scale)
        from_refl = compute(INDICES[code], refl, Scale(1.0))
        assert np.nanmin(from_dn) >= -1.0 and np.nanmax(from_dn) <= 1.0
        assert np.nanmax(np.abs(from_dn - from_refl)) < 1e-3


# --- drone photos --------------------------------------------------------------------------


def test_read_senseFly_photo() -> None:  # noqa: N802
    photo = read_drone_photo(DRONE_JPEG.read_bytes())
    assert (round(photo.lat, 6), round(photo.lon, 6)) == (37.54423, 139.040772)
    assert photo.altitude_m == pytest.approx(259.8, abs=0.05)
    assert photo.altitude_ref == ABOVE_SEA_LEVEL and "ellipsoidal" in photo.altitude_ref
    assert photo.relative_altitude_m is None
    assert (photo.make, photo.model) == ("Canon", "Canon IXUS 125 HS")
    assert photo.taken_at is not None and photo.taken_at.isoformat() == "2014-07-12T08:25:33"
    assert not photo.taken_at_is_utc  # no offset, no GPS time: local and flagged
    assert photo.yaw_deg == pytest.approx(132.95, abs=0.01)  # the flight log's heading


def test_read_dji_relative_altitude_and_yaw() -> None:
    img = Image.open(DRONE_JPEG)
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/"'
        b' drone-dji:RelativeAltitude="+48.60" drone-dji:FlightYawDegree="-90.5"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=img.info["exif"], xmp=xmp)
    photo = read_drone_photo(out.getvalue())
    assert photo.relative_altitude_m == 48.6 and photo.yaw_deg == pytest.approx(269.5)
    assert RELATIVE_TO_TAKEOFF.startswith("take-off")


def test_read_drone_photo_refusals() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    with pytest.raises(RasterRefused, match="the photo has no GPS position in its EXIF"):
        read_drone_photo(out.getvalue())
    with pytest.raises(RasterRefused, match="not a JPEG"):
        read_drone_photo(b"%PDF-1.4")


# --- figures -------------------------------------------------------------------------------


def test_before_after_figures(cogs: dict[str, Path]) -> None:
    centre = trace_footprint(cogs["ndvi16"]).centroid
    area = shapely.box(centre.x - 0.002, centre.y - 0.001, centre.x + 0.002, centre.y + 0.001)
    kwargs = {
        "before_bands": {"ndvi": 1},
        "before_scale": Scale(1.0),
        "after_bands": {"ndvi": 1},
        "after_scale": Scale(1.0),
        "index": "ndvi",
        "size": 400,
    }
    before, after = before_after_png(cogs["ndvi16"], cogs["ndvi17"], area, **kwargs)
    assert (before, after) == before_after_png(cogs["ndvi16"], cogs["ndvi17"], area, **kwargs)
    b, a = _png(before), _png(after)
    # 0.006° × 0.004° with margins, at 45.87° N: taller in Web Mercator by 1/cos(lat)
    assert b.shape == a.shape == (325, 400, 3)
    assert (b == OUTLINE).all(axis=2).sum() > 500  # outline drawn
    assert not np.array_equal(b, a)  # a year apart: not the same picture


def test_before_after_true_colour_outside_raises(cogs: dict[str, Path]) -> None:
    fp = trace_footprint(cogs["pix4d"])
    before, _ = before_after_png(
        cogs["pix4d"],
        cogs["pix4d"],
        fp.centroid.buffer(0.0002),
        before_bands=RGB,
        before_scale=Scale(1 / 255),
        after_bands=RGB,
        after_scale=Scale(1 / 255),
    )
    img = _png(before)
    assert img.shape == (512, 510, 3) and img.std() > 20  # real imagery, not a blank
    with pytest.raises(TileOutside):
        before_after_png(
            cogs["pix4d"],
            cogs["pix4d"],
            shapely.box(0, 0, 0.01, 0.01),
            before_bands=RGB,
            before_scale=Scale(1 / 255),
            after_bands=RGB,
            after_scale=Scale(1 / 255),
        )
