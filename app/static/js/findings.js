// The prosecutor's form for a finding of the investigation on an evidence element (who is
// responsible, the substance, causation…): proven or not, what it rests on, which evidence.
import { api } from "./api.js";
import { el } from "./dom.js";
import { isEn, t } from "./i18n.js";
import { busy, button, check, field, refuse, text } from "./forms.js";

/** The elements of the lead's bases, the missing ones first: [[code, label]]. */
function elementOptions(lead) {
  const seen = new Map();
  (lead.legal_bases || []).forEach((b) => (b.elements || []).forEach((e) => {
    const prev = seen.get(e.code);
    seen.set(e.code, { label: isEn() ? e.en : e.zh, missing: (prev?.missing || false) || !e.proven });
  }));
  return [...seen.entries()]
    .sort(([, a], [, b]) => Number(b.missing) - Number(a.missing))
    .map(([code, e]) => [code, `${e.missing ? "✗ " : "✓ "}${e.label}`]);
}

/** The findings recorded so far, and the form (with `ctx` {onDone, onError}: may act). */
export function findingsPart(lead, ctx) {
  const options = elementOptions(lead);
  const names = new Map((lead.legal_bases || []).flatMap((b) => (b.elements || [])
    .map((e) => [e.code, isEn() ? e.en : e.zh])));
  const recorded = (lead.findings || []).map((f) => el(
    "li",
    { class: "muted", "data-testid": "finding" },
    `${names.get(f.element) || f.element} · ${t(f.proven ? "proven" : "missing")} · “${f.note}”`,
  ));
  if (!ctx || !options.length) return recorded.length ? el("ul", { class: "plain" }, recorded) : null;
  const element = el("select", { "data-testid": "finding-element" },
    options.map(([v, label]) => el("option", { value: v }, label)));
  const proven = el("input", { type: "checkbox", "data-testid": "finding-proven", checked: true });
  const note = el("textarea", { "data-testid": "finding-note", rows: "2", placeholder: t("finding_placeholder") });
  const submit = button("finding-submit", "finding_submit", "primary");
  submit.addEventListener("click", () => {
    if (!text(note)) return refuse("need_finding_note", note);
    return busy([submit], ctx.onError, async () => {
      await api(`/api/v1/leads/${lead.id}/elements`, {
        method: "POST",
        json: { element: element.value, proven: proven.checked, note: text(note) },
      });
      ctx.onDone(t("finding_done"));
    });
  });
  return el(
    "div",
    { class: "suggestion-fields", "data-testid": "finding-form" },
    recorded.length ? el("ul", { class: "plain" }, recorded) : null,
    el("strong", {}, t("finding_title")),
    field("finding_element", element),
    check("finding_proven", proven),
    field("finding_note", note),
    el("div", { class: "btn-row end" }, submit),
  );
}
