//! A real `cityhub serve` process for a test: its own folder, city.toml and
//! SQLite file, a free port, and its JSON logs captured for assertions.
//!
//! Every API call needs a token: before `serve`, [`Host`] makes an admin
//! token in the host's store (`cityhub token create --role admin`), its
//! `http` client sends it on every request, [`Host::cli`] gives it to CLI
//! commands, and [`Host::token_for`] makes tokens of other roles.
//!
//! The bus is the crate root's `BUS` ([`Backend`]): the `e2e` target runs
//! on the embedded bus, `e2e-jetstream` runs the same scenarios on NATS
//! JetStream, where [`write_city`] and [`write_demo_city`] add a `[bus]`
//! table with a stream of the city's own (deleted once its folder is gone,
//! see [`jetstream`]).

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};

pub use cityhub_tests::plugins;

/// The `cityhub` binary under test.
pub fn cityhub() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cityhub"))
}

/// One `[plugins.NAME]` of the test city, and the route of the same name
/// delivering to it.
pub struct PluginSpec {
    pub name: &'static str,
    pub dir: &'static str,
    pub wasm: &'static str,
    pub batch_size: u32,
    pub config: &'static str,
    /// The route's `retry` table, as TOML.
    pub retry: &'static str,
    /// The route's `from`, as TOML.
    pub from: &'static str,
    /// More lines for the route (`max-lag = 10`), or for the plugin table
    /// (`circuit = ...`), as TOML.
    pub route_extra: String,
    pub plugin_extra: String,
}

impl PluginSpec {
    pub fn traffic() -> Self {
        Self {
            name: "traffic",
            dir: plugins::TRAFFIC_DIR,
            wasm: plugins::TRAFFIC_WASM,
            batch_size: 100,
            config: "{}",
            retry: "{}",
            from: "\"city.traffic.reading\"",
            route_extra: String::new(),
            plugin_extra: String::new(),
        }
    }

    pub fn alerts() -> Self {
        Self {
            name: "alerts",
            dir: plugins::ALERTS_DIR,
            wasm: plugins::ALERTS_WASM,
            batch_size: 100,
            config: "{}",
            retry: "{}",
            from: "\"city.traffic.congestion\"",
            route_extra: String::new(),
            plugin_extra: String::new(),
        }
    }

    /// The route's `from`, as TOML (`"city.>"` or `["a", "b"]`).
    pub fn from(mut self, toml: &'static str) -> Self {
        self.from = toml;
        self
    }

    /// One attempt per batch: each misbehaviour fails exactly once, as the
    /// sandbox tests expect. The retry tests ask for more.
    pub fn hostile() -> Self {
        Self {
            name: "hostile",
            dir: plugins::HOSTILE_DIR,
            wasm: plugins::HOSTILE_WASM,
            batch_size: 1,
            config: "{}",
            retry: "{ attempts = 1 }",
            from: "\"test.hostile.>\"",
            route_extra: String::new(),
            plugin_extra: String::new(),
        }
    }

    pub fn batch_size(mut self, n: u32) -> Self {
        self.batch_size = n;
        self
    }

    pub fn retry(mut self, toml: &'static str) -> Self {
        self.retry = toml;
        self
    }

    /// Adds a line to the route's table.
    pub fn route(mut self, line: &str) -> Self {
        self.route_extra.push_str(line);
        self.route_extra.push('\n');
        self
    }

    /// Adds a line to the plugin's table.
    pub fn plugin(mut self, line: &str) -> Self {
        self.plugin_extra.push_str(line);
        self.plugin_extra.push('\n');
        self
    }
}

/// The bus a test target runs its cities on: `pub const BUS: Backend` in
/// the crate root (tests/all/main.rs: embedded; tests/jetstream/main.rs:
/// JetStream).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// No `[bus]` table: the store's log alone.
    Embedded,
    /// `[bus] backend = "jetstream"` on the machine's NATS server, a stream
    /// per city folder.
    JetStream,
}

/// The `[bus]` table of a city in `dir` on `crate::BUS` (empty when
/// embedded): the same stream for every city.toml written into `dir`, so a
/// rewritten or reloaded city keeps its stream.
pub fn bus_toml(dir: &Path) -> String {
    bus_toml_on(crate::BUS, dir)
}

