//! A small Chrome DevTools Protocol client for the browser tests: it drives
//! real headless Chromium (Debian's `chromium`, at `/usr/bin/chromium`, or
//! `$CHROMIUM`).
//!
//! [`Browser::launch`] starts one Chromium per test with a fresh profile and
//! connects to its DevTools WebSocket; [`Browser::new_page`] opens a tab
//! (a flattened session) that records every console error or warning,
//! uncaught exception, `Log` error (failed requests, CSP violations) and
//! failed or non-2xx/3xx request from the moment it opens. A [`Page`] loads
//! URLs, evaluates JavaScript (JSON values, promises awaited), waits for a
//! condition (polled every 50 ms, [`TIMEOUT`] at most), clicks, types and
//! takes PNG screenshots; [`Page::sign_in`] signs the dashboard in with a
//! token (`sign_in.rs`). Every failure panics with what was waited for, what
//! the page showed and what it reported. Chromium is killed when the
//! [`Browser`] is dropped, and a missing Chromium fails the test (it is never
//! skipped): `.ci/run` installs it.

mod cdp;
mod chromium;
mod events;
mod input;
mod page;
mod sign_in;
mod tests;

use std::time::Duration;

pub use chromium::Browser;
pub use page::Page;
pub use sign_in::SIGNED_IN;

/// How long a wait on the page lasts at most: generous, since the tests run
/// in parallel with others on small machines; no test asserts a time.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// `[name="value"]`, quoted for CSS.
pub fn attr(name: &str, value: &str) -> String {
    format!(
        "[{name}=\"{}\"]",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// `s` as a JavaScript string literal.
pub fn js_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}
