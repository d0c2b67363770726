// Installed into the dashboard page by the `dashboard` bench (main.rs), once
// the page is live: it records, on the page's own clock (performance.now()),
// each marker event's path and the page's responsiveness. Evaluated as one
// expression; `__MARKER_TYPE__` is replaced with the markers' type first.
//
// Per marker (window.cityhubBench.timing(id)), in ms after the page sent it:
//   accepted: the POST answered 202 (stored in the log)
//   arrived:  the bench's own EventSource (filtered to the marker type) got it
//   shown:    `#live-events [data-event-id=id]` was inserted (MutationObserver)
//   painted:  the first animation frame after that
//   updated:  the first change of `#live-events` after `arrived` (the page
//             showed a batch, with or without the marker in it)
// Refetches (watch(patterns), then stats): every event of the types the
// visible screen refetches for, from its arrival on a stream of the bench's
// own to the first `/v1/ops/*?seen=` answer at or past its log position.
// Responsiveness (stats(from, to)): long tasks (PerformanceObserver
// `longtask`), frames (one requestAnimationFrame callback each), the lateness
// of a 100 ms timer (the event loop's delay), live items added, the JS heap
// (sampled every second; precise with --enable-precise-memory-info).
(() => {
  if (window.cityhubBench) return "already installed";
  const MARKER_TYPE = "__MARKER_TYPE__";
  const b = {
    sent: new Map(),
    accepted: new Map(),
    arrived: new Map(),
    shown: new Map(),
    painted: new Map(),
    updated: new Map(),
    relevant: [], // [seq, arrived], waiting for a refetch past them
    refetched: [], // [arrived, ms until the answer]
    watcher: null,
    longTasks: [],
    frames: [],
    lateness: [],
    added: [],
    heap: [],
    streamOpen: false,
  };

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask" });

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.name.includes("/v1/ops/")) continue;
      const seen = Number(new URL(e.name).searchParams.get("seen") ?? 0);
      const done = e.responseEnd || e.startTime + e.duration;
      b.relevant = b.relevant.filter(([seq, arrived]) => {
        if (seq > seen || arrived > done) return true;
        b.refetched.push([arrived, done - arrived]);
        return false;
      });
    }
  }).observe({ type: "resource" });

  const frame = (at) => {
    b.frames.push(at);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  const TICK_MS = 100;
  let due = performance.now() + TICK_MS;
  const tick = () => {
    const now = performance.now();
    b.lateness.push([now, Math.max(0, now - due)]);
    due = now + TICK_MS;
    setTimeout(tick, TICK_MS);
  };
  setTimeout(tick, TICK_MS);

  const sampleHeap = () => {
    if (performance.memory) b.heap.push([performance.now(), performance.memory.usedJSHeapSize]);
  };
  sampleHeap();
  setInterval(sampleHeap, 1000);

  const live = document.getElementById("live-events");
  new MutationObserver((records) => {
    const at = performance.now();
    let added = 0;
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node.nodeType !== 1) continue;
        added++;
        const id = node.dataset.eventId;
        if (b.sent.has(id) && !b.shown.has(id)) {
          b.shown.set(id, at);
          requestAnimationFrame(() => b.painted.set(id, performance.now()));
        }
      }
    }
    if (!added) return;
    b.added.push([at, added]);
    for (const [id, arrived] of b.arrived) {
      if (!b.updated.has(id) && arrived <= at) b.updated.set(id, at);
    }
  }).observe(live, { childList: true });

  const stream = new EventSource(`/v1/stream?type=${encodeURIComponent(MARKER_TYPE)}`);
  stream.addEventListener("open", () => (b.streamOpen = true));
  stream.addEventListener("cloudevent", (message) => {
    const at = performance.now();
    const id = JSON.parse(message.data).id;
    if (!b.sent.has(id) || b.arrived.has(id)) return;
    b.arrived.set(id, at);
  });

  /**
   * From now on, times the refetches past each event of `patterns` (the
   * stream's `type`, comma-separated; "" for every event): the types the
   * visible screen refetches for.
   */
  b.watch = (patterns) => {
    b.watcher?.close();
    b.relevant = [];
    const query = patterns ? `?type=${encodeURIComponent(patterns)}` : "";
    const source = new EventSource(`/v1/stream${query}`);
    source.addEventListener("cloudevent", (message) => {
      b.relevant.push([Number(message.lastEventId), performance.now()]);
    });
    b.watcher = source;
    return new Promise((resolve) => source.addEventListener("open", () => resolve(true), { once: true }));
  };

  /** Posts `body` (one structured-mode CloudEvent, JSON text) as marker `id`. */
  b.post = async (id, body) => {
    b.sent.set(id, performance.now());
    const r = await fetch("/v1/events", {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json" },
      body,
    });
    b.accepted.set(id, performance.now());
    if (r.status !== 202) throw new Error(`POST /v1/events answered ${r.status}: ${await r.text()}`);
    return r.status;
  };

  /** Marker `id`'s timings, ms after it was sent (null: not yet / never). */
  b.timing = (id) => {
    const sent = b.sent.get(id);
    const after = (m) => (m.has(id) ? m.get(id) - sent : null);
    return {
      accepted: after(b.accepted),
      arrived: after(b.arrived),
      shown: after(b.shown),
      painted: after(b.painted),
      updated: after(b.updated),
    };
  };

  /**
   * Resolves with marker `id`'s timings once it is painted, or `settleMs`
   * after it arrived on the bench's stream without being shown (the page
   * showed a batch without it), or `timeoutMs` after it was sent.
   */
  b.wait = (id, settleMs, timeoutMs) =>
    new Promise((resolve) => {
      const sent = b.sent.get(id);
      const poll = () => {
        const now = performance.now();
        const settled = b.arrived.has(id) && now - b.arrived.get(id) > settleMs;
        if (b.painted.has(id) || settled || now - sent > timeoutMs) resolve(b.timing(id));
        else setTimeout(poll, 25);
      };
      poll();
    });

  /** The page's responsiveness between `from` and `to` (performance.now()). */
  b.stats = (from, to) => {
    const secs = Math.max(0.001, (to - from) / 1000);
    const inside = (at) => at >= from && at < to;
    const tasks = b.longTasks.filter(([at]) => inside(at)).map(([, d]) => d);
    const frames = b.frames.filter(inside);
    const perSecond = new Array(Math.max(1, Math.floor(secs))).fill(0);
    for (const at of frames) {
      const i = Math.floor((at - from) / 1000);
      if (i < perSecond.length) perSecond[i]++;
    }
    const late = b.lateness.filter(([at]) => inside(at)).map(([, l]) => l).sort((x, y) => x - y);
    const added = b.added.filter(([at]) => inside(at)).reduce((n, [, k]) => n + k, 0);
    const refetched = b.refetched.filter(([at]) => inside(at)).map(([, ms]) => ms).sort((x, y) => x - y);
    const rank = (q) => refetched[Math.min(refetched.length, Math.max(1, Math.ceil(q * refetched.length))) - 1];
    const heap = b.heap.filter(([at]) => inside(at)).map(([, used]) => used);
    return {
      seconds: secs,
      longTaskCount: tasks.length,
      longTaskMs: tasks.reduce((s, d) => s + d, 0),
      longTaskWorstMs: tasks.length ? Math.max(...tasks) : 0,
      frames: frames.length,
      worstSecondFrames: Math.min(...perSecond),
      timerLatenessP95Ms: late.length ? late[Math.min(late.length - 1, Math.floor(late.length * 0.95))] : 0,
      timerLatenessMaxMs: late.length ? late[late.length - 1] : 0,
      liveItemsAdded: added,
      refetch: refetched.length
        ? { n: refetched.length, median: rank(0.5), p95: rank(0.95), max: refetched[refetched.length - 1] }
        : null,
      refetchMissing: b.relevant.filter(([, at]) => inside(at)).length,
      heapStart: heap.length ? heap[0] : null,
      heapEnd: heap.length ? heap[heap.length - 1] : null,
      heapMax: heap.length ? Math.max(...heap) : null,
      domNodes: document.getElementsByTagName("*").length,
    };
  };

  window.cityhubBench = b;
  return "installed";
})()
