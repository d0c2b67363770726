// Signing in and out. The page signs in once with an API token (pasted on
// the sign-in screen, or from a `#token=…` link, which is then removed from
// the address bar): POST /v1/session checks it and sets the HttpOnly
// session cookie every later request carries, so the page never keeps the
// token. localStorage only remembers that this browser signed in, so that
// a reload asks the host (GET /v1/session) instead of showing the sign-in
// screen; a first visit asks nothing. Signing out is DELETE /v1/session.

import { deleteJson, getJson, postJson } from "./api.js";
import { setKey } from "./dom.js";

const SIGNED_IN_KEY = "cityhub.signedIn";
/** The roles that may read the operations centre (`/v1/ops/*`). */
const DASHBOARD_ROLES = ["operator", "integrator", "admin"];

function remembered() {
  try {
    return localStorage.getItem(SIGNED_IN_KEY) === "yes";
  } catch {
    return false;
  }
}

function remember(yes) {
  try {
    if (yes) localStorage.setItem(SIGNED_IN_KEY, "yes");
    else localStorage.removeItem(SIGNED_IN_KEY);
  } catch {
    // private mode: the next load shows the sign-in screen
  }
}

/**
 * The token of a `#token=TOKEN` link (a fragment never reaches the host's
 * logs), taken out of the address bar at once; `#token=TOKEN&/alerts`
 * keeps `#/alerts`. Null when the address has none.
 */
function tokenFromLink() {
  const match = location.hash.match(/^#token=([^&]*)(?:&(.*))?$/);
  if (!match) return null;
  const rest = match[2] ? `#${match[2]}` : "";
  history.replaceState(null, "", `${location.pathname}${location.search}${rest}`);
  try {
    return decodeURIComponent(match[1]).trim();
  } catch {
    return match[1].trim();
  }
}

/** The sign-in screen and who is signed in. */
export function createSession() {
  const body = document.body;
  const screen = document.getElementById("sign-in");
  const form = document.getElementById("sign-in-form");
  const input = document.getElementById("sign-in-token");
  const submit = document.getElementById("sign-in-submit");
  const message = document.getElementById("sign-in-message");
  const badge = document.getElementById("signed-in");
  const signOutButton = document.getElementById("sign-out");

  /** Shows `key` (with `params`) on the sign-in screen; `reason` is a hook for tests. */
  function say({ key, kind, reason, params }) {
    setKey(message, key, params);
    message.dataset.kind = kind;
    message.dataset.reason = reason;
    message.hidden = false;
  }

  function showScreen() {
    body.dataset.auth = "signed-out";
    screen.hidden = false;
    badge.hidden = true;
    signOutButton.hidden = true;
    document.getElementById("notices").replaceChildren();
  }

  function signedIn(who) {
    remember(true);
    body.dataset.auth = "signed-in";
    screen.hidden = true;
    message.hidden = true;
    input.value = "";
    document.getElementById("signed-in-name").textContent = who.name;
    setKey(document.getElementById("signed-in-role"), `role.${who.role}`);
    badge.hidden = false;
    signOutButton.hidden = false;
    return who;
  }

  /** Signs in with `token`; who signed in, or null (the screen says why). */
  async function signIn(token) {
    if (!token) {
      say({ key: "auth.empty", kind: "error", reason: "empty" });
      return null;
    }
    let who;
    try {
      who = await postJson("/v1/session", { token });
    } catch (error) {
      if (error.status === 401) say({ key: "auth.refused", kind: "error", reason: "refused" });
      else say({ key: "auth.failed", kind: "error", reason: "failed", params: { message: error.message } });
      return null;
    }
    if (!DASHBOARD_ROLES.includes(who.role)) {
      await deleteJson("/v1/session").catch(() => {});
      say({ key: "auth.wrongRole", kind: "error", reason: "role", params: { name: who.name, role: who.role } });
      return null;
    }
    return signedIn(who);
  }

  /** Shows the screen until a pasted token signs in; resolves with who. */
  function waitForForm() {
    showScreen();
    input.focus();
    return new Promise((resolve) => {
      const onSubmit = async (event) => {
        event.preventDefault();
        submit.disabled = true;
        const who = await signIn(input.value.trim());
        submit.disabled = false;
        if (!who) {
          input.focus();
          input.select();
          return;
        }
        form.removeEventListener("submit", onSubmit);
        resolve(who);
      };
      form.addEventListener("submit", onSubmit);
    });
  }

  return {
    /**
     * Who is signed in, once someone is: from a `#token=` link, from the
     * session a reload still holds, else from the sign-in screen.
     */
    async begin() {
      const link = tokenFromLink();
      if (link != null) {
        const who = await signIn(link);
        if (who) return who;
      } else if (remembered()) {
        try {
          const who = await getJson("/v1/session");
          if (DASHBOARD_ROLES.includes(who.role)) return signedIn(who);
          say({ key: "auth.wrongRole", kind: "error", reason: "role", params: { name: who.name, role: who.role } });
        } catch (error) {
          remember(false);
          if (error.status === 401) say({ key: "auth.expired", kind: "error", reason: "expired" });
          else say({ key: "auth.failed", kind: "error", reason: "failed", params: { message: error.message } });
        }
      }
      return waitForForm();
    },
    /** The session ended under the page (a 401): the screen says so. */
    ended() {
      remember(false);
      say({ key: "auth.expired", kind: "error", reason: "expired" });
      return waitForForm();
    },
    /** Signs out (DELETE /v1/session), then shows the screen. */
    async signOut() {
      await deleteJson("/v1/session").catch(() => {});
      remember(false);
      say({ key: "auth.signedOut", kind: "info", reason: "signed-out" });
      return waitForForm();
    },
    onSignOut(handler) {
      signOutButton.addEventListener("click", handler);
    },
  };
}
