// The lead list of the current map view: sorted, paged, synced with the map.
import { apiPage, isAbort } from "./api.js";
import { bboxOf } from "./basemap.js";
import { $, el, fmtDay, fmtNum } from "./dom.js";
import { pick, t } from "./i18n.js";
import { filters, sort } from "./state.js";
import { scoreColor } from "./symbology.js";

const PAGE = 50;

/**
 * The list in `root` (which holds [data-testid=lead-list], [data-testid=lead-count] and the
 * pager). `lookups` names organisations and users by id.
 */
export function leadList(root, map, { onOpen, onHover, onError, lookups }) {
  const list = $("[data-testid=lead-list]", root);
  const count = $("[data-testid=lead-count]", root);
  const range = $(".pager-range", root);
  const prev = $(".pager-prev", root);
  const next = $(".pager-next", root);
  let items = [];
  let total = 0;
  let offset = 0;
  let ctrl = null;
  let latest = null; // the newest load: an aborted one waits for it
  let selected = null;

  function item(lead) {
    const assignee = lead.assignee_id ? lookups.userName(lead.assignee_id) : t("unassigned");
    const node = el(
      "li",
      {
        class: `lead-item${lead.id === selected ? " is-selected" : ""}`,
        "data-testid": "lead-item",
        "data-lead-id": lead.id,
        tabindex: "0",
      },
      el("span", { class: "score-badge", style: `background:${scoreColor(lead.score)}` }, fmtNum(lead.score)),
      el(
        "div",
        { class: "li-main" },
        el("div", { class: "li-title" }, pick(lead.category_label), el("span", { class: "li-id" }, `#${lead.id}`)),
        el(
          "div",
          { class: "li-meta" },
          el("span", { class: `status-pill st-${lead.status}` }, pick(lead.status_label)),
          el("span", {}, lookups.orgName(lead.org_id)),
        ),
        el("div", { class: "li-meta" }, el("span", {}, fmtDay(lead.last_evidence_at)), el("span", {}, assignee)),
      ),
    );
    node.addEventListener("click", () => onOpen(lead.id));
    node.addEventListener("keydown", (e) => { if (e.key === "Enter") onOpen(lead.id); });
    node.addEventListener("mouseenter", () => onHover(lead));
    node.addEventListener("mouseleave", () => onHover(null));
    return node;
  }

  function render() {
    count.textContent = String(total);
    list.replaceChildren(...(items.length ? items.map(item) : [el("li", { class: "empty" }, t("list_empty"))]));
    range.textContent = total
      ? t("page_range", { from: offset + 1, to: offset + items.length, total })
      : "";
    prev.disabled = offset === 0;
    next.disabled = offset + items.length >= total;
  }

  async function fetchAndRender() {
    ctrl?.abort();
    ctrl = new AbortController();
    root.classList.add("is-loading");
    try {
      const page = await apiPage("/api/v1/leads", {
        query: { ...filters(), bbox: bboxOf(map.getBounds()), sort: sort(), limit: PAGE, offset },
        signal: ctrl.signal,
      });
      ({ items, total } = page);
      render();
      root.classList.remove("is-loading");
    } catch (err) {
      if (isAbort(err)) return latest;
      root.classList.remove("is-loading");
      onError(err);
    }
    return undefined;
  }

  /** Load the page; resolves once the newest request is shown. */
  function load() {
    latest = fetchAndRender();
    return latest;
  }

  prev.addEventListener("click", () => { offset = Math.max(0, offset - PAGE); load(); });
  next.addEventListener("click", () => { offset += PAGE; load(); });

  return {
    /** Re-query from the first page; `clear` empties the list meanwhile (new filters). */
    reload: (clear = false) => {
      offset = 0;
      if (clear) {
        items = [];
        list.replaceChildren();
      }
      return load();
    },
    /** Re-query the same page (after an action). */
    refresh: load,
    render,
    /** Mark the item of the lead under the pointer on the map. */
    mark(id) {
      list.querySelectorAll(".lead-item.is-hover").forEach((n) => n.classList.remove("is-hover"));
      if (id) list.querySelector(`[data-lead-id="${id}"]`)?.classList.add("is-hover");
    },
    /** Mark the open lead's item. */
    select(id) {
      selected = id;
      list.querySelectorAll(".lead-item").forEach((n) => {
        n.classList.toggle("is-selected", Number(n.dataset.leadId) === id);
      });
    },
  };
}
