// The "referrals and joint handling" section of a lead: its referrals to partner organisations
// (status, receipt due, receipt, progress, outcome) with the answer forms for the receiving
// organisation, the handling organisations, and the forms to refer or add a co-handler.
import { api } from "./api.js";
import { row, section } from "./detail_sections.js";
import { el, fmtDay, fmtTime } from "./dom.js";
import { t, tOr } from "./i18n.js";
import { answerForm, handlerForm, referForm } from "./referral_forms.js";
import { actsFor, mayRefer, orgIdOf, orgNameOf } from "./role.js";

const OPEN = ["sent", "received", "in_progress"];

/** The lead's referrals and handling organisations: {referrals, handlers}. */
export async function collabOf(lead) {
  const [referrals, handlers] = await Promise.all([
    api(`/api/v1/leads/${lead.id}/referrals`),
    api(`/api/v1/leads/${lead.id}/organisations`),
  ]);
  return { referrals, handlers };
}

function progressList(r) {
  if (!r.progress.length) return null;
  return el("ol", { class: "ref-progress" }, r.progress.map((p) => el(
    "li",
    {},
    el("span", { class: "muted" }, fmtTime(p.at)), " ", p.note,
    p.outcome ? el("div", {}, el("strong", {}, `${t("ref_outcome")}：`), p.outcome) : null,
  )));
}

function referralItem(r, { onDone, onError }) {
  // A body outside the platform does not answer here: the sender records what it answered.
  const answerer = r.to_org ? r.to_org : r.from_org;
  const answering = OPEN.includes(r.status) && actsFor(orgIdOf(answerer.code));
  return el(
    "li",
    { class: `referral st-ref-${r.status}`, "data-testid": "referral", "data-referral-id": r.id, "data-status": r.status },
    el(
      "div",
      { class: "ref-head" },
      el("span", { class: "badge info", "data-testid": "referral-kind" }, tOr(`ref_kind_${r.kind}`, r.kind)),
      el("strong", {}, `${orgNameOf(r.from_org)} → ${r.to_org ? orgNameOf(r.to_org) : r.receiver}`),
      el("span", { class: "status-pill", "data-testid": "referral-status" }, tOr(`ref_${r.status}`, r.status)),
      r.overdue ? el("span", { class: "badge warn", "data-testid": "referral-overdue" }, t("ref_overdue")) : null,
      r.grants_originals ? el("span", { class: "badge info" }, t("ref_originals_granted")) : null,
    ),
    row(t("ref_basis"), r.basis),
    r.note ? row(t("ref_note"), r.note) : null,
    row(t("ref_sent_at"), fmtTime(r.created_at)),
    row(t("ref_receipt_due"), fmtDay(r.receipt_due_at)),
    row(t("ref_received_at"), r.received_at ? fmtTime(r.received_at) : t("ref_not_received"),
      r.receipt_note ? el("div", { class: "muted" }, r.receipt_note) : null),
    r.progress.length ? row(t("ref_progress"), progressList(r)) : null,
    r.outcome ? row(t("ref_outcome"), r.outcome) : null,
    answering ? answerForm(r, { onDone, onError }) : null,
  );
}

function handlerList(handlers) {
  if (!handlers.length) return el("p", { class: "muted" }, t("joint_none"));
  return el("ul", { class: "plain", "data-testid": "handlers" }, handlers.map((h) => el(
    "li",
    { "data-org": h.org.code, "data-role": h.role },
    el("span", { class: "badge info" }, t(`joint_${h.role}`)), " ", orgNameOf(h.org),
  )));
}

/**
 * The section; `collab` is null while loading. `orgName(id)` names organisations,
 * `onDone(message)` after a change, `onError(err)` on a refusal.
 */
export function referralsSection(lead, collab, { orgName, onDone, onError }) {
  if (!collab) return section("detail-referrals", "sec_referrals", el("p", { class: "muted" }, t("loading")));
  const ctx = { orgName, onDone, onError };
  const own = mayRefer(lead);
  return section(
    "detail-referrals",
    "sec_referrals",
    collab.referrals.length
      ? el("ol", { class: "referrals" }, collab.referrals.map((r) => referralItem(r, ctx)))
      : el("p", { class: "muted" }, t("ref_none")),
    own ? referForm(lead, ctx) : null,
    el("h4", { class: "sub-title" }, t("joint_title")),
    handlerList(collab.handlers),
    own ? handlerForm(lead, collab.handlers, ctx) : null,
  );
}
