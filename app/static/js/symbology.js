// Colours and styles of the map, shared by the layers, the legend, the list and the detail.

export const SCORE_BANDS = [
  { from: 0, to: 40, color: "#3a9d5d" },
  { from: 40, to: 60, color: "#e0b526" },
  { from: 60, to: 80, color: "#ef7d1a" },
  { from: 80, to: 100, color: "#d42a20" },
];

export function scoreColor(score) {
  return (SCORE_BANDS.find((b) => score < b.to) || SCORE_BANDS[SCORE_BANDS.length - 1]).color;
}

/** Lead marker radius in pixels from its evidence count. */
export const leadRadius = (evidence) => Math.min(14, 5 + 2.2 * Math.sqrt(Math.max(1, evidence)));

/** Cluster symbol diameter in pixels from its lead count. */
export const clusterSize = (count) => Math.round(24 + 9 * Math.log10(Math.max(1, count)));

// PM10 daily-mean bands and their colours come from the server (config.js, pm10Color).
export const INVALID_COLOR = "#b8b8b8";

// Fire hotspots: red when the detection became evidence of a lead.
export const HOTSPOT_EVIDENCE = "#dc2626";
export const HOTSPOT_OTHER = "#f59e0b";
export const FLAME_SVG = `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M8 1c1 3 4 4.5 4 8.2A4 4 0 0 1 4 9.3C4 7.4 5 6.3 6 5.4c0 1.4.5 2.3 1.4 2.8C7 6 7.2 3.2 8 1z"/></svg>`;

// Imagery: footprints outlined in purple, drone photos as small cameras.
export const FOOTPRINT_STYLE = { color: "#7b1fa2", weight: 1.5, dashArray: "5 3", fillColor: "#7b1fa2", fillOpacity: 0.04 };
export const CAMERA_SVG = `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path fill-rule="evenodd" d="M5.5 3 4.6 4.5H2.5A1.5 1.5 0 0 0 1 6v6a1.5 1.5 0 0 0 1.5 1.5h11A1.5 1.5 0 0 0 15 12V6a1.5 1.5 0 0 0-1.5-1.5h-2.1L10.5 3zM8 6.2a2.8 2.8 0 1 1 0 5.6 2.8 2.8 0 0 1 0-5.6z"/></svg>`;

// A continuous ramp for PM10 surfaces, anchored on the same breakpoints.
export const SURFACE_STOPS = [
  [0, [230, 245, 208]],
  [50, [127, 188, 65]],
  [150, [254, 224, 139]],
  [250, [253, 174, 97]],
  [350, [215, 48, 39]],
  [500, [103, 0, 31]],
];

export function surfaceColor(value) {
  const last = SURFACE_STOPS[SURFACE_STOPS.length - 1];
  if (value >= last[0]) return `rgb(${last[1].join(",")})`;
  const i = Math.max(0, SURFACE_STOPS.findIndex(([v]) => v > value) - 1);
  const [[v0, c0], [v1, c1]] = [SURFACE_STOPS[i], SURFACE_STOPS[i + 1]];
  const f = Math.min(1, Math.max(0, (value - v0) / (v1 - v0)));
  return `rgb(${c0.map((c, k) => Math.round(c + f * (c1[k] - c))).join(",")})`;
}

// Reference layers: boundaries by level, water, and the zone kinds with their levels.
export const ADMIN_STYLE = {
  province: { color: "#5d4e75", weight: 2.6, dashArray: "10 4 2 4" },
  city: { color: "#7d7094", weight: 1.5, dashArray: "6 3" },
  county: { color: "#a79fb8", weight: 0.8 },
  township: { color: "#c5bfd2", weight: 0.5, dashArray: "2 3" },
};
export const WATER_STYLE = { color: "#4f8fc6", weight: 1.2, fillColor: "#a8d0ee", fillOpacity: 0.85 };

export const ZONE_LEVELS = [
  { level: "I", color: "#8b0a0a", fillOpacity: 0.45, key: "level_I" },
  { level: "II", color: "#ef8a0c", fillOpacity: 0.35, key: "level_II" },
  { level: "quasi", color: "#f2cf1d", fillOpacity: 0.3, key: "level_quasi" },
];

export const ZONE_STYLE = {
  wetland: { color: "#138a7e", weight: 1.2, dashArray: "4 3", fillColor: "#3fb8a6", fillOpacity: 0.3 },
  ecological_redline: { color: "#d0021b", weight: 1.8, dashArray: "7 3", fillColor: "#d0021b", fillOpacity: 0.08 },
  no_burn_area: { color: "#8d5524", weight: 1.5, dashArray: "2 4", fillColor: "#c8a27a", fillOpacity: 0.14 },
  other: { color: "#5c6b73", weight: 1.2, dashArray: "3 3", fillColor: "#8fa3ad", fillOpacity: 0.12 },
};

/** Path style of a zone feature of `kind` (water-source zones by level). */
export function zoneStyle(kind, level) {
  if (kind === "water_source_zone") {
    const band = ZONE_LEVELS.find((z) => z.level === level) || ZONE_LEVELS[2];
    return { color: band.color, weight: 1.2, fillColor: band.color, fillOpacity: band.fillOpacity };
  }
  return ZONE_STYLE[kind] || ZONE_STYLE.other;
}

/** Drawing order: quasi zones first, level I last (on top). */
export const levelRank = (level) => ["quasi", "II", "I"].indexOf(level);
