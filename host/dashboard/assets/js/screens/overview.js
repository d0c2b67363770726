// #/overview: a tile per sector (its standing, how many of its KPIs stand at
// warning or bad; a click lists the sector's KPIs), the open alerts by
// severity, and the live events (newest first, the last LIVE_MAX).

import { refresher, touches } from "../api.js";
import { SEVERITIES, badge, trendArrow } from "../badges.js";
import { h, reconcile } from "../dom.js";
import { dateTime, num, time, value } from "../format.js";
import { t, text } from "../i18n.js";
import { errorMessage, notify } from "../notice.js";

const LIVE_MAX = 50;

export function overviewScreen(section, app) {
  const tiles = section.querySelector("#kpi-tiles");
  const counts = section.querySelector("#alert-counts");
  const drill = section.querySelector("#kpi-drill");
  const drillTitle = section.querySelector("#kpi-drill-title");
  const drillRows = section.querySelector("#kpi-drill-rows");
  const live = section.querySelector("#live-events");
  let sectors = [];
  let alertCounts = null;
  let open = null; // the drilled-down sector
  let recent = []; // newest first

  function tile(sector) {
    const el = h("button", { type: "button", class: "tile", "aria-controls": "kpi-drill" });
    el.addEventListener("click", () => toggle(el.dataset.kpiSector));
    return el;
  }

  function fillTile(el, s) {
    el.dataset.kpiSector = s.sector;
    el.dataset.standing = s.standing ?? "none";
    el.setAttribute("aria-expanded", String(open === s.sector));
    const flagged = s.value ?? 0;
    el.replaceChildren(
      h("span", { class: "tile-name" }, text(s.name) || app.sectorName(s.sector)),
      h("span", { class: "tile-value" }, num(flagged)),
      h("span", { class: "tile-caption" }, t("overview.flagged", { n: num(s.kpis.length) })),
      badge("standing", s.standing),
    );
    el.setAttribute("aria-label", t("overview.tileLabel", {
      sector: text(s.name) || app.sectorName(s.sector),
      standing: t(`standing.${s.standing ?? "none"}`),
      n: num(flagged),
    }));
  }

  function kpiRow(kpi) {
    return [
      h("td", {}, text(kpi.name)),
      h("td", {}, kpi.scopeName ?? kpi.scope ?? ""),
      h("td", { class: "num" }, value(kpi.value, kpi.unit)),
      h("td", {}, t(`unitName.${kpi.unit ?? "count"}`)),
      h("td", {}, badge("standing", kpi.standing)),
      h("td", {}, trendArrow(kpi.trend), " ", h("span", { class: "muted" }, kpi.previous == null ? "" : value(kpi.previous, kpi.unit))),
      h("td", {}, dateTime(kpi.updatedAt)),
    ];
  }

  function renderDrill() {
    const s = sectors.find((x) => x.sector === open);
    drill.hidden = !s;
    if (!s) return;
    drillTitle.textContent = t("overview.drillTitle", { sector: text(s.name) || app.sectorName(s.sector) });
    reconcile(drillRows, s.kpis, {
      key: (k) => k.id,
      signature: (k) => `${k.value}|${k.standing}|${k.trend}|${k.previous}|${k.updatedAt}`,
      create: (k) => h("tr", { "data-kpi-id": k.id }),
      update: (el, k) => el.replaceChildren(...kpiRow(k)),
    });
  }

  function toggle(sector) {
    open = open === sector ? null : sector;
    for (const el of tiles.children) el.setAttribute("aria-expanded", String(el.dataset.kpiSector === open));
    renderDrill();
    if (open) drill.focus();
  }

  section.querySelector("#kpi-drill-close").addEventListener("click", () => {
    const was = open;
    toggle(open);
    tiles.querySelector(`[data-kpi-sector="${CSS.escape(was ?? "")}"]`)?.focus();
  });
  drill.addEventListener("keydown", (e) => {
    if (e.key === "Escape") section.querySelector("#kpi-drill-close").click();
  });

  function renderTiles() {
    reconcile(tiles, sectors, {
      key: (s) => s.sector,
      signature: (s) => `${s.standing}|${s.value}|${s.kpis.length}|${open === s.sector}|${text(s.name)}`,
      create: tile,
      update: fillTile,
    });
    section.querySelector("#kpi-empty").hidden = sectors.length > 0;
    renderDrill();
  }

  function renderCounts() {
    if (!alertCounts) return;
    counts.replaceChildren(
      h("a", { href: "#/alerts", class: "counts-title", i18n: "overview.openAlerts" }),
      ...SEVERITIES.map((sev) =>
        h("span", { class: ["count", `severity-${sev}`, alertCounts[sev] ? "" : "zero"] },
          badge("severity", sev), h("strong", {}, num(alertCounts[sev] ?? 0)))),
    );
  }

  function liveItem(event) {
    const sector = String(event.type ?? "").split(".")[1] ?? "";
    return h("li", { "data-event-id": event.id, "data-type": event.type, class: `ev-${sector}` },
      h("time", { datetime: event.time ?? "" }, time(event.time)),
      h("span", { class: "ev-type" }, event.type),
      h("span", { class: "ev-subject" }, event.subject ?? ""),
    );
  }

  function renderLive(fresh) {
    const items = fresh.map(liveItem);
    live.prepend(...items);
    while (live.children.length > LIVE_MAX) live.lastElementChild.remove();
    section.querySelector("#live-empty").hidden = live.children.length > 0;
  }

  const refresh = refresher(async (seen) => {
    const [kpis, alerts] = await Promise.all([
      app.get("/v1/ops/kpis", { seen }),
      app.get("/v1/ops/alerts", { seen, limit: 1 }),
    ]);
    sectors = kpis.sectors ?? [];
    for (const s of sectors) app.sectorNames.set(s.sector, s.name);
    alertCounts = alerts.counts ?? null;
    renderTiles();
    renderCounts();
  }, (error) => notify({ raw: errorMessage(error), kind: "error" }));

  return {
    show: refresh,
    refresh,
    wants: (batch) => touches(batch.types, ["city.ioc.kpi", "city.ioc.alert", "cityhub.ops."]),
    onEvents(batch) {
      if (!batch.events.length) return;
      const fresh = batch.events.slice(-LIVE_MAX).reverse();
      recent = fresh.concat(recent).slice(0, LIVE_MAX);
      renderLive(fresh);
    },
    onLang() {
      renderTiles();
      renderCounts();
      live.replaceChildren();
      renderLive(recent);
    },
  };
}
