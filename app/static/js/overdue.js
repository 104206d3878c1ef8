// The overdue panel: procuratorial suggestions whose agency has not replied in time, and
// referrals whose receiving organisation has not acknowledged them (回执) by the due date.
import { api } from "./api.js";
import { $, el, fmtDay } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { canWork, orgNameOf } from "./role.js";

const DAY_MS = 86_400_000;

function suggestionBody(s) {
  return [
    el("div", {}, s.agency, s.urgent ? el("span", { class: "badge warn" }, t("urgent_short")) : null),
    el("div", { class: "muted" }, `${t("issued")} ${fmtDay(s.issued_at)} · ${t("due")} ${fmtDay(s.due_at)}`),
  ];
}

function referralBody(r) {
  return [
    el("div", {}, el("span", { class: "badge info" }, t("od_referral")), ` ${orgNameOf(r.from_org)} → ${r.to_org ? orgNameOf(r.to_org) : r.receiver}`),
    el("div", { class: "muted" }, `${t("ref_sent_at")} ${fmtDay(r.created_at)} · ${t("ref_receipt_due")} ${fmtDay(r.due_at)}`),
  ];
}

export function overduePanel({ onOpen, onError }) {
  const button = $("[data-testid=overdue-toggle]");
  const panel = $("[data-testid=overdue-panel]");
  const list = $(".overdue-list", panel);
  const badge = $(".badge-count", button);
  let items = []; // {kind: "suggestion" | "referral", lead_id, due_at, ...}

  function render() {
    badge.textContent = String(items.length);
    badge.hidden = !items.length;
    const now = Date.now();
    list.replaceChildren(...(items.length
      ? items.map((s) => {
        const days = Math.max(0, Math.floor((now - Date.parse(s.due_at)) / DAY_MS));
        const node = el(
          "li",
          { class: "overdue-item", "data-testid": "overdue-item", "data-kind": s.kind, "data-lead-id": s.lead_id, tabindex: "0" },
          el("div", { class: "od-head" }, el("strong", {}, t("lead_n", { id: s.lead_id })),
            el("span", { class: "od-days" }, t("overdue_days", { n: days }))),
          ...(s.kind === "referral" ? referralBody(s) : suggestionBody(s)),
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
      // Partners issue no suggestions: they see only the referrals sent to them.
      const [suggestions, referrals] = await Promise.all([
        canWork() ? api("/api/v1/suggestions/overdue") : [],
        api("/api/v1/referrals/overdue"),
      ]);
      items = [
        ...suggestions.map((s) => ({ ...s, kind: "suggestion" })),
        ...referrals.map((r) => ({ ...r, kind: "referral", due_at: r.receipt_due_at })),
      ];
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
