// #/alerts: the alert feed ranked by severity (as the API ranks it), filters
// by sector and state, and the operator's actions: acknowledge, assign (to
// an agency with a deadline) and resolve, each posted with the operator's
// name. A card's actions and assign form stay in place while its content
// updates, so a busy feed does not steal focus or typing.

import { postJson, refresher, touches } from "../api.js";
import { SEVERITIES, STATES, badge } from "../badges.js";
import { h, reconcile } from "../dom.js";
import { dateTime, localToRfc3339, num, percent, toLocalInput } from "../format.js";
import { has, t, text } from "../i18n.js";
import { errorMessage, notify } from "../notice.js";

const LIMIT = 200;
const DEFAULT_DEADLINE_HOURS = 4;

/** A figure's name for people (its key when the dictionaries do not know it). */
function figureName(key) {
  return has(`figure.${key}`) ? t(`figure.${key}`) : key;
}

/** An alert's kind for people (its id when the dictionaries do not know it). */
function subCategory(key) {
  return has(`subCategory.${key}`) ? t(`subCategory.${key}`) : key;
}

/** Figures whose values are words the dictionaries know, by figure name. */
const WORDS = { level: "level", category: "incidentCategory", trend: "gateTrend" };

/** A figure's value for people: numbers grouped, ratios as percentages, known words translated. */
function figureValue(key, v) {
  if (typeof v === "number") return key === "ratio" ? percent(v) : num(v, 1);
  if (typeof v === "string" && key in WORDS && has(`${WORDS[key]}.${v}`)) return t(`${WORDS[key]}.${v}`);
  if (Array.isArray(v)) return v.map((x) => figureValue(key, x)).join(", ");
  if (v && typeof v === "object") return text(v);
  return String(v ?? "—");
}

