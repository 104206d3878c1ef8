// Small building blocks of the prosecutors' forms (referrals, suggestions): labelled inputs,
// a button, and running one API change with its buttons disabled.
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { clearToast, toast } from "./toast.js";

export const button = (testid, key, cls = "") => el("button", { type: "button", class: `btn ${cls}`, "data-testid": testid }, t(key));
export const field = (key, input) => el("label", { class: "field" }, el("span", {}, t(key)), input);
export const check = (key, input) => el("label", { class: "check" }, input, el("span", {}, t(key)));
export const text = (input) => input.value.trim();

/** Run one API change with `buttons` disabled; a problem goes to `onError`. */
export async function busy(buttons, onError, work) {
  clearToast();
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await work();
  } catch (err) {
    onError(err);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

/** Refuse a form: say why and put the cursor on the input at fault. */
export function refuse(key, input) {
  toast(t(key), "error");
  input.focus();
}
