// The filter bar: its inputs mirror the filters in the URL (state.js).
import { $, debounce, setOptions } from "./dom.js";
import { categories, statuses } from "./config.js";
import { isEn, onLangChange, pick, t } from "./i18n.js";
import { dayBound, filters, setFilters, setSort, sort } from "./state.js";

const clampScore = (v) => (v === "" ? "" : String(Math.min(100, Math.max(0, Number(v)))));

/** Wire the filter bar `root`, the sort select and the filters toggle button. */
export function filterBar(root, { orgs, users, toggle }) {
  const field = (id) => $(`[data-testid=${id}]`, root);
  const inputs = {
    category: field("filter-category"),
    status: field("filter-status"),
    min_score: field("filter-min-score"),
    max_score: field("filter-max-score"),
    since: field("filter-since"),
    until: field("filter-until"),
    org: field("filter-org"),
    assignee_id: field("filter-assignee"),
  };
  const sortSelect = $("[data-testid=sort]");

  function options() {
    const all = [["", t("all")]];
    setOptions(inputs.category, [...all, ...categories().map((c) => [c.code, pick(c)])]);
    setOptions(inputs.status, [...all, ...statuses().map((s) => [s.code, pick(s)])]);
    setOptions(inputs.org, [...all, ...orgs.map((o) => [o.code, isEn() && o.name_en ? o.name_en : o.name])]);
    setOptions(inputs.assignee_id, [...all, ...users.map((u) => [String(u.id), u.display_name || u.username])]);
    setOptions(sortSelect, [["score", t("sort_score")], ["time", t("sort_time")]]);
  }

  /** Show the filters of the URL in the inputs. */
  function show() {
    const f = filters();
    Object.entries(inputs).forEach(([key, input]) => {
      const v = f[key] || "";
      input.value = key === "since" || key === "until" ? v.slice(0, 10) : v;
    });
    sortSelect.value = sort();
  }

  function read() {
    const next = {};
    Object.entries(inputs).forEach(([key, input]) => { next[key] = input.value; });
    next.min_score = clampScore(next.min_score);
    next.max_score = clampScore(next.max_score);
    next.since = dayBound(next.since, false);
    next.until = dayBound(next.until, true);
    const current = filters();
    const changed = Object.keys(inputs).some((k) => (current[k] || "") !== (next[k] || ""));
    if (changed) setFilters(next);
  }

  const typed = debounce(read, 350);
  Object.values(inputs).forEach((input) => {
    input.addEventListener("change", read);
    if (input.tagName === "INPUT") input.addEventListener("input", typed);
  });
  sortSelect.addEventListener("change", () => setSort(sortSelect.value));
  $(".filter-reset", root).addEventListener("click", () => {
    setFilters({});
    show();
  });
  toggle.addEventListener("click", () => {
    const open = root.hidden;
    root.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.classList.toggle("is-active", open);
  });
  onLangChange(() => { options(); show(); });
  options();
  show();
}
