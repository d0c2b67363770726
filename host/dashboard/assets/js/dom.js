// Building and updating elements: h() and svg() make elements, reconcile()
// keeps a container's keyed children in step with a list, touching only the
// items whose content changed (so a busy stream costs what it changes).

import { currentLang, t } from "./i18n.js";

export const SVG_NS = "http://www.w3.org/2000/svg";

function build(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (name === "i18n") {
      el.dataset.i18n = value;
      el.textContent = t(value);
    } else if (name === "i18nAria") {
      el.dataset.i18nAria = value;
      el.setAttribute("aria-label", t(value));
    } else if (name === "i18nTitle") {
      el.dataset.i18nTitle = value;
      el.setAttribute("title", t(value));
    } else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** An HTML element: h("td", {class: "num"}, "12"); attrs i18n/i18nAria/i18nTitle take keys. */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, same arguments as h(). */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/**
 * Makes `container`'s children the elements of `items`, in order, by `key(item)`.
 * An item's element is made by `create(item)` once and filled by
 * `update(el, item)` whenever `signature(item)` (or the language) changed.
 * Elements of keys no longer listed are removed; an element that had the
 * focus keeps it. Returns how many were updated.
 */
export function reconcile(container, items, { key, create, update, signature }) {
  // moving an element drops its focus: give it back afterwards
  const focused = container.contains(document.activeElement) ? document.activeElement : null;
  const existing = new Map();
  for (const child of container.children) existing.set(child._key, child);
  const lang = currentLang();
  let cursor = container.firstElementChild;
  let updated = 0;
  for (const item of items) {
    const k = key(item);
    let el = existing.get(k);
    if (el) existing.delete(k);
    else {
      el = create(item);
      el._key = k;
    }
    const sig = `${lang}|${signature(item)}`;
    if (el._sig !== sig) {
      update(el, item);
      el._sig = sig;
      updated++;
    }
    if (el === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(el, cursor);
  }
  for (const stale of existing.values()) stale.remove();
  if (focused?.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
  return updated;
}

/** Sets `el`'s text to key's translation and marks it for language switches. */
export function setKey(el, key, params) {
  if (params) {
    delete el.dataset.i18n;
    el.textContent = t(key, params);
  } else {
    el.dataset.i18n = key;
    el.textContent = t(key);
  }
}
