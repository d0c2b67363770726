//! [`Progress`]: how a command that waits shows how far along it is, on
//! stderr. At a terminal, one line rewritten in place on every update;
//! otherwise (a log, a CI job, a test), a plain line when the text changed
//! and at least [`PLAIN_EVERY`] has passed since the last one.

use std::{
    io::{IsTerminal, Write},
    time::{Duration, Instant},
};

/// The least time between two plain progress lines.
const PLAIN_EVERY: Duration = Duration::from_secs(1);

/// A progress display on stderr.
#[derive(Debug)]
pub struct Progress {
    tty: bool,
    /// Text of the line last shown.
    last: String,
    /// When the last plain line was written.
    last_plain: Option<Instant>,
    /// A terminal line is on screen and must be cleared before other output.
    on_screen: bool,
}

impl Progress {
    /// A display that rewrites its line when stderr is a terminal.
    pub fn new() -> Self {
        Self {
            tty: std::io::stderr().is_terminal(),
            last: String::new(),
            last_plain: None,
            on_screen: false,
        }
    }

    /// Shows `text` as the current progress.
    pub fn update(&mut self, text: &str) {
        let mut err = std::io::stderr().lock();
        if self.tty {
            // `\r` and "erase line", then the text, without a newline.
            let _ = write!(err, "\r\x1b[2K{text}");
            let _ = err.flush();
            self.on_screen = true;
        } else if text != self.last && self.last_plain.is_none_or(|t| t.elapsed() >= PLAIN_EVERY) {
            let _ = writeln!(err, "{text}");
            self.last_plain = Some(Instant::now());
        } else {
            // Not shown: keep `last` as the text last *shown*.
            return;
        }
        text.clone_into(&mut self.last);
    }

    /// Writes `text` on a line of its own, below the progress line.
    pub fn note(&mut self, text: &str) {
        self.clear();
        eprintln!("{text}");
    }

    /// Clears the terminal line, before the command prints its summary.
    pub fn finish(&mut self) {
        self.clear();
    }

    fn clear(&mut self) {
        if self.on_screen {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.on_screen = false;
        }
    }
}
