// The case sections of a lead's detail: its path (consultation, public notice, the suit it
// supports) and its procuratorial suggestions, each with the prosecutor's forms for the
// agency's receipt (送达), its reply and the follow-up reviews (跟进监督).
import { api } from "./api.js";
import { el, fmtDay, fmtTime } from "./dom.js";
import { t } from "./i18n.js";
import { section } from "./detail_sections.js";
import { busy, button, check, field, refuse, text } from "./forms.js";

const dateInput = (testid) => el("input", { type: "date", "data-testid": testid });

/** Today in China Standard Time, YYYY-MM-DD (the API's calendar). */
export const todayCst = () => new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date());

/** The path chosen at filing, the consultation, and the civil notice. */
export function caseSection(lead) {
  if (!lead.path) return null;
  const rows = [el("div", {}, el("strong", {}, t(`path_${lead.path}`)))];
  if (lead.consultation) {
    rows.push(el("div", { class: "muted" }, `${t("consulted_on")} ${lead.consultation.on} · “${lead.consultation.note}”`));
  }
  if (lead.notice_start) {
    rows.push(el("div", { class: "muted", "data-testid": "case-notice" },
      `${t("notice_from")} ${fmtDay(lead.notice_start)} · ${t("notice_until")} ${fmtTime(lead.notice_end)}`));
  }
  if (lead.notice_plaintiff) rows.push(el("div", {}, `${t("plaintiff")}: ${lead.notice_plaintiff}`));
  return section("detail-case", "sec_case", ...rows);
}

/** Receipt, reply and follow-up forms of one suggestion (prosecutors). */
function suggestionForms(s, { onDone, onError }) {
  const post = (path, json, message, buttons) => busy(buttons, onError, async () => {
    await api(`/api/v1/suggestions/${s.id}/${path}`, { method: "POST", json });
    onDone(t(message, { id: s.id }));
  });
  const parts = [];
  if (!s.replied_at) {
    const served = dateInput("service-date");
    const serve = button("service-submit", "service_submit");
    serve.addEventListener("click", () => (served.value
      ? post("service", { served_on: served.value }, "service_done", [serve])
      : refuse("need_date", served)));
    parts.push(el("div", { class: "btn-row" }, field("served_on", served), serve));
    const day = dateInput("reply-date");
    day.value = todayCst();
    const content = el("textarea", { "data-testid": "reply-content", rows: "2", placeholder: t("reply_placeholder") });
    const complied = el("input", { type: "checkbox", "data-testid": "reply-complied" });
    const reply = button("reply-submit", "reply_submit", "primary");
    reply.addEventListener("click", () => {
      if (!day.value) return refuse("need_date", day);
      if (!text(content)) return refuse("need_reply", content);
      return post("reply", { replied_on: day.value, content: text(content), complied: complied.checked }, "reply_done", [reply]);
    });
    parts.push(field("replied_on", day), field("reply_content", content), check("reply_complied", complied),
      el("div", { class: "btn-row end" }, reply));
  } else {
    const note = el("textarea", { "data-testid": "review-note", rows: "2", placeholder: t("review_placeholder") });
    const remedied = el("input", { type: "checkbox", "data-testid": "review-remedied" });
    const review = button("review-submit", "review_submit", "primary");
    review.addEventListener("click", () => (text(note)
      ? post("follow-ups", { note: text(note), remedied: remedied.checked }, "review_done", [review])
      : refuse("need_note", note)));
    parts.push(field("review_note", note), check("review_remedied", remedied), el("div", { class: "btn-row end" }, review));
  }
  return el("div", { class: "suggestion-fields", "data-testid": "suggestion-forms" }, ...parts);
}

function reviews(s) {
  if (!s.follow_ups?.length) return null;
  return el("ul", { class: "plain" }, s.follow_ups.map((f) => el(
    "li",
    { class: "muted" },
    `${t("review")} ${fmtTime(f.at)} · ${f.remedied ? t("remedied") : t("not_remedied")} · “${f.note}”`,
  )));
}

/** The lead's suggestions; `ctx` ({onDone, onError}) adds the forms (prosecutors only). */
export function suggestionsSection(lead, ctx) {
  if (!lead.suggestions?.length) return null;
  const now = Date.now();
  return section("detail-suggestions", "sec_suggestions", el("ul", { class: "plain" }, lead.suggestions.map((s) => {
    const late = !s.replied_at && Date.parse(s.due_at) < now;
    const replied = s.replied_at
      ? `${t("replied")} ${fmtDay(s.replied_at)} · ${s.complied ? t("complied") : t("not_complied")} · “${s.reply_note}”`
      : t("not_replied");
    return el(
      "li",
      { class: late ? "is-late" : "", "data-testid": "suggestion", "data-late": String(late) },
      el("strong", {}, s.agency),
      s.agency_level ? el("span", { class: "badge info", "data-testid": "suggestion-agency-level" }, t(`agency_level_${s.agency_level}`)) : null,
      s.urgent ? el("span", { class: "badge warn" }, t("urgent_short")) : null,
      late ? el("span", { class: "badge danger", "data-testid": "suggestion-overdue" }, t("overdue_mark")) : null,
      el("div", { class: "muted" }, `${t("issued")} ${fmtTime(s.issued_at)} · ${t("served")} ${fmtDay(s.served_at)}`
        + ` · ${t("due")} ${fmtTime(s.due_at)}`),
      el("div", {}, replied),
      reviews(s),
      ctx ? suggestionForms(s, ctx) : null,
    );
  })));
}
