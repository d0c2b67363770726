// #/map: the province map (layers drawn by ../map.js) with a toggle per
// layer, a legend, and a details panel for the feature clicked.

import { refresher, touches } from "../api.js";
import { badge } from "../badges.js";
import { h } from "../dom.js";
import { dateTime, num, percent } from "../format.js";
import { has, serviceName, t, text } from "../i18n.js";
import { LAYERS, createMap, occupancy } from "../map.js";
import { errorMessage, notify } from "../notice.js";

const FIELDS = {
  gate: ["queueLength", "growthPerHour", "trend", "road"],
  segment: ["road", "level", "speed"],
  incident: ["category", "road", "description"],
  report: ["service_name", "status", "overdue", "agency"],
  site: ["present", "capacity"],
  hospital: ["bedsOccupied", "bedsTotal"],
};

/** A property's value for people. */
function shown(layer, key, v) {
  if (v == null || v === "") return "—";
  switch (key) {
    case "level":
      return badge("level", v);
    case "trend":
      return t(`gateTrend.${v}`);
    case "category":
      return has(`incidentCategory.${v}`) ? t(`incidentCategory.${v}`) : v;
    case "status":
      return t(`reportStatus.${v === "closed" ? "closed" : "open"}`);
    case "overdue":
      return v ? badge("sla", "overdue") : t("common.no");
    case "speed":
      return t("map.speedValue", { n: num(v, 0) });
    case "growthPerHour":
      return t("unit.perHour", { n: num(v, 1) });
    default:
      return typeof v === "number" ? num(v, 1) : text(v);
  }
}

export function mapScreen(section, app) {
  const root = section.querySelector("#map");
  const details = section.querySelector("#map-details");
  const toggles = [...section.querySelectorAll("input[data-layer-toggle]")];
  let current = null;
  let last = null;

  function renderDetails(f) {
    current = f;
    if (!f) {
      details.replaceChildren(h("p", { class: "muted", i18n: "map.detailsHint" }));
      return;
    }
    const props = f.properties ?? {};
    // A report's type in the current language (its plugin names it once).
    const p = props.layer === "report" ? { ...props, service_name: serviceName(props.service_code, props.service_name), name: serviceName(props.service_code, props.name) } : props;
    const rows = (FIELDS[p.layer] ?? []).map((key) => [h("dt", { i18n: `field.${key}` }), h("dd", {}, shown(p.layer, key, p[key]))]);
    if (p.layer === "hospital") rows.push([h("dt", { i18n: "field.occupancy" }), h("dd", {}, percent(occupancy(p)))]);
    details.replaceChildren(
      h("h3", {}, text(p.name) || String(f.id)),
      h("p", { class: "muted" }, t(`layer.${p.layer}`), " · ", h("code", {}, String(f.id))),
      h("dl", { class: "figures" }, rows.flat()),
      h("p", { class: "muted" }, t("map.updated", { at: dateTime(p.updatedAt) })),
    );
  }

  const map = createMap(root, { onSelect: renderDetails });

  section.querySelector("#map-zoom-in").addEventListener("click", () => map.zoomIn());
  section.querySelector("#map-zoom-out").addEventListener("click", () => map.zoomOut());
  section.querySelector("#map-zoom-reset").addEventListener("click", () => map.resetView());

  for (const box of toggles) {
    box.addEventListener("change", () => map.setVisible(box.dataset.layerToggle, box.checked));
  }

  const refresh = refresher(async (seen) => {
    const fc = await app.get("/v1/ops/map", { seen, layers: LAYERS.join(",") });
    last = fc;
    map.update(fc);
    const counts = Object.fromEntries(LAYERS.map((l) => [l, 0]));
    for (const f of fc.features ?? []) if (f.properties?.layer in counts) counts[f.properties.layer]++;
    section.querySelector("#map-zoom-in").addEventListener("click", () => map.zoomIn());
  section.querySelector("#map-zoom-out").addEventListener("click", () => map.zoomOut());
  section.querySelector("#map-zoom-reset").addEventListener("click", () => map.resetView());

  for (const box of toggles) {
      const out = box.closest("label")?.querySelector(".layer-count");
      if (out) out.textContent = num(counts[box.dataset.layerToggle] ?? 0);
    }
  }, (error) => notify({ raw: errorMessage(error), kind: "error" }));

  renderDetails(null);

  return {
    show: refresh,
    refresh,
    wants: (batch) =>
      touches(batch.types, ["city.traffic.", "city.tourism.visitors", "city.health.beds", "city.fieldreport.", "cityhub.clock.tick"]),
    onLang() {
      if (last) map.update(last);
      renderDetails(current);
    },
  };
}
