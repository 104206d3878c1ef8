// Small DOM and formatting helpers shared by the panels.
import { lang } from "./i18n.js";

/** Create an element: props are attributes (on* are listeners, text is textContent).
 *  `style` goes through the CSSOM: a style attribute would be blocked by our CSP (style-src 'self'). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.entries(props || {}).forEach(([key, value]) => {
    if (value === undefined || value === null || value === false) return;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "style") node.style.cssText = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  });
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Replace a select's options: [[value, label], ...], keeping the value when still offered. */
export function setOptions(select, options, value = select.value) {
  select.replaceChildren(...options.map(([v, label]) => el("option", { value: v }, label)));
  select.value = options.some(([v]) => v === value) ? value : options[0]?.[0] ?? "";
}

const formats = {};
function beijing(kind) {
  const key = `${kind}:${lang()}`;
  formats[key] ||= new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    ...(kind === "time" ? { hour: "2-digit", minute: "2-digit", hour12: false } : {}),
  });
  return formats[key];
}

/** An ISO time as Beijing local time, "2026-12-01 18:27". */
export const fmtTime = (iso) => (iso ? beijing("time").format(new Date(iso)) : "—");
export const fmtDay = (iso) => (iso ? beijing("day").format(new Date(iso)) : "—");

export function fmtDistance(metres) {
  if (metres === null || metres === undefined) return "—";
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(metres < 10_000 ? 2 : 1)} km`;
}

export const fmtNum = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "—");

/** The first characters of a hash, the whole of it in the title. */
export const shortHash = (hash, n = 12) => el("code", { class: "hash", title: hash }, `${hash.slice(0, n)}…`);

/** Call `fn` once the calls have stopped for `ms` milliseconds. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
