// A lead's before/after imagery: for its largest change polygon, two synced small maps of the
// before and after images (in the detection's index) with the polygon outlined, its figures
// and the latest remediation re-check.
import { api } from "./api.js";
import { row, section } from "./detail_sections.js";
import { el, fmtDay, fmtNum } from "./dom.js";
import { lang, t, tOr } from "./i18n.js";
import { imageTiles } from "./image_tiles.js";

/* global L */

const OUTLINE = { color: "#1e40ff", weight: 2.5, fill: false, interactive: false };
const AROUND_M = 150; // the first view, until the polygon's outline has loaded

/** Two maps kept on the same view: moving either moves the other. */
function syncMaps(maps) {
  let syncing = false;
  maps.forEach((m, i) => m.on("move", () => {
    if (syncing) return;
    syncing = true;
    maps[1 - i].setView(m.getCenter(), m.getZoom(), { animate: false });
    syncing = false;
  }));
}

function build(lead, evidence, onError) {
  const p = evidence.provenance;
  const frames = ["before", "after"].map((which) => {
    const box = el("div", { class: "ba-map", "data-testid": `ba-${which}` });
    const caption = el("figcaption", {}, `${t(`ba_${which}`)} · ${fmtDay(p[which].acquired_at)}`);
    return { which, box, figure: el("figure", { class: "ba-figure" }, box, caption) };
  });
  const recheck = el("span", {}, t("loading"));
  const count = (lead.evidence || []).filter((e) => e.kind === "change_polygon").length;
  const node = section(
    "detail-before-after",
    "sec_before_after",
    p.illustrative ? el("div", { class: "badge warn", "data-testid": "ba-illustrative" }, t("imagery_illustrative")) : null,
    el("div", { class: "ba-maps" }, frames.map((f) => f.figure)),
    el("p", { class: "muted small" }, t(count > 1 ? "ba_largest" : "ba_outline", { n: count })),
    row(t("ba_area"), `${fmtNum(p.area_ha, 2)} ha`),
    row(t("ba_change"), `Δ${(p.index || "").toUpperCase()} ${fmtNum(p.mean_change, 3)}`),
    row(t("ev_confidence"), tOr(`conf_${p.confidence}`, p.confidence || "—")),
    row(t("ba_recheck"), recheck),
  );

  let view = L.latLng(evidence.lat, evidence.lon).toBounds(AROUND_M);
  const maps = frames.map(({ which, box }) => {
    const m = L.map(box, {
      attributionControl: false,
      zoomControl: which === "before", // one is enough: the maps move together
      scrollWheelZoom: false, // the panel scrolls
      minZoom: 10,
      maxZoom: 18,
    });
    imageTiles(p[which].image_id, p.index || "rgb").addTo(m);
    return m;
  });
  syncMaps(maps);
  // The maps are built detached and may be hidden: place them once they have a size.
  let placed = false;
  const fit = () => maps.forEach((m) => m.fitBounds(view, { animate: false }));
  const observer = new ResizeObserver(() => {
    if (!frames[0].box.clientWidth) return;
    maps.forEach((m) => m.invalidateSize({ animate: false }));
    if (!placed) fit();
    placed = true;
  });
  frames.forEach((f) => observer.observe(f.box));

  api(`/api/v1/change-detections/${p.detection_id}`).then((detection) => {
    const polygon = detection.polygons.find((x) => x.id === p.change_polygon_id);
    if (!polygon) return;
    const outlines = maps.map((m) => L.geoJSON(polygon.geometry, { style: OUTLINE, interactive: false }).addTo(m));
    view = outlines[0].getBounds().pad(1.5);
    if (placed) fit();
  }, onError);

  api(`/api/v1/leads/${lead.id}/rechecks`).then(async (rechecks) => {
    const latest = rechecks[0];
    if (!latest) {
      recheck.textContent = t("ba_no_recheck");
      return;
    }
    const mine = latest.polygons.find((x) => x.change_polygon_id === p.change_polygon_id);
    const image = await api(`/api/v1/imagery/${latest.after_id}`);
    recheck.textContent = t("ba_restored", {
      date: fmtDay(image.properties.datetime),
      v: fmtNum(100 * (mine ?? latest).restored_fraction),
    });
  }).catch((err) => {
    recheck.textContent = "—";
    onError(err);
  });

  return {
    node,
    release: () => {
      observer.disconnect();
      maps.forEach((m) => m.remove());
    },
  };
}

/**
 * The before/after section of the open lead: `section(lead)` gives the section (the same node
 * while the lead, its largest change and the language stay) or null; `release()` frees it.
 */
export function beforeAfter(onError) {
  let shown = null; // {key, node, release}

  function release() {
    shown?.release();
    shown = null;
  }

  function sectionOf(lead) {
    const changes = (lead.evidence || []).filter((e) => e.kind === "change_polygon" && e.provenance?.before);
    if (!changes.length) {
      release();
      return null;
    }
    const largest = changes.reduce((a, b) => (b.provenance.area_ha > a.provenance.area_ha ? b : a));
    const key = `${lead.id}:${largest.id}:${lang()}`;
    if (shown?.key !== key) {
      release();
      shown = { key, ...build(lead, largest, onError) };
    }
    return shown.node;
  }

  return { section: sectionOf, release };
}
