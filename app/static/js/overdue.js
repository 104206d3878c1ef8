// The overdue panel: procuratorial suggestions whose agency has not replied in time.
import { api } from "./api.js";
import { $, el, fmtDay } from "./dom.js";
import { onLangChange, t } from "./i18n.js";

const DAY_MS = 86_400_000;

export function overduePanel({ onOpen, onError }) {
  const button = $("[data-testid=overdue-toggle]");
  const panel = $("[data-testid=overdue-panel]");
  const list = $(".overdue-list", panel);
  const badge = $(".badge-count", button);
  let items = [];

  function render() {
    badge.textContent = String(items.length);
    badge.hidden = !items.length;
    const now = Date.now();
    list.replaceChildren(...(items.length
      ? items.map((s) => {
        const days = Math.max(0, Math.floor((now - Date.parse(s.due_at)) / DAY_MS));
        const node = el(
          "li",
          { class: "overdue-item", "data-testid": "overdue-item", "data-lead-id": s.lead_id, tabindex: "0" },
          el("div", { class: "od-head" }, el("strong", {}, t("lead_n", { id: s.lead_id })),
            el("span", { class: "od-days" }, t("overdue_days", { n: days }))),
          el("div", {}, s.agency, s.urgent ? el("span", { class: "badge warn" }, t("urgent_short")) : null),
          el("div", { class: "muted" }, `${t("issued")} ${fmtDay(s.issued_at)} · ${t("due")} ${fmtDay(s.due_at)}`),
        );
        const open = () => {
          panel.hidden = true;
          button.setAttribute("aria-expanded", "false");
          onOpen(s.lead_id);
        };
        node.addEventListener("click", open);
        node.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
        return node;
      })
      : [el("li", { class: "empty" }, t("overdue_none"))]));
  }

  async function refresh() {
    try {
      items = await api("/api/v1/suggestions/overdue");
      items.sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
      render();
    } catch (err) {
      onError(err);
    }
  }

  button.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) refresh();
  });
  $(".overdue-close", panel).addEventListener("click", () => {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
  });
  onLangChange(render);
  return { refresh };
}
