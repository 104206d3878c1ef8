// The forms of the referrals section: refer a lead, add a co-handler, and the receiving
// organisation's receipt (回执) and progress or outcome reports.
import { api } from "./api.js";
import { el, setOptions } from "./dom.js";
import { t } from "./i18n.js";
import { organisations, partnerOrgs } from "./role.js";
import { busy, button, check, field, refuse, text } from "./forms.js";

// Kinds of referral (rules/referrals.py): the first two go to a partner procuratorate, the
// others to a body outside the platform, named by the sender.
const KINDS = ["jurisdiction", "cooperation", "agency", "criminal_clue"];
const TO_PROCURATORATE = ["jurisdiction", "cooperation"];

/** Refer the lead, on a stated basis: to a partner procuratorate, or to an agency or the
 * police (a criminal clue), named as the receiver. */
export function referForm(lead, { orgName, onDone, onError }) {
  const kind = el("select", { "data-testid": "refer-kind" });
  setOptions(kind, KINDS.map((k) => [k, t(`ref_kind_${k}`)]));
  const receiver = el("input", { type: "text", "data-testid": "refer-receiver", maxlength: "200", placeholder: t("ref_receiver_placeholder") });
  const org = el("select", { "data-testid": "refer-org" });
  setOptions(org, [["", t("ref_choose_org")],
    ...partnerOrgs().filter((o) => o.id !== lead.org_id).map((o) => [o.code, orgName(o.id)])]);
  const basis = el("textarea", { "data-testid": "refer-basis", rows: "2", placeholder: t("ref_basis_placeholder") });
  const note = el("textarea", { "data-testid": "refer-note", rows: "2" });
  const originals = el("input", { type: "checkbox", "data-testid": "refer-originals" });
  const submit = button("refer-submit", "ref_submit", "primary");
  const toOrg = field("ref_to_org", org);
  const toBody = field("ref_receiver", receiver);
  const grant = check("ref_grant_originals", originals);
  const show = () => {
    const inside = TO_PROCURATORATE.includes(kind.value);
    toOrg.hidden = !inside;
    grant.hidden = !inside;
    toBody.hidden = inside;
  };
  kind.addEventListener("change", show);
  show();
  submit.addEventListener("click", () => {
    const inside = TO_PROCURATORATE.includes(kind.value);
    if (inside && !org.value) return refuse("ref_need_org", org);
    if (!inside && !text(receiver)) return refuse("ref_need_receiver", receiver);
    if (!text(basis)) return refuse("ref_need_basis", basis);
    const to = inside ? { to_org: org.value, grants_originals: originals.checked } : { receiver: text(receiver) };
    return busy([submit], onError, async () => {
      const r = await api(`/api/v1/leads/${lead.id}/referrals`, {
        method: "POST",
        json: { kind: kind.value, ...to, basis: text(basis), note: text(note) || null },
      });
      onDone(t("ref_done", { id: lead.id, org: r.receiver }));
    });
  });
  return el(
    "div",
    { class: "ref-form", "data-testid": "refer-form" },
    el("h4", { class: "sub-title" }, t("ref_form_title")),
    field("ref_kind", kind),
    toOrg,
    toBody,
    field("ref_basis", basis),
    field("ref_note", note),
    grant,
    el("div", { class: "btn-row end" }, submit),
  );
}

/** Name another organisation as a co-handler of the lead (joint handling). */
export function handlerForm(lead, handlers, { orgName, onDone, onError }) {
  const taken = new Set(handlers.map((h) => h.org.code));
  const org = el("select", { "data-testid": "joint-org" });
  setOptions(org, [["", t("joint_choose_org")], ...organisations()
    .filter((o) => o.id !== lead.org_id && !taken.has(o.code)).map((o) => [o.code, orgName(o.id)])]);
  const add = button("joint-add", "joint_add");
  add.addEventListener("click", () => {
    if (!org.value) return refuse("ref_need_org", org);
    return busy([add], onError, async () => {
      await api(`/api/v1/leads/${lead.id}/organisations`, { method: "POST", json: { org: org.value, role: "co" } });
      onDone(t("joint_done", { id: lead.id }));
    });
  });
  return el("div", { class: "btn-row ref-form" }, org, add);
}

/** The receiving organisation's answers: a receipt (once), then progress or the outcome. */
export function answerForm(r, { onDone, onError }) {
  const note = el("textarea", { "data-testid": "answer-note", rows: "2", placeholder: t("answer_note_placeholder") });
  const outcome = el("input", { type: "text", "data-testid": "answer-outcome", placeholder: t("answer_outcome_placeholder") });
  const declined = el("input", { type: "checkbox", "data-testid": "answer-decline" });
  const receipt = r.status === "sent" ? button("referral-receipt", "answer_receipt", "ok") : null;
  const report = button("referral-progress", "answer_progress", "primary");
  const all = [receipt, report].filter(Boolean);
  receipt?.addEventListener("click", () => busy(all, onError, async () => {
    await api(`/api/v1/referrals/${r.id}/receipt`, { method: "POST", json: { note: text(note) || null } });
    onDone(t("answer_receipted", { id: r.id }));
  }));
  report.addEventListener("click", () => {
    if (!text(note)) return refuse("answer_need_note", note);
    return busy(all, onError, async () => {
      await api(`/api/v1/referrals/${r.id}/progress`, {
        method: "POST",
        json: { note: text(note), outcome: text(outcome) || null, declined: declined.checked },
      });
      onDone(t("answer_reported", { id: r.id }));
    });
  });
  return el(
    "div",
    { class: "ref-form answer", "data-testid": "answer-form" },
    field("answer_note", note),
    field("ref_outcome", outcome),
    check("answer_decline", declined),
    el("div", { class: "btn-row end" }, receipt, report),
  );
}
