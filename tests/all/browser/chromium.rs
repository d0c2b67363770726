//! Starting headless Chromium for one test, and killing it when the test is
//! done: a fresh profile in a temporary folder, the DevTools port chosen by
//! Chromium (`--remote-debugging-port=0`, read back from
//! `<profile>/DevToolsActivePort`), its own output in `chromium.log` beside
//! the profile for failure messages.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::json;

use super::{cdp::Cdp, events::PageEvents, page::Page};

/// Where Debian's `chromium` package puts the browser.
const CHROMIUM: &str = "/usr/bin/chromium";

/// The viewport of every page, as `--window-size` sets the window.
pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 1000;

/// A running headless Chromium and the DevTools connection to it.
pub struct Browser {
    cdp: Cdp,
    task: tokio::task::JoinHandle<()>,
    process: Process,
}

/// The Chromium process, killed when dropped (also when a launch fails).
struct Process {
    child: Child,
    log: PathBuf,
    /// The profile and the log; removed after the browser is killed.
    _dir: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium (`$CHROMIUM`, else `/usr/bin/chromium`) and connects
    /// to it. Panics, saying how to install it, when it is missing, and with
    /// its output when it does not open its DevTools port within 30 s.
    pub async fn launch() -> Self {
        Self::launch_with(&[]).await
    }

    /// [`Browser::launch`] with `extra` command-line flags (a benchmark's
    /// `--enable-precise-memory-info`, say).
    pub async fn launch_with(extra: &[&str]) -> Self {
        let exe =
            std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
        assert!(
            exe.is_file(),
            "the browser tests need headless Chromium, and `{}` does not exist: install it with \
             `apt-get install -y --no-install-recommends chromium` (.ci/run does), or set \
             CHROMIUM to its path",
            exe.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let profile = dir.path().join("profile");
        let log = dir.path().join("chromium.log");
        let child = Command::new(&exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                &format!("--window-size={WIDTH},{HEIGHT}"),
            ])
            .args(extra)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{}`: {e}", exe.display()));
        let mut process = Process {
            child,
            log,
            _dir: dir,
        };
        let url = process.devtools_url(&profile).await;
        let (cdp, task) = Cdp::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e:#}\nChromium's output:\n{}", process.output()));
        Self { cdp, task, process }
    }

    /// Opens a new tab of `WIDTH`×`HEIGHT` (emulated, so every screenshot has that size) on `about:blank`, attached as a
    /// flattened session that records console, exceptions, log and network
    /// events from the start.
    pub async fn new_page(&self) -> Page {
        let target = self
            .call(None, "Target.createTarget", json!({"url": "about:blank"}))
            .await;
        let target = target["targetId"].as_str().unwrap_or_default().to_owned();
        let attached = self
            .call(
                None,
                "Target.attachToTarget",
                json!({"targetId": target, "flatten": true}),
            )
            .await;
        let session = attached["sessionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let events = Arc::new(PageEvents::new());
        self.cdp.route_events(&session, events.clone());
        let metrics =
            json!({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false});
        for (method, params) in [
            ("Page.enable", json!({})),
            ("Runtime.enable", json!({})),
            ("Log.enable", json!({})),
            ("Network.enable", json!({})),
            ("Emulation.setDeviceMetricsOverride", metrics),
        ] {
            self.call(Some(&session), method, params).await;
        }
        Page::new(self.cdp.clone(), session, events)
    }

    /// A browser-level command; panics with Chromium's output on failure.
    async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: serde_json::Value,
    ) -> serde_json::Value {
        match self.cdp.call(session, method, params).await {
            Ok(result) => result,
            Err(e) => panic!("{e:#}\nChromium's output:\n{}", self.process.output()),
        }
    }
}

impl Process {
    /// Waits for `DevToolsActivePort` (port, then path, one a line) and
    /// returns the browser's WebSocket URL.
    async fn devtools_url(&mut self, profile: &Path) -> String {
        let file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next())
                && port.parse::<u16>().is_ok()
                && path.starts_with('/')
            {
                return format!("ws://127.0.0.1:{port}{path}");
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Chromium exited ({status}) before opening its DevTools port; its output:\n{}",
                    self.output()
                );
            }
            assert!(
                Instant::now() < deadline,
                "waited 30s for Chromium to write `{}`; its output:\n{}",
                file.display(),
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The end of Chromium's own output (stderr).
    fn output(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Browser {
    /// Asks Chromium to close (so it reaps its own helper processes), gives
    /// it a few seconds, then kills it.
    fn drop(&mut self) {
        self.cdp.send("Browser.close");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.process.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.task.abort();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
