// The one toast that reports the result of an action: [data-testid=toast][data-kind=ok|error].
import { $ } from "./dom.js";

const SHOW_MS = { ok: 8000, error: 12000 };
let timer = null;

export function toast(message, kind = "ok") {
  const node = $("[data-testid=toast]");
  clearTimeout(timer);
  node.dataset.kind = kind;
  node.setAttribute("role", kind === "error" ? "alert" : "status");
  $(".toast-text", node).textContent = message;
  node.hidden = false;
  timer = setTimeout(clearToast, SHOW_MS[kind] ?? SHOW_MS.ok);
}

/** Hide the toast (before a new action, so a stale result is not mistaken for its result). */
export function clearToast() {
  clearTimeout(timer);
  const node = $("[data-testid=toast]");
  node.hidden = true;
  delete node.dataset.kind;
  $(".toast-text", node).textContent = "";
}

export function wireToast() {
  $("[data-testid=toast] .toast-close").addEventListener("click", clearToast);
}
