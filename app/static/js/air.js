// Air-quality overlays: stations by the day's PM10 (with a day slider), PM10 surfaces and
// satellite fire hotspots.
import { api, isAbort } from "./api.js";
import { bboxOf, restack, stacked, vectorRenderer } from "./basemap.js";
import { debounce, el, fmtNum, fmtTime, setOptions } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { pm10Color } from "./config.js";
import { HOTSPOT_EVIDENCE, HOTSPOT_OTHER, INVALID_COLOR, surfaceColor } from "./symbology.js";

/* global L */

const STATION_RANK = 20;
const HOTSPOT_RANK = 25;
const DAY_MS = 86_400_000;

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

function stationTip(p) {
  const d = p.pm10_day || {};
  const lines = [el("strong", {}, `${p.name} (${p.code})`), el("div", {}, d.date || "")];
  if (d.mean === undefined || d.mean === null) lines.push(el("div", {}, t("pm10_nodata")));
  else {
    lines.push(el("div", {}, t("pm10_mean", { v: fmtNum(d.mean) })));
    lines.push(el("div", {}, t("pm10_hours", { h: d.hours, c: Math.round((d.coverage || 0) * 100) })));
    if (!d.valid) lines.push(el("div", { class: "tip-warn" }, t("pm10_invalid")));
    if (d.standard) lines.push(el("div", {}, t("station_standard", { s: d.standard })));
  }
  return el("div", { class: "tip" }, lines);
}

function stationStyle(p) {
  const d = p.pm10_day || {};
  if (!d.valid) {
    return { radius: 7, color: "#555", weight: 1.5, dashArray: "2 2", fillColor: INVALID_COLOR, fillOpacity: 0.8 };
  }
  return { radius: 7, color: "#333", weight: 1, fillColor: pm10Color(d.mean), fillOpacity: 0.95 };
}

function stations(map, onError) {
  const layer = L.featureGroup();
  stacked(layer, STATION_RANK);
  const slider = el("input", { type: "range", min: "0", max: "0", step: "1", value: "0", "data-testid": "station-day" });
  const dayText = el("output", { class: "day-text" }, "—");
  const label = el("span");
  // The standards applied to the day: the edition in force, or why older tables are used.
  const standard = el("div", { class: "switcher-note", "data-testid": "station-standard" });
  const extra = el("div", { class: "switcher-extra" }, label, slider, dayText, standard);
  let first = null;
  let ctrl = null;
  let edition = null;
  const describeStandard = () => {
    if (!edition) standard.textContent = "";
    else if (edition.confirmed) standard.textContent = t("station_standard", { s: edition.standard });
    else standard.textContent = t("standard_unconfirmed", { f: edition.in_force[0], s: edition.standard });
  };
  const dayAt = (i) => isoDay(first + i * DAY_MS);
  function draw(fc) {
    layer.clearLayers();
    fc.features.forEach((f) => {
      const [lon, lat] = f.geometry.coordinates;
      L.circleMarker([lat, lon], { renderer: vectorRenderer, ...stationStyle(f.properties) })
        .bindTooltip(() => stationTip(f.properties))
        .addTo(layer);
    });
    restack(map);
  }
  async function load(day) {
    ctrl?.abort();
    ctrl = new AbortController();
    try {
      const fc = await api("/api/v1/air/stations", { query: { format: "geojson", day }, signal: ctrl.signal });
      if (fc.first_day && first === null) {
        first = Date.parse(`${fc.first_day}T00:00:00Z`);
        slider.max = String(Math.round((Date.parse(`${fc.last_day}T00:00:00Z`) - first) / DAY_MS));
        slider.value = String(Math.round((Date.parse(`${fc.day}T00:00:00Z`) - first) / DAY_MS));
      }
      slider.disabled = first === null;
      dayText.textContent = fc.day || "—";
      edition = fc.edition || null;
      describeStandard();
      draw(fc);
    } catch (err) {
      if (!isAbort(err)) onError(err);
    }
  }
  const changed = debounce(() => load(dayAt(Number(slider.value))), 150);
  slider.addEventListener("input", () => {
    if (first === null) return;
    dayText.textContent = dayAt(Number(slider.value));
    changed();
  });
  const relabel = () => { label.textContent = t("station_day"); describeStandard(); };
  relabel();
  onLangChange(relabel);
  load();
  return { key: "stations", group: "air", label: () => t("layer_stations"), layer, extra };
}

