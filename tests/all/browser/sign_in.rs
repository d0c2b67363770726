//! Signing the dashboard in, as an operator does from the demo's link: the
//! page at `/#token=TOKEN&/SCREEN` posts the token to `/v1/session` (the
//! host sets its HttpOnly cookie), takes it out of the address and shows
//! `#/SCREEN` with its live stream open.

use serde_json::json;

use super::{Page, js_string};

/// What holds once the page is signed in.
pub const SIGNED_IN: &str = "document.body.dataset.auth === 'signed-in'";

impl Page {
    /// Loads `origin` (`http://host:port`) signed in with `token`, on
    /// `fragment` (`#/alerts`, or empty for the default screen); waits until
    /// the page is signed in and its live stream is open.
    pub async fn sign_in(&self, origin: &str, token: &str, fragment: &str) {
        let screen = fragment.trim_start_matches('#');
        let rest = if screen.is_empty() {
            String::new()
        } else {
            format!("&{screen}")
        };
        // From a blank page, so that a page already on `origin` loads anew
        // (a new fragment alone would not).
        self.goto("about:blank").await;
        self.goto(&format!("{origin}/#token={token}{rest}")).await;
        self.wait_for("the page to sign in with the token", SIGNED_IN)
            .await;
        let href = self.eval("location.href").await;
        assert!(
            !href.as_str().unwrap_or_default().contains(token),
            "the token stays in the address bar: {href}"
        );
        self.wait_for(
            "the live stream to open (`document.body.dataset.live == \"connected\"`)",
            "document.body.dataset.live === 'connected'",
        )
        .await;
    }

    /// The URL of every entry of the tab's history (DevTools'
    /// `Page.getNavigationHistory`: what the back button would reach).
    pub async fn history(&self) -> Vec<String> {
        let history = self.call("Page.getNavigationHistory", json!({})).await;
        history["entries"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| e["url"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The text of the sign-in screen's message and its `data-reason`, once
    /// one shows.
    pub async fn sign_in_message(&self, reason: &str) -> String {
        let selector = format!(
            "#sign-in:not([hidden]) #sign-in-message:not([hidden])[data-reason=\"{reason}\"]"
        );
        let text = self
            .wait_for(
                &format!("the sign-in screen to say `{reason}`"),
                &format!(
                    "(() => {{ const el = document.querySelector({}); return el && el.textContent.trim(); }})()",
                    js_string(&selector)
                ),
            )
            .await;
        text.as_str().unwrap_or_default().to_owned()
    }
}
