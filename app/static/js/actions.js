// The actions on an open lead: accept, reject, the next steps the API offers (filing chooses
// the path; a consultation or notice has its day; a suggestion names its agency and urgency;
// supporting a suit names the organisation; steps waiting for a period show from when),
// assign, merge (pick the other lead) and the dossier download.
import { api, saveBlob } from "./api.js";
import { el, setOptions } from "./dom.js";
import { pick, t } from "./i18n.js";
import { todayCst } from "./suggestions.js";
import { clearToast, toast } from "./toast.js";

const ACCEPT = "triaged";
const REJECT = "rejected";
const SUGGESTION = "suggestion_issued";
const FILE = "case_filed";
const SUPPORT = "support_suit";
const DATED = ["consultation", "public_notice"];
const PATHS = ["administrative", "civil", "criminal_incidental"];
// The agency's level decides which procuratorate files the case (办案规则 art. 13).
const AGENCY_LEVELS = ["national", "provincial", "city", "county", "township"];

/**
 * The actions panel of `lead`. `users` are the possible assignees; `onDone(message)`
 * after a successful change, `onError(err)`,
 * `startMerge(lead, note)` enters pick mode.
 */
export function actionsPanel(lead, { users, onDone, onError, startMerge }) {
  const allowed = lead.allowed_transitions || [];
  const button = (testid, key, cls) => el("button", { type: "button", class: `btn ${cls}`, "data-testid": testid }, t(key));
  const accept = button("action-accept", "accept", "ok");
  const reject = button("action-reject", "reject", "danger");
  accept.disabled = !allowed.includes(ACCEPT);
  reject.disabled = !allowed.includes(REJECT);
  const note = el("textarea", { "data-testid": "action-note", rows: "2", placeholder: t("note_placeholder") });
  const steps = lead.next_steps || [];
  const target = el("select", { "data-testid": "action-transition" });
  setOptions(target, [["", steps.length ? t("transition_to") : t("no_transitions")],
    ...steps.map((s) => [s.to, s.ready ? pick(s.label) : `${pick(s.label)} ${t("not_yet")}`])]);
  // A step waiting for a period (or a finding) is shown, but cannot be chosen yet.
  [...target.options].forEach((o) => {
    const waiting = steps.find((s) => s.to === o.value && !s.ready);
    if (waiting) Object.assign(o, { disabled: true, title: waiting.reason || "" });
  });
  target.disabled = !steps.length;
  // Waiting for a day to come, or (the day passed) for a finding the reason names.
  const waitText = (s) => (s.possible_from > todayCst() ? t("step_from", { step: pick(s.label), day: s.possible_from }) : s.reason);
  const waits = steps.filter((s) => !s.ready)
    .map((s) => el("li", { "data-testid": "step-waiting", "data-step": s.to, title: s.reason || "" }, waitText(s)));
  const waiting = waits.length ? el("ul", { class: "plain muted small" }, waits) : null;
  const submit = button("action-submit", "submit", "primary");
  submit.disabled = !allowed.length;
  const agency = el("input", { type: "text", "data-testid": "action-agency", placeholder: t("agency_placeholder") });
  const urgent = el("input", { type: "checkbox", "data-testid": "action-urgent" });
  const agencyLevel = el("select", { "data-testid": "action-agency-level" });
  setOptions(agencyLevel, [["", t("agency_level_unknown")], ...AGENCY_LEVELS.map((l) => [l, t(`agency_level_${l}`)])]);
  const suggestion = el(
    "div",
    { class: "suggestion-fields", hidden: true },
    el("label", { class: "field" }, el("span", {}, t("agency")), agency),
    el("label", { class: "field" }, el("span", {}, t("agency_level")), agencyLevel),
    el("label", { class: "check" }, urgent, el("span", {}, t("urgent"))),
  );
  const path = el("select", { "data-testid": "action-path" });
  setOptions(path, [["", t("choose_path")], ...PATHS.map((p) => [p, t(`path_${p}`)])]);
  const on = el("input", { type: "date", "data-testid": "action-on", max: todayCst() });
  const plaintiff = el("input", { type: "text", "data-testid": "action-plaintiff", placeholder: t("plaintiff_placeholder") });
  const pathFields = el("div", { class: "suggestion-fields", hidden: true }, el("label", { class: "field" }, el("span", {}, t("case_path")), path));
  const onFields = el("div", { class: "suggestion-fields", hidden: true }, el("label", { class: "field" }, el("span", {}, t("step_day")), on));
  const supportFields = el("div", { class: "suggestion-fields", hidden: true }, el("label", { class: "field" }, el("span", {}, t("plaintiff")), plaintiff));
  target.addEventListener("change", () => {
    suggestion.hidden = target.value !== SUGGESTION;
    pathFields.hidden = target.value !== FILE;
    onFields.hidden = !DATED.includes(target.value);
    supportFields.hidden = target.value !== SUPPORT;
  });
  const assignee = el("select", { "data-testid": "action-assignee" });
  setOptions(assignee, [["", t("choose_assignee")],
    ...users.map((u) => [String(u.id), u.display_name || u.username])], lead.assignee_id ? String(lead.assignee_id) : "");
  const assign = button("action-assign", "assign", "");
  const merge = button("action-merge", "merge", "");
  const dossier = button("action-dossier", "dossier", "");
  const all = [accept, reject, submit, assign, merge, dossier];

  /** Run one API change with the buttons disabled; a problem goes to the toast. */
  async function run(work) {
    clearToast();
    const enabled = all.filter((b) => !b.disabled);
    enabled.forEach((b) => { b.disabled = true; });
    try {
      await work();
    } catch (err) {
      onError(err);
    } finally {
      enabled.forEach((b) => { b.disabled = false; });
    }
  }

  function refuse(key, input) {
    toast(t(key), "error");
    input.focus();
  }

  const move = (to, text, extra = {}) => run(async () => {
    const moved = await api(`/api/v1/leads/${lead.id}/transitions`, { method: "POST", json: { to, note: text, ...extra } });
    onDone(t("moved", { id: lead.id, status: pick(moved.status_label) }));
  });

  accept.addEventListener("click", () => move(ACCEPT, note.value.trim() || t("accept_default_note")));
  reject.addEventListener("click", () => {
    if (!note.value.trim()) refuse("need_reason", note);
    else move(REJECT, note.value.trim());
  });
  submit.addEventListener("click", () => {
    const to = target.value;
    if (!to) return refuse("need_target", target);
    if (!note.value.trim()) return refuse(to === REJECT ? "need_reason" : "need_note", note);
    if (to === FILE) return path.value ? move(to, note.value.trim(), { path: path.value }) : refuse("need_path", path);
    if (DATED.includes(to)) return move(to, note.value.trim(), on.value ? { on: on.value } : {});
    if (to === SUPPORT) {
      return plaintiff.value.trim() ? move(to, note.value.trim(), { plaintiff: plaintiff.value.trim() }) : refuse("need_plaintiff", plaintiff);
    }
    if (to !== SUGGESTION) return move(to, note.value.trim());
    if (!agency.value.trim()) return refuse("need_agency", agency);
    const level = agencyLevel.value ? { agency_level: agencyLevel.value } : {};
    return move(to, note.value.trim(), { agency: agency.value.trim(), urgent: urgent.checked, ...level });
  });
  assign.addEventListener("click", () => {
    if (!assignee.value) return refuse("need_assignee", assignee);
    const id = Number(assignee.value);
    return run(async () => {
      await api(`/api/v1/leads/${lead.id}/assign`, { method: "POST", json: { assignee_id: id, note: note.value.trim() } });
      const who = users.find((u) => u.id === id);
      onDone(t("assigned", { id: lead.id, name: who?.display_name || who?.username || id }));
    });
  });
  merge.addEventListener("click", () => startMerge(lead, note.value.trim()));
  dossier.addEventListener("click", () => run(async () => {
    const file = `lead-${lead.id}.zip`;
    dossier.textContent = t("dossier_busy");
    try {
      saveBlob(await api(`/api/v1/leads/${lead.id}/dossier`, { as: "blob" }), file);
    } finally {
      dossier.textContent = t("dossier");
    }
    toast(t("dossier_done", { file }), "ok");
  }));

  return el(
    "section",
    { class: "detail-section actions", "data-testid": "detail-actions" },
    el("h3", {}, t("actions")),
    el("div", { class: "btn-row" }, accept, reject),
    el("label", { class: "field" }, el("span", {}, t("note")), note),
    el("div", { class: "btn-row" }, target, submit),
    waiting,
    pathFields,
    onFields,
    suggestion,
    supportFields,
    el("div", { class: "btn-row" }, assignee, assign),
    el("div", { class: "btn-row" }, merge, dossier),
  );
}