/// The `[bus]` table of a city in `dir` on `backend` (see [`bus_toml`]).
pub fn bus_toml_on(backend: Backend, dir: &Path) -> String {
    match backend {
        Backend::Embedded => String::new(),
        Backend::JetStream => format!(
            "\n[bus]\nbackend = \"jetstream\"\nurl = \"{}\"\nstream = \"{}\"\nack-wait = \"5s\"\n",
            jetstream::URL,
            jetstream::stream_for(dir)
        ),
    }
}

/// Points the city.toml at `config` to the store at `url` (a PostgreSQL
/// database's, say) instead of the SQLite file in its folder.
pub fn use_store(config: &Path, url: &str) {
    let text = std::fs::read_to_string(config).unwrap();
    let (before, rest) = text.split_once("[store]\nurl = \"").unwrap();
    let (_, after) = rest.split_once('"').unwrap();
    std::fs::write(config, format!("{before}[store]\nurl = \"{url}\"{after}")).unwrap();
}

/// Writes a city.toml for `plugins` into `dir`, with the store in `dir`
/// (and `[bus]` of `crate::BUS`).
pub fn write_city(dir: &Path, plugins: &[PluginSpec]) -> PathBuf {
    let mut toml = format!(
        "[store]\nurl = \"sqlite://{}\"\n\n[runtime]\ncache-dir = \"cache\"\n",
        dir.join("city.db").display()
    );
    for p in plugins {
        toml.push_str(&format!(
            "\n[plugins.{}]\npath = \"{}\"\ncomponent = \"{}\"\nconfig = {}\n{}",
            p.name, p.dir, p.wasm, p.config, p.plugin_extra
        ));
        toml.push_str(&format!(
            "\n[routes.{}]\nfrom = {}\nto = \"{}\"\nbatch-size = {}\nretry = {}\n{}",
            p.name, p.from, p.name, p.batch_size, p.retry, p.route_extra
        ));
    }
    toml.push_str(&bus_toml(dir));
    let file = dir.join("city.toml");
    std::fs::write(&file, toml).unwrap();
    file
}

/// A token name no other host of this test process (or of another process
/// on the same store) uses: `PREFIX-PID-N`.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// `cityhub token create --role ROLE --name NAME --config CONFIG`: the
/// token it prints (only the token, on stdout).
pub fn create_token(config: &Path, role: &str, name: &str) -> String {
    let out = cityhub()
        .args([
            "token", "create", "--role", role, "--name", name, "--config",
        ])
        .arg(config)
        .output()
        .unwrap();
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success() && token.starts_with("chub_"),
        "`cityhub token create --role {role} --name {name}` failed ({}):\n--- stdout\n{token}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    token
}

/// A client sending `Authorization: Bearer TOKEN` on every request.
pub fn client_with(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    value.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, value);
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

/// GETs `url` with `http` and returns the JSON body (any status).
pub async fn get_json_with(http: &reqwest::Client, url: &str) -> Value {
    http.get(url).send().await.unwrap().json().await.unwrap()
}

/// A running host. Killed when dropped.
pub struct Host {
    child: Child,
    pub addr: SocketAddr,
    logs: Arc<Mutex<Vec<Value>>>,
    /// Sends the admin token on every request.
    pub http: reqwest::Client,
    /// The admin token made for this host before it started.
    pub token: String,
}

impl Host {
    /// Starts `cityhub serve` on a fresh folder with `plugins`.
    pub fn start(plugins: &[PluginSpec]) -> (Self, tempfile::TempDir) {
        let tmp = tempfile::tempdir().unwrap();
        let config = write_city(tmp.path(), plugins);
        (Self::start_with(&config), tmp)
    }

    /// Starts `cityhub serve --config CONFIG` (again, after a kill: same folder, same store).
    pub fn start_with(config: &Path) -> Self {
        Self::start_logging(config, "info,cityhub_api=warn,tower_http=warn")
    }

    /// Like [`Host::start_with`], with `RUST_LOG` = `filter`. Makes the
    /// admin token first, in the store `config` names.
    pub fn start_logging(config: &Path, filter: &str) -> Self {
        Self::start_env(config, filter, &[])
    }

