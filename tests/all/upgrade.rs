//! Upgrading a plugin on a running host, under a continuous stream of
//! events: each event is handled by exactly one version (checked by ids and
//! by the `pluginversion` each output carries), a broken new version leaves
//! the old one serving and says why, and `cityhub plugin rollback` returns to
//! the version before.

use std::{
    collections::BTreeMap,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use cityhub_config::Installed;
use cityhub_package::{Package, SecretKey};
use semver::Version;
use serde_json::{Value, json};

use crate::{
    registry::expect,
    support::{Host, plugins},
};

/// The city: hostile, installed as a package signed by `acme`, echoing
/// every `test.hostile.ok` it gets.
struct City {
    dir: tempfile::TempDir,
    key: SecretKey,
}

impl City {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate("acme".parse().unwrap()).unwrap();
        let toml = format!(
            "[store]\nurl = \"sqlite://{}\"\n\n[runtime]\ncache-dir = \"cache\"\n\n\
             [trust.vendors]\nacme = \"{}\"\n\n\
             [plugins.hostile]\npackage = \"hostile\"\ngrants = [\"log\", \"state\", \"clock\"]\npublishes = [\"test.hostile.ok\"]\n\n\
             [routes.hostile]\nfrom = \"test.hostile.ok\"\nto = \"hostile\"\nbatch-size = 20\n",
            dir.path().join("city.db").display(),
            key.public_key().to_text()
        );
        std::fs::write(dir.path().join("city.toml"), toml).unwrap();
        Self { dir, key }
    }

    fn config(&self) -> std::path::PathBuf {
        self.dir.path().join("city.toml")
    }

    /// Installs `version` of hostile as `plugin install` does: the package,
    /// then `installed.toml` naming it active. `edit` changes its manifest.
    fn install(&self, version: &str, edit: impl FnOnce(String) -> String) {
        let manifest = std::fs::read_to_string(Path::new(plugins::HOSTILE_DIR).join("plugin.toml"))
            .unwrap()
            .replace("version = \"0.1.0\"", &format!("version = \"{version}\""));
        let component = std::fs::read(plugins::HOSTILE_WASM).unwrap();
        let mut package = Package::pack(&edit(manifest), component).unwrap();
        package.sign(&self.key);
        let dir = self.dir.path().join(".cityhub/plugins");
        let v = Version::parse(version).unwrap();
        cityhub_config::write_atomic(
            &Installed::package_file(&dir, "hostile", &v),
            &package.to_bytes(),
        )
        .unwrap();
        let mut installed = Installed::read(&dir, "hostile")
            .unwrap()
            .unwrap_or(Installed {
                active: v.clone(),
                previous: vec![],
            });
        installed.activate(v);
        installed.write(&dir, "hostile").unwrap();
    }
}

/// Posts batches of `test.hostile.ok` until stopped; returns the ids accepted.
async fn stream(host: Arc<Host>, stop: Arc<AtomicBool>) -> Vec<String> {
    let mut accepted = Vec::new();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let batch: Vec<Value> = (0..10)
            .map(|i| {
                json!({"specversion": "1.0", "id": format!("e-{:06}", n + i),
                       "source": "/tests/upgrade", "type": "test.hostile.ok"})
            })
            .collect();
        let r = host.post_batch(&batch).await;
        if r.status() == 202 {
            accepted.extend(batch.iter().map(|e| e["id"].as_str().unwrap().to_owned()));
            n += 10;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    accepted
}

/// Every event of type `test.hostile.ok` the plugin emitted, in log order.
async fn outputs(host: &Host) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page: Value = host
            .get_json(&format!(
                "/v1/events?type=test.hostile.ok&after={after}&limit=1000"
            ))
            .await;
        let events = page["events"].as_array().cloned().unwrap_or_default();
        all.extend(
            events
                .iter()
                .filter(|e| e["event"]["source"] == "/plugins/hostile")
                .cloned(),
        );
        match page["next"].as_i64() {
            Some(next) if !events.is_empty() => after = next,
            _ => return all,
        }
    }
}

