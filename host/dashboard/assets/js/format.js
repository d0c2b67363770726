// Numbers, values with units, times and durations in the current language
// (Intl, vi-VN / en-GB), times always in the province's zone.

import { locale, t } from "./i18n.js";

export const TIME_ZONE = "Asia/Ho_Chi_Minh";

const cache = new Map();
function formatter(kind, options) {
  const key = `${locale()}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = kind.startsWith("n:")
      ? new Intl.NumberFormat(locale(), options)
      : new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, ...options });
    cache.set(key, f);
  }
  return f;
}

/** `n` with grouping, `digits` decimals at most; "—" for null. */
export function num(n, digits = 0) {
  if (n == null || Number.isNaN(Number(n))) return "—";
  return formatter(`n:${digits}`, { maximumFractionDigits: digits }).format(n);
}

/** A 0..1 ratio as a percentage. */
export function percent(ratio, digits = 1) {
  if (ratio == null) return "—";
  return formatter(`n:%${digits}`, { style: "percent", maximumFractionDigits: digits }).format(ratio);
}

/**
 * A KPI value in its unit (ratio, count, per-hour, tonnes, days, vnd), with
 * at most `digits` decimals (of the percentage for ratios) when given.
 */
export function value(v, unit, digits) {
  if (v == null) return "—";
  switch (unit) {
    case "ratio":
      return percent(v, digits ?? 1);
    case "per-hour":
      return t("unit.perHour", { n: num(v, digits ?? 1) });
    case "tonnes":
      return t("unit.tonnes", { n: num(v, digits ?? 1) });
    case "days":
      return t("unit.days", { n: num(v, digits ?? 1) });
    case "vnd":
      return formatter("n:vnd", { style: "currency", currency: "VND", maximumFractionDigits: 0 }).format(v);
    default:
      return num(v, digits ?? (Number.isInteger(v) ? 0 : 2));
  }
}

function date(iso) {
  const d = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "14:05:09". */
export function time(iso) {
  const d = date(iso);
  return d ? formatter("d:time", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(d) : "—";
}

/** "14:05". */
export function hourMinute(iso) {
  const d = date(iso);
  return d ? formatter("d:hm", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d) : "—";
}

/** "27/11/2026, 14:05" (the language's order). */
export function dateTime(iso) {
  const d = date(iso);
  if (!d) return "—";
  return formatter("d:dt", {
    day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(d);
}

/** "27/11 14:05": a recent moment, without the year. */
export function shortDateTime(iso) {
  const d = date(iso);
  if (!d) return "—";
  return formatter("d:sdt", { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
}

/** A length of time as "2 ngày 03:04:05" / "2 d 03:04:05" (negative as its size). */
export function duration(seconds) {
  let s = Math.abs(Math.trunc(seconds));
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const pad = (n) => String(n).padStart(2, "0");
  const clock = `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return days ? `${t("unit.daysShort", { n: num(days) })} ${clock}` : clock;
}

/** `<input type="datetime-local">`'s value (wall time in the province) as RFC 3339 +07:00. */
export function localToRfc3339(value) {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(value ?? "");
  return match ? `${match[1]}${match[2] ?? ":00"}+07:00` : null;
}

/** A moment as a datetime-local value in the province ("2026-11-27T14:05"). */
export function toLocalInput(moment) {
  const shifted = new Date(date(moment).getTime() + 7 * 3600 * 1000);
  return shifted.toISOString().slice(0, 16);
}
