// Badges that read without colour: each severity, standing, state, SLA state
// and congestion level has an icon shape and a label besides its colour.

import { h } from "./dom.js";
import { t } from "./i18n.js";

export const SEVERITIES = ["critical", "high", "medium", "low", "informational"];
export const STATES = ["open", "acknowledged", "assigned", "resolved"];

const ICONS = {
  severity: { critical: "◆", high: "▲", medium: "●", low: "▼", informational: "ℹ" },
  standing: { good: "✔", warning: "!", bad: "✖", none: "–" },
  state: { open: "○", acknowledged: "◐", assigned: "➜", resolved: "✔" },
  sla: { "on-time": "✔", "due-soon": "◔", overdue: "✖", closed: "■", none: "–" },
  level: { free: "●", heavy: "▲", severe: "◆", cleared: "○" },
  plugin: { running: "▶", suspended: "‖" },
};

/** A badge of `kind` (severity, standing, state, sla, level, plugin) for `value`. */
export function badge(kind, value) {
  const v = value ?? "none";
  return h("span", { class: ["badge", `${kind}-${v}`], [`data-${kind}`]: v },
    h("span", { class: "badge-icon", "aria-hidden": "true" }, ICONS[kind]?.[v] ?? "•"),
    h("span", { class: "badge-label" }, t(`${kind}.${v}`)),
  );
}

const ARROWS = { up: "↑", down: "↓", steady: "→", new: "✦" };

/** A trend arrow with its label for screen readers and as a tooltip. */
export function trendArrow(trend) {
  const v = trend ?? "new";
  const label = t(`trend.${v}`);
  return h("span", { class: ["trend", `trend-${v}`], title: label, "aria-label": label, role: "img" }, ARROWS[v] ?? "·");
}
