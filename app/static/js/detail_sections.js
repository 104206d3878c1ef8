// The sections of a lead's detail: score, legal bases, location, evidence, timeline.
import { el, fmtDistance, fmtNum, fmtTime, shortHash } from "./dom.js";
import { statusName } from "./config.js";
import { findingsPart } from "./findings.js";
import { bilingual, isEn, t, tOr } from "./i18n.js";

const WARN_FLAGS = [
  "exif_device_disagree", "duplicate_photo", "capture_time_far", "capture_time_in_future", "exif_points_spread",
];

export function section(testid, titleKey, ...children) {
  return el("section", { class: "detail-section", "data-testid": testid }, el("h3", {}, t(titleKey)), ...children);
}

const orgName = (o) => (isEn() && o.name_en ? o.name_en : o.name);
const levelText = (level) => (level ? tOr(`level_${level}`, tOr(`lvl_${level}`, level)) : "");
const kindText = (kind, title) => tOr(`layer_${kind}`, title || kind);
const zoneText = (kind, level, title) => [kindText(kind, title), levelText(level)].filter(Boolean).join(" · ");

function airTable(hours) {
  const cols = ["col_station", "col_at", "col_pm10", "col_baseline", "col_excess", "col_wind", "col_distance", "col_travel"];
  return el(
    "div",
    { class: "air-hours" },
    el("div", { class: "sub-title" }, t("air_hours")),
    el(
      "table",
      { class: "mini-table" },
      el("thead", {}, el("tr", {}, cols.map((c) => el("th", {}, t(c))))),
      el("tbody", {}, hours.map((h) => el(
        "tr",
        {},
        el("td", {}, h.station),
        el("td", {}, fmtTime(h.at).slice(5)),
        el("td", {}, fmtNum(h.pm10)),
        el("td", {}, fmtNum(h.baseline)),
        el("td", {}, fmtNum(h.excess)),
        el("td", {}, `${Math.round(h.wind_dir)}° ${fmtNum(h.wind_speed)} m/s`),
        el("td", {}, fmtDistance(h.distance_m)),
        el("td", {}, `${fmtNum(h.travel_h)} h`),
      ))),
    ),
  );
}

export function scoreSection(lead) {
  const bars = (lead.score_breakdown || []).map((s) => el(
    "div",
    { class: `score-row${s.applicable ? "" : " is-na"}`, "data-testid": "score-bar", "data-signal": s.name },
    el(
      "div",
      { class: "sr-head" },
      el("span", { class: "sr-name" }, tOr(`sig_${s.name}`, s.name)),
      el("span", { class: "sr-points" }, s.applicable
        ? `${fmtNum(s.points)} ${t("points")} · ${t("weight")} ${fmtNum(s.weight, 2)}`
        : t("not_applicable")),
    ),
    el("div", { class: "bar" }, el("div", { class: "bar-fill", style: `width:${Math.round(s.value * 100)}%` })),
    el("div", { class: "sr-reason" }, bilingual(s.reason)),
    s.details?.length ? airTable(s.details) : null,
  ));
  return section(
    "detail-score",
    "sec_score",
    el("div", { class: "muted" }, t("weights_version", { v: lead.weights_version ?? "—" })),
    bars,
  );
}

// A basis row's edition and period, the day that picked it, and why that day (a continuing
// violation, or procedure following the step's day).
const legalVersion = (b) => (b.code
  ? el("div", { class: "muted legal-version" }, [
    t("legal_version", {
      source: b.source || b.law,
      from: b.effective_from || "—",
      to: b.effective_to || t("legal_now"),
      conduct: b.conduct_date || "—",
    }),
    b.timing_note ? el("div", { "data-testid": "timing-note" }, b.timing_note) : null,
  ])
  : null);

const reviewBadge = (b) => (b.needs_review
  ? el("span", { class: "badge warn", "data-testid": "needs-review" }, t("needs_review"))
  : null);

/** The legal bases, then the findings and (with `ctx`: the caller may act) their form. */
export function legalSection(lead, ctx = null) {
  const bases = (lead.legal_bases || []).map((b) => {
    if (b.kind === "no_basis") {
      return el("div", { class: "legal legal-none", "data-testid": "no-basis" }, el("p", {}, bilingual(b.note)));
    }
    const [kind, level] = (b.zone || "").split("/");
    const elements = b.elements?.length
      ? b.elements
      : (b.missing || []).map((zh) => ({ zh, en: zh, proven: false }));
    return el(
      "div",
      { class: "legal" },
      el("div", { class: "legal-head" }, el("strong", {}, bilingual(b.law)), " ", bilingual(b.article), " ", reviewBadge(b)),
      legalVersion(b),
      b.text ? el("p", { class: "legal-text" }, b.text) : null,
      b.zone ? el("div", { class: "muted" }, t("zone_rule_is", { v: zoneText(kind, level) })) : null,
      el("ul", { class: "elements" }, elements.map((e) => el(
        "li",
        { class: e.proven ? "is-proven" : "is-missing" },
        el("span", { class: "mark" }, e.proven ? "✓" : "✗"),
        isEn() ? e.en : e.zh,
        el("span", { class: "el-state" }, t(e.proven ? "proven" : "missing")),
      ))),
    );
  });
  return section("detail-legal", "sec_legal", bases.length ? bases : el("p", { class: "muted" }, t("none")),
    findingsPart(lead, ctx));
}

