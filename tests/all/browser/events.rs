//! What a page reports while it runs, kept for the test: its problems
//! (console errors and warnings, uncaught exceptions, `Log` errors and
//! warnings, failed requests and HTTP errors), its load events, and the
//! requests still in flight.
//!
//! Fed by the connection task for every event of the page's session
//! ([`PageEvents::record`]); read by the [`Page`](super::Page).

use std::{collections::HashMap, fmt, sync::Mutex};

use serde_json::Value;
use tokio::sync::watch;

/// One thing the page reported that a clean page does not.
#[derive(Debug, Clone)]
pub struct Problem {
    /// `console.error`, `console.warning`, `exception`, `log.error` (with
    /// the log's source), `request`.
    pub kind: String,
    pub text: String,
    /// Where: `url:line:column`, or the request's URL.
    pub at: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.kind, self.text)?;
        if !self.at.is_empty() {
            write!(f, " (at {})", self.at)?;
        }
        Ok(())
    }
}

/// The record of one page session.
pub struct PageEvents {
    problems: Mutex<Vec<Problem>>,
    /// How many `load` events the page has fired.
    loads: watch::Sender<u64>,
    /// Requests sent and not finished: request id → (type, URL).
    in_flight: Mutex<HashMap<String, (String, String)>>,
}

impl PageEvents {
    pub fn new() -> Self {
        Self {
            problems: Mutex::default(),
            loads: watch::Sender::new(0),
            in_flight: Mutex::default(),
        }
    }

    pub fn problems(&self) -> Vec<Problem> {
        self.problems.lock().unwrap().clone()
    }

    /// A receiver of the count of `load` events.
    pub fn loads(&self) -> watch::Receiver<u64> {
        self.loads.subscribe()
    }

    /// The URLs of the requests in flight, but for long-lived streams
    /// (`EventSource`, WebSockets).
    pub fn in_flight(&self) -> Vec<String> {
        let mut urls: Vec<String> = self
            .in_flight
            .lock()
            .unwrap()
            .values()
            .filter(|(kind, _)| kind != "EventSource" && kind != "WebSocket")
            .map(|(_, url)| url.clone())
            .collect();
        urls.sort();
        urls
    }

    /// Records the event `method` with `params`, when it is one of those kept.
    pub fn record(&self, method: &str, params: &Value) {
        match method {
            "Page.loadEventFired" => self.loads.send_modify(|n| *n += 1),
            "Runtime.consoleAPICalled" => self.console(params),
            "Runtime.exceptionThrown" => self.exception(&params["exceptionDetails"]),
            "Log.entryAdded" => self.log(&params["entry"]),
            "Network.requestWillBeSent" => {
                let kind = params["type"].as_str().unwrap_or("Other").to_owned();
                let url = text(&params["request"]["url"]);
                self.in_flight
                    .lock()
                    .unwrap()
                    .insert(text(&params["requestId"]), (kind, url));
            }
            "Network.responseReceived" => {
                let response = &params["response"];
                let status = response["status"].as_u64().unwrap_or(0);
                if status >= 400 {
                    self.push("request", format!("HTTP {status}"), text(&response["url"]));
                }
            }
            "Network.loadingFinished" => {
                self.finished(params);
            }
            "Network.loadingFailed" => {
                let request = self.finished(params);
                // A stream cut by a navigation or a reload is not a failure.
                if params["canceled"] != true {
                    let why = text(&params["errorText"]);
                    let blocked = text(&params["blockedReason"]);
                    self.push("request", format!("failed: {why} {blocked}"), request);
                }
            }
            _ => {}
        }
    }

    /// Forgets a finished request and returns its URL.
    fn finished(&self, params: &Value) -> String {
        self.in_flight
            .lock()
            .unwrap()
            .remove(params["requestId"].as_str().unwrap_or_default())
            .map(|(_, url)| url)
            .unwrap_or_default()
    }

    fn console(&self, params: &Value) {
        let level = params["type"].as_str().unwrap_or_default();
        if !matches!(level, "error" | "warning" | "assert") {
            return;
        }
        let args: Vec<String> = params["args"]
            .as_array()
            .map(|args| args.iter().map(remote_object).collect())
            .unwrap_or_default();
        let frame = &params["stackTrace"]["callFrames"][0];
        self.push(
            &format!("console.{level}"),
            args.join(" "),
            location(&frame["url"], &frame["lineNumber"], &frame["columnNumber"]),
        );
    }

    fn exception(&self, details: &Value) {
        let description = details["exception"]["description"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| text(&details["text"]));
        self.push(
            "exception",
            description,
            location(
                &details["url"],
                &details["lineNumber"],
                &details["columnNumber"],
            ),
        );
    }

    fn log(&self, entry: &Value) {
        let level = entry["level"].as_str().unwrap_or_default();
        if !matches!(level, "error" | "warning") {
            return;
        }
        let source = entry["source"].as_str().unwrap_or_default();
        self.push(
            &format!("log.{level} {source}"),
            text(&entry["text"]),
            location(&entry["url"], &entry["lineNumber"], &Value::Null),
        );
    }

    fn push(&self, kind: &str, text: String, at: String) {
        self.problems.lock().unwrap().push(Problem {
            kind: kind.to_owned(),
            text,
            at,
        });
    }
}

/// A console argument as the console would show it.
fn remote_object(object: &Value) -> String {
    match &object["value"] {
        Value::String(s) => s.clone(),
        Value::Null => object["description"]
            .as_str()
            .or(object["unserializableValue"].as_str())
            .or(object["type"].as_str())
            .unwrap_or_default()
            .to_owned(),
        value => value.to_string(),
    }
}

/// `url:line:column`, 1-based, from DevTools' 0-based numbers.
fn location(url: &Value, line: &Value, column: &Value) -> String {
    let mut at = text(url);
    for n in [line, column] {
        if let Some(n) = n.as_u64() {
            at.push_str(&format!(":{}", n + 1));
        }
    }
    at
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}
