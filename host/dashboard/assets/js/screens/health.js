// #/health: each plugin (version, state, events in/out, failures, dead
// letters, lag) and each route; suspended ones highlighted.

import { refresher, throttle } from "../api.js";
import { badge } from "../badges.js";
import { h, reconcile } from "../dom.js";
import { num } from "../format.js";
import { errorMessage, notify } from "../notice.js";

// At most one refetch this often: with the stream's 300 ms batching, a
// change shows within a second (`cargo bench -p cityhub --bench dashboard`).
const REFRESH_MIN_MS = 500;

export function healthScreen(section, app) {
  const pluginRows = section.querySelector("#plugin-rows");
  const routeRows = section.querySelector("#route-rows");
  const totals = section.querySelector("#health-totals");
  let last = null;

  const numbers = (x) => [
    h("td", { class: "num" }, num(x.events_in)),
    h("td", { class: "num" }, num(x.events_out)),
    h("td", { class: ["num", x.failures > 0 && "nonzero"] }, num(x.failures)),
    h("td", { class: ["num", x.dead_letters > 0 && "nonzero"] }, num(x.dead_letters)),
    h("td", { class: ["num", x.lag > 0 && "lagging"] }, num(x.lag)),
  ];

  function suspendedNote(x) {
    if (!x.suspended || typeof x.suspended !== "object") return null;
    const reason = x.suspended.reason ?? x.suspended.message ?? x.suspended.error;
    return reason ? h("div", { class: "muted clip", title: String(reason) }, String(reason)) : null;
  }

  function render() {
    if (!last) return;
    totals.replaceChildren(
      h("span", { class: "stat" }, h("span", { i18n: "health.lastSeq" }), h("strong", {}, num(last.last_seq))),
      h("span", { class: "stat" }, h("span", { i18n: "health.pending" }), h("strong", {}, `${num(last.ingest?.pending)} / ${num(last.ingest?.max)}`)),
      h("span", { class: "stat" }, h("span", { i18n: "health.plugins" }), h("strong", {}, num(last.plugins?.length ?? 0))),
      h("span", { class: "stat" }, h("span", { i18n: "health.suspendedCount" }),
        h("strong", {}, num((last.plugins ?? []).filter((p) => p.state === "suspended").length))),
    );
    reconcile(pluginRows, last.plugins ?? [], {
      key: (p) => p.name,
      signature: (p) => JSON.stringify(p),
      create: () => h("tr", {}),
      update: (el, p) => {
        el.dataset.plugin = p.name;
        el.dataset.state = p.state;
        el.classList.toggle("suspended", p.state === "suspended");
        el.replaceChildren(
          h("th", { scope: "row" }, p.name),
          h("td", {}, p.version ?? ""),
          h("td", {}, badge("plugin", p.state), suspendedNote(p)),
          ...numbers(p),
          h("td", { class: "muted" }, (p.routes ?? []).join(", ")),
        );
      },
    });
    reconcile(routeRows, last.routes ?? [], {
      key: (r) => r.name,
      signature: (r) => JSON.stringify(r),
      create: () => h("tr", {}),
      update: (el, r) => {
        el.dataset.route = r.name;
        el.classList.toggle("suspended", Boolean(r.suspended));
        el.replaceChildren(
          h("th", { scope: "row" }, r.name),
          h("td", { class: "muted" }, (r.from ?? []).join(", ")),
          h("td", {}, r.to ?? ""),
          h("td", {}, r.suspended ? badge("plugin", "suspended") : badge("plugin", "running")),
          h("td", { class: "num" }, num(r.position)),
          ...numbers(r),
        );
      },
    });
  }

  const load = refresher(async (seen) => {
    last = await app.get("/v1/ops/health", { seen });
    render();
  }, (error) => notify({ raw: errorMessage(error), kind: "error" }));
  // every event moves some count: at most one refetch a second
  const refresh = throttle(load, REFRESH_MIN_MS);

  return {
    show: refresh,
    refresh,
    wants: (batch) => batch.events.length > 0,
    onLang: render,
  };
}
