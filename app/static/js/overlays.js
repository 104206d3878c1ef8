// Zone overlays (water-source zones by level, wetlands, red lines, no-burn areas, other kinds)
// and the layer switcher that turns every overlay on and off.
import { featureName, referenceLayer, restack, stacked, vectorRenderer } from "./basemap.js";
import { baseKinds, zoneKinds, zonesOn } from "./config.js";
import { el } from "./dom.js";
import { onLangChange, t, tOr } from "./i18n.js";
import { zoneStyle } from "./symbology.js";

/* global L */

const GROUPS = ["base", "imagery", "zones", "leads", "air"];
const ZONE_RANK = 10; // minus the kind's index: water-source zones on top of the others

const levelLabel = (level) => (level ? tOr(`level_${level}`, tOr(`lvl_${level}`, level)) : "");

function zoneTip(kind, meta, p) {
  const kindTitle = tOr(`layer_${kind}`, meta.kind_title || kind);
  return el(
    "div",
    { class: "tip" },
    el("strong", {}, featureName(p)),
    el("div", {}, [kindTitle, levelLabel(p.level)].filter(Boolean).join(" · ")),
    p.illustrative ? el("div", { class: "tip-note" }, t("illustrative")) : null,
  );
}

/** One toggle per zone kind found in the layers (the server's standard kinds always listed). */
export function zoneToggles(map, layers, onError) {
  const standard = zoneKinds();
  const extra = [...new Set(layers.map((l) => l.kind))].filter(
    (k) => !standard.includes(k) && !baseKinds().includes(k),
  );
  return [...standard, ...extra].map((kind, i) => {
    const metas = layers.filter((l) => l.kind === kind);
    const group = L.featureGroup();
    metas.forEach((meta) => {
      const options = {
        renderer: vectorRenderer,
        style: (f) => zoneStyle(kind, f.properties.level),
        onEachFeature: (f, layer) => layer.bindTooltip(() => zoneTip(kind, meta, f.properties), { sticky: true }),
      };
      group.addLayer(referenceLayer(map, meta, options, { onLoad: () => restack(map), onError }));
    });
    stacked(group, ZONE_RANK - i);
    return {
      key: kind,
      group: "zones",
      label: () => tOr(`layer_${kind}`, metas[0]?.kind_title || kind),
      layer: group,
      on: zonesOn().includes(kind),
    };
  });
}

/**
 * The layer switcher: a checkbox [data-testid=layer-<key>] per toggle
 * ({key, group, label(), layer, on, extra?: DOM node shown under it}).
 */
export function layerSwitcher(map, toggles, onChange) {
  const texts = [];
  const body = el("div", { class: "switcher-body" });
  GROUPS.forEach((group) => {
    const items = toggles.filter((tg) => tg.group === group);
    if (!items.length) return;
    const heading = el("div", { class: "switcher-group" });
    texts.push(() => { heading.textContent = t(`group_${group}`); });
    body.append(heading);
    items.forEach((tg) => {
      const box = el("input", { type: "checkbox", "data-testid": `layer-${tg.key}`, checked: tg.on });
      const text = el("span");
      texts.push(() => { text.textContent = tg.label(); });
      box.addEventListener("change", () => {
        if (box.checked) map.addLayer(tg.layer);
        else map.removeLayer(tg.layer);
        onChange();
      });
      if (tg.on) map.addLayer(tg.layer);
      body.append(el("label", { class: "switcher-row" }, box, text));
      if (tg.extra) body.append(tg.extra);
    });
  });
  const title = el("span");
  texts.push(() => { title.textContent = t("layers"); });
  const fold = el("button", { type: "button", class: "fold", "aria-expanded": "true" }, "▾");
  fold.addEventListener("click", () => {
    const open = body.hidden;
    body.hidden = !open;
    fold.setAttribute("aria-expanded", String(open));
    fold.textContent = open ? "▾" : "▸";
  });
  const Switcher = L.Control.extend({
    onAdd() {
      const node = el("div", { class: "map-panel switcher" }, el("div", { class: "panel-head" }, title, fold), body);
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    },
  });
  new Switcher({ position: "topright" }).addTo(map);
  const relabel = () => texts.forEach((fn) => fn());
  relabel();
  onLangChange(relabel);
}

/** Whether the toggle `key` is on. */
export const isOn = (map, toggles, key) => {
  const tg = toggles.find((x) => x.key === key);
  return Boolean(tg && map.hasLayer(tg.layer));
};
