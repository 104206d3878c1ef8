// Sign-in and sign-out; prosecutors, admins and partners (shared leads, read-only) use the map.
import { api, handleUnauthorized, signIn, signOut, token } from "./api.js";
import { $ } from "./dom.js";
import { t } from "./i18n.js";

const ROLES = ["prosecutor", "admin", "partner"];

/**
 * `onSignedIn(me)` once a prosecutor, admin or partner is signed in (also on reload with a live token).
 */
export function authFlow({ onSignedIn }) {
  const form = $("[data-testid=login-form]");
  const error = $("[data-testid=login-error]");
  const submit = $("[data-testid=login-submit]");

  function showLogin(message) {
    document.body.classList.remove("signed-in");
    document.body.classList.add("signed-out");
    error.textContent = message || "";
    error.hidden = !message;
    form.elements.password.value = "";
  }

  /** Let the token's owner in. */
  async function admit() {
    const me = await api("/api/v1/users/me");
    if (!ROLES.includes(me.role)) {
      await signOut();
      showLogin(t("role_refused"));
      return;
    }
    document.body.classList.remove("signed-out");
    document.body.classList.add("signed-in");
    error.hidden = true;
    onSignedIn(me);
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    if (!username || !password) {
      showLogin(t("need_credentials"));
      return;
    }
    submit.disabled = true;
    submit.textContent = t("signing_in");
    try {
      await signIn(username, password);
      await admit();
    } catch (err) {
      token.clear();
      showLogin(`${t("login_failed")}${err.message}`);
    } finally {
      submit.disabled = false;
      submit.textContent = t("sign_in");
    }
  });

  $("[data-testid=logout]").addEventListener("click", async () => {
    try {
      await signOut();
    } finally {
      showLogin("");
    }
  });

  handleUnauthorized(() => {
    token.clear();
    showLogin(t("session_ended"));
  });

  /** Resume a session kept in sessionStorage, else show the form. */
  return async function resume() {
    if (!token.get()) {
      showLogin("");
      return;
    }
    try {
      await admit();
    } catch (err) {
      token.clear();
      showLogin(err.status === 401 ? t("session_ended") : err.message);
    }
  };
}
