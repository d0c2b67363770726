// Talking to the host: JSON GET/POST/DELETE of the API (errors carry the
// API's error.message; a 401 also goes to the onUnauthorized handler: the
// session ended), coalesced refetches, and the live event stream with its
// batching (events are queued and handed over at most every FLUSH_MS).
// Requests carry the session cookie the host set at sign-in.

/** An answer that was not 2xx: the API's {"error": {code, message, field}}. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let unauthorized = null;

/** Calls `handler(error)` on every 401 answer from now on (the session ended or was never there). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: described below
  }
  if (response.ok) return body;
  const error = body?.error ?? {};
  const failure = new ApiError(response.status, error.code ?? "http", error.message ?? `HTTP ${response.status} ${response.statusText}`, error.field ?? null);
  if (response.status === 401) unauthorized?.(failure);
  throw failure;
}

/** GET `path` with query `params` (null/empty values left out). */
export async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value != null && value !== "") query.set(name, String(value));
  }
  const url = query.size ? `${path}?${query}` : path;
  return answer(await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" }));
}

/** POST `body` as JSON to `path`. */
export async function postJson(path, body) {
  return answer(
    await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

/** DELETE `path`. */
export async function deleteJson(path) {
  return answer(await fetch(path, { method: "DELETE", headers: { accept: "application/json" } }));
}

/**
 * Wraps `load(seen)` so that at most one call runs at a time: a request
 * while one runs is remembered (the highest `seen`) and run after it, and
 * any number of requests meanwhile make one more call, not many. Errors go
 * to `onError`.
 */
export function refresher(load, onError) {
  let running = false;
  let pending = null;
  async function run(seen) {
    running = true;
    try {
      await load(seen);
    } catch (error) {
      onError?.(error);
    } finally {
      running = false;
    }
    if (pending != null) {
      const next = pending;
      pending = null;
      run(next);
    }
  }
  return (seen = 0) => {
    if (running) pending = Math.max(pending ?? 0, seen);
    else run(seen);
  };
}

export const FLUSH_MS = 300;
const MAX_QUEUE = 5000;
const MAX_BACKOFF_MS = 30000;

/**
 * The live stream: one EventSource on `url`. Events are queued as they come
 * and handed to `onBatch({events, seen, types, dropped})` at most every
 * FLUSH_MS (events oldest first, at most MAX_QUEUE of the newest; `seen` =
 * the highest log position seen). `onState(state)` hears "connecting",
 * "connected", "reconnecting" and "offline"; after the browser gives up
 * (the host answered with an error) `onClosed()` is told (to ask whether
 * the session ended) and it is reopened with growing backoff, until stop().
 */
export class LiveStream {
  constructor(url, { onBatch, onState, onClosed }) {
    this.url = url;
    this.onBatch = onBatch;
    this.onState = onState;
    this.onClosed = onClosed;
    this.stopped = false;
    this.reopen = null;
    this.seen = 0;
    this.queue = [];
    this.dropped = 0;
    this.timer = null;
    this.failures = 0;
    this.source = null;
  }

  start() {
    this.open();
  }

  /** Closes the stream for good: no more batches, no reopening. */
  stop() {
    this.stopped = true;
    this.source?.close();
    clearTimeout(this.reopen);
    clearTimeout(this.timer);
    this.queue = [];
  }

  open() {
    if (this.stopped) return;
    this.onState(this.failures ? "reconnecting" : "connecting");
    const source = new EventSource(this.url);
    this.source = source;
    source.addEventListener("open", () => {
      this.failures = 0;
      this.onState("connected");
    });
    source.addEventListener("cloudevent", (message) => this.push(message));
    source.addEventListener("error", () => {
      if (this.stopped) return;
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        this.failures++;
        const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures - 1, 5));
        this.onState("offline");
        this.onClosed?.();
        this.reopen = setTimeout(() => this.open(), wait * (0.75 + Math.random() * 0.5));
      } else {
        this.onState("reconnecting");
      }
    });
  }

  push(message) {
    if (this.stopped) return;
    const seq = Number(message.lastEventId);
    if (seq > this.seen) this.seen = seq;
    this.queue.push(message.data);
    if (this.queue.length > MAX_QUEUE) {
      this.dropped += this.queue.length - MAX_QUEUE;
      this.queue.splice(0, this.queue.length - MAX_QUEUE);
    }
    if (this.timer == null) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush() {
    this.timer = null;
    const raw = this.queue;
    const dropped = this.dropped;
    this.queue = [];
    this.dropped = 0;
    const events = [];
    const types = new Set();
    for (const data of raw) {
      try {
        const event = JSON.parse(data);
        events.push(event);
        types.add(event.type);
      } catch {
        // not a CloudEvent: nothing to show
      }
    }
    this.onBatch({ events, seen: this.seen, types, dropped });
  }
}

/** Whether any type in `types` starts with one of `prefixes`. */
export function touches(types, prefixes) {
  for (const type of types) {
    for (const prefix of prefixes) if (type.startsWith(prefix)) return true;
  }
  return false;
}

/**
 * Wraps `request(seen)` so that it runs at most once every `minMs`: a call
 * sooner is held until then (with the highest `seen` asked for), never lost.
 */
export function throttle(request, minMs) {
  let lastRun = -Infinity;
  let timer = null;
  let held = 0;
  return (seen = 0) => {
    held = Math.max(held, seen);
    if (timer != null) return;
    const wait = lastRun + minMs - performance.now();
    const run = () => {
      timer = null;
      lastRun = performance.now();
      const next = held;
      held = 0;
      request(next);
    };
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
}
