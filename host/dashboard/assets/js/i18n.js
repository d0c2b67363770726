// Languages: the vi/en dictionaries (../i18n/*.json, flat "area.key" names),
// the current language (Vietnamese by default, the choice kept in
// localStorage), `t()` for a key and `text()` for the API's {vi, en} values.
// Elements with data-i18n (text), data-i18n-aria (aria-label),
// data-i18n-placeholder and data-i18n-title are translated by translate().

import vi from "../i18n/vi.json" with { type: "json" };
import en from "../i18n/en.json" with { type: "json" };

const dictionaries = { vi, en };
window.cityhubI18n = dictionaries;

const STORAGE_KEY = "cityhub.lang";
const listeners = new Set();
let lang = stored() ?? "vi";

function stored() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value in dictionaries ? value : null;
  } catch {
    return null;
  }
}

/** The current language, "vi" or "en". */
export function currentLang() {
  return lang;
}

/** The Intl locale of the current language. */
export function locale() {
  return lang === "vi" ? "vi-VN" : "en-GB";
}

/** Whether the dictionaries have `key`. */
export function has(key) {
  return key in dictionaries[lang];
}

/** The text of `key` in the current language, `{name}` replaced from `params`. */
export function t(key, params) {
  const template = dictionaries[lang][key] ?? dictionaries.vi[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/**
 * A field report's service in the current language: the dictionary's name
 * of the city's standard service `code`, else the `name` its plugin gave
 * (a service an integrator added, named in one language).
 */
export function serviceName(code, name) {
  return code && has(`service.${code}`) ? t(`service.${code}`) : (name ?? code ?? "");
}

/** A bilingual API value ({vi, en}) in the current language; a plain string as is. */
export function text(value) {
  if (value == null) return "";
  if (typeof value !== "object") return String(value);
  return value[lang] ?? value.vi ?? value.en ?? "";
}

const ATTRIBUTES = [
  ["i18nAria", "aria-label"],
  ["i18nPlaceholder", "placeholder"],
  ["i18nTitle", "title"],
];

/** Translates the marked elements under `root` (and `root` itself). */
export function translate(root = document) {
  const all = (selector) => {
    const found = [...root.querySelectorAll(selector)];
    if (root.matches?.(selector)) found.push(root);
    return found;
  };
  for (const el of all("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const [data, attr] of ATTRIBUTES) {
    const selector = `[data-${data.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}]`;
    for (const el of all(selector)) el.setAttribute(attr, t(el.dataset[data]));
  }
}

/** Switches the language: the page, then every listener (screens re-render). */
export function setLang(next) {
  if (!(next in dictionaries) || next === lang) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts this page only
  }
  document.documentElement.lang = next;
  translate(document);
  for (const listener of listeners) listener(next);
}

/** Calls `listener(lang)` after each switch. */
export function onLangChange(listener) {
  listeners.add(listener);
}
