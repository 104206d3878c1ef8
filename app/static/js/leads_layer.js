// Leads on the map: one request per view (the server clusters when there are many),
// drawn as score-coloured circles or as count-labelled clusters.
import { api, isAbort } from "./api.js";
import { bboxOf, restack, stacked, vectorRenderer } from "./basemap.js";
import { debounce, el, fmtNum } from "./dom.js";
import { categoryName, isOpenStatus, statusName } from "./config.js";
import { t } from "./i18n.js";
import { filters } from "./state.js";
import { clusterSize, leadRadius, scoreColor } from "./symbology.js";

/* global L */

const LEAD_RANK = 30;
const MARK_RANK = 40;

function leadTip(p) {
  return el(
    "div",
    { class: "tip" },
    el("strong", {}, `#${p.id} ${categoryName(p.category)}`),
    el("div", {}, `${fmtNum(p.score)} ${t("points")} · ${statusName(p.status)}`),
    el("div", {}, t("evidence_n", { n: p.evidence })),
  );
}

/**
 * The leads layer. `onLeadClick(id)` when a lead is clicked, `onLeadHover(id|null)`;
 * `load()` re-queries the current view with the current filters.
 */
export function leadsLayer(map, { onLeadClick, onLeadHover, onError }) {
  const container = map.getContainer();
  const markers = L.featureGroup();
  const clusters = L.layerGroup();
  const layer = L.layerGroup([markers, clusters]);
  const marks = L.featureGroup().addTo(map);
  stacked(markers, LEAD_RANK);
  stacked(marks, MARK_RANK);
  let ctrl = null;
  let latest = null; // the newest load: an aborted one waits for it
  let hover = null;
  let selection = null;

  function drawLead(f) {
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const done = !isOpenStatus(p.status);
    const marker = L.circleMarker([lat, lon], {
      renderer: vectorRenderer,
      radius: leadRadius(p.evidence),
      color: done ? scoreColor(p.score) : "#1d2733",
      weight: done ? 2 : 1,
      fillColor: scoreColor(p.score),
      fillOpacity: done ? 0.25 : 0.9,
    });
    marker.bindTooltip(() => leadTip(p), { direction: "top", offset: [0, -6] });
    marker.on("click", () => onLeadClick(p.id));
    marker.on("mouseover", () => onLeadHover(p.id));
    marker.on("mouseout", () => onLeadHover(null));
    markers.addLayer(marker);
  }

  function drawCluster(f) {
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const size = clusterSize(p.count);
    const html = el(
      "span",
      { style: `--c:${scoreColor(p.max_score)};width:${size}px;height:${size}px;line-height:${size}px` },
      p.count.toLocaleString(),
    );
    const icon = L.divIcon({ className: "cluster", html, iconSize: [size, size] });
    const marker = L.marker([lat, lon], { icon, keyboard: false });
    marker.bindTooltip(() => t("cluster_tip", { n: p.count, max: fmtNum(p.max_score), mean: fmtNum(p.mean_score) }));
    marker.on("click", () => {
      const [x0, y0, x1, y1] = p.bbox;
      const bounds = L.latLngBounds([y0, x0], [y1, x1]);
      const zoom = Math.max(map.getZoom() + 1, Math.min(map.getBoundsZoom(bounds.pad(0.2)), map.getMaxZoom()));
      map.setView(bounds.getCenter(), zoom);
    });
    clusters.addLayer(marker);
  }

  async function fetchAndDraw() {
    ctrl?.abort();
    ctrl = new AbortController();
    const query = { ...filters(), bbox: bboxOf(map.getBounds()), zoom: map.getZoom() };
    try {
      const fc = await api("/api/v1/leads/map", { query, signal: ctrl.signal });
      markers.clearLayers();
      clusters.clearLayers();
      fc.features.forEach((f) => (f.properties.kind === "cluster" ? drawCluster(f) : drawLead(f)));
      restack(map);
      container.dataset.features = String(fc.features.length);
      // The leads drawn as done (closed, rejected, merged, transferred, terminated).
      container.dataset.doneLeads = fc.features
        .filter((f) => f.properties.kind !== "cluster" && !isOpenStatus(f.properties.status))
        .map((f) => f.properties.id).join(",");
      container.dataset.mode = fc.mode;
      container.dataset.total = String(fc.total);
      container.dataset.state = "ready";
    } catch (err) {
      if (isAbort(err)) return latest;
      onError(err);
    }
    return undefined;
  }

  /** Load the view; resolves once the newest view is drawn. */
  function load() {
    latest = fetchAndDraw();
    return latest;
  }

  const ring = (lat, lon, radius) => L.circleMarker([lat, lon], {
    renderer: vectorRenderer, radius, color: "#0b5cad", weight: 3, fill: false, interactive: false,
  });

  // New paths are drawn last (on top), so the marks need no restacking here.
  /** Ring the lead under the pointer in the list (null clears). */
  function highlight(item) {
    if (hover) marks.removeLayer(hover);
    hover = item ? ring(item.lat, item.lon, 15).addTo(marks) : null;
  }

  /** Mark the open lead and its evidence points (null clears). */
  function select(lead) {
    if (selection) marks.removeLayer(selection);
    selection = null;
    if (!lead) return;
    selection = L.featureGroup([ring(lead.lat, lead.lon, 18)]);
    (lead.evidence || []).forEach((e) => {
      L.circleMarker([e.lat, e.lon], {
        renderer: vectorRenderer,
        radius: 3.5,
        color: "#fff",
        weight: 1.5,
        fillColor: "#0b5cad",
        fillOpacity: 1,
        interactive: false,
      }).addTo(selection);
    });
    marks.addLayer(selection);
  }

  map.on("moveend", debounce(load, 150));
  return { layer, load, highlight, select };
}
