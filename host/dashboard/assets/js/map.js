// Drawing the province map into an <svg>: an equirectangular projection of
// the features' bbox (longitudes scaled by cos(latitude)), a graticule and a
// scale bar, and one group per layer kept in step with the features by key
// (only features whose data changed are redrawn). Roads are the segments of
// one road joined in order, each piece coloured by its segment's congestion.

import { reconcile, svg } from "./dom.js";
import { num, percent } from "./format.js";
import { t, text } from "./i18n.js";

/** Drawing order, bottom first. */
export const LAYERS = ["segment", "report", "hospital", "site", "incident", "gate"];

const WIDTH = 1000;
const PAD = 36;
const KM_PER_DEGREE_LAT = 110.574;

/** The projection of `bbox` ([minLon, minLat, maxLon, maxLat], padded) onto WIDTH × height. */
export function projection(bbox) {
  let [minLon, minLat, maxLon, maxLat] = bbox;
  const margin = Math.max(maxLon - minLon, maxLat - minLat, 0.02) * 0.06;
  minLon -= margin; maxLon += margin; minLat -= margin; maxLat += margin;
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const w = (maxLon - minLon) * k;
  const hgt = maxLat - minLat;
  const height = Math.round(Math.min(1.4, Math.max(0.5, hgt / w)) * WIDTH);
  const scale = Math.min((WIDTH - 2 * PAD) / w, (height - 2 * PAD) / hgt);
  const ox = PAD + (WIDTH - 2 * PAD - w * scale) / 2;
  const oy = PAD + (height - 2 * PAD - hgt * scale) / 2;
  const project = ([lon, lat]) => [ox + (lon - minLon) * k * scale, oy + (maxLat - lat) * scale];
  return { project, width: WIDTH, height, scale, bounds: [minLon, minLat, maxLon, maxLat], key: bbox.join(",") };
}

/** The bbox of point features, or null. */
export function bboxOf(features) {
  let box = null;
  for (const f of features) {
    const [lon, lat] = f.geometry?.coordinates ?? [];
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
    box = box
      ? [Math.min(box[0], lon), Math.min(box[1], lat), Math.max(box[2], lon), Math.max(box[3], lat)]
      : [lon, lat, lon, lat];
  }
  return box;
}

/** The segments of each road, in order along it (by the km in their ids, else by the longer axis). */
export function roads(segments) {
  const byRoad = new Map();
  for (const f of segments) {
    const road = f.properties?.road ?? f.id;
    if (!byRoad.has(road)) byRoad.set(road, []);
    byRoad.get(road).push(f);
  }
  const km = (f) => {
    const m = /-km(\d+(?:\.\d+)?)$/i.exec(String(f.id));
    return m ? Number(m[1]) : null;
  };
  for (const list of byRoad.values()) {
    if (list.every((f) => km(f) != null)) list.sort((a, b) => km(a) - km(b));
    else {
      const lons = list.map((f) => f.geometry.coordinates[0]);
      const lats = list.map((f) => f.geometry.coordinates[1]);
      const axis = Math.max(...lons) - Math.min(...lons) >= Math.max(...lats) - Math.min(...lats) ? 0 : 1;
      list.sort((a, b) => a.geometry.coordinates[axis] - b.geometry.coordinates[axis]);
    }
  }
  return byRoad;
}

const fmt = (x) => x.toFixed(1);
const mid = (a, b) => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/** A nice step for grid lines or a scale bar near `target`. */
function niceStep(target) {
  const power = 10 ** Math.floor(Math.log10(target));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= target) ?? 10 * power;
}

