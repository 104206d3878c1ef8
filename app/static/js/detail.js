// The lead detail panel: [data-testid=lead-detail][data-lead-id][data-status].
import { actionsPanel } from "./actions.js";
import { api } from "./api.js";
import { beforeAfter } from "./before_after.js";
import {
  evidenceSection, geocodeSection, legalSection, scoreSection, timelineSection,
} from "./detail_sections.js";
import { $, el, fmtNum, fmtTime } from "./dom.js";
import { onLangChange, pick, t } from "./i18n.js";
import { photosSection, releasePhotos, reportsOf, reportsSection } from "./photos.js";
import { collabOf, referralsSection } from "./referrals.js";
import { canWork } from "./role.js";
import { caseSection, suggestionsSection } from "./suggestions.js";
import { scoreColor } from "./symbology.js";

/**
 * The detail in `root`. `lookups` names organisations and users; `onLoaded(lead)` after each
 * (re)load; the action callbacks go to the actions panel.
 */
export function leadDetail(root, { lookups, onLoaded, onError, onDone, startMerge }) {
  const body = $(".detail-body", root);
  let lead = null;
  let assignees = [];
  let reports = null;
  let collab = null; // {referrals, handlers}
  let seq = 0;
  const imagery = beforeAfter(onError);

  function header() {
    const org = lookups.orgName(lead.org_id);
    const assignee = lead.assignee_id ? lookups.userName(lead.assignee_id) : t("unassigned");
    return el(
      "div",
      { class: "detail-head" },
      el(
        "span",
        { class: "score-badge big", style: `background:${scoreColor(lead.score)}`, title: t("score_total") },
        fmtNum(lead.score),
      ),
      el(
        "div",
        { class: "dh-main" },
        el("h2", {}, pick(lead.category_label), el("span", { class: "li-id" }, `#${lead.id}`)),
        el("div", { class: "li-meta" },
          el("span", { class: `status-pill st-${lead.status}` }, pick(lead.status_label)),
          el("span", {}, t("assignee_is", { v: assignee }))),
        el("div", { class: "li-meta" }, el("span", {}, t("responsible_is", { v: org }))),
        lead.merged_into_id
          ? el("div", { class: "li-meta" }, el("a", {
            href: "#", onclick: (e) => { e.preventDefault(); open(lead.merged_into_id); },
          }, t("merged_into", { id: lead.merged_into_id })))
          : null,
        el("div", { class: "li-meta muted" },
          t("first_last", { a: fmtTime(lead.first_evidence_at), b: fmtTime(lead.last_evidence_at) })),
      ),
    );
  }

  // Shared and referred leads are read-only: the API says whether the caller may act.
  const mayAct = () => canWork() && lead?.may_act !== false;

  function render() {
    const scroll = body.scrollTop;
    const parts = [
      header(),
      mayAct() ? actionsPanel(lead, { users: assignees, onDone, onError, startMerge }) : null,
      referralsSection(lead, collab, sectionCtx),
      caseSection(lead),
      suggestionsSection(lead, mayAct() ? { onDone, onError } : null),
      photosSection(reports, onError),
      reportsSection(reports),
      canWork() ? imagery.section(lead) : null,
      scoreSection(lead),
      legalSection(lead, mayAct() ? { onDone, onError } : null),
      geocodeSection(lead),
      evidenceSection(lead),
      timelineSection(lead),
      el("p", { class: "muted small" }, t("times_note")),
    ];
    body.replaceChildren(...parts.filter(Boolean));
    body.scrollTop = scroll;
    root.dataset.status = lead.status;
  }

  const sectionCtx = { orgName: lookups.orgName, onDone, onError };

  function renderCollab() {
    $("[data-testid=detail-referrals]", body)?.replaceWith(referralsSection(lead, collab, sectionCtx));
  }

  function renderReports() {
    $("[data-testid=detail-photos]", body)?.replaceWith(photosSection(reports, onError));
    $("[data-testid=detail-reports]", body)?.replaceWith(reportsSection(reports));
  }

  /** Open (or re-load) lead `id`. */
  async function open(id) {
    const mine = ++seq;
    const same = lead?.id === id;
    root.hidden = false;
    root.dataset.leadId = String(id);
    if (!same) {
      lead = null;
      reports = null;
      collab = null;
      releasePhotos();
      imagery.release();
      delete root.dataset.status;
      body.replaceChildren(el("p", { class: "muted loading" }, t("loading")));
    }
    try {
      // The API names the prosecutors it will accept as this lead's assignee.
      const [found, users] = await Promise.all([
        api(`/api/v1/leads/${id}`),
        canWork() ? api("/api/v1/users", { query: { lead: id } }) : [],
      ]);
      assignees = users;
      if (mine !== seq) return;
      lead = found;
      render();
      onLoaded(lead);
      collabOf(lead).then((shared) => {
        if (mine !== seq) return;
        collab = shared;
        renderCollab();
      }, (err) => { if (mine === seq) onError(err); });
      // A partner reads only the reports of leads referred with their originals: skip the rest.
      const fetched = await reportsOf(lead, canWork() ? onError : () => {});
      if (mine !== seq) return;
      reports = fetched;
      renderReports();
    } catch (err) {
      if (mine !== seq) return;
      onError(err);
      if (!same) body.replaceChildren(el("p", { class: "error-text" }, err.message));
    }
  }

  function close() {
    seq += 1;
    lead = null;
    reports = null;
    collab = null;
    releasePhotos();
    imagery.release();
    root.hidden = true;
    delete root.dataset.leadId;
    delete root.dataset.status;
    body.replaceChildren();
  }

  onLangChange(() => { if (lead) render(); });
  return { open, close, current: () => lead };
}
