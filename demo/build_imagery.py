"""Build the demo's illustrative imagery from real Sentinel-2 NDVI (run by hand; the output
is committed). None of the shared imagery covers China, so real pixels from eo-learn's
Slovenian test patch (../shared/data/satellite/eo_learn_sentinel2_ndvi_timeseries, MIT) are
placed on land in the demo's level-II water-source zone at Guanting reservoir. Every image is
tagged ILLUSTRATIVE and imported with illustrative=true.

    .venv/bin/python demo/build_imagery.py
"""

import json
from pathlib import Path

import numpy as np
import rasterio
from pyproj import Transformer
from rasterio.transform import from_origin

SOURCE = Path(__file__).resolve().parents[2] / "shared/data/satellite"
PATCH = SOURCE / "eo_learn_sentinel2_ndvi_timeseries"
OUT = Path(__file__).resolve().parent / "imagery"
# Upper-left corner on land in the demo's (illustrative) level-II zone of Guanting reservoir.
PLACE_LON, PLACE_LAT = 115.556, 40.285
# Time indices of the patch: the real one-year pair, and a later scene for a re-check.
DATES = {24: "before", 51: "after", 59: "recheck"}


def main() -> None:
    """Write demo/imagery/ndvi_<date>_<role>.tif and imagery.json."""
    ndvi = np.load(PATCH / "NDVI.npy")[..., 0]
    stamps = json.loads((PATCH / "timestamps.json").read_text())
    x, y = Transformer.from_crs(4326, 32650, always_xy=True).transform(PLACE_LON, PLACE_LAT)
    transform = from_origin(round(x), round(y), 10.0, 10.0)
    OUT.mkdir(exist_ok=True)
    entries = []
    for index, role in DATES.items():
        when = stamps[index]
        name = f"ndvi_{when[:10]}_{role}.tif"
        profile = {
            "driver": "GTiff",
            "dtype": "float32",
            "width": ndvi.shape[2],
            "height": ndvi.shape[1],
            "count": 1,
            "crs": "EPSG:32650",
            "transform": transform,
            "nodata": float("nan"),
            "compress": "deflate",
        }
        with rasterio.open(OUT / name, "w", **profile) as dst:
            dst.write(ndvi[index][np.newaxis].astype("float32"))
            dst.update_tags(
                TIFFTAG_DATETIME=when.replace("-", ":").replace("T", " "),
                ILLUSTRATIVE="real Sentinel-2 NDVI of a Slovenian test patch (eo-learn, MIT) "
                "placed over the demo area; not an observation of China",
                SOURCE_TIME_INDEX=str(index),
            )
            dst.set_band_description(1, "NDVI")
        entries.append({"file": name, "role": role, "acquired": when + "Z"})
    (OUT / "imagery.json").write_text(json.dumps(entries, indent=2) + "\n")


if __name__ == "__main__":
    main()