export function alertsScreen(section, app) {
  const list = section.querySelector("#alert-list");
  const summary = section.querySelector("#alert-summary");
  const sectorSelect = section.querySelector("#alert-sector");
  const stateBoxes = [...section.querySelectorAll("input[name=alert-state]")];
  const agencies = section.querySelector("#agency-list");
  let alerts = [];
  let counts = null;

  function by(who) {
    return who === "system" ? t("alerts.bySystem") : who;
  }

  function who(alert) {
    const lines = [];
    const note = (n) => (n ? h("span", { class: "note" }, ` — ${n}`) : null);
    if (alert.acknowledged) {
      const a = alert.acknowledged;
      lines.push(h("li", { class: "who-ack" }, t("alerts.ackedBy", { by: by(a.by), at: dateTime(a.at) }), note(a.note)));
    }
    if (alert.assigned) {
      const a = alert.assigned;
      lines.push(h("li", { class: "who-assign" },
        t("alerts.assignedTo", { agency: a.agency, deadline: dateTime(a.deadline), by: by(a.by), at: dateTime(a.at) }), note(a.note)));
    }
    if (alert.resolved) {
      const a = alert.resolved;
      lines.push(h("li", { class: "who-resolve" }, t("alerts.resolvedBy", { by: by(a.by), at: dateTime(a.at) }), note(a.note)));
    }
    return lines.length ? h("ul", { class: "who" }, lines) : null;
  }

  function body(alert) {
    const figures = Object.entries(alert.figures ?? {});
    return [
      h("header", { class: "alert-head" },
        badge("severity", alert.severity),
        badge("state", alert.state),
        h("h3", { class: "alert-title" }, text(alert.title)),
      ),
      h("p", { class: "alert-meta" },
        h("span", {}, app.sectorName(alert.sector)),
        " · ",
        h("span", {}, subCategory(alert.subCategory ?? alert.category ?? "")),
        " · ",
        h("span", {}, t("alerts.opened", { at: dateTime(alert.openedAt) })),
        " · ",
        h("span", {}, t("alerts.updated", { at: dateTime(alert.updatedAt) })),
      ),
      alert.description ? h("p", { class: "alert-description" }, text(alert.description)) : null,
      figures.length
        ? h("dl", { class: "figures" }, figures.flatMap(([k, v]) => [h("dt", {}, figureName(k)), h("dd", {}, figureValue(k, v))]))
        : null,
      who(alert),
    ];
  }

  function card(alert) {
    const el = h("article", { class: "alert-card" });
    const content = h("div", { class: "alert-body" });
    const ack = h("button", { type: "button", class: "btn", "data-action": "ack", i18n: "alerts.ack" });
    const assign = h("button", { type: "button", class: "btn", "data-action": "assign", i18n: "alerts.assign", "aria-expanded": "false" });
    const resolve = h("button", { type: "button", class: "btn btn-primary", "data-action": "resolve", i18n: "alerts.resolve" });
    const formSlot = h("div", { class: "alert-form-slot" });
    const error = h("p", { class: "alert-error", role: "alert", hidden: true });
    el.append(content, h("div", { class: "alert-actions" }, ack, assign, resolve), formSlot, error);
    el._parts = { content, ack, assign, resolve, formSlot, error };
    ack.addEventListener("click", () => act(el, "ack", {}));
    resolve.addEventListener("click", () => act(el, "resolve", {}));
    assign.addEventListener("click", () => {
      if (formSlot.firstChild) return closeForm(el);
      // asks for the name now if it is missing (the focus goes there); the form checks again
      const named = app.operator() != null;
      openForm(el, named);
    });
    return el;
  }

  function fill(el, alert) {
    el._alert = alert;
    el.dataset.alertId = alert.alertId;
    el.dataset.state = alert.state;
    el.dataset.severity = alert.severity;
    el.className = `alert-card severity-${alert.severity} state-${alert.state}`;
    const p = el._parts;
    p.content.replaceChildren(...body(alert).filter(Boolean));
    p.ack.disabled = alert.state !== "open";
    p.assign.disabled = alert.state === "resolved";
    p.resolve.disabled = alert.state === "resolved";
    const title = text(alert.title);
    p.ack.setAttribute("aria-label", t("alerts.ackLabel", { title }));
    p.assign.setAttribute("aria-label", t("alerts.assignLabel", { title }));
    p.resolve.setAttribute("aria-label", t("alerts.resolveLabel", { title }));
    if (alert.state === "resolved") closeForm(el);
  }

  function openForm(el, focus) {
    const p = el._parts;
    const deadline = new Date((app.now ? Date.parse(app.now) : Date.now()) + DEFAULT_DEADLINE_HOURS * 3600 * 1000);
    const id = `assign-${Math.random().toString(36).slice(2)}`;
    const form = h("form", { class: "assign-form", i18nAria: "alerts.assignForm" },
      h("label", { for: `${id}-agency`, i18n: "alerts.agency" }),
      h("input", { id: `${id}-agency`, name: "agency", required: true, list: "agency-list", autocomplete: "off", maxlength: 200 }),
      h("label", { for: `${id}-deadline`, i18n: "alerts.deadline" }),
      h("input", { id: `${id}-deadline`, name: "deadline", type: "datetime-local", required: true, value: toLocalInput(deadline) }),
      h("label", { for: `${id}-note`, i18n: "alerts.note" }),
      h("input", { id: `${id}-note`, name: "note", maxlength: 500 }),
      h("div", { class: "form-buttons" },
        h("button", { type: "submit", class: "btn btn-primary", "data-action": "assign-submit", i18n: "alerts.assignSubmit" }),
        h("button", { type: "button", class: "btn", onclick: () => closeForm(el), i18n: "alerts.cancel" }),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const deadline = localToRfc3339(String(data.get("deadline")));
      const agency = String(data.get("agency")).trim();
      const note = String(data.get("note")).trim();
      act(el, "assign", { agency, deadline, ...(note ? { note } : {}) });
    });
    form.addEventListener("keydown", (e) => {
      if (e.key === "Escape") closeForm(el);
    });
    p.formSlot.replaceChildren(form);
    p.assign.setAttribute("aria-expanded", "true");
    if (focus) form.querySelector("input").focus();
  }

  function closeForm(el) {
    const p = el._parts;
    if (!p.formSlot.firstChild) return;
    const hadFocus = p.formSlot.contains(document.activeElement);
    p.formSlot.replaceChildren();
    p.assign.setAttribute("aria-expanded", "false");
    if (hadFocus) p.assign.focus();
  }

  async function act(el, action, extra) {
    const operator = app.operator();
    if (!operator) return;
    const alert = el._alert;
    const p = el._parts;
    p.error.hidden = true;
    el.setAttribute("aria-busy", "true");
    try {
      const updated = await postJson(`/v1/ops/alerts/${encodeURIComponent(alert.alertId)}/${action}`, { by: operator, ...extra });
      if (updated?.alertId) {
        alerts = alerts.map((a) => (a.alertId === updated.alertId ? updated : a));
        render();
      }
      closeForm(el);
      notify({ key: `alerts.done.${action}`, params: { title: text(alert.title) }, kind: "ok" });
      refresh(app.seen());
    } catch (error) {
      p.error.textContent = errorMessage(error);
      p.error.hidden = false;
      notify({ raw: errorMessage(error), kind: "error" });
      refresh(app.seen()); // the alert may have moved on (resolved, acknowledged elsewhere)
    } finally {
      el.removeAttribute("aria-busy");
    }
  }

  function render() {
    reconcile(list, alerts, {
      key: (a) => a.alertId,
      signature: (a) => JSON.stringify(a) + app.sectorName(a.sector),
      create: card,
      update: fill,
    });
    section.querySelector("#alerts-empty").hidden = alerts.length > 0;
    if (counts) {
      summary.replaceChildren(...SEVERITIES.map((sev) =>
        h("span", { class: ["count", `severity-${sev}`, counts[sev] ? "" : "zero"] }, badge("severity", sev), h("strong", {}, num(counts[sev] ?? 0)))));
    }
  }

  function renderSectors() {
    const chosen = sectorSelect.value;
    const names = new Set([...app.sectorNames.keys(), ...alerts.map((a) => a.sector), "ioc"]);
    const options = [...names].sort().map((s) => h("option", { value: s }, app.sectorName(s)));
    sectorSelect.replaceChildren(h("option", { value: "", i18n: "filter.all" }), ...options);
    sectorSelect.value = chosen;
  }

  function rememberAgencies(extra) {
    const known = new Set([...agencies.options].map((o) => o.value));
    for (const name of extra) {
      if (name && !known.has(name)) {
        known.add(name);
        agencies.append(h("option", { value: name }));
      }
    }
  }

  const refresh = refresher(async (seen) => {
    const states = stateBoxes.filter((b) => b.checked).map((b) => b.value);
    const body = await app.get("/v1/ops/alerts", {
      seen,
      sector: sectorSelect.value,
      state: (states.length ? states : STATES).join(","),
      limit: LIMIT,
    });
    alerts = body.alerts ?? [];
    counts = body.counts ?? null;
    rememberAgencies(alerts.map((a) => a.assigned?.agency));
    if (sectorSelect.options.length <= 1 || alerts.some((a) => ![...sectorSelect.options].some((o) => o.value === a.sector))) renderSectors();
    render();
  }, (error) => notify({ raw: errorMessage(error), kind: "error" }));

  sectorSelect.addEventListener("change", () => refresh(app.seen()));
  for (const box of stateBoxes) box.addEventListener("change", () => refresh(app.seen()));

  async function loadAgencies() {
    try {
      const body = await app.get("/v1/ops/incidents", { status: "all", limit: 1 });
      rememberAgencies((body.agencies ?? []).map((a) => a.agency));
    } catch {
      // suggestions only
    }
  }

  return {
    show(seen) {
      renderSectors();
      if (agencies.options.length === 0) loadAgencies();
      refresh(seen);
    },
    refresh,
    wants: (batch) => touches(batch.types, ["city.ioc.alert", "cityhub.ops."]),
    onLang() {
      renderSectors();
      render();
    },
  };
}
