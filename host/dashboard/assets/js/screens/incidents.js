// #/incidents: citizens' field reports with their SLA state and a countdown
// (ticking every second from remainingSeconds at the fetch), and the open
// and overdue reports per agency (#agency-overdue).

import { refresher, touches } from "../api.js";
import { badge } from "../badges.js";
import { h, reconcile } from "../dom.js";
import { dateTime, duration, num, shortDateTime } from "../format.js";
import { serviceName, t } from "../i18n.js";
import { errorMessage, notify } from "../notice.js";

const LIMIT = 200;
const TICK_MS = 1000;

export function incidentsScreen(section, app) {
  const rows = section.querySelector("#incident-rows");
  const agencyRows = section.querySelector("#agency-overdue tbody");
  const statusSelect = section.querySelector("#incident-status");
  const agencySelect = section.querySelector("#incident-agency");
  let incidents = [];
  let agencies = [];
  let fetchedAt = 0;
  let ticker = null;

  function row(incident) {
    const el = h("tr", {});
    el._countdown = h("div", { class: "countdown" });
    return el;
  }

  function fill(el, r) {
    el.dataset.incidentId = r.id;
    el.dataset.sla = r.sla?.state ?? "none";
    el.className = `sla-${r.sla?.state ?? "none"}`;
    el.replaceChildren(
      h("td", {}, badge("sla", r.sla?.state), el._countdown),
      h("td", {}, h("strong", {}, serviceName(r.service_code, r.service_name)), h("div", { class: "muted clip", title: r.description ?? "" }, r.description ?? "")),
      h("td", {}, r.address ?? "", r.road ? h("div", { class: "muted" }, r.road) : null),
      h("td", {}, r.agency ?? h("span", { class: "muted", i18n: "incidents.unassigned" })),
      h("td", {}, t(`reportStatus.${r.status === "closed" ? "closed" : "open"}`)),
      h("td", { class: "times" },
        h("time", { datetime: r.requestedAt ?? "", title: dateTime(r.requestedAt) }, shortDateTime(r.requestedAt)), h("br", {}),
        h("strong", {}, h("time", { datetime: r.expectedAt ?? "", title: dateTime(r.expectedAt) }, shortDateTime(r.expectedAt)))),
    );
  }

  /** Writes each row's remaining time, counted down from the fetch. */
  function tick() {
    const elapsed = (performance.now() - fetchedAt) / 1000;
    for (const el of rows.children) {
      const r = el._incident;
      const cell = el._countdown;
      const base = r?.sla?.remainingSeconds;
      if (base == null || r.status === "closed") {
        cell.textContent = "—";
        continue;
      }
      const left = base - elapsed;
      cell.textContent = left >= 0 ? duration(left) : t("incidents.overdueBy", { d: duration(-left) });
      cell.classList.toggle("late", left < 0);
    }
  }

  function render() {
    reconcile(rows, incidents, {
      key: (r) => r.id,
      signature: (r) => JSON.stringify({ ...r, sla: r.sla?.state }),
      create: row,
      update: fill,
    });
    for (const el of rows.children) el._incident = incidents.find((r) => r.id === el._key);
    section.querySelector("#incidents-empty").hidden = incidents.length > 0;
    const sorted = [...agencies].sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.agency.localeCompare(b.agency));
    reconcile(agencyRows, sorted, {
      key: (a) => a.agency,
      signature: (a) => `${a.open}|${a.overdue}`,
      create: () => h("tr", {}),
      update: (el, a) => {
        el.dataset.agency = a.agency;
        el.classList.toggle("has-overdue", a.overdue > 0);
        el.replaceChildren(h("td", {}, a.agency), h("td", { class: "num" }, num(a.open)), h("td", { class: "num" }, num(a.overdue)));
      },
    });
    tick();
  }

  function renderAgencyOptions() {
    const chosen = agencySelect.value;
    const names = agencies.map((a) => a.agency).sort((a, b) => a.localeCompare(b));
    const same = names.length === agencySelect.options.length - 1 && names.every((n, i) => agencySelect.options[i + 1].value === n);
    if (same) return;
    agencySelect.replaceChildren(h("option", { value: "", i18n: "filter.all" }), ...names.map((n) => h("option", { value: n }, n)));
    agencySelect.value = names.includes(chosen) ? chosen : "";
  }

  const refresh = refresher(async (seen) => {
    const body = await app.get("/v1/ops/incidents", {
      seen,
      status: statusSelect.value,
      agency: agencySelect.value,
      limit: LIMIT,
    });
    fetchedAt = performance.now();
    incidents = body.incidents ?? [];
    agencies = body.agencies ?? [];
    renderAgencyOptions();
    render();
  }, (error) => notify({ raw: errorMessage(error), kind: "error" }));

  statusSelect.addEventListener("change", () => refresh(app.seen()));
  agencySelect.addEventListener("change", () => refresh(app.seen()));

  return {
    show(seen) {
      if (ticker == null) ticker = setInterval(tick, TICK_MS);
      refresh(seen);
    },
    hide() {
      clearInterval(ticker);
      ticker = null;
    },
    refresh,
    wants: (batch) => touches(batch.types, ["city.fieldreport.", "cityhub.clock.tick"]),
    onLang: render,
  };
}
