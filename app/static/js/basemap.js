// The map itself and our own base map: boundaries, water and place labels (no internet tiles).
import { api, isAbort } from "./api.js";
import { el } from "./dom.js";
import { isEn, onLangChange, t } from "./i18n.js";
import { ADMIN_STYLE, WATER_STYLE, levelRank } from "./symbology.js";

/* global L */

// Panes bottom to top; "passive" panes let the pointer through to the interactive canvas.
const PANES = [
  ["water", 260, true],
  ["imagery", 270, true],
  ["surface", 300, true],
  ["boundaries", 430, true],
  ["labels", 440, true],
];
const WHOLE_LAYER_MAX = 2000; // larger layers are fetched for the view only
const stack = []; // [rank, layer]: interactive vector layers share one canvas, kept in order

/** One canvas for every interactive vector layer (a canvas on top would swallow events). */
export const vectorRenderer = L.canvas({ padding: 0.3, tolerance: 4 });

export function createMap(container, config, view) {
  const map = L.map(container, {
    zoomControl: false,
    preferCanvas: true,
    renderer: vectorRenderer,
    minZoom: 4,
    maxZoom: 18,
  });
  PANES.forEach(([name, z, passive]) => {
    const pane = map.createPane(name);
    pane.style.zIndex = String(z);
    if (passive) pane.classList.add("passive-pane");
  });
  L.control.zoom({ position: "topleft", zoomInTitle: t("zoom_in"), zoomOutTitle: t("zoom_out") }).addTo(map);
  L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 140 }).addTo(map);
  if (config.tile_url) {
    L.tileLayer(config.tile_url, { attribution: config.tile_attribution || "", maxZoom: 18 }).addTo(map);
  }
  coordinates(map);
  map.on("zoomend", () => zoomClasses(map));
  map.setView(view ? [view.lat, view.lon] : config.center, view ? view.z : config.zoom);
  zoomClasses(map);
  onLangChange(() => {
    [["in", "zoom_in"], ["out", "zoom_out"]].forEach(([which, key]) => {
      const button = container.querySelector(`.leaflet-control-zoom-${which}`);
      button.title = t(key);
      button.setAttribute("aria-label", t(key));
    });
  });
  return map;
}

function zoomClasses(map) {
  const z = map.getZoom();
  const c = map.getContainer().classList;
  c.toggle("show-province", z <= 7);
  c.toggle("show-city", z >= 7 && z <= 9);
  c.toggle("show-county", z >= 9);
  c.toggle("show-water", z >= 9);
}

function coordinates(map) {
  const Coords = L.Control.extend({
    onAdd() {
      this.node = el("div", { class: "coords" }, "—");
      return this.node;
    },
  });
  const control = new Coords({ position: "bottomright" }).addTo(map);
  map.on("mousemove", (e) => {
    control.node.textContent = `${e.latlng.lat.toFixed(5)}°N  ${e.latlng.lng.toFixed(5)}°E`;
  });
}

/** Register an interactive layer's rank (its place from the bottom on the shared canvas). */
export function stacked(layer, rank) {
  stack.push([rank, layer]);
  stack.sort((a, b) => a[0] - b[0]);
}

/** Put the interactive layers back in rank order (after any of them has re-loaded). */
export function restack(map) {
  stack.forEach(([, layer]) => { if (map.hasLayer(layer)) layer.bringToFront(); });
}

export function bboxOf(bounds) {
  const w = Math.max(-180, bounds.getWest());
  const e = Math.min(180, bounds.getEast());
  const s = Math.max(-90, bounds.getSouth());
  const n = Math.min(90, bounds.getNorth());
  return [w, s, e, n].map((v) => v.toFixed(6)).join(",");
}

/** Simplification tolerance in degrees for a zoom: three steps, about a pixel or finer. */
const toleranceAt = (zoom) => (zoom <= 9 ? "0.002" : zoom <= 11 ? "0.0005" : "0.0001");

/**
 * A reference layer as an L.GeoJSON that loads when shown, re-loads with a finer tolerance
 * when zoomed in, and (for large layers) loads only the features around the view.
 */