/** The tooltip of a feature: its name, then one line per figure. */
export function describe(f) {
  const p = f.properties ?? {};
  const lines = [text(p.name) || String(f.id)];
  switch (p.layer) {
    case "gate":
      lines.push(t("map.tip.queue", { n: num(p.queueLength), g: num(p.growthPerHour, 1) }), t(`gateTrend.${p.trend ?? "steady"}`));
      break;
    case "segment":
      lines.push(t(`level.${p.level ?? "free"}`), t("map.tip.speed", { n: num(p.speed, 0) }));
      break;
    case "incident":
      lines.push(t("map.tip.incident", { category: t(`incidentCategory.${p.category ?? "other"}`), road: p.road ?? "" }), p.description ?? "");
      break;
    case "report":
      lines.push(p.service_name ?? "", p.overdue ? t("sla.overdue") : t("reportStatus.open"), p.agency ?? "");
      break;
    case "site":
      lines.push(p.capacity ? t("map.tip.visitorsOf", { n: num(p.present), c: num(p.capacity) }) : t("map.tip.visitors", { n: num(p.present) }));
      break;
    case "hospital":
      lines.push(t("map.tip.beds", { n: num(p.bedsOccupied), total: num(p.bedsTotal), ratio: percent(occupancy(p)) }));
      break;
  }
  return lines.filter(Boolean).join("\n");
}

/** A hospital's occupied share of beds, or null. */
export function occupancy(p) {
  return p.bedsTotal > 0 ? p.bedsOccupied / p.bedsTotal : null;
}

/** A gate's class by queue length. */
function gateClass(q) {
  return q >= 1000 ? "gate-critical" : q >= 500 ? "gate-high" : "gate-normal";
}

function hospitalClass(ratio) {
  return ratio >= 0.9 ? "beds-bad" : ratio >= 0.85 ? "beds-warning" : "beds-good";
}

const SHAPES = {
  triangle: (x, y, r) => `M${fmt(x)},${fmt(y - r)}L${fmt(x + r * 0.9)},${fmt(y + r * 0.7)}L${fmt(x - r * 0.9)},${fmt(y + r * 0.7)}Z`,
  diamond: (x, y, r) => `M${fmt(x)},${fmt(y - r)}L${fmt(x + r)},${fmt(y)}L${fmt(x)},${fmt(y + r)}L${fmt(x - r)},${fmt(y)}Z`,
  cross: (x, y, r) => {
    const a = r / 3;
    return `M${fmt(x - a)},${fmt(y - r)}h${fmt(2 * a)}v${fmt(r - a)}h${fmt(r - a)}v${fmt(2 * a)}h${fmt(a - r)}v${fmt(r - a)}h${fmt(-2 * a)}v${fmt(a - r)}h${fmt(a - r)}v${fmt(-2 * a)}h${fmt(r - a)}Z`;
  },
};

/**
 * A map drawn into `root` (an <svg>). `onSelect(feature)` hears clicks and
 * Enter/Space on a feature. update(fc) draws a FeatureCollection;
 * setVisible(layer, on) shows or hides a layer.
 */
