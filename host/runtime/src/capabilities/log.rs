//! `cityhub:plugin/log`: plugin log records into the host's tracing, bounded.

use tracing::{debug, error, info, trace, warn};

use super::{MAX_LOG_FIELDS, MAX_LOG_MESSAGE};
use crate::{
    bindings::log::{Host, Level},
    host_state::{HostState, LogBudget},
};

impl Host for HostState {
    fn write(&mut self, level: Level, mut message: String, fields: Vec<(String, String)>) {
        if self.log.left == 0 {
            self.log.dropped += 1;
            return;
        }
        self.log.left -= 1;
        truncate(&mut message, MAX_LOG_MESSAGE);
        let mut rendered = String::new();
        for (k, v) in fields.iter().take(MAX_LOG_FIELDS) {
            rendered.push_str(&format!("{k}={v:?} "));
        }
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