export function referenceLayer(map, meta, options, { onLoad, onError } = {}) {
  const layer = L.geoJSON(null, options);
  const big = (meta.current_version?.feature_count ?? 0) > WHOLE_LAYER_MAX;
  let loaded = { tolerance: null, bounds: null };
  let wanted = null; // {tolerance, bounds} of the newest request
  let ctrl = null;
  async function load() {
    const tolerance = toleranceAt(map.getZoom());
    const covers = (b) => !big || (b && b.contains(map.getBounds()));
    if (tolerance === loaded.tolerance && covers(loaded.bounds)) return;
    if (ctrl && tolerance === wanted.tolerance && covers(wanted.bounds)) return;
    wanted = { tolerance, bounds: map.getBounds().pad(0.5) };
    ctrl?.abort();
    const mine = new AbortController();
    ctrl = mine;
    try {
      const fc = await api(`/api/v1/layers/${encodeURIComponent(meta.name)}/features`, {
        query: { tolerance, limit: 10000, bbox: big ? bboxOf(wanted.bounds) : undefined },
        signal: mine.signal,
      });
      fc.features.sort((a, b) => levelRank(a.properties.level) - levelRank(b.properties.level));
      layer.clearLayers();
      layer.addData(fc);
      loaded = wanted;
      onLoad?.(fc);
    } catch (err) {
      if (!isAbort(err)) onError?.(err);
    } finally {
      if (ctrl === mine) ctrl = null;
    }
  }
  layer.on("add", () => {
    load();
    map.on("moveend", load);
  });
  layer.on("remove", () => map.off("moveend", load));
  return layer;
}

/** The feature's name in the current language. */
export const featureName = (p) => (isEn() && p.name_en ? p.name_en : p.name) || p.code || "";

/** A short map label: the name without its parenthesised or comma-separated remarks. */
const shortName = (p) => featureName(p).split(/\s*[(（,，]/)[0];

function labelPoint(geometry) {
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  let best = null;
  polygons.forEach((rings) => {
    const b = L.latLngBounds(rings[0].map(([x, y]) => [y, x]));
    const area = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
    if (!best || area > best.area) best = { area, center: b.getCenter() };
  });
  return best.center;
}

/** Place-name labels (by level) of a polygon layer's loaded features, in the current language. */
function labels(levelOf) {
  const group = L.layerGroup();
  let features = [];
  const draw = () => {
    group.clearLayers();
    features
      .filter((f) => /Polygon/.test(f.geometry?.type))
      .forEach((f) => {
        const icon = L.divIcon({
          className: `map-label lbl-${levelOf(f)}`,
          html: el("span", {}, shortName(f.properties)),
          iconSize: null,
        });
        L.marker(labelPoint(f.geometry), { icon, pane: "labels", interactive: false, keyboard: false })
          .addTo(group);
      });
  };
  onLangChange(draw);
  return { group, show: (fc) => { features = fc.features; draw(); } };
}

/**
 * Our base map: water bodies (always shown) and admin boundaries, province thick, county
 * thin, with place names. Returns the boundaries as the "jurisdictions" layer.
 */
export function baseMap(map, layers, onError) {
  const boundaries = L.canvas({ pane: "boundaries", padding: 0.3 });
  const waterCanvas = L.canvas({ pane: "water", padding: 0.3 });
  const jurisdictions = L.layerGroup();
  const water = L.layerGroup().addTo(map);
  const add = (group, meta, renderer, style, levelOf) => {
    const named = labels(levelOf);
    group.addLayer(named.group);
    const options = { renderer, style, interactive: false };
    group.addLayer(referenceLayer(map, meta, options, { onLoad: named.show, onError }));
  };
  layers.filter((l) => l.kind === "admin_division").forEach((meta) => {
    const style = (f) => ({ ...(ADMIN_STYLE[f.properties.level] || ADMIN_STYLE.county), fill: false });
    add(jurisdictions, meta, boundaries, style, (f) => f.properties.level || "county");
  });
  layers.filter((l) => l.kind === "water_body").forEach((meta) => {
    const style = (f) => ({ ...WATER_STYLE, fill: /Polygon/.test(f.geometry.type) });
    add(water, meta, waterCanvas, style, () => "water");
  });
  return { jurisdictions };
}
