"""Sensors, their band maps (band number → common name) and how their numbers scale.

A band map names each band of a file by its common name (blue, green, red, nir, swir1,
swir2, or a precomputed index such as ndvi) so indices are written once for every sensor.
Scales turn stored numbers into surface reflectance: Sentinel-2 L2A DN / 10000, Landsat
8/9 Collection 2 L2 DN × 0.0000275 − 0.2 (DOMAIN.md). Files already in reflectance (float
0…1) or in 8-bit DN are recognised from their data type and values.
"""

from dataclasses import dataclass, field

# Common band names with centre wavelengths (µm) for STAC eo:bands.
CENTRE_UM: dict[str, float] = {
    "coastal": 0.443,
    "blue": 0.49,
    "green": 0.56,
    "red": 0.665,
    "rededge1": 0.705,
    "rededge2": 0.74,
    "rededge3": 0.783,
    "nir": 0.842,
    "nir08": 0.865,
    "swir1": 1.61,
    "swir2": 2.19,
}
# Single-band products that already hold an index (e.g. a derived NDVI scene).
INDEX_BANDS = ("ndvi", "ndwi", "mndwi", "nbr", "bsi")


class SensorError(ValueError):
    """An unknown sensor or a band map that does not fit the file."""


@dataclass(frozen=True)
class Scale:
    """reflectance = value × gain + offset."""

    gain: float
    offset: float = 0.0


@dataclass(frozen=True)
class Sensor:
    """A sensor: its default band map by band count, and the scale of its integer data."""

    code: str
    title_zh: str
    title_en: str
    band_maps: dict[int, tuple[str, ...]] = field(default_factory=dict)
    integer_scale: Scale | None = None


SENSORS: dict[str, Sensor] = {
    "sentinel2": Sensor(
        "sentinel2",
        "哨兵二号",
        "Sentinel-2",
        {
            4: ("blue", "green", "red", "nir"),
            6: ("blue", "green", "red", "nir", "swir1", "swir2"),
            1: ("ndvi",),
        },
        Scale(1e-4),
    ),
    "landsat8": Sensor(
        "landsat8",
        "陆地卫星8/9号",
        "Landsat 8/9",
        {
            6: ("blue", "green", "red", "nir", "swir1", "swir2"),
            7: ("coastal", "blue", "green", "red", "nir", "swir1", "swir2"),
        },
        Scale(2.75e-5, -0.2),
    ),
    "landsat7": Sensor(
        "landsat7",
        "陆地卫星7号",
        "Landsat 7",
        {
            3: ("red", "green", "blue"),
            6: ("blue", "green", "red", "nir", "swir1", "swir2"),
        },
        Scale(2.75e-5, -0.2),
    ),
    "drone": Sensor(
        "drone",
        "无人机",
        "drone",
        {3: ("red", "green", "blue"), 4: ("red", "green", "blue", "nir")},
    ),
    "rgb": Sensor("rgb", "真彩色影像", "RGB image", {3: ("red", "green", "blue")}),
}


def check_sensor(code: str) -> Sensor:
    """Return the sensor or raise SensorError naming the known ones."""
    try:
        return SENSORS[code]
    except KeyError:
        raise SensorError(f"unknown sensor {code!r}: use one of {', '.join(SENSORS)}") from None


def band_map(sensor: Sensor, count: int, given: dict[str, int] | None = None) -> dict[str, int]:
    """Return common name → 1-based band number for a file of `count` bands.

    `given` (from the uploader) wins; else the sensor's default for that band count.
    An alpha band is not listed: it is the mask.
    """
    if given:
        bad = {n: b for n, b in given.items() if not 1 <= b <= count}
        if bad:
            raise SensorError(f"band map names bands the file does not have ({count}): {bad}")
        unknown = set(given) - set(CENTRE_UM) - set(INDEX_BANDS)
        if unknown:
            raise SensorError(f"unknown band names {sorted(unknown)}")
        return dict(given)
    names = sensor.band_maps.get(count)
    if names is None and count == 4 and 3 in sensor.band_maps:
        names = sensor.band_maps[3]  # RGBA: the fourth band is alpha
    if names is None:
        raise SensorError(
            f"no default band map for a {count}-band {sensor.title_en} file: "
            'give one, e.g. {"red": 3, "nir": 4}'
        )
    return {name: i + 1 for i, name in enumerate(names)}


def reflectance_scale(sensor: Sensor, dtype: str, max_value: float | None) -> Scale:
    """The scale from stored values to reflectance (0…1) for this file.

    Floats at most ~1.5 are reflectance already; larger floats are reflectance × 10,000 (the
    usual way surface-reflectance products are saved as floats); integers are DN of the
    sensor's integer scale; 8-bit data (and any sensor without one) scale by 1/255, which
    keeps ratio indices exact since they do not depend on a common gain.
    """
    if dtype.startswith("float"):
        return Scale(1.0) if max_value is None or max_value <= 1.5 else Scale(1e-4)
    if dtype == "uint8" or sensor.integer_scale is None:
        return Scale(1 / 255)
    return sensor.integer_scale
