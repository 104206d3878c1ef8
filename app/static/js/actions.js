// The actions on an open lead: accept, reject, any allowed transition (a suggestion names its
// agency and urgency), assign, merge (pick the other lead) and the dossier download.
import { api, saveBlob } from "./api.js";
import { el, setOptions } from "./dom.js";
import { statusName } from "./config.js";
import { pick, t } from "./i18n.js";
import { clearToast, toast } from "./toast.js";

const ACCEPT = "triaged";
const REJECT = "rejected";
const SUGGESTION = "suggestion_issued";

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
  const target = el("select", { "data-testid": "action-transition" });
  setOptions(target, [["", allowed.length ? t("transition_to") : t("no_transitions")],
    ...allowed.map((s) => [s, statusName(s)])]);
  target.disabled = !allowed.length;
  const submit = button("action-submit", "submit", "primary");
  submit.disabled = !allowed.length;
  const agency = el("input", { type: "text", "data-testid": "action-agency", placeholder: t("agency_placeholder") });
  const urgent = el("input", { type: "checkbox", "data-testid": "action-urgent" });
  const suggestion = el(
    "div",
    { class: "suggestion-fields", hidden: true },
    el("label", { class: "field" }, el("span", {}, t("agency")), agency),
    el("label", { class: "check" }, urgent, el("span", {}, t("urgent"))),
  );
  target.addEventListener("change", () => { suggestion.hidden = target.value !== SUGGESTION; });
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
    if (to !== SUGGESTION) return move(to, note.value.trim());
    if (!agency.value.trim()) return refuse("need_agency", agency);
    return move(to, note.value.trim(), { agency: agency.value.trim(), urgent: urgent.checked });
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
    suggestion,
    el("div", { class: "btn-row" }, assignee, assign),
    el("div", { class: "btn-row" }, merge, dossier),
  );
}
