// Tiles of an image, fetched with the bearer token (a plain L.TileLayer cannot send it), and
// what an image can be shown as, read from its STAC eo:bands.
import { api } from "./api.js";

/* global L */

// The bands each index is computed from (geo/imagery/indices.py).
const INDEX_BANDS = {
  ndvi: ["nir", "red"],
  ndwi: ["green", "nir"],
  mndwi: ["green", "swir1"],
  nbr: ["nir", "swir2"],
  bsi: ["swir1", "red", "nir", "blue"],
};
export const RENDERINGS = ["rgb", ...Object.keys(INDEX_BANDS)];

/**
 * What an image offers, its default first: "rgb" (true colour) when it has red, green and
 * blue, then each index its bands give or that it holds precomputed (a band described as
 * "NDVI (precomputed index)").
 */
export function renderingsOf(properties) {
  const bands = properties["eo:bands"] || [];
  const common = new Set(bands.map((b) => b.common_name).filter(Boolean));
  const stored = new Set(bands
    .map((b) => /^(\w+) \(precomputed index\)$/.exec(b.description || "")?.[1].toLowerCase())
    .filter(Boolean));
  const offered = RENDERINGS.filter((r) => (r === "rgb"
    ? ["red", "green", "blue"].every((b) => common.has(b))
    : stored.has(r) || INDEX_BANDS[r].every((b) => common.has(b))));
  return offered.length ? offered : ["rgb"]; // one unnamed band: the server shows it in grey
}

/** The image's numeric id from its STAC Item id ("ecoleads-image-12"). */
export const imageIdOf = (item) => item.id.slice(item.id.lastIndexOf("-") + 1);

const ImageTiles = L.GridLayer.extend({
  initialize(imageId, rendering, options) {
    L.GridLayer.prototype.initialize.call(this, options);
    this._base = `/api/v1/imagery/${encodeURIComponent(imageId)}/tiles/WebMercatorQuad`;
    this._query = rendering === "rgb" ? "" : `?index=${encodeURIComponent(rendering)}`;
    this._pending = new WeakMap(); // tile <img> -> AbortController of its request
    this.on("tileunload", (e) => this._pending.get(e.tile)?.abort());
  },

  createTile(coords, done) {
    const img = document.createElement("img");
    img.alt = "";
    const ctrl = new AbortController();
    this._pending.set(img, ctrl);
    const path = `${this._base}/${coords.z}/${coords.x}/${coords.y}.png${this._query}`;
    api(path, { as: "blob", signal: ctrl.signal }).then((blob) => {
      const url = URL.createObjectURL(blob);
      const settle = (err) => {
        URL.revokeObjectURL(url);
        this._pending.delete(img);
        done(err, img);
      };
      img.addEventListener("load", () => settle(null), { once: true });
      img.addEventListener("error", () => settle(new Error(`tile ${path} is not an image`)), { once: true });
      img.src = url;
    }, (err) => {
      // Outside the image (404), aborted or failed: an empty tile, never a broken image.
      this._pending.delete(img);
      img.style.visibility = "hidden";
      done(err.status === 404 || err.name === "AbortError" ? null : err, img);
    });
    return img;
  },
});

/** A tile layer of image `imageId` as `rendering` ("rgb" or an index); options as L.GridLayer. */
export const imageTiles = (imageId, rendering, options = {}) => new ImageTiles(imageId, rendering, options);
