//! What a user does to a page: clicking an element, typing into an input,
//! and looking at it (a PNG screenshot). Clicks and keys go through
//! DevTools' `Input` domain, as a real mouse and keyboard would, so an
//! element covered by another cannot be clicked.

use std::path::Path;

use base64::Engine;
use serde_json::{Value, json};

use super::{Page, js_string};

impl Page {
    /// Waits until the first element matching `selector` is shown and not
    /// covered at its centre (scrolling it into view), and returns that
    /// point in the viewport.
    pub async fn wait_clickable(&self, selector: &str) -> (f64, f64) {
        let js = format!(
            "(() => {{
                const el = document.querySelector({sel});
                if (!el) return 'no element matches';
                el.scrollIntoView({{block: 'center', inline: 'center'}});
                const r = el.getBoundingClientRect();
                if (r.width === 0 || r.height === 0) return 'it is not shown (no size)';
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                const hit = document.elementFromPoint(x, y);
                if (!hit || !(hit === el || el.contains(hit))) {{
                    return 'it is covered by ' + (hit ? hit.outerHTML.slice(0, 200) : 'nothing');
                }}
                if (el.disabled) return 'it is disabled';
                return {{x, y}};
            }})()",
            sel = js_string(selector)
        );
        let point = self
            .wait_until(
                &format!("`{selector}` to be clickable"),
                &js,
                Value::is_object,
            )
            .await;
        (
            point["x"].as_f64().unwrap_or_default(),
            point["y"].as_f64().unwrap_or_default(),
        )
    }

    /// Clicks the centre of the first element matching `selector` with the
    /// left mouse button, once it is clickable.
    pub async fn click(&self, selector: &str) {
        let (x, y) = self.wait_clickable(selector).await;
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            let pressing = kind != "mouseMoved";
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": if pressing { "left" } else { "none" },
                       "clickCount": u8::from(pressing)}),
            )
            .await;
        }
    }

    /// Replaces the value of the input matching `selector` with `text`, as
    /// typed (click, select all, insert), then leaves it (so `change`
    /// fires); checks that the input holds `text`.
    pub async fn type_into(&self, selector: &str, text: &str) {
        self.click(selector).await;
        let sel = js_string(selector);
        self.eval(&format!("document.querySelector({sel}).select()"))
            .await;
        self.call("Input.insertText", json!({"text": text})).await;
        let value = self
            .eval(&format!(
                "(() => {{ const el = document.querySelector({sel}); el.blur(); return el.value; }})()"
            ))
            .await;
        assert_eq!(
            value,
            text,
            "typed `{text}` into `{selector}`, which holds {value}\n{}",
            self.describe().await
        );
    }

    /// Saves a PNG of the viewport to `file` (its folder is created) and
    /// returns the PNG's bytes.
    pub async fn screenshot(&self, file: &Path) -> Vec<u8> {
        let shot = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("the screenshot is not base64: {e}"));
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "the screenshot is not a PNG ({} bytes)",
            png.len()
        );
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(file, &png)
            .unwrap_or_else(|e| panic!("cannot write `{}`: {e}", file.display()));
        png
    }
}
