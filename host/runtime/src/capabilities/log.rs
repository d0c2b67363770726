//! `cityhub:plugin/log`: plugin log records into the host's tracing, bounded.
//!
//! Per call (one batch) a plugin keeps [`LogBudget::PER_CALL`] records; the
//! rest are counted (`cityhub_plugin_logs_dropped_total`) and dropped, with
//! one warning when the budget runs out. Each record keeps at most
//! [`MAX_LOG_MESSAGE`] bytes of message and of rendered fields and
//! [`MAX_LOG_FIELDS`] fields; control characters (newlines, escapes) are
//! escaped, so a record cannot forge lines of the host's text log or move
//! a terminal's cursor.

use tracing::{debug, error, info, trace, warn};

use super::{MAX_LOG_FIELDS, MAX_LOG_MESSAGE};
use crate::{
    bindings::log::{Host, Level},
    host_state::{HostState, LogBudget},
};

impl Host for HostState {
    fn write(&mut self, level: Level, message: String, fields: Vec<(String, String)>) {
        if self.log.left == 0 {
            self.log.dropped += 1;
            return;
        }
        self.log.left -= 1;
        let mut message = escape_controls(message);
        truncate(&mut message, MAX_LOG_MESSAGE);
        let mut rendered = String::new();
        for (k, v) in fields.iter().take(MAX_LOG_FIELDS) {
            if rendered.len() > MAX_LOG_MESSAGE {
                break;
            }
            let (mut k, mut v) = (k.clone(), v.clone());
            truncate(&mut k, MAX_LOG_MESSAGE);
            truncate(&mut v, MAX_LOG_MESSAGE);
            // `{v:?}` escapes the value's control characters; the key's are
            // escaped with the whole below.
            rendered.push_str(&format!("{k}={v:?} "));
        }
        let mut rendered = escape_controls(rendered);
        truncate(&mut rendered, MAX_LOG_MESSAGE);
        let plugin = &*self.plugin;
        let fields = rendered.trim_end();
        match level {
            Level::Trace => trace!(target: "plugin", plugin, fields, "{message}"),
            Level::Debug => debug!(target: "plugin", plugin, fields, "{message}"),
            Level::Info => info!(target: "plugin", plugin, fields, "{message}"),
            Level::Warn => warn!(target: "plugin", plugin, fields, "{message}"),
            Level::Error => error!(target: "plugin", plugin, fields, "{message}"),
        }
        if self.log.left == 0 {
            warn!(
                plugin,
                "plugin reached its limit of {} log records for this batch; dropping the rest",
                LogBudget::PER_CALL
            );
        }
    }
}

/// `s` with each control character (`\n`, `\r`, ESC, …) written as its
/// Rust escape (`\n`, `\u{1b}`).
fn escape_controls(s: String) -> String {
    if !s.chars().any(char::is_control) {
        return s;
    }
    s.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_long_text_cut() {
        assert_eq!(
            escape_controls("ok\nINFO forged\r\u{1b}[2J".to_owned()),
            "ok\\nINFO forged\\r\\u{1b}[2J"
        );
        assert_eq!(escape_controls("Lạng Sơn".to_owned()), "Lạng Sơn");
        let mut long = "ạ".repeat(3000);
        truncate(&mut long, MAX_LOG_MESSAGE);
        assert!(long.len() <= MAX_LOG_MESSAGE + '…'.len_utf8());
        assert!(long.ends_with('…'));
    }
}
