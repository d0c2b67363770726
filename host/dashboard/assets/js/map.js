// Drawing the province map into an <svg>: an equirectangular projection of
// the features' bbox (longitudes scaled by cos(latitude)), a graticule and a
// scale bar, and one group per layer kept in step with the features by key
// (only features whose data changed are redrawn). Roads are the segments of
// one road joined in order, each piece coloured by its segment's congestion.
// Names of gates and sites are placed where they do not overlap; the view
// zooms (wheel, buttons) and pans (drag) by moving the viewBox.

import { reconcile, svg } from "./dom.js";
import { num, percent } from "./format.js";
import { serviceName, t, text } from "./i18n.js";

/** Drawing order, bottom first. */
export const LAYERS = ["segment", "report", "hospital", "site", "incident", "gate"];

const PAD = 36;
/** The drawing's size when the <svg> has none (not laid out yet). */
const FALLBACK = [1000, 700];
const KM_PER_DEGREE_LAT = 110.574;

/** The projection of `bbox` ([minLon, minLat, maxLon, maxLat], padded) onto width × height. */
export function projection(bbox, width, height) {
  let [minLon, minLat, maxLon, maxLat] = bbox;
  const margin = Math.max(maxLon - minLon, maxLat - minLat, 0.02) * 0.06;
  minLon -= margin; maxLon += margin; minLat -= margin; maxLat += margin;
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const w = (maxLon - minLon) * k;
  const hgt = maxLat - minLat;
  const scale = Math.min((width - 2 * PAD) / w, (height - 2 * PAD) / hgt);
  const ox = PAD + (width - 2 * PAD - w * scale) / 2;
  const oy = PAD + (height - 2 * PAD - hgt * scale) / 2;
  const project = ([lon, lat]) => [ox + (lon - minLon) * k * scale, oy + (maxLat - lat) * scale];
  // what is visible: the padded bbox widened to the drawing's aspect
  const bounds = [minLon - ox / (k * scale), maxLat - (height - oy) / scale, minLon + (width - ox) / (k * scale), maxLat + oy / scale];
  return { project, width, height, scale, bounds, key: `${bbox.join(",")}|${width}x${height}` };
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
      lines.push(serviceName(p.service_code, p.service_name), p.overdue ? t("sla.overdue") : t("reportStatus.open"), p.agency ?? "");
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

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** A gate's circle radius for its queue. */
function gateRadius(q) {
  return Math.min(48, 9 + Math.sqrt(Math.max(0, q)) * 0.55);
}

/** A site's diamond size for its visitors. */
function siteRadius(present) {
  return Math.min(22, 7 + Math.sqrt(Math.max(0, present)) * 0.18);
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
  const labels = svg("g", { class: "labels", "aria-hidden": "true" });
  const scaleBar = svg("g", { class: "scale-bar", "aria-hidden": "true" });
  const empty = svg("text", { class: "map-empty", x: 40, y: 80, i18n: "map.empty" });
  root.replaceChildren(base, ...LAYERS.map((l) => groups[l]), labels, scaleBar, empty);
  let proj = null;
  let selected = null;
  let named = [];
  const features = new Map();
  const hidden = new Set();
  let full = null;
  let view = null;
  let last = null;

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
        shapes = [
          svg("circle", { "data-layer": "gate", class: ["gate", gateClass(q)], cx: fmt(x), cy: fmt(y), r: fmt(gateRadius(q)) }),
          svg("text", { class: "gate-count", x: fmt(x), y: fmt(y + 5), "text-anchor": "middle" }, num(q)),
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
        const r = siteRadius(present);
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

  /** Names of the gates (longest queue first) and sites, each at the first free spot around it. */
  function placeLabels() {
    const shown = named.filter(({ f }) => !hidden.has(f.properties.layer));
    // the markers themselves are in the way too
    const boxes = shown.map(({ f, r }) => {
      const [x, y] = proj.project(f.geometry.coordinates);
      return { x0: x - r, x1: x + r, y0: y - r, y1: y + r };
    });
    const free = (b) => boxes.every((o) => b.x1 < o.x0 || b.x0 > o.x1 || b.y1 < o.y0 || b.y0 > o.y1);
    const out = [];
    for (const { f, r } of shown) {
      const layer = f.properties.layer;
      const [x, y] = proj.project(f.geometry.coordinates);
      const name = text(f.properties.name) || String(f.id);
      const w = name.length * 7.6;
      const spots = [
        [x, y - r - 7, "middle"],
        [x, y + r + 17, "middle"],
        [x + r + 6, y + 5, "start"],
        [x - r - 6, y + 5, "end"],
      ];
      for (const [lx, ly, anchor] of spots) {
        const x0 = anchor === "middle" ? lx - w / 2 : anchor === "start" ? lx : lx - w;
        const box = { x0, x1: x0 + w, y0: ly - 13, y1: ly + 4 };
        if (!free(box)) continue;
        boxes.push(box);
        out.push(svg("text", { class: `${layer}-name`, x: fmt(lx), y: fmt(ly), "text-anchor": anchor }, name));
        break;
      }
    }
    labels.replaceChildren(...out);
  }

  function setView(v) {
    view = v;
    root.setAttribute("viewBox", `${fmt(v.x)} ${fmt(v.y)} ${fmt(v.w)} ${fmt(v.h)}`);
  }

  /** Zooms by `factor` (> 1 in) around the map point (cx, cy), the centre by default. */
  function zoom(factor, cx = view.x + view.w / 2, cy = view.y + view.h / 2) {
    if (!full) return;
    const w = clamp(view.w / factor, full.w / 10, full.w);
    const k = w / view.w;
    const h = view.h * k;
    setView({ x: clamp(cx - (cx - view.x) * k, 0, full.w - w), y: clamp(cy - (cy - view.y) * k, 0, full.h - h), w, h });
  }

  /** The map point under a pointer event. */
  function pointAt(e) {
    const m = root.getScreenCTM();
    if (!m) return [view.x + view.w / 2, view.y + view.h / 2];
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return [p.x, p.y];
  }

  root.addEventListener("wheel", (e) => {
    if (!full) return;
    e.preventDefault();
    zoom(e.deltaY < 0 ? 1.25 : 0.8, ...pointAt(e));
  }, { passive: false });

  let drag = null;
  root.addEventListener("pointerdown", (e) => {
    if (!full || e.button !== 0 || e.target.closest("[data-id]")) return;
    drag = { x: e.clientX, y: e.clientY, view, scale: Math.max(view.w / root.clientWidth, view.h / root.clientHeight) };
    root.setPointerCapture(e.pointerId);
    root.classList.add("dragging");
  });
  root.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const v = drag.view;
    setView({
      ...v,
      x: clamp(v.x - (e.clientX - drag.x) * drag.scale, 0, full.w - v.w),
      y: clamp(v.y - (e.clientY - drag.y) * drag.scale, 0, full.h - v.h),
    });
  });
  const endDrag = () => {
    drag = null;
    root.classList.remove("dragging");
  };
  root.addEventListener("pointerup", endDrag);
  root.addEventListener("pointercancel", endDrag);

  /** The <svg>'s size in CSS pixels: one map unit is one pixel, so text keeps its size. */
  function size() {
    const { width, height } = root.getBoundingClientRect();
    return width > 0 && height > 0 ? [Math.round(width), Math.round(height)] : FALLBACK;
  }

  new ResizeObserver(() => {
    if (last && root.getBoundingClientRect().width > 0) update(last);
  }).observe(root);

  function update(fc) {
    last = fc;
    const all = (fc.features ?? []).filter((f) => Array.isArray(f.geometry?.coordinates));
    features.clear();
    for (const f of all) features.set(f.id, f);
    const bbox = fc.bbox ?? bboxOf(all);
    empty.setAttribute("display", all.length ? "none" : "inline");
    if (!bbox) return;
    const [width, height] = size();
    if (!proj || proj.key !== `${bbox.join(",")}|${width}x${height}`) {
      proj = projection(bbox, width, height);
      full = { x: 0, y: 0, w: proj.width, h: proj.height };
      setView(full);
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
    named = [
      ...byLayer.gate.map((f) => ({ f, r: gateRadius(Number(f.properties.queueLength ?? 0)) }))
        .sort((a, b) => b.r - a.r),
      ...byLayer.site.map((f) => ({ f, r: siteRadius(Number(f.properties.present ?? 0)) })),
    ];
    placeLabels();
    if (selected) {
      const still = features.get(selected) ?? null;
      if (!still) selected = null;
      onSelect(still);
    }
  }

  function setVisible(layer, on) {
    groups[layer]?.setAttribute("display", on ? "inline" : "none");
    if (on) hidden.delete(layer);
    else hidden.add(layer);
    if (proj) placeLabels();
  }

  return {
    update,
    setVisible,
    select,
    zoomIn: () => zoom(1.5),
    zoomOut: () => zoom(1 / 1.5),
    resetView: () => full && setView(full),
  };
}
