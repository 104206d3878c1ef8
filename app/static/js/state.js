// The shareable page state (filters, sort, view, open lead) kept in the URL query string.
const FILTER_KEYS = [
  "category", "status", "min_score", "max_score", "since", "until", "org", "assignee_id",
];
const SORTS = ["score", "time"];
const listeners = new Set();

const state = { filters: {}, sort: "score", view: null, lead: null };

/** A date (YYYY-MM-DD) or datetime from the URL as the ISO datetime the API takes. */
export function dayBound(value, end) {
  if (!value) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${end ? "23:59:59" : "00:00:00"}Z`;
  return value;
}

function readUrl() {
  const q = new URLSearchParams(window.location.search);
  FILTER_KEYS.forEach((k) => {
    const v = q.get(k);
    if (v) state.filters[k] = k === "since" || k === "until" ? dayBound(v, k === "until") : v;
  });
  if (SORTS.includes(q.get("sort"))) state.sort = q.get("sort");
  const [lat, lon, z] = ["lat", "lon", "z"].map((k) => Number.parseFloat(q.get(k)));
  if ([lat, lon, z].every(Number.isFinite)) state.view = { lat, lon, z };
  const lead = Number.parseInt(q.get("lead"), 10);
  if (Number.isInteger(lead) && lead > 0) state.lead = lead;
}

function writeUrl() {
  const q = new URLSearchParams();
  FILTER_KEYS.forEach((k) => { if (state.filters[k]) q.set(k, state.filters[k]); });
  if (state.sort !== "score") q.set("sort", state.sort);
  if (state.view) {
    q.set("lat", state.view.lat.toFixed(5));
    q.set("lon", state.view.lon.toFixed(5));
    q.set("z", String(state.view.z));
  }
  if (state.lead) q.set("lead", String(state.lead));
  const search = q.toString();
  window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
}

readUrl();

/** The filters as API query parameters (the same names the API takes). */
export const filters = () => ({ ...state.filters });
export const sort = () => state.sort;
export const view = () => state.view;
export const openLead = () => state.lead;

/** Replace the filters (empty values drop out) and tell the listeners. */
export function setFilters(next) {
  state.filters = {};
  FILTER_KEYS.forEach((k) => { if (next[k] !== undefined && next[k] !== "") state.filters[k] = String(next[k]); });
  writeUrl();
  listeners.forEach((fn) => fn());
}

export function setSort(value) {
  state.sort = SORTS.includes(value) ? value : "score";
  writeUrl();
  listeners.forEach((fn) => fn());
}

export function setView(lat, lon, z) {
  state.view = { lat, lon, z };
  writeUrl();
}

export function setOpenLead(id) {
  state.lead = id || null;
  writeUrl();
}

/** Call `fn` whenever the filters or the sort change. */
export const onFiltersChange = (fn) => listeners.add(fn);
