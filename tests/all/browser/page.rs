//! One tab: loading a URL, evaluating JavaScript, waiting for a condition,
//! and describing what the page shows when something fails.
//!
//! Every wait polls every 50 ms for [`TIMEOUT`] at most, then panics with
//! what was waited for, the last value, and [`Page::describe`]: the URL, the
//! visible screen, the text on it and every problem the page reported.

use std::{sync::Arc, time::Instant};

use serde_json::{Value, json};

use super::{
    TIMEOUT,
    cdp::Cdp,
    events::{PageEvents, Problem},
};

/// A page session of the browser.
pub struct Page {
    pub(super) cdp: Cdp,
    pub(super) session: String,
    pub(super) events: Arc<PageEvents>,
}

impl Page {
    pub(super) fn new(cdp: Cdp, session: String, events: Arc<PageEvents>) -> Self {
        Self {
            cdp,
            session,
            events,
        }
    }

    /// A command to this page's session; panics with the page's state on
    /// failure.
    pub(super) async fn call(&self, method: &str, params: Value) -> Value {
        match self.cdp.call(Some(&self.session), method, params).await {
            Ok(result) => result,
            Err(e) => panic!("{e:#}\n{}", self.describe().await),
        }
    }

    /// Loads `url` and waits for its `load` event and a `complete`
    /// document. A URL that differs from the current one only by its
    /// fragment changes the fragment without a load.
    pub async fn goto(&self, url: &str) {
        let mut loads = self.events.loads();
        let before = *loads.borrow_and_update();
        let navigated = self.call("Page.navigate", json!({"url": url})).await;
        if let Some(error) = navigated["errorText"].as_str() {
            panic!("loading `{url}` failed: {error}\n{}", self.describe().await);
        }
        if navigated.get("loaderId").is_some() {
            let waited = tokio::time::timeout(TIMEOUT, loads.wait_for(|n| *n > before)).await;
            if !matches!(waited, Ok(Ok(_))) {
                panic!(
                    "waited {TIMEOUT:?} for `{url}` to fire `load`\n{}",
                    self.describe().await
                );
            }
        }
        self.wait_for(
            &format!("`{url}` to be loaded"),
            "document.readyState === 'complete'",
        )
        .await;
        let document = url.split('#').next().unwrap_or(url);
        if let Some(error) = self
            .problems()
            .iter()
            .find(|p| p.kind == "request" && p.at == document)
        {
            panic!("loading `{url}`: {error}\n{}", self.describe().await);
        }
    }

    /// Reloads the page and waits as [`Page::goto`] does.
    pub async fn reload(&self) {
        let url = self.eval("location.href").await;
        let mut loads = self.events.loads();
        let before = *loads.borrow_and_update();
        self.call("Page.reload", json!({})).await;
        let waited = tokio::time::timeout(TIMEOUT, loads.wait_for(|n| *n > before)).await;
        if !matches!(waited, Ok(Ok(_))) {
            panic!(
                "waited {TIMEOUT:?} for {url} to reload\n{}",
                self.describe().await
            );
        }
    }

    /// Evaluates `js` (an expression; a promise is awaited) and returns its
    /// value as JSON (`null` for `undefined`), or the exception it threw.
    pub async fn try_eval(&self, js: &str) -> Result<Value, String> {
        let answer = self
            .cdp
            .call(
                Some(&self.session),
                "Runtime.evaluate",
                json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
            )
            .await
            .map_err(|e| format!("{e:#}"))?;
        if let Some(details) = answer.get("exceptionDetails") {
            let thrown = details["exception"]["description"]
                .as_str()
                .or(details["text"].as_str())
                .unwrap_or("an exception");
            return Err(format!("threw {thrown}"));
        }
        Ok(answer["result"]["value"].clone())
    }

    /// Like [`Page::try_eval`]; an exception fails the test.
    pub async fn eval(&self, js: &str) -> Value {
        match self.try_eval(js).await {
            Ok(value) => value,
            Err(e) => panic!("`{js}` {e}\n{}", self.describe().await),
        }
    }

    /// Waits until `js` evaluates to a truthy value (not `null`, `false`,
    /// `0` or `""`; an exception counts as not yet) and returns it; `what`
    /// names the condition in the failure message.
    pub async fn wait_for(&self, what: &str, js: &str) -> Value {
        self.wait_until(what, js, truthy).await
    }

    /// Waits until `accept` holds for the value of `js`, and returns it.
    pub async fn wait_until(&self, what: &str, js: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let last = self.try_eval(js).await;
            if let Ok(value) = &last
                && accept(value)
            {
                return value.clone();
            }
            if Instant::now() >= deadline {
                let last = match last {
                    Ok(value) => value.to_string(),
                    Err(e) => e,
                };
                panic!(
                    "waited {TIMEOUT:?} for {what}: `{js}` was {last}\n{}",
                    self.describe().await
                );
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Waits until no request is in flight but long-lived streams.
    pub async fn wait_idle(&self) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let busy = self.events.in_flight();
            if busy.is_empty() {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "waited {TIMEOUT:?} for the page's requests to finish: {busy:#?}\n{}",
                    self.describe().await
                );
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Every problem the page reported since it opened.
    pub fn problems(&self) -> Vec<Problem> {
        self.events.problems()
    }

    /// What the page shows, for failure messages: its URL and language, the
    /// visible screen, the start of its text, and its problems.
    pub async fn describe(&self) -> String {
        let js = "JSON.stringify({url: location.href, lang: document.documentElement.lang, \
                  screen: [...document.querySelectorAll('section[data-screen]:not([hidden])')]\
                  .map(s => s.dataset.screen), \
                  text: (document.body ? document.body.innerText : '').slice(0, 1500)})";
        let shown = match self.try_eval(js).await {
            Ok(Value::String(s)) => serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s)),
            Ok(other) => other,
            Err(e) => Value::String(format!("(the page could not be read: {e})")),
        };
        let mut out = format!(
            "the page: {} (lang {:?}, visible screen {})\nits text:\n{}\n",
            shown["url"].as_str().unwrap_or("?"),
            shown["lang"].as_str().unwrap_or("?"),
            shown["screen"],
            shown["text"].as_str().unwrap_or_default()
        );
        let problems = self.problems();
        if problems.is_empty() {
            out.push_str("it reported no problem");
        } else {
            out.push_str("it reported:");
            for p in problems {
                out.push_str(&format!("\n  {p}"));
            }
        }
        out
    }
}

/// JavaScript's truthiness, for JSON values.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}
