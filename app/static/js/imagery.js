// Imagery on the map: footprints of the images in view (drone photos as camera markers) and,
// zoomed in or when a footprint is clicked, a raster image's tiles in true colour or an index.
import { api, isAbort } from "./api.js";
import { bboxOf, restack, stacked, vectorRenderer } from "./basemap.js";
import { debounce, el, fmtDay, setOptions } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { RENDERINGS, imageIdOf, imageTiles, renderingsOf } from "./image_tiles.js";
import { CAMERA_SVG, FOOTPRINT_STYLE } from "./symbology.js";

/* global L */

const FOOTPRINT_RANK = 15; // above the zones, below the leads
const TILE_ZOOM = 13; // from this zoom the newest images in view show their pixels

const isRaster = (item) => item.properties["ecoleads:kind"] === "raster";
const boundsOf = (item) => {
  const [w, s, e, n] = item.bbox;
  return L.latLngBounds([s, w], [n, e]);
};

function imageTip(item) {
  const p = item.properties;
  return el(
    "div",
    { class: "tip" },
    el("strong", {}, p.title || `#${imageIdOf(item)}`),
    el("div", {}, [fmtDay(p.datetime), p.platform || p["ecoleads:sensor"], isRaster(item) ? "" : t("drone_photo")]
      .filter(Boolean).join(" · ")),
    isRaster(item) ? el("div", { class: "tip-note" }, t("imagery_click")) : null,
    p.illustrative ? el("div", { class: "tip-warn" }, t("imagery_illustrative")) : null,
  );
}

/** Of the rasters (newest first), the newest of each place: none overlaps one kept before it. */
function newestApart(rasters) {
  const kept = [];
  rasters.forEach((item) => {
    if (!kept.some((k) => boundsOf(k).overlaps(boundsOf(item)))) kept.push(item);
  });
  return kept;
}

/** The imagery toggle for the layer switcher (off by default), with its two selects. */
export function imageryToggle(map, onError) {
  const container = map.getContainer();
  const footprints = L.featureGroup();
  const tiles = L.layerGroup();
  const layer = L.layerGroup([footprints, tiles]);
  stacked(footprints, FOOTPRINT_RANK);
  const imageSelect = el("select", { "data-testid": "imagery-image" });
  const showSelect = el("select", { "data-testid": "imagery-show" });
  const note = el("div", { class: "switcher-note" });
  const extra = el("div", { class: "switcher-extra" }, imageSelect, showSelect, note);
  let items = []; // STAC Items in view, newest first
  const shown = new Map(); // "id:rendering" -> its tile layer
  let ctrl = null;

  const renderingOf = (item) => {
    const offered = renderingsOf(item.properties);
    return offered.includes(showSelect.value) ? showSelect.value : offered[0];
  };

  function describe() {
    const rasters = items.filter(isRaster);
    setOptions(imageSelect, [["", t("imagery_newest")], ...rasters.map((item) => {
      const p = item.properties;
      const label = [fmtDay(p.datetime), p.platform, p.illustrative ? t("illustrative_short") : ""];
      return [imageIdOf(item), label.filter(Boolean).join(" · ")];
    })]);
    const offered = new Set(rasters.flatMap((item) => renderingsOf(item.properties)));
    setOptions(showSelect, [
      ["", t("render_auto")],
      ...RENDERINGS.filter((r) => offered.has(r)).map((r) => [r, t(`render_${r}`)]),
    ]);
    const waiting = rasters.length && !imageSelect.value && map.getZoom() < TILE_ZOOM;
    note.textContent = waiting ? t("imagery_hint", { z: TILE_ZOOM }) : "";
  }

  /** Show the tiles of the picked image, or of the newest images in view when zoomed in. */
  function sync() {
    const rasters = items.filter(isRaster);
    let chosen = [];
    if (imageSelect.value) chosen = rasters.filter((item) => imageIdOf(item) === imageSelect.value);
    else if (map.getZoom() >= TILE_ZOOM) chosen = newestApart(rasters);
    const wanted = new Map(chosen.map((item) => [`${imageIdOf(item)}:${renderingOf(item)}`, item]));
    shown.forEach((tileLayer, key) => {
      if (wanted.has(key)) return;
      tiles.removeLayer(tileLayer);
      shown.delete(key);
    });
    wanted.forEach((item, key) => {
      if (shown.has(key)) return;
      const tileLayer = imageTiles(imageIdOf(item), renderingOf(item), { pane: "imagery", bounds: boundsOf(item) });
      shown.set(key, tileLayer);
      tiles.addLayer(tileLayer);
    });
  }

  /** A clicked footprint: show that image (and go to it when it is too small to see). */
  function pick(item) {
    imageSelect.value = imageIdOf(item);
    describe();
    sync();
    if (map.getZoom() < TILE_ZOOM) map.fitBounds(boundsOf(item), { maxZoom: 16 });
  }

  function draw() {
    footprints.clearLayers();
    [...items].reverse().forEach((item) => { // the newest drawn last, on top
      const shape = isRaster(item)
        ? L.geoJSON(item.geometry, { renderer: vectorRenderer, style: FOOTPRINT_STYLE })
        : L.marker(boundsOf(item).getCenter(), {
          icon: L.divIcon({ className: "camera-marker", html: CAMERA_SVG, iconSize: [18, 18] }),
          keyboard: false,
        });
      shape.bindTooltip(() => imageTip(item), { sticky: isRaster(item) });
      if (isRaster(item)) shape.on("click", () => pick(item));
      footprints.addLayer(shape);
    });
    restack(map);
  }

  async function load() {
    ctrl?.abort();
    const mine = new AbortController();
    ctrl = mine;
    try {
      const fc = await api("/api/v1/imagery", {
        query: { bbox: bboxOf(map.getBounds()), limit: 200 },
        signal: mine.signal,
      });
      items = fc.features;
      describe();
      draw();
      sync();
      container.dataset.imagery = String(items.length);
    } catch (err) {
      if (!isAbort(err)) onError(err);
    } finally {
      if (ctrl === mine) ctrl = null;
    }
  }

  const reload = debounce(load, 150);
  imageSelect.addEventListener("change", () => { describe(); sync(); });
  showSelect.addEventListener("change", sync);
  layer.on("add", () => { load(); map.on("moveend", reload); });
  layer.on("remove", () => { ctrl?.abort(); map.off("moveend", reload); });
  onLangChange(describe);
  describe();
  return { key: "imagery", group: "imagery", label: () => t("layer_imagery"), layer, extra };
}
