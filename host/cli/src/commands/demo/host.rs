//! [`Host`]: the demo's host, this same binary running `serve` as a child
//! process, its log in a file, in a process group of its own (so that
//! Ctrl-C reaches the demo, which stops the simulator first and then the
//! host, gently). Stopped when dropped.

use std::{
    fs::File,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{Context, bail};
use tokio::time::Instant;

use crate::progress::Progress;

/// How long building the plugins and starting may take.
const START_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How long the host may take to drain its routes when stopped.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// Log lines shown when the host fails to start.
const TAIL: usize = 25;

/// A running `cityhub serve`.
#[derive(Debug)]
pub struct Host {
    child: Child,
    /// `http://host:port`.
    pub url: String,
    /// Where its log goes.
    pub log: PathBuf,
}

impl Host {
    /// Starts `cityhub serve --config CONFIG --listen LISTEN [--build]`,
    /// logging to `log`; returns once it answers `/healthz`.
    pub async fn start(
        config: &Path,
        listen: SocketAddr,
        build: bool,
        log: PathBuf,
        progress: &mut Progress,
    ) -> anyhow::Result<Self> {
        if let Err(e) = std::net::TcpListener::bind(listen) {
            bail!(
                "cannot listen on {listen} ({e}): is another cityhub already running? stop it, or pass `--listen 127.0.0.1:8081`"
            );
        }
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating `{}` for the host's log", dir.display()))?;
        }
        let file = File::create(&log)
            .with_context(|| format!("creating the host's log `{}`", log.display()))?;
        let exe = std::env::current_exe().context("finding the cityhub binary")?;
        let mut cmd = Command::new(&exe);
        cmd.env("NO_COLOR", "1")
            .arg("serve")
            .arg("--config")
            .arg(config)
            .arg("--listen")
            .arg(listen.to_string())
            .stdin(Stdio::null())
            .stdout(file.try_clone().context("opening the host's log")?)
            .stderr(file);
        if build {
            cmd.arg("--build");
        }
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd
            .spawn()
            .with_context(|| format!("starting `{} serve`", exe.display()))?;
        let mut host = Self {
            child,
            url: format!("http://{listen}"),
            log,
        };
        host.ready(build, progress).await?;
        Ok(host)
    }

    /// Waits until `/healthz` answers, the child exits, or time runs out.
    async fn ready(&mut self, build: bool, progress: &mut Progress) -> anyhow::Result<()> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .context("building the HTTP client")?;
        let health = format!("{}/healthz", self.url);
        let started = Instant::now();
        let doing = if build {
            "building the plugins and starting the host"
        } else {
            "starting the host"
        };
        loop {
            if let Ok(r) = http.get(&health).send().await
                && r.status().is_success()
            {
                progress.finish();
                return Ok(());
            }
            let exited = self.child.try_wait().ok().flatten();
            if exited.is_some() || started.elapsed() > START_TIMEOUT {
                progress.finish();
                let why = match exited {
                    Some(status) => format!("exited ({status})"),
                    None => "did not answer within 30 min".to_owned(),
                };
                bail!(
                    "the host {why}; the end of its log (`{}`):\n{}",
                    self.log.display(),
                    tail(&self.log)
                );
            }
            progress.update(&format!(
                "demo: {doing} ({}s; log: {})",
                started.elapsed().as_secs(),
                self.log.display()
            ));
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Stops the host gently (SIGTERM: it lets the plugins finish their
    /// batches), or kills it after [`STOP_TIMEOUT`].
    pub fn stop(&mut self) {
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let deadline = std::time::Instant::now() + STOP_TIMEOUT;
            while std::time::Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            self.stop();
        }
    }
}

/// The last [`TAIL`] lines of the log.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(TAIL)..].join("\n")
}