/// The plugin as `GET /v1/plugins` shows it, once `pred` holds.
async fn plugin_when(host: &Host, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let all = host.get_json("/v1/plugins").await;
        if let Some(p) = all["plugins"].as_array().and_then(|p| p.first())
            && pred(p)
        {
            return p.clone();
        }
        assert!(Instant::now() < deadline, "waited 60s for {what}: {all:#}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the stream has had `n` more outputs handled.
async fn handled_more(host: &Host, n: usize) {
    let start = outputs(host).await.len();
    let deadline = Instant::now() + Duration::from_secs(60);
    while outputs(host).await.len() < start + n {
        assert!(
            Instant::now() < deadline,
            "the route stopped handling events"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_under_load_loses_nothing_refuses_a_broken_version_and_rolls_back() {
    let city = City::new();
    city.install("1.0.0", |m| m);
    let host = Arc::new(Host::start_with(&city.config()));
    let stop = Arc::new(AtomicBool::new(false));
    let sender = tokio::spawn(stream(host.clone(), stop.clone()));
    handled_more(&host, 200).await;

    // A new version lands while events flow: it serves from the next window.
    city.install("1.1.0", |m| m);
    let p = plugin_when(&host, "1.1.0 to serve", |p| p["version"] == "1.1.0").await;
    assert!(p.get("upgrade_failed").is_none(), "{p:#}");
    handled_more(&host, 200).await;

    // A configuration its `init` refuses: the trial instance does not
    // start, so the version serving (1.1.0 with the old configuration) serves
    // on, and the plugin says why.
    let config = std::fs::read_to_string(city.config()).unwrap();
    let failing = config.replace("grants = [", "config = { fail_init = true }\ngrants = [");
    std::fs::write(city.config(), &failing).unwrap();
    let p = plugin_when(&host, "the failing init to be refused", |p| {
        p["upgrade_failed"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("fail_init"))
    })
    .await;
    assert_eq!(p["version"], "1.1.0", "{p:#}");
    let reason = p["upgrade_failed"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("does not start") && reason.contains("`init`"),
        "{reason}"
    );
    std::fs::write(city.config(), &config).unwrap();
    handled_more(&host, 100).await;

    // A version that does not load (built for another plugin world, says its
    // manifest): refused, 1.1.0 serves on.
    city.install("1.2.0", |m| {
        m.replace("world = \"0.1.0\"", "world = \"0.2.0\"")
    });
    let p = plugin_when(&host, "1.2.0 to be refused", |p| {
        p["upgrade_failed"]["version"] == "1.2.0"
    })
    .await;
    assert_eq!(p["version"], "1.1.0", "{p:#}");
    let reason = p["upgrade_failed"]["reason"].as_str().unwrap();
    assert!(reason.contains("0.2.0"), "{reason}");
    let config = city.config();
    let (text, _) = expect(
        0,
        &["plugin", "status", "--config", config.to_str().unwrap()],
        &[
            ("CITYHUB_SERVER", &host.url("")),
            ("CITYHUB_TOKEN", &host.token),
        ],
    );
    assert!(
        text.contains("hostile: version 1.2.0 was refused, 1.1.0 serves on: plugin `hostile`: its manifest says `world = \"0.2.0\"`"),
        "{text}"
    );
    handled_more(&host, 100).await;

    // Rolling back twice: to 1.1.0 (what serves), then to 1.0.0.
    let config = city.config();
    let config = config.to_str().unwrap();
    for to in ["1.1.0", "1.0.0"] {
        let (text, _) = expect(
            0,
            &["plugin", "rollback", "hostile", "--config", config],
            &[],
        );
        assert!(text.contains(&format!("→ {to}")), "{text}");
    }
    plugin_when(&host, "1.0.0 to serve again", |p| p["version"] == "1.0.0").await;
    handled_more(&host, 200).await;

    stop.store(true, Ordering::Relaxed);
    let accepted = sender.await.unwrap();
    // Every accepted event is handled once, by exactly one version.
    let deadline = Instant::now() + Duration::from_secs(60);
    let outs = loop {
        let outs = outputs(&host).await;
        if outs.len() >= accepted.len() || Instant::now() > deadline {
            break outs;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in &outs {
        by_id
            .entry(o["event"]["subject"].as_str().unwrap())
            .or_default()
            .push(o["event"]["pluginversion"].as_str().unwrap_or("?"));
    }
    let twice: Vec<_> = by_id.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(twice.is_empty(), "handled more than once: {twice:?}");
    let lost: Vec<&String> = accepted
        .iter()
        .filter(|id| !by_id.contains_key(id.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} lost: {lost:?}",
        lost.len(),
        accepted.len()
    );
    assert_eq!(outs.len(), accepted.len());

    // In log order the versions run 1.0.0, then 1.1.0, then 1.0.0: one
    // version at a time, never interleaved, and never the broken 1.2.0.
    let mut runs: Vec<&str> = Vec::new();
    for o in &outs {
        let v = o["event"]["pluginversion"].as_str().unwrap();
        if runs.last() != Some(&v) {
            runs.push(v);
        }
    }
    assert_eq!(runs, ["1.0.0", "1.1.0", "1.0.0"], "{} events", outs.len());
    assert!(
        host.logs().iter().any(|l| l["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("plugin upgraded")),
        "the swap is logged"
    );
    // Announced on the log for routes and the dashboard.
    let announced = host.events("type=cityhub.plugin.>&limit=100").await;
    let kinds: Vec<&str> = announced
        .iter()
        .map(|e| e["event"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "cityhub.plugin.upgraded",
            "cityhub.plugin.upgrade-failed",
            "cityhub.plugin.upgrade-failed",
            "cityhub.plugin.upgraded"
        ],
        "{announced:#?}"
    );

    // The audit log holds who did each of it: the host for what it swapped
    // in or refused and for each reload of city.toml, the command line for
    // the rollbacks.
    let audit = host.get_json("/v1/audit?limit=1000").await;
    let records = audit["records"].as_array().unwrap();
    let by = |action: &str| -> Vec<&Value> {
        records.iter().filter(|r| r["action"] == action).collect()
    };
    let upgraded: Vec<(&str, &str)> = by("plugin.upgraded")
        .iter()
        .map(|r| {
            assert_eq!(
                (&r["actor"], &r["target"]),
                (&json!("host"), &json!("hostile"))
            );
            (
                r["detail"]["from"].as_str().unwrap(),
                r["detail"]["to"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        upgraded,
        [("1.0.0", "1.1.0"), ("1.1.0", "1.0.0")],
        "{audit:#}"
    );
    let failed: Vec<&str> = by("plugin.upgrade-failed")
        .iter()
        .map(|r| r["detail"]["version"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["1.1.0", "1.2.0"], "{audit:#}");
    let rollbacks = by("plugin.rolled-back");
    assert_eq!(rollbacks.len(), 2, "{audit:#}");
    for r in rollbacks {
        assert!(r["actor"].as_str().unwrap().starts_with("cli:"), "{r:#}");
        assert_eq!(r["origin"], "cli", "{r:#}");
    }
    let reloads = by("config.changed");
    assert!(
        reloads.iter().any(|r| r["detail"]["applied"] == true),
        "{audit:#}"
    );
}
