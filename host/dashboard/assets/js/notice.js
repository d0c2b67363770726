// Messages to the operator in the #notices region (announced by screen
// readers): API errors, confirmations, requests to fill in a field.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const SHOWN_MS = 8000;
const MAX_SHOWN = 4;

/**
 * Shows a message: `key` (translated with `params`) or, with `raw`, the
 * text as is (an API's error.message). `kind` is "info", "ok" or "error".
 */
export function notify({ key, params, raw, kind = "info" }) {
  const region = document.getElementById("notices");
  // signed out (the sign-in screen says why): the screens' errors are moot
  if (!region || document.body.dataset.auth !== "signed-in") return;
  const message = h("div", { class: ["notice", `notice-${kind}`], role: kind === "error" ? "alert" : "status" },
    h("span", { class: "notice-icon", "aria-hidden": "true" }, kind === "error" ? "✖" : kind === "ok" ? "✔" : "ℹ"),
    h("span", { class: "notice-text" }, raw ?? t(key, params)),
    h("button", { type: "button", class: "notice-close", i18nAria: "notice.close", onclick: () => message.remove() }, "×"),
  );
  region.prepend(message);
  while (region.children.length > MAX_SHOWN) region.lastElementChild.remove();
  setTimeout(() => message.remove(), SHOWN_MS);
}

/** The message of an error for the operator: the API's own message when it sent one. */
export function errorMessage(error) {
  return error?.message || t("notice.failed");
}
