// The entry point: the language, signing in (session.js: nothing of the
// operations centre is fetched before), then the header (live state,
// event-time clock, operator, who is signed in), the hash router between the
// six screens, and the live stream whose batches go to every screen (the
// visible one refetches when a batch touches it; a screen always refetches
// when it is shown). Signing out, or any 401 (the session ended), stops all
// of it and shows the sign-in screen again; signing in again reloads.

import { LiveStream, getJson, onUnauthorized } from "./api.js";
import { setKey } from "./dom.js";
import { currentLang, has, onLangChange, setLang, t, text, translate } from "./i18n.js";
import { dateTime, num } from "./format.js";
import { notify } from "./notice.js";
import { createSession } from "./session.js";
import { overviewScreen } from "./screens/overview.js";
import { mapScreen } from "./screens/map.js";
import { alertsScreen } from "./screens/alerts.js";
import { incidentsScreen } from "./screens/incidents.js";
import { healthScreen } from "./screens/health.js";
import { chartsScreen } from "./screens/charts.js";

const OPERATOR_KEY = "cityhub.operator";
const SCREENS = {
  overview: overviewScreen,
  map: mapScreen,
  alerts: alertsScreen,
  incidents: incidentsScreen,
  health: healthScreen,
  charts: chartsScreen,
};
const DEFAULT_SCREEN = "overview";
const POLL_WHILE_OFFLINE_MS = 10000;

function stored(key) {
  try {
    return localStorage.getItem(key) ?? "";
  } catch {
    return "";
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode: kept for this page only
  }
}

/** What the screens share: reading the API, the log position seen, names, the operator. */
function createApp() {
  const operatorInput = document.getElementById("operator-name");
  const app = {
    stream: null,
    running: true,
    sectorNames: new Map(),
    /** The highest log position the stream delivered. */
    seen: () => app.stream?.seen ?? 0,
    /** GET an ops endpoint; notes the read model's event-time `now`. Once stopped, never answers. */
    async get(path, params) {
      if (!app.running) return new Promise(() => {});
      const body = await getJson(path, params);
      if (body && "now" in body) app.setNow(body.now);
      return body;
    },
    now: null,
    setNow(now) {
      if (!now || now === app.now) return;
      app.now = now;
      const el = document.getElementById("event-now");
      el.textContent = dateTime(now);
      el.setAttribute("datetime", now);
    },
    /** The sector's name in the current language (from the KPIs, else the dictionary). */
    sectorName(sector) {
      const known = app.sectorNames.get(sector);
      if (known) return text(known);
      return has(`sector.${sector}`) ? t(`sector.${sector}`) : sector;
    },
    /** The operator's name, or null after asking for it (focus + message). */
    operator() {
      const name = operatorInput.value.trim();
      if (name) {
        operatorInput.removeAttribute("aria-invalid");
        return name;
      }
      operatorInput.setAttribute("aria-invalid", "true");
      operatorInput.focus();
      notify({ key: "operator.required", kind: "error" });
      return null;
    },
  };
  operatorInput.value = stored(OPERATOR_KEY);
  operatorInput.addEventListener("input", () => {
    store(OPERATOR_KEY, operatorInput.value.trim());
    if (operatorInput.value.trim()) operatorInput.removeAttribute("aria-invalid");
  });
  return app;
}

function setupLanguage() {
  document.documentElement.lang = currentLang();
  translate(document);
  document.getElementById("lang-switch").addEventListener("click", () => {
    setLang(currentLang() === "vi" ? "en" : "vi");
  });
}

function setupLiveState(state) {
  document.body.dataset.live = state;
  const status = document.getElementById("live-status");
  status.dataset.state = state;
  setKey(status.querySelector(".live-label"), `live.${state}`);
}

/** Events per minute over the last minute of batches. */
function rateMeter() {
  const el = document.getElementById("event-rate");
  const window = [];
  return (count) => {
    const at = performance.now();
    window.push([at, count]);
    while (window.length && window[0][0] < at - 60000) window.shift();
    const total = window.reduce((sum, [, n]) => sum + n, 0);
    const span = Math.max(1, Math.min(60, (at - window[0][0]) / 1000 + 0.3));
    setKey(el, "live.rate", { n: num(Math.round((total * 60) / span)) });
  };
}

/** Runs the operations centre until the returned stop() is called. */
function startApp() {
  const app = createApp();
  const screens = {};
  for (const [name, make] of Object.entries(SCREENS)) {
    const section = document.querySelector(`section[data-screen="${name}"]`);
    screens[name] = { section, screen: make(section, app) };
  }
  let visible = null;

  function show(name, focus) {
    if (!(name in screens)) name = DEFAULT_SCREEN;
    for (const [other, entry] of Object.entries(screens)) {
      const on = other === name;
      entry.section.hidden = !on;
      const link = document.querySelector(`a[data-screen="${other}"]`);
      if (on) link?.setAttribute("aria-current", "page");
      else link?.removeAttribute("aria-current");
      if (!on && other === visible) entry.screen.hide?.();
    }
    visible = name;
    const entry = screens[name];
    entry.screen.show(app.seen());
    if (focus) entry.section.querySelector("h2")?.focus();
  }

  const route = (focus) => show(location.hash.replace(/^#\//, "").split("?")[0], focus);
  window.addEventListener("hashchange", () => route(true));

  const rate = rateMeter();
  app.stream = new LiveStream("/v1/stream", {
    // The browser does not show an EventSource's status: ask whether the
    // session ended (a 401 goes to onUnauthorized).
    onClosed() {
      getJson("/v1/session").catch(() => {});
    },
    onState(state) {
      setupLiveState(state);
      if (state === "connected") screens[visible]?.screen.refresh(app.seen());
    },
    onBatch(batch) {
      rate(batch.events.length + batch.dropped);
      for (const [name, entry] of Object.entries(screens)) {
        entry.screen.onEvents?.(batch, name === visible);
        if (name === visible && entry.screen.wants(batch)) entry.screen.refresh(batch.seen);
      }
    },
  });

  onLangChange(() => {
    for (const entry of Object.values(screens)) entry.screen.onLang?.();
  });

  const poll = setInterval(() => {
    if (document.body.dataset.live !== "connected" && visible) screens[visible].screen.refresh(app.seen());
  }, POLL_WHILE_OFFLINE_MS);

  app.stream.start();
  if (!location.hash.startsWith("#/")) history.replaceState(null, "", `#/${DEFAULT_SCREEN}`);
  route(false);
  // the sectors' names, for every screen that names a sector
  app.get("/v1/ops/kpis").then((body) => {
    for (const s of body.sectors ?? []) app.sectorNames.set(s.sector, s.name);
  }, () => {});
  return () => {
    app.running = false;
    app.stream.stop();
    clearInterval(poll);
  };
}

async function start() {
  setupLanguage();
  const session = createSession();
  await session.begin();
  let stop = startApp();
  // Signed out or the session ended: stop everything, show the sign-in
  // screen; a new sign-in starts afresh from a reload.
  const leave = (how) => {
    if (!stop) return;
    stop();
    stop = null;
    how().then(() => location.reload());
  };
  onUnauthorized(() => leave(() => session.ended()));
  session.onSignOut(() => leave(() => session.signOut()));
}

start();
