// Calls to the EcoLeads API: bearer token from sessionStorage, RFC 9457 problems as ApiError.
import { t } from "./i18n.js";

const TOKEN_KEY = "ecoleads.token";
const TOKEN_PATH = "/api/v1/auth/token";
let onUnauthorized = () => {};

class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export function handleUnauthorized(fn) {
  onUnauthorized = fn;
}

export const isAbort = (err) => err?.name === "AbortError";

async function problemOf(res) {
  try {
    const body = await res.json();
    return new ApiError(res.status, body.title, body.detail);
  } catch {
    return new ApiError(res.status, res.statusText, "");
  }
}

/**
 * Call the API. `query` values that are empty are left out; `json` or `form` make the body;
 * `as` is "json" (default), "blob" or "response" (to read headers). A 401 ends the session.
 */
export async function api(path, options = {}) {
  const { method = "GET", query, json, form, signal, as = "json" } = options;
  const url = new URL(path, window.location.origin);
  Object.entries(query || {}).forEach(([k, v]) => {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  });
  const headers = { Accept: as === "blob" ? "*/*" : "application/json" };
  const bearer = token.get();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = new URLSearchParams(form);
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, signal });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, t("network_error"), t("network_error"));
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401 && path !== TOKEN_PATH) onUnauthorized(problem);
    throw problem;
  }
  if (as === "response") return res;
  if (as === "blob") return res.blob();
  return res.status === 204 ? null : res.json();
}

/** GET a list with its X-Total-Count header: {items, total}. */
export async function apiPage(path, options) {
  const res = await api(path, { ...options, as: "response" });
  const items = await res.json();
  return { items, total: Number(res.headers.get("X-Total-Count") ?? items.length) };
}

export async function signIn(username, password) {
  const body = await api(TOKEN_PATH, { method: "POST", form: { username, password } });
  token.set(body.access_token);
  return body;
}

export async function signOut() {
  try {
    if (token.get()) await api("/api/v1/auth/revoke", { method: "POST" });
  } finally {
    token.clear();
  }
}

/** Save a Blob as a file through a temporary object URL. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
