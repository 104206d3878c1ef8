// What the server owns and the UI shows: categories, lead statuses, the map's zone kinds and
// PM10 bands, loaded once at start from GET /api/v1/ui/config (rules/categories.py,
// rules/workflow.py, rules/kinds.py, geo/air/bands.py). Until then the lists are empty and
// codes show as themselves.
import { pick } from "./i18n.js";

let config = {
  categories: [], lead_statuses: [], open_statuses: [], zone_kinds: [], zones_on: [], base_kinds: [], pm10_bands: [],
};

/** Keep the UI config the server sent. */
export function setConfig(next) {
  config = { ...config, ...next };
}

export const categories = () => config.categories;
export const statuses = () => config.lead_statuses;
export const pm10Bands = () => config.pm10_bands;
/** The zone kinds the map always offers (first drawn on top), those on at start, base kinds. */
export const zoneKinds = () => config.zone_kinds.map((k) => k.code);
export const zonesOn = () => config.zones_on;
export const baseKinds = () => config.base_kinds;

/** Whether a lead in this status is still being worked on (the others are drawn as done). */
export const isOpenStatus = (code) => config.open_statuses.includes(code);

const labelIn = (list, code) => {
  const found = list.find((x) => x.code === code);
  return found ? pick(found) : code;
};

/** A category's label in the current language (its code if unknown). */
export const categoryName = (code) => labelIn(config.categories, code);

/** A lead status's label in the current language (its code if unknown). */
export const statusName = (code) => labelIn(config.lead_statuses, code);

/** The colour of a daily PM10 mean (µg/m³): the band above `from` up to `to`. */
export function pm10Color(mean) {
  const bands = config.pm10_bands;
  const band = bands.find((b) => b.to === null || mean <= b.to) || bands[bands.length - 1];
  return band ? band.colour : "#999";
}

/** A band's legend text: its range and category, e.g. "51–150 良". */
export function bandText(band) {
  const range = band.to === null ? `>${band.from}` : band.from === 0 ? `≤${band.to}` : `${band.from + 1}–${band.to}`;
  return `${range} ${pick(band)}`;
}