    /// Like [`Host::start_logging`], with `env` set on the host process too.
    pub fn start_env(config: &Path, filter: &str, env: &[(&str, &str)]) -> Self {
        let token = create_token(config, "admin", &unique_name("e2e-admin"));
        let mut child = cityhub()
            .args([
                "--log-format",
                "json",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--config",
            ])
            .arg(config)
            .env("RUST_LOG", filter)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let v: Value =
                    serde_json::from_str(&line).unwrap_or_else(|_| json!({"message": line}));
                if v["message"] == "cityhub is serving; POST CloudEvents to /v1/events" {
                    let _ = tx.send(v["address"].as_str().unwrap_or_default().to_owned());
                }
                sink.lock().unwrap().push(v);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "cityhub serve did not start; its log:\n{:#?}",
                    logs.lock().unwrap()
                );
            }
        };
        Self {
            child,
            addr,
            logs,
            http: client_with(&token),
            token,
        }
    }

    /// The host's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A new token of `role` (`operator`, `integrator`, `source`, `admin`),
    /// made through `POST /v1/tokens` with the admin token.
    pub async fn token_for(&self, role: &str) -> String {
        let name = unique_name(&format!("e2e-{role}"));
        let (status, body) = self
            .post_json("/v1/tokens", json!({"name": name, "role": role}))
            .await;
        assert_eq!(status, 201, "POST /v1/tokens for role `{role}`: {body:#}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// `cityhub` with `CITYHUB_TOKEN` = the admin token, for the commands
    /// that talk to this host (`--server`/`--url` still name it).
    pub fn cli(&self) -> Command {
        let mut cmd = cityhub();
        cmd.env("CITYHUB_TOKEN", &self.token);
        cmd
    }

    /// POSTs `events` in batch mode.
    pub async fn post_batch(&self, events: &[Value]) -> reqwest::Response {
        self.http
            .post(self.url("/v1/events"))
            .header("content-type", "application/cloudevents-batch+json")
            .body(serde_json::to_vec(events).unwrap())
            .send()
            .await
            .unwrap()
    }

    /// GETs `path` and returns the JSON body (any status).
    pub async fn get_json(&self, path: &str) -> Value {
        get_json_with(&self.http, &self.url(path)).await
    }

    /// POSTs `body` as JSON to `path`; returns the status and the JSON body.
    pub async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Polls `GET path` until `pred` holds for its JSON, and returns it.
    pub async fn wait_json(&self, path: &str, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let v = self.get_json(path).await;
            if pred(&v) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "waited 30s for {what}; `{path}` gives {v:#}\nlog: {:#?}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// GET /v1/events with a query string; returns the `events` array.
    pub async fn events(&self, query: &str) -> Vec<Value> {
        let body: Value = self
            .http
            .get(self.url(&format!("/v1/events?{query}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["events"].as_array().cloned().unwrap_or_default()
    }

    /// Waits until at least `n` events of type pattern `ty` are stored.
    pub async fn wait_for_events(&self, ty: &str, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.events(&format!("type={ty}&limit=1000")).await;
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "waited 30s for {n} `{ty}` events, have {}: {got:#?}\nlog: {:#?}",
                got.len(),
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the events answering `query` satisfy `pred`, and returns them.
    pub async fn wait_until(
        &self,
        query: &str,
        what: &str,
        pred: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.events(query).await;
            if pred(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "waited 30s for {what}; `{query}` gives {got:#?}\nlog: {:#?}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// How many outputs of the plugin `origin` with type `ty` each subject
    /// has (the hostile plugin's echoes: subject = the input's id), paging
    /// through the whole log.
    pub async fn outputs_by_subject(
        &self,
        ty: &str,
        origin: &str,
    ) -> std::collections::BTreeMap<String, usize> {
        let mut counts = std::collections::BTreeMap::new();
        let mut after = 0;
        loop {
            let page = self
                .events(&format!("type={ty}&after={after}&limit=1000"))
                .await;
            let Some(last) = page.last() else {
                return counts;
            };
            after = last["seq"].as_i64().unwrap();
            for e in page.iter().filter(|e| e["origin"] == origin) {
                *counts
                    .entry(e["event"]["subject"].as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
            if page.len() < 1000 {
                return counts;
            }
        }
    }

    /// The log lines so far.
    pub fn logs(&self) -> Vec<Value> {
        self.logs.lock().unwrap().clone()
    }

    /// Waits until a log line satisfies `pred`, and returns it.
    pub async fn wait_for_log(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(v) = self.logs().into_iter().find(|v| pred(v)) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "waited 30s for a log line: {what}\nlog: {:#?}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Asks the host to stop (SIGTERM) and waits at most `within` for it to
    /// exit; returns whether it did (it is killed otherwise).
    pub fn terminate(&mut self, within: Duration) -> bool {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        let deadline = Instant::now() + within;
        while sent && Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill();
        false
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.kill();
        // The last host of a city whose folder is gone: its stream goes too.
        jetstream::delete_streams_of_gone_folders();
    }
}

/// A `city.traffic.reading` event for `segment` at `speed` km/h, in window `n`.
pub fn reading(id: &str, segment: &str, speed: f64, n: u32) -> Value {
    json!({
        "specversion": "1.0",
        "id": id,
        "source": "/sensors/test",
        "type": "city.traffic.reading",
        "subject": segment,
        "time": format!("2026-11-27T08:{:02}:00+07:00", n % 60),
        "datacontenttype": "application/json",
        "data": {
            "refRoadSegment": segment,
            "location": {"type": "Point", "coordinates": [106.708, 21.968]},
            "intensity": 40,
            "averageVehicleSpeed": speed,
            "dateObservedFrom": format!("2026-11-27T08:{:02}:00+07:00", n % 60),
            "dateObservedTo": format!("2026-11-27T08:{:02}:59+07:00", n % 60)
        }
    })
}

/// Writes the demo city (the repository's `city.toml`: every plugin, every
/// route) into `dir`, with its store in `dir`, the prebuilt components, and
/// the compiled-component cache shared by the tests. `edit` may change the
/// parsed file first (a shorter `[clock] tick`, a plugin's config).
pub fn write_demo_city(dir: &Path, edit: impl FnOnce(&mut toml::Table)) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(repo.join("city.toml")).unwrap();
    let mut city: toml::Table = toml::from_str(&text).unwrap();
    let table =
        |city: &toml::Table, key: &str| -> toml::Table { city[key].as_table().unwrap().clone() };
    let mut store = table(&city, "store");
    store.insert(
        "url".into(),
        format!("sqlite://{}", dir.join("city.db").display()).into(),
    );
    city.insert("store".into(), store.into());
    let mut runtime = table(&city, "runtime");
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo-city-cache");
    runtime.insert("cache-dir".into(), cache.display().to_string().into());
    city.insert("runtime".into(), runtime.into());
    let mut list = table(&city, "plugins");
    for (name, wasm, folder) in plugins::CITY_PLUGINS {
        let plugin = list
            .get_mut(name)
            .and_then(|p| p.as_table_mut())
            .unwrap_or_else(|| panic!("city.toml has no [plugins.{name}]"));
        plugin.insert("path".into(), folder.into());
        plugin.insert("component".into(), wasm.into());
    }
    city.insert("plugins".into(), list.into());
    let bus = bus_toml(dir);
    if !bus.is_empty() {
        let bus: toml::Table = toml::from_str(&bus).unwrap();
        city.extend(bus);
    }
    edit(&mut city);
    let file = dir.join("city.toml");
    std::fs::write(&file, toml::to_string(&city).unwrap()).unwrap();
    file
}

/// A fresh PostgreSQL database on the machine's server, dropped when this
/// is. Fails, never skips, when PostgreSQL is down.
pub struct Database(String);

impl Database {
    pub fn create() -> Self {
        let name = format!(
            "cityhub_e2e_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        psql(&format!("CREATE DATABASE {name}"));
        Self(name)
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.0)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0));
    }
}

fn psql(sql: &str) {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", "test"])
        .args(["-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "`{sql}` failed: {}\nPostgreSQL must be running on 127.0.0.1:5432: \
         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`",
        String::from_utf8_lossy(&out.stderr)
    );
}

// Its own file; the explicit path finds it whether this file is
// `mod support;` of tests/all or loaded by `#[path]` (tests/jetstream, the
// cluster bench).
#[path = "support/jetstream.rs"]
pub mod jetstream;