export function row(label, ...value) {
  return el("div", { class: "kv" }, el("span", { class: "k" }, label), el("span", { class: "v" }, ...value));
}

export function geocodeSection(lead) {
  const g = lead.geocode || {};
  const admin = (g.admin || []).map((a) => a.name).join(" › ");
  const zones = (g.zones || []).filter((z) => z.kind !== "admin_division");
  const km = Math.round((g.partner_distance_m ?? 10000) / 1000);
  const far = t("not_within", { km: Math.round((g.nearest_max_m ?? 50000) / 1000) });
  const nearest = (n, withLevel) => (n
    ? `${n.name}${withLevel && n.level ? `（${levelText(n.level)}）` : ""} · ${fmtDistance(n.distance_m)}`
    : far);
  return section(
    "detail-geocode",
    "sec_geocode",
    g.cross_boundary ? el("div", { class: "badge warn" }, t("cross_boundary")) : null,
    row(t("admin_chain"), admin || "—"),
    row(t("zones"), zones.length
      ? el("ul", { class: "plain" }, zones.map((z) => el(
        "li",
        {},
        el("span", { class: `zone-chip zk-${z.kind} zl-${z.level || "none"}` }, zoneText(z.kind, z.level, z.kind_title)),
        ` ${z.name} `,
        el("span", { class: "muted" }, `(${tOr(`relation_${z.relation}`, z.relation)})`),
      )))
      : t("no_zone")),
    row(t("responsible_org"), (g.responsible_organisations || []).map(orgName).join("；") || "—"),
    row(t("partners", { km }), (g.partner_organisations || [])
      .map((o) => `${orgName(o)} · ${fmtDistance(o.distance_m)}`).join("；") || t("none")),
    row(t("nearest_water"), nearest(g.nearest?.water_body, false)),
    row(t("nearest_zone"), nearest(g.nearest?.water_source_zone, true)),
    row("WGS-84", `${fmtNum(lead.lat, 5)}°N, ${fmtNum(lead.lon, 5)}°E`),
  );
}

/** Badges for provenance flags; EXIF/device disagreement and duplicates are warnings. */
export function flagBadges(flags) {
  return (flags || []).map((f) => el(
    "span",
    { class: `badge ${WARN_FLAGS.includes(f) ? "warn" : "info"}`, "data-flag": f, title: f },
    WARN_FLAGS.includes(f) ? "⚠ " : "",
    tOr(`flag_${f}`, f),
  ));
}

function evidenceItem(e) {
  const p = e.provenance || {};
  const facts = [row(t("ev_source"), e.source || "—")];
  if (p.location_source) facts.push(row(t("location_source"), tOr(`loc_${p.location_source}`, p.location_source)));
  if (p.claimed_at) facts.push(row(t("ev_claimed"), el("span", { "data-testid": "claimed-time" }, fmtTime(p.claimed_at))));
  if (p.photos?.length) facts.push(row(t("ev_photos"), p.photos.map((h) => shortHash(h))));
  if (p.rule) facts.push(row(t("ev_rule"), tOr(`rule_${p.rule}`, p.rule)));
  if (p.confidence !== undefined) {
    facts.push(row(t("ev_confidence"), `${p.confidence} (${p.confidence_class || "—"}) · FRP ${fmtNum(p.frp_mw)} MW`));
  }
  if (p.file_sha256) facts.push(row(t("ev_file"), shortHash(p.file_sha256), ` / ${p.line ?? "—"}`));
  return el(
    "li",
    { class: "evidence", "data-evidence-id": e.id },
    el(
      "div",
      { class: "ev-head" },
      el("span", { class: `kind-chip kind-${e.kind}` }, tOr(`kind_${e.kind}`, e.kind)),
      el("span", {}, `#${e.id}`),
      el("span", {}, fmtTime(e.observed_at)),
      e.report_id ? el("span", { class: "muted" }, t("report_n", { id: e.report_id })) : null,
    ),
    p.flags?.length ? el("div", { class: "badges" }, flagBadges(p.flags)) : null,
    facts,
  );
}

export function evidenceSection(lead) {
  const items = lead.evidence || [];
  return section(
    "detail-evidence",
    "sec_evidence",
    items.length ? el("ol", { class: "evidence-list" }, items.map(evidenceItem)) : el("p", { class: "muted" }, t("none")),
  );
}

function changeText(change) {
  return Object.entries(change || {}).map(([k, v]) => {
    if ((k === "from" || k === "to") && typeof v === "string") return `${k}: ${statusName(v)}`;
    if (k === "note") return `“${v}”`;
    return `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`;
  }).join(" · ");
}

export function timelineSection(lead) {
  return section("detail-timeline", "sec_timeline", el("ol", { class: "timeline" }, (lead.timeline || []).map((e) => el(
    "li",
    { "data-action": e.action },
    el(
      "div",
      { class: "tl-head" },
      el("span", { class: "tl-action" }, tOr(`act_${e.action}`, e.action)),
      el("span", { class: "muted" }, fmtTime(e.at)),
      el("span", { class: "muted" }, e.actor),
    ),
    el("div", { class: "tl-change" }, changeText(e.change)),
    shortHash(e.hash, 16),
  ))));
}
