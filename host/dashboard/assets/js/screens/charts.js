// #/charts: per sector, line charts of its KPIs over the last hours
// (GET /v1/ops/history), redrawn when KPIs change (at most every
// REFRESH_MIN_MS, so that with the stream's 300 ms batching a change shows
// within a second: `cargo bench -p cityhub --bench dashboard` measures it).

import { refresher, throttle, touches } from "../api.js";
import { drawCharts } from "../charts.js";
import { h, reconcile, svg } from "../dom.js";
import { text } from "../i18n.js";
import { errorMessage, notify } from "../notice.js";

const REFRESH_MIN_MS = 500;

export function chartsScreen(section, app) {
  const list = section.querySelector("#chart-sectors");
  const hoursSelect = section.querySelector("#chart-hours");
  let charts = [];

  function card(c) {
    const caption = h("figcaption", {}, h("h3", {}));
    const chart = svg("svg", { class: "chart", role: "img", "data-chart-sector": c.sector, preserveAspectRatio: "xMidYMin meet" });
    return h("figure", { class: "chart-card panel", "data-sector": c.sector }, caption, chart);
  }

  function fill(el, c) {
    el.querySelector("h3").textContent = text(c.name) || app.sectorName(c.sector);
    const chart = el.querySelector("svg");
    chart.setAttribute("aria-label", text(c.name) || app.sectorName(c.sector));
    drawCharts(chart, c.series, c.from, c.to);
  }

  function render() {
    reconcile(list, charts, {
      key: (c) => c.sector,
      signature: (c) => `${c.from}|${c.to}|${JSON.stringify(c.series)}|${text(c.name)}`,
      create: card,
      update: fill,
    });
    section.querySelector("#charts-empty").hidden = charts.length > 0;
  }

  const load = refresher(async (seen) => {
    const hours = Number(hoursSelect.value) || 6;
    const kpis = await app.get("/v1/ops/kpis", { seen });
    const sectors = kpis.sectors ?? [];
    for (const s of sectors) app.sectorNames.set(s.sector, s.name);
    const histories = await Promise.all(
      sectors.map((s) => app.get("/v1/ops/history", { sector: s.sector, hours, seen })),
    );
    charts = sectors.map((s, i) => {
      const body = histories[i];
      const current = new Map(s.kpis.map((k) => [k.id, { value: k.value, updatedAt: k.updatedAt }]));
      const series = (body.series ?? []).map((x) => ({ ...x, current: current.get(x.id) ?? null }));
      const lastPoint = Math.max(...series.flatMap((x) => (x.points ?? []).map(([at]) => Date.parse(at))).filter(Number.isFinite), -Infinity);
      const to = body.now ? Date.parse(body.now) : Number.isFinite(lastPoint) ? lastPoint : Date.now();
      return { sector: s.sector, name: s.name, series, from: to - hours * 3600000, to };
    });
    render();
  }, (error) => notify({ raw: errorMessage(error), kind: "error" }));
  const refresh = throttle(load, REFRESH_MIN_MS);

  hoursSelect.addEventListener("change", () => load(app.seen()));

  return {
    show: load,
    refresh,
    wants: (batch) => touches(batch.types, ["city.ioc.kpi"]),
    onLang: render,
  };
}
