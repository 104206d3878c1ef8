// The map legend: what is shown, for the layers that are on.
import { bandText, pm10Bands, zoneKinds } from "./config.js";
import { el } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import {
  ADMIN_STYLE, CAMERA_SVG, FLAME_SVG, FOOTPRINT_STYLE, HOTSPOT_EVIDENCE, HOTSPOT_OTHER, INVALID_COLOR, SCORE_BANDS,
  SURFACE_STOPS, ZONE_LEVELS, ZONE_STYLE, clusterSize, leadRadius, surfaceColor,
} from "./symbology.js";

/* global L */

const dot = (color, r = 6, extra = "") => el("span", {
  class: "lg-dot",
  style: `background:${color};width:${2 * r}px;height:${2 * r}px;${extra}`,
});
const box = (s) => el("span", {
  class: "lg-box",
  style: [
    `background:${s.fillColor || s.color}`,
    `border-color:${s.color}`,
    `border-style:${s.dashArray ? "dashed" : "solid"}`,
    `opacity:${Math.min(1, (s.fillOpacity ?? 0.3) + 0.4)}`,
  ].join(";"),
});
const line = (s) => el("span", {
  class: "lg-line",
  style: `border-top:${Math.max(1, s.weight)}px ${s.dashArray ? "dashed" : "solid"} ${s.color}`,
});
const item = (symbol, text) => el("div", { class: "lg-item" }, symbol, el("span", {}, text));
const block = (title, ...items) => el("div", { class: "lg-block" }, el("div", { class: "lg-title" }, title), ...items);

function leadsBlock() {
  const sizes = el("div", { class: "lg-item" }, [1, 4, 9].map((n) => dot("#9aa5b1", leadRadius(n))), el("span", {}, t("legend_size")));
  const cluster = el("span", { class: "cluster lg-cluster" }, el("span", {
    style: `--c:${SCORE_BANDS[2].color};width:${clusterSize(12)}px;height:${clusterSize(12)}px;line-height:${clusterSize(12)}px`,
  }, "12"));
  return block(
    t("legend_score"),
    SCORE_BANDS.map((b) => item(dot(b.color), `${b.from}–${b.to}`)),
    sizes,
    item(cluster, t("legend_cluster")),
  );
}

function zonesBlock(on) {
  const items = [];
  if (on("water_source_zone")) {
    ZONE_LEVELS.forEach((z) => items.push(item(box({ color: z.color, fillOpacity: z.fillOpacity }), t(z.key))));
  }
  zoneKinds().filter((k) => k !== "water_source_zone" && on(k))
    .forEach((k) => items.push(item(box(ZONE_STYLE[k] || ZONE_STYLE.other), t(`layer_${k}`))));
  if (on("jurisdictions")) {
    const lines = el("span", { class: "lg-lines" }, ["province", "city", "county"].map((l) => line(ADMIN_STYLE[l])));
    items.push(item(lines, t("legend_boundary")));
  }
  return items.length ? block(t("legend_zones"), items) : null;
}

function airBlock(on) {
  const parts = [];
  if (on("stations")) {
    parts.push(block(
      t("legend_pm10"),
      pm10Bands().map((b) => item(dot(b.colour, 6, "border:1px solid #333"), bandText(b))),
      item(dot(INVALID_COLOR, 6, "border:1px dashed #555"), t("legend_invalid")),
    ));
  }
  if (on("surface")) {
    const stops = SURFACE_STOPS.map(([v]) => v);
    const max = stops[stops.length - 1];
    const gradient = stops.map((v) => `${surfaceColor(v)} ${(100 * v) / max}%`).join(",");
    parts.push(block(
      t("legend_surface"),
      el("div", { class: "lg-ramp", style: `background:linear-gradient(90deg,${gradient})` }),
      el("div", { class: "lg-ticks" }, stops.map((v) => el("span", { style: `left:${(100 * v) / max}%` }, String(v)))),
    ));
  }
  if (on("hotspots")) {
    const fire = (color) => {
      const node = el("span", { class: "lg-fire", style: `color:${color}` });
      node.innerHTML = FLAME_SVG;
      return node;
    };
    parts.push(item(el("span", { class: "lg-fires" }, fire(HOTSPOT_EVIDENCE), fire(HOTSPOT_OTHER)), t("legend_hotspot")));
  }
  return parts;
}

function imageryBlock(on) {
  if (!on("imagery")) return null;
  const camera = el("span", { class: "camera-marker lg-camera" });
  camera.innerHTML = CAMERA_SVG;
  return block(t("legend_imagery"), item(box(FOOTPRINT_STYLE), t("legend_footprint")), item(camera, t("drone_photo")));
}

/** The legend control; `isOn(key)` says whether a toggle is on. Returns {update}. */
export function legend(map, isOn) {
  const body = el("div", { class: "legend-body" });
  const title = el("span");
  const fold = el("button", { type: "button", class: "fold", "aria-expanded": "true" }, "▾");
  fold.addEventListener("click", () => {
    body.hidden = !body.hidden;
    fold.textContent = body.hidden ? "▸" : "▾";
    fold.setAttribute("aria-expanded", String(!body.hidden));
  });
  const Legend = L.Control.extend({
    onAdd() {
      const node = el("div", { class: "map-panel legend" }, el("div", { class: "panel-head" }, title, fold), body);
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    },
  });
  new Legend({ position: "bottomleft" }).addTo(map);
  function update() {
    title.textContent = t("legend");
    const blocks = [isOn("leads") ? leadsBlock() : null, zonesBlock(isOn), imageryBlock(isOn), ...airBlock(isOn)];
    body.replaceChildren(...blocks.filter(Boolean));
  }
  update();
  onLangChange(update);
  return { update };
}
