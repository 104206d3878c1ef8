// Citizen reports of a lead: photos fetched with the bearer (object URLs), a lightbox, and
// the reports' descriptions.
import { api, saveBlob } from "./api.js";
import { flagBadges, section } from "./detail_sections.js";
import { $, el, fmtTime, shortHash } from "./dom.js";
import { pick, t, tOr } from "./i18n.js";

const objectUrls = new Map(); // photo URL -> object URL of its bytes

async function objectUrl(url) {
  if (!objectUrls.has(url)) {
    objectUrls.set(url, api(url, { as: "blob" }).then((blob) => URL.createObjectURL(blob)));
  }
  try {
    return await objectUrls.get(url);
  } catch (err) {
    objectUrls.delete(url);
    throw err;
  }
}

/** Free the photos of the previous lead. */
export function releasePhotos() {
  objectUrls.forEach((p) => p.then((u) => URL.revokeObjectURL(u), () => {}));
  objectUrls.clear();
}

function openLightbox(report, photo, onError) {
  const box = $("#lightbox");
  const img = $("img", box);
  img.removeAttribute("src");
  img.alt = t("report_n", { id: report.id });
  $(".lb-caption", box).replaceChildren(
    el("strong", {}, `${t("report_n", { id: report.id })} · ${photo.n}/${report.photos.length}`),
    ` ${photo.width}×${photo.height} · ${Math.round(photo.size_bytes / 1024)} KB · SHA-256 `,
    shortHash(photo.sha256, 64),
  );
  const original = $(".lb-original", box);
  original.onclick = async () => {
    try {
      saveBlob(await api(`${photo.url}?original=true`, { as: "blob" }), `${photo.sha256}.${photo.format || "bin"}`);
    } catch (err) {
      onError(err);
    }
  };
  box.hidden = false;
  $(".lb-close", box).focus();
  objectUrl(photo.url).then((u) => { img.src = u; }, onError);
}

/** Close the lightbox on its button, on the backdrop and on Escape (wired once). */
export function wireLightbox() {
  const box = $("#lightbox");
  const close = () => { box.hidden = true; };
  $(".lb-close", box).addEventListener("click", close);
  box.addEventListener("click", (e) => { if (e.target === box) close(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !box.hidden) close(); });
}

function thumb(report, photo, onError) {
  const img = el("img", { alt: `${t("report_n", { id: report.id })} · ${photo.n}`, loading: "lazy" });
  objectUrl(photo.thumb_url).then((u) => { img.src = u; }, onError);
  const button = el("button", { type: "button", class: "thumb", title: t("photo_open") }, img);
  button.addEventListener("click", () => openLightbox(report, photo, onError));
  const dup = photo.duplicate_of_photo_id ? el("span", { class: "badge warn" }, `⚠ ${t("flag_duplicate_photo")}`) : null;
  return el("figure", {}, button, el("figcaption", {}, `#${report.id} · ${photo.n}`, dup));
}

/** `reports` is null while loading. */
export function photosSection(reports, onError) {
  if (!reports) return section("detail-photos", "sec_photos", el("p", { class: "muted" }, t("loading")));
  const figures = reports.flatMap((r) => (r.photos || []).map((p) => thumb(r, p, onError)));
  return section(
    "detail-photos",
    "sec_photos",
    figures.length ? el("div", { class: "thumbs" }, figures) : el("p", { class: "muted" }, t("no_photos")),
  );
}

export function reportsSection(reports) {
  if (!reports) return section("detail-reports", "sec_reports", el("p", { class: "muted" }, t("loading")));
  const items = reports.map((r) => el(
    "li",
    { class: "report", "data-report-id": r.id },
    el(
      "div",
      { class: "rp-head" },
      el("strong", {}, t("report_n", { id: r.id })),
      el("span", { class: "muted" }, `${t("submitted")} ${fmtTime(r.submitted_at)}`),
      el("span", { class: "muted" }, pick(r.category_label)),
    ),
    el("blockquote", {}, r.description || "—"),
    el(
      "div",
      { class: "muted" },
      `${t("location_source_is", { v: tOr(`loc_${r.location?.source}`, r.location?.source || "—") })} · ${pick(r.status_text)}`,
    ),
    r.duplicate_of_report_id ? el("div", { class: "badge warn" }, t("duplicate_of", { id: r.duplicate_of_report_id })) : null,
    r.flags?.length ? el("div", { class: "badges" }, flagBadges(r.flags)) : null,
  ));
  return section(
    "detail-reports",
    "sec_reports",
    items.length ? el("ol", { class: "reports" }, items) : el("p", { class: "muted" }, t("no_reports")),
  );
}

/** Fetch the reports behind a lead's citizen evidence (a failed one is left out and reported). */
export async function reportsOf(lead, onError) {
  const ids = [...new Set((lead.evidence || []).map((e) => e.report_id).filter(Boolean))];
  const found = await Promise.all(ids.map((id) => api(`/api/v1/reports/${id}`).catch((err) => {
    onError(err);
    return null;
  })));
  return found.filter(Boolean);
}