export function createMap(root, { onSelect }) {
  const base = svg("g", { class: "graticule", "aria-hidden": "true" });
  const groups = Object.fromEntries(LAYERS.map((layer) => [layer, svg("g", { class: `layer layer-${layer}`, "data-layer-group": layer })]));
  const scaleBar = svg("g", { class: "scale-bar", "aria-hidden": "true" });
  const empty = svg("text", { class: "map-empty", x: WIDTH / 2, y: 200, "text-anchor": "middle", i18n: "map.empty" });
  root.replaceChildren(base, ...LAYERS.map((l) => groups[l]), scaleBar, empty);
  let proj = null;
  let selected = null;
  const features = new Map();

  function interactive(g, f, label) {
    g.dataset.id = f.id;
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", label);
    g.classList.toggle("selected", f.id === selected);
  }

  root.addEventListener("click", (e) => {
    const g = e.target.closest("[data-id]");
    if (g && features.has(g.dataset.id)) select(g.dataset.id);
  });
  root.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    const g = e.target.closest?.("[data-id]");
    if (g && features.has(g.dataset.id)) {
      e.preventDefault();
      select(g.dataset.id);
    }
  });

  function select(id) {
    selected = id;
    for (const g of root.querySelectorAll(".selected")) g.classList.remove("selected");
    for (const g of root.querySelectorAll(`[data-id="${CSS.escape(id)}"]`)) g.classList.add("selected");
    onSelect(features.get(id) ?? null);
  }

  function drawBase() {
    const [minLon, minLat, maxLon, maxLat] = proj.bounds;
    const step = niceStep(Math.max(maxLon - minLon, maxLat - minLat) / 6);
    const lines = [];
    for (let lon = Math.ceil(minLon / step) * step; lon <= maxLon; lon += step) {
      const [x0, y0] = proj.project([lon, minLat]);
      const [, y1] = proj.project([lon, maxLat]);
      lines.push(svg("line", { x1: fmt(x0), y1: fmt(y0), x2: fmt(x0), y2: fmt(y1) }),
        svg("text", { x: fmt(x0 + 3), y: fmt(y0 - 4) }, `${lon.toFixed(step < 0.1 ? 2 : 1)}°E`));
    }
    for (let lat = Math.ceil(minLat / step) * step; lat <= maxLat; lat += step) {
      const [x0, y0] = proj.project([minLon, lat]);
      const [x1] = proj.project([maxLon, lat]);
      lines.push(svg("line", { x1: fmt(x0), y1: fmt(y0), x2: fmt(x1), y2: fmt(y0) }),
        svg("text", { x: fmt(x0 + 3), y: fmt(y0 - 4) }, `${lat.toFixed(step < 0.1 ? 2 : 1)}°N`));
    }
    base.replaceChildren(svg("rect", { class: "map-frame", x: 0, y: 0, width: proj.width, height: proj.height }), ...lines);
    const pxPerKm = proj.scale / KM_PER_DEGREE_LAT;
    const km = niceStep(150 / pxPerKm);
    const len = km * pxPerKm;
    const x = PAD;
    const y = proj.height - 14;
    scaleBar.replaceChildren(
      svg("path", { d: `M${fmt(x)},${fmt(y - 6)}V${fmt(y)}H${fmt(x + len)}V${fmt(y - 6)}` }),
      svg("text", { x: fmt(x + len + 8), y: fmt(y) }, `${num(km)} km`),
    );
  }

  function drawRoad(g, list) {
    const points = list.map((f) => proj.project(f.geometry.coordinates));
    const parts = [];
    list.forEach((f, i) => {
      const p = f.properties;
      const here = points[i];
      const level = p.level ?? "free";
      const tip = describe(f);
      const seg = svg("g", { class: ["segment", `level-${level}`] }, svg("title", {}, tip));
      if (points.length > 1) {
        const start = i > 0 ? mid(points[i - 1], here) : here;
        const end = i < points.length - 1 ? mid(here, points[i + 1]) : here;
        seg.append(svg("path", { "data-layer": "segment", "data-level": level, d: `M${fmt(start[0])},${fmt(start[1])}L${fmt(here[0])},${fmt(here[1])}L${fmt(end[0])},${fmt(end[1])}` }));
      }
      seg.append(svg("circle", { "data-layer": "segment", "data-level": level, class: "segment-point", cx: fmt(here[0]), cy: fmt(here[1]), r: 4 }));
      interactive(seg, f, tip.replaceAll("\n", ", "));
      parts.push(seg);
    });
    const [lx, ly] = points[0];
    const road = list[0].properties.road ?? "";
    parts.push(svg("text", { class: "road-label", x: fmt(lx + 7), y: fmt(ly + 4), "aria-hidden": "true" }, road));
    g.replaceChildren(...parts);
  }

  function drawFeature(g, f) {
    const p = f.properties ?? {};
    const [x, y] = proj.project(f.geometry.coordinates);
    const tip = describe(f);
    const title = svg("title", {}, tip);
    let shapes;
    switch (p.layer) {
      case "gate": {
        const q = Number(p.queueLength ?? 0);
        const r = Math.min(48, 9 + Math.sqrt(q) * 0.55);
        shapes = [
          svg("circle", { "data-layer": "gate", class: ["gate", gateClass(q)], cx: fmt(x), cy: fmt(y), r: fmt(r) }),
          svg("text", { class: "gate-count", x: fmt(x), y: fmt(y + 5), "text-anchor": "middle" }, num(q)),
          svg("text", { class: "gate-name", x: fmt(x), y: fmt(y - r - 6), "text-anchor": "middle" }, text(p.name)),
        ];
        break;
      }
      case "incident":
        shapes = [
          svg("path", { "data-layer": "incident", class: "incident", d: SHAPES.triangle(x, y, 11) }),
          svg("text", { class: "incident-mark", x: fmt(x), y: fmt(y + 5), "text-anchor": "middle" }, "!"),
        ];
        break;
      case "report":
        shapes = [svg("circle", { "data-layer": "report", class: ["report", p.overdue && "overdue"], cx: fmt(x), cy: fmt(y), r: p.overdue ? 5.5 : 4 })];
        break;
      case "site": {
        const present = Number(p.present ?? 0);
        const r = Math.min(22, 7 + Math.sqrt(present) * 0.18);
        const crowded = p.capacity ? present / p.capacity >= 0.9 : false;
        shapes = [
          svg("path", { "data-layer": "site", class: ["site", crowded && "crowded"], d: SHAPES.diamond(x, y, r) }),
          svg("text", { class: "site-label", x: fmt(x + r + 4), y: fmt(y + 4) }, num(present)),
        ];
        break;
      }
      case "hospital":
        shapes = [svg("path", { "data-layer": "hospital", class: ["hospital", hospitalClass(occupancy(p) ?? 0)], d: SHAPES.cross(x, y, 8) })];
        break;
      default:
        shapes = [svg("circle", { "data-layer": p.layer ?? "other", cx: fmt(x), cy: fmt(y), r: 4 })];
    }
    g.replaceChildren(title, ...shapes);
    interactive(g, f, tip.replaceAll("\n", ", "));
  }

  function update(fc) {
    const all = (fc.features ?? []).filter((f) => Array.isArray(f.geometry?.coordinates));
    features.clear();
    for (const f of all) features.set(f.id, f);
    const bbox = fc.bbox ?? bboxOf(all);
    empty.setAttribute("display", all.length ? "none" : "inline");
    if (!bbox) return;
    if (!proj || proj.key !== bbox.join(",")) {
      proj = projection(bbox);
      root.setAttribute("viewBox", `0 0 ${proj.width} ${proj.height}`);
      drawBase();
      for (const g of Object.values(groups)) g.replaceChildren();
    }
    const byLayer = Object.fromEntries(LAYERS.map((l) => [l, []]));
    for (const f of all) byLayer[f.properties?.layer]?.push(f);
    reconcile(groups.segment, [...roads(byLayer.segment)], {
      key: ([road]) => road,
      signature: ([, list]) => JSON.stringify(list),
      create: () => svg("g", { class: "road" }),
      update: (g, [, list]) => drawRoad(g, list),
    });
    for (const layer of LAYERS.filter((l) => l !== "segment")) {
      reconcile(groups[layer], byLayer[layer], {
        key: (f) => f.id,
        signature: (f) => JSON.stringify(f),
        create: () => svg("g", { class: "feature" }),
        update: drawFeature,
      });
    }
    if (selected) {
      const still = features.get(selected) ?? null;
      if (!still) selected = null;
      onSelect(still);
    }
  }

  function setVisible(layer, on) {
    groups[layer]?.setAttribute("display", on ? "inline" : "none");
  }

  return { update, setVisible, select };
}
