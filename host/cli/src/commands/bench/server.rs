//! The host under test: this same binary, `serve --listen 127.0.0.1:0` as a
//! child process with JSON logs on stderr. Its address comes from the
//! "cityhub is serving" line; its warnings and errors are counted for the
//! report. Killed when dropped.
//!
//! Before it starts, `token create --role admin` makes the run's token in
//! the run's fresh store; the load generator sends it on every request.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

use anyhow::{Context, bail};
use serde_json::Value;

/// The message of the line that carries the address.
const SERVING: &str = "cityhub is serving; POST CloudEvents to /v1/events";

/// How long the host may take to start (loading and compiling plugins).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Log lines kept for an error message.
const TAIL: usize = 30;

/// Warning and error lines kept for the report.
const KEPT: usize = 3;

/// A running `cityhub serve`.
#[derive(Debug)]
pub struct Server {
    child: Child,
    base: String,
    /// The run's admin token.
    token: String,
    log: Arc<Mutex<Log>>,
}

/// What the host logged.
#[derive(Debug, Default)]
struct Log {
    tail: VecDeque<String>,
    problems: Problems,
}

/// The host's warnings and errors during a run.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    pub warnings: u64,
    pub errors: u64,
    /// The first few, as `LEVEL message`.
    pub first: Vec<String>,
}

impl Problems {
    /// A note for the report, if there was anything.
    pub fn note(&self) -> Option<String> {
        (self.warnings + self.errors > 0).then(|| {
            format!(
                "host logged {} warnings, {} errors (first: {})",
                self.warnings,
                self.errors,
                self.first.join(" | ")
            )
        })
    }
}

impl Server {
    /// Starts `cityhub serve --config CONFIG` and waits until it serves.
    pub fn start(config: &Path) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("finding the cityhub binary")?;
        let token = admin_token(&exe, config)?;
        let mut child = Command::new(&exe)
            .args([
                "--log-format",
                "json",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--config",
            ])
            .arg(config)
            // The run's city.toml decides the store; the host's default log
            // filter applies, as in production.
            .env_remove("CITYHUB_DATABASE_URL")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting `{} serve`", exe.display()))?;
        let log = Arc::new(Mutex::new(Log::default()));
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().context("reading the host's stderr")?;
        let sink = log.clone();
        // Reads the host's log to its end, so the pipe never fills.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
                if v["message"] == SERVING {
                    let _ = tx.send(v["address"].as_str().unwrap_or_default().to_owned());
                }
                if let Ok(mut log) = sink.lock() {
                    log.record(&v, line);
                }
            }
        });
        let server = |base: String| Self {
            child,
            base,
            token,
            log: log.clone(),
        };
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(addr) => Ok(server(format!("http://{addr}"))),
            Err(e) => {
                let mut s = server(String::new());
                s.stop();
                let why = match e {
                    mpsc::RecvTimeoutError::Timeout => "did not start within 120 s",
                    mpsc::RecvTimeoutError::Disconnected => "exited",
                };
                let tail = log
                    .lock()
                    .map(|l| l.tail.iter().cloned().collect::<Vec<_>>().join("\n"))
                    .unwrap_or_default();
                bail!(
                    "the host under test {why} (config `{}`); its last log lines:\n{tail}",
                    config.display()
                )
            }
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The run's admin token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Its warnings and errors so far.
    pub fn problems(&self) -> Problems {
        self.log
            .lock()
            .map(|l| l.problems.clone())
            .unwrap_or_default()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `cityhub token create --role admin --name bench --config CONFIG` in the
/// run's fresh store: the token it prints.
fn admin_token(exe: &Path, config: &Path) -> anyhow::Result<String> {
    let out = Command::new(exe)
        .args([
            "token", "create", "--role", "admin", "--name", "bench", "--config",
        ])
        .arg(config)
        .env_remove("CITYHUB_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running `{} token create`", exe.display()))?;
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || token.is_empty() {
        bail!(
            "`token create` for the run's store failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(token)
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Log {
    fn record(&mut self, v: &Value, line: String) {
        let level = v["level"].as_str().unwrap_or_default();
        let p = &mut self.problems;
        match level {
            "WARN" => p.warnings += 1,
            "ERROR" => p.errors += 1,
            _ => {}
        }
        if matches!(level, "WARN" | "ERROR") && p.first.len() < KEPT {
            let message = v["message"].as_str().unwrap_or(&line);
            p.first
                .push(format!("{level} {}", crate::table::truncate(message, 120)));
        }
        if self.tail.len() == TAIL {
            self.tail.pop_front();
        }
        self.tail.push_back(line);
    }
}
