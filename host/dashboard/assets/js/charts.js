// Hand-drawn SVG line charts: one panel per KPI series (axes, ticks, labels,
// the line and its latest value), laid out in a grid inside one <svg>. A
// KPI holds its value until it changes, so lines step and run on to "now".

import { svg } from "./dom.js";
import { hourMinute, value } from "./format.js";
import { t, text } from "./i18n.js";

const PANEL_W = 440;
const PANEL_H = 230;
const M = { left: 78, right: 84, top: 50, bottom: 34 };
const COLUMNS = 3;

const fmt = (x) => x.toFixed(1);

/** About `count` round tick values covering [lo, hi], and their step. */
export function ticks(lo, hi, count = 4) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const values = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) values.push(Number(v.toPrecision(12)));
  return { values, step };
}

/** Decimals that tell ticks `step` apart (of the percentage for ratios). */
function tickDigits(step, unit) {
  const shown = Number((unit === "ratio" ? step * 100 : step).toPrecision(6));
  return Math.min(4, (String(shown).split(".")[1] ?? "").length);
}

/** The y domain of `values`, padded; ratios keep to [0, 1] when they can. */
function domain(values, unit) {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    const pad = unit === "ratio" ? 0.05 : Math.max(1, Math.abs(lo) * 0.1);
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  if (unit === "ratio") {
    lo = Math.max(0, lo);
    hi = Math.min(1, hi);
  }
  if (values.every((v) => v >= 0)) lo = Math.max(0, lo);
  return [lo, hi];
}

function timeTicks(from, to) {
  const hours = (to - from) / 3600000;
  const step = [1, 2, 3, 6, 12, 24].find((s) => hours / s <= 6) ?? 24;
  const ms = step * 3600000;
  const out = [];
  // hours are whole in the province's zone (UTC+7, no DST) as in UTC
  for (let at = Math.ceil(from / ms) * ms; at <= to; at += ms) out.push(at);
  return out;
}

function panel(series, x0, y0, from, to) {
  const w = PANEL_W - M.left - M.right;
  const hgt = PANEL_H - M.top - M.bottom;
  let points = (series.points ?? [])
    .map(([at, v]) => [Date.parse(at), Number(v)])
    .filter(([at, v]) => Number.isFinite(at) && Number.isFinite(v) && at >= from && at <= to);
  // no change in the window: the current value has held all along
  const since = Date.parse(series.current?.updatedAt ?? "");
  if (!points.length && Number.isFinite(since) && since <= to && Number.isFinite(series.current?.value)) {
    points = [[Math.max(from, since), series.current.value]];
  }
  const title = text(series.name);
  const scope = series.scopeName ?? series.scope ?? "";
  const name = scope ? `${title} — ${scope}` : title;
  const clip = (s) => (s.length > 46 ? `${s.slice(0, 45)}…` : s);
  const g = svg("g", { class: "chart-panel", transform: `translate(${x0},${y0})`, "data-kpi-id": series.id }, svg("title", {}, name));
  g.append(svg("text", { class: "chart-title", x: 8, y: 18 }, clip(title)), svg("text", { class: "chart-scope", x: 8, y: 36 }, clip(scope)));
  const plot = svg("g", { transform: `translate(${M.left},${M.top})` });
  g.append(plot);
  plot.append(svg("rect", { class: "chart-area", x: 0, y: 0, width: w, height: hgt }));
  const sx = (at) => ((at - from) / (to - from)) * w;
  for (const at of timeTicks(from, to)) {
    const x = sx(at);
    plot.append(
      svg("line", { class: "grid", x1: fmt(x), x2: fmt(x), y1: 0, y2: hgt }),
      svg("text", { class: "tick", x: fmt(x), y: hgt + 18, "text-anchor": "middle" }, hourMinute(new Date(at))),
    );
  }
  if (!points.length) {
    plot.append(svg("text", { class: "chart-nodata", x: w / 2, y: hgt / 2, "text-anchor": "middle" }, t("charts.noData")));
    return g;
  }
  const [lo, hi] = domain(points.map(([, v]) => v), series.unit);
  const sy = (v) => hgt - ((v - lo) / (hi - lo || 1)) * hgt;
  const { values, step } = ticks(lo, hi);
  const digits = tickDigits(step, series.unit);
  for (const v of values) {
    const y = sy(v);
    if (y < -0.5 || y > hgt + 0.5) continue;
    plot.append(
      svg("line", { class: "grid", x1: 0, x2: w, y1: fmt(y), y2: fmt(y) }),
      svg("text", { class: "tick", x: -8, y: fmt(y + 5), "text-anchor": "end" }, value(v, series.unit, digits)),
    );
  }
  plot.append(svg("path", { class: "axis", d: `M0,0V${hgt}H${w}` }));
  // a KPI keeps its value until the next change: steps, and a level run on to `to`
  const d = points.map(([at, v], i) => `${i ? `H${fmt(sx(at))}V` : `M${fmt(sx(at))},`}${fmt(sy(v))}`).join("") + `H${fmt(w)}`;
  const [lastAt, lastV] = points[points.length - 1];
  const latest = value(lastV, series.unit);
  plot.append(
    svg("path", { class: "chart-line", d }, svg("title", {}, `${name}: ${latest}`)),
    svg("circle", { class: "chart-dot", cx: fmt(sx(lastAt)), cy: fmt(sy(lastV)), r: 4 }),
    svg("text", { class: "chart-latest", x: fmt(w + 6), y: fmt(sy(lastV) + 5) }, latest),
  );
  return g;
}

/**
 * Draws `series` (the history endpoint's, each with an optional `current`:
 * the KPI's {value, updatedAt} now) into `root` as a grid of panels, the
 * time axis running from `from` to `to` (ms).
 */
export function drawCharts(root, series, from, to) {
  const n = Math.max(1, series.length);
  const columns = Math.min(COLUMNS, n);
  const rows = Math.ceil(n / columns);
  root.setAttribute("viewBox", `0 0 ${columns * PANEL_W} ${rows * PANEL_H}`);
  if (!series.length) {
    root.replaceChildren(svg("text", { class: "chart-nodata", x: PANEL_W / 2, y: PANEL_H / 2, "text-anchor": "middle" }, t("charts.noData")));
    return;
  }
  root.replaceChildren(...series.map((s, i) => panel(s, (i % columns) * PANEL_W, Math.floor(i / columns) * PANEL_H, from, to)));
}