function surface(map, onError) {
  const canvas = L.canvas({ pane: "surface", padding: 0.2 });
  const layer = L.layerGroup();
  const select = el("select", { class: "surface-select" });
  const note = el("div", { class: "switcher-note" });
  const extra = el("div", { class: "switcher-extra" }, select, note);
  let list = [];
  const cells = new Map(); // surface id -> its cells (GeoJSON)
  const describe = () => {
    setOptions(select, list.length ? list.map((s) => [String(s.id), `${s.label} · ${s.method}`]) : [["", t("no_surface")]]);
    const chosen = list.find((s) => String(s.id) === select.value);
    const rmse = chosen?.stats?.cross_validation?.rmse;
    note.textContent = rmse === undefined ? "" : t("rmse", { v: fmtNum(rmse) });
    select.disabled = !list.length;
  };
  async function draw() {
    const chosen = list.find((s) => String(s.id) === select.value);
    layer.clearLayers();
    if (!chosen || !map.hasLayer(layer)) return;
    try {
      if (!cells.has(chosen.id)) cells.set(chosen.id, await api(chosen.cells));
      const fc = cells.get(chosen.id);
      if (String(chosen.id) !== select.value || !map.hasLayer(layer)) return;
      layer.clearLayers();
      L.geoJSON(fc, {
        renderer: canvas,
        interactive: false,
        style: (f) => ({ stroke: false, fillColor: surfaceColor(f.properties.value), fillOpacity: 0.6 }),
      }).addTo(layer);
    } catch (err) {
      onError(err);
    }
  }
  select.addEventListener("change", () => { describe(); draw(); });
  layer.on("add", draw);
  onLangChange(describe);
  api("/api/v1/air/surfaces").then((found) => { list = found; describe(); draw(); }, onError);
  describe();
  return { key: "surface", group: "air", label: () => t("layer_surface"), layer, extra };
}

function hotspotTip(p) {
  return el(
    "div",
    { class: "tip" },
    el("strong", {}, fmtTime(p.acquired_at)),
    el("div", {}, t("hotspot_tip", {
      instrument: p.instrument || "", satellite: p.satellite || "", conf: p.confidence ?? "—",
      cls: p.confidence_class || "—", frp: fmtNum(p.frp_mw),
    })),
    el("div", {}, p.evidence_id ? t("hotspot_evidence", { id: p.evidence_id }) : t("hotspot_not_evidence")),
  );
}

/** A circle marker drawn as a small flame on the canvas (hit-tested as its circle). */
const FireMarker = L.CircleMarker.extend({
  _updatePath() {
    const r = this._renderer;
    if (!r._drawing || this._empty()) return;
    const { x, y } = this._point;
    const s = this._radius;
    const ctx = r._ctx;
    ctx.beginPath();
    ctx.moveTo(x, y - 1.3 * s);
    ctx.quadraticCurveTo(x + 1.1 * s, y - 0.1 * s, x + 0.75 * s, y + 0.6 * s);
    ctx.quadraticCurveTo(x, y + 1.3 * s, x - 0.75 * s, y + 0.6 * s);
    ctx.quadraticCurveTo(x - 1.1 * s, y - 0.1 * s, x, y - 1.3 * s);
    ctx.closePath();
    r._fillStroke(ctx, this);
  },
});

function hotspots(map, onError) {
  const layer = L.featureGroup();
  stacked(layer, HOTSPOT_RANK);
  let ctrl = null;
  async function load() {
    ctrl?.abort();
    ctrl = new AbortController();
    try {
      const fc = await api("/api/v1/air/hotspots", { query: { bbox: bboxOf(map.getBounds()) }, signal: ctrl.signal });
      layer.clearLayers();
      fc.features.forEach((f) => {
        const [lon, lat] = f.geometry.coordinates;
        const evidence = Boolean(f.properties.evidence_id);
        new FireMarker([lat, lon], {
          renderer: vectorRenderer,
          radius: 5,
          color: "#7c2d12",
          weight: 0.8,
          fillColor: evidence ? HOTSPOT_EVIDENCE : HOTSPOT_OTHER,
          fillOpacity: 0.95,
        }).bindTooltip(() => hotspotTip(f.properties)).addTo(layer);
      });
      restack(map);
    } catch (err) {
      if (!isAbort(err)) onError(err);
    }
  }
  const reload = debounce(load, 150);
  layer.on("add", () => { load(); map.on("moveend", reload); });
  layer.on("remove", () => { ctrl?.abort(); map.off("moveend", reload); });
  return { key: "hotspots", group: "air", label: () => t("layer_hotspots"), layer };
}

/** The three air toggles for the layer switcher. */
export function airToggles(map, onError) {
  return [stations(map, onError), surface(map, onError), hotspots(map, onError)];
}
