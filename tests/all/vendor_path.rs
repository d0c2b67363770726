//! A vendor's whole path, as the README's "Publishing and installing a
//! plugin" tells it, all through the real `cityhub` binary: `plugin new` →
//! the scaffold's own tests → `plugin build` → `plugin test` → `keygen` →
//! `plugin pack` → `sign` → `verify` → `registry vendor add` → `registry
//! serve` → `plugin publish`; then an integrator's running city installs it
//! (refused without approval, and in a city not trusting the vendor), routes
//! events to it, upgrades it to a new version while it runs, cannot install
//! a yanked version, is refused a rollback onto a tampered package, rolls
//! back, and removes it.

use std::{
    future::Future,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::{
    registry::Serving,
    support::{Host, PluginSpec, cityhub, write_city},
};

const NAME: &str = "gate-count";
const VENDOR: &str = "acme";
/// The output type of the scaffold's plugin.
const COUNT: &str = "city.gate-count.count";
/// How long a host may take to take up a change, on a busy 2-core machine.
const PATIENCE: Duration = Duration::from_secs(120);

/// Runs `cmd` and expects exit code `code`; returns its stdout and stderr.
fn expect(code: i32, cmd: &mut Command) -> (String, String) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{cmd:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    (stdout, stderr)
}

/// `cityhub ARGS…`, without a token from the environment.
fn cli(args: &[&str]) -> Command {
    let mut cmd = cityhub();
    cmd.args(args)
        .env_remove("CITYHUB_REGISTRY_TOKEN")
        .env_remove("CITYHUB_REGISTRY");
    cmd
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Shares compiled dependencies with the other scaffold test (vendor.rs).
fn scaffold_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/scaffold")
}

/// The vendor's side: the scaffolded plugin's folder, their keys, their
/// registry token.
struct Vendor {
    plugin: PathBuf,
    keys: PathBuf,
    token: String,
}

impl Vendor {
    /// `plugin build` → `pack` → `sign` → `verify`: the signed package of
    /// the version plugin.toml names.
    fn release(&self, version: &str) -> PathBuf {
        expect(
            0,
            cli(&["plugin", "build", path(&self.plugin)])
                .env("CARGO_TARGET_DIR", scaffold_target()),
        );
        let (out, _) = expect(0, &mut cli(&["plugin", "pack", path(&self.plugin)]));
        let package = self.plugin.join(format!("{NAME}-{version}.chpkg"));
        assert!(out.contains(&format!("packed {NAME} {version}")), "{out}");
        let key = self.keys.join(format!("{VENDOR}.key"));
        let (out, _) = expect(
            0,
            &mut cli(&["plugin", "sign", path(&package), "--key", path(&key)]),
        );
        assert!(out.contains(&format!("as vendor `{VENDOR}`")), "{out}");
        let public = self.keys.join(format!("{VENDOR}.pub"));
        let (out, _) = expect(
            0,
            &mut cli(&["plugin", "verify", path(&package), "--key", path(&public)]),
        );
        assert!(
            out.contains(&format!("{NAME} {version}")) && out.contains(VENDOR),
            "{out}"
        );
        package
    }

    fn publish(&self, package: &Path, registry: &str) {
        let (out, _) = expect(
            0,
            cli(&["plugin", "publish", path(package), "--registry", registry])
                .args(["--token", &self.token]),
        );
        assert!(
            out.contains("published gate-count@") && out.contains(&format!("vendor `{VENDOR}`")),
            "{out}"
        );
    }
}

/// The plugin's row of `plugin list` (plugin, active, rollback to, vendor,
/// in city.toml, package check), one word a column.
fn listed(city: &Path) -> Vec<String> {
    let (out, _) = expect(0, &mut cli(&["plugin", "list", "--config", path(city)]));
    assert!(out.starts_with("PLUGIN"), "{out}");
    out.lines()
        .find(|l| l.starts_with(NAME))
        .unwrap_or_else(|| panic!("{NAME} is not listed:\n{out}"))
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Polls `probe` until it gives a value, for at most [`PATIENCE`].
async fn eventually<T, F: Future<Output = Option<T>>>(
    what: &str,
    mut probe: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "waited {PATIENCE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The plugin as `GET /v1/plugins` shows it, once it serves `version`.
async fn serving(host: &Host, version: &str) -> Value {
    eventually(&format!("{NAME} {version} to serve"), || async {
        let all = host.get_json("/v1/plugins").await;
        all["plugins"]
            .as_array()?
            .iter()
            .find(|p| p["name"] == NAME && p["version"] == version)
            .cloned()
    })
    .await
}

/// Posts the scaffold's sample events with `round` on their ids (each
/// round is new to the log) and returns the plugin's outputs to them, once
/// all three are stored: `(subject, count, pluginversion)`, sorted.
async fn round(host: &Host, samples: &[Value], round: &str) -> Vec<(String, u64, String)> {
    let query = format!("type={COUNT}&limit=1000");
    let before = host.events(&query).await.len();
    let events: Vec<Value> = samples
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e["id"] = format!("{}-{round}", e["id"].as_str().unwrap()).into();
            e
        })
        .collect();
    assert_eq!(host.post_batch(&events).await.status(), 202);
    let outputs = eventually(&format!("the outputs of round {round}"), || async {
        let all = host.events(&query).await;
        (all.len() >= before + events.len()).then_some(all)
    })
    .await;
    let mut got: Vec<(String, u64, String)> = outputs[before..]
        .iter()
        .map(|o| {
            let e = &o["event"];
            (
                e["data"]["subject"].as_str().unwrap_or("?").to_owned(),
                e["data"]["count"].as_u64().unwrap_or(0),
                e["pluginversion"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect();
    got.sort();
    got
}

/// What a round should give: the counts per subject, by `version`.
fn counts(version: &str, a: [u64; 2], b: u64) -> Vec<(String, u64, String)> {
    let mut want = vec![
        ("cổng-a".to_owned(), a[0], version.to_owned()),
        ("cổng-a".to_owned(), a[1], version.to_owned()),
        ("cổng-b".to_owned(), b, version.to_owned()),
    ];
    want.sort();
    want
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_publishes_and_a_running_city_installs_upgrades_and_rolls_back() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("vendor");
    std::fs::create_dir_all(&work).unwrap();

    // The vendor: a new plugin, its own tests natively, a component, a try
    // on the sample events with no host.
    expect(0, cli(&["plugin", "new", NAME]).current_dir(&work));
    let plugin = work.join(NAME);
    // `cargo` through rustup, as a vendor runs it: the scaffold's
    // rust-toolchain.toml picks the toolchain.
    let (out, _) = expect(
        0,
        Command::new("cargo")
            .args(["test", "--quiet"])
            .current_dir(&plugin)
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .env_remove("RUSTC")
            .env("CARGO_TARGET_DIR", scaffold_target()),
    );
    assert!(out.contains("3 passed"), "{out}");
    expect(
        0,
        cli(&["plugin", "build", path(&plugin)]).env("CARGO_TARGET_DIR", scaffold_target()),
    );
    let sample = plugin.join("events/sample.json");
    let (out, err) = expect(
        0,
        &mut cli(&["plugin", "test", path(&plugin), "--events", path(&sample)]),
    );
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(err.contains("3 events in, 3 out, 0 failed"), "{err}");
    let samples: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&sample).unwrap()).unwrap();

    // Their key pair, a signed package, a token from the registry's operator.
    let keys = tmp.path().join("keys");
    let (out, _) = expect(0, &mut cli(&["keygen", VENDOR, "--out", path(&keys)]));
    let public = out
        .lines()
        .next()
        .and_then(|l| l.split_once(": "))
        .map(|(_, k)| k.to_owned())
        .unwrap_or_else(|| panic!("no public key in:\n{out}"));
    assert!(public.starts_with("ed25519:"), "{out}");
    let store = format!(
        "sqlite://{}",
        tmp.path().join("registry/registry.db").display()
    );
    let pub_file = keys.join(format!("{VENDOR}.pub"));
    let (out, _) = expect(
        0,
        cli(&[
            "registry",
            "vendor",
            "add",
            VENDOR,
            "--key",
            path(&pub_file),
        ])
        .args(["--store", &store]),
    );
    let token = out
        .lines()
        .find(|l| l.starts_with("cityhub_vt_"))
        .unwrap_or_else(|| panic!("no token in:\n{out}"))
        .to_owned();
    let registry = Serving::start(&store, &tmp.path().join("registry/blobs"));
    let url = registry.url.as_str();
    let vendor = Vendor {
        plugin: plugin.clone(),
        keys,
        token,
    };
    let first = vendor.release("0.1.0");
    vendor.publish(&first, url);

    // A city that does not trust the vendor refuses the package.
    let stranger = tmp.path().join("stranger");
    std::fs::create_dir_all(&stranger).unwrap();
    let stranger_city = write_city(&stranger, &[]);
    let (_, err) = expect(
        2,
        cli(&["plugin", "install", "gate-count@^0.1", "--approve"]).args([
            "--registry",
            url,
            "--config",
            path(&stranger_city),
        ]),
    );
    assert!(
        err.contains("signed by vendor `acme`, which this city does not trust")
            && err.contains("[trust.vendors]"),
        "{err}"
    );
    assert!(!stranger.join(".cityhub/plugins").join(NAME).exists());

    // The integrator's city, running with the hostile test plugin, trusts
    // the vendor's key.
    let city_dir = tmp.path().join("city");
    std::fs::create_dir_all(&city_dir).unwrap();
    let city = write_city(&city_dir, &[PluginSpec::hostile()]);
    let mut toml = std::fs::read_to_string(&city).unwrap();
    toml.push_str(&format!("\n[trust.vendors]\n{VENDOR} = \"{public}\"\n"));
    std::fs::write(&city, &toml).unwrap();
    let host = Host::start_with(&city);
    let install = |spec: &str, approve: bool| {
        let mut cmd = cli(&["plugin", "install", spec, "--registry", url]);
        cmd.args(["--config", path(&city)]);
        if approve {
            cmd.arg("--approve");
        }
        cmd
    };

    // Without approval: shown what it asks for, and refused.
    let (out, err) = expect(2, &mut install("gate-count@^0.1", false));
    assert!(
        out.contains("gate-count 0.1.0 by vendor `acme`") && out.contains("signature verified"),
        "{out}"
    );
    for c in ["log ", "state ", "clock "] {
        assert!(out.contains(c), "`{c}` is not shown:\n{out}");
    }
    assert!(
        err.contains("asks for log, state, clock that city.toml does not grant it")
            && err.contains("--approve"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&city).unwrap(),
        toml,
        "nothing written"
    );

    // Approved: installed, and city.toml gains the plugin with its grants.
    let (out, _) = expect(0, &mut install("gate-count@^0.1", true));
    assert!(out.contains("installed gate-count 0.1.0"), "{out}");
    let written: toml::Table = toml::from_str(&std::fs::read_to_string(&city).unwrap()).unwrap();
    let table = &written["plugins"][NAME];
    assert_eq!(table["package"].as_str(), Some(NAME), "{written:#?}");
    let grants: Vec<&str> = table["grants"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g.as_str())
        .collect();
    assert_eq!(grants, ["log", "state", "clock"]);
    assert!(out.contains("compiled in"), "install compiles it: {out}");
    serving(&host, "0.1.0").await;
    // Install compiled it into the host's cache, so the host did not.
    let loaded = host
        .wait_for_log("0.1.0 loaded", |l| {
            l["message"] == "plugin loaded" && l["plugin"] == NAME && l["version"] == "0.1.0"
        })
        .await;
    assert_eq!(loaded["compiled"], false, "{loaded}");

    // A route to it; the sample events come out of the plugin.
    let mut toml = std::fs::read_to_string(&city).unwrap();
    toml.push_str(&format!(
        "\n[routes.{NAME}]\nfrom = \"city.{NAME}.reading\"\nto = \"{NAME}\"\n"
    ));
    std::fs::write(&city, &toml).unwrap();
    let route = format!("/v1/routes/{NAME}");
    eventually("the new route to run", || async {
        (host.get_json(&route).await["name"] == NAME).then_some(())
    })
    .await;
    assert_eq!(
        round(&host, &samples, "1").await,
        counts("0.1.0", [1, 2], 1)
    );
    assert_eq!(
        listed(&city),
        [NAME, "0.1.0", "-", VENDOR, "yes", "verified"]
    );

    // 0.1.1: released, published, installed: the running host swaps it in,
    // and its state (the counts) carries on.
    let manifest = plugin.join("plugin.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("version = \"0.1.0\"", "version = \"0.1.1\""),
    )
    .unwrap();
    let second = vendor.release("0.1.1");
    vendor.publish(&second, url);
    let (out, _) = expect(0, &mut install("gate-count@^0.1", true));
    assert!(
        out.contains("installed gate-count 0.1.1 (was 0.1.0)"),
        "{out}"
    );
    let p = serving(&host, "0.1.1").await;
    assert!(p.get("upgrade_failed").is_none(), "{p:#}");
    assert_eq!(p["routes"], serde_json::json!([NAME]), "{p:#}");
    assert_eq!(
        round(&host, &samples, "2").await,
        counts("0.1.1", [3, 4], 2)
    );
    assert_eq!(
        listed(&city),
        [NAME, "0.1.1", "0.1.0", VENDOR, "yes", "verified"]
    );
    // The plugin is routed: it cannot be removed.
    let (_, err) = expect(
        2,
        &mut cli(&["plugin", "remove", NAME, "--config", path(&city)]),
    );
    assert!(
        err.contains(&format!("routes {NAME} deliver to it")),
        "{err}"
    );

    // Yanked: no new install resolves it.
    let (out, _) = expect(
        0,
        cli(&["plugin", "yank", "gate-count@0.1.1", "--registry", url])
            .args(["--token", &vendor.token]),
    );
    assert!(out.contains("yanked gate-count@0.1.1"), "{out}");
    let (_, err) = expect(2, &mut install("gate-count@=0.1.1", true));
    assert!(
        err.contains("no version of `gate-count` matching `=0.1.1`")
            && err.contains("0.1.1 (yanked)"),
        "{err}"
    );

    // A rollback onto a package changed on disk is refused...
    let old = city_dir
        .join(".cityhub/plugins")
        .join(NAME)
        .join("0.1.0.chpkg");
    let good = std::fs::read(&old).unwrap();
    let mut bad = good.clone();
    let middle = bad.len() / 2;
    bad[middle] ^= 0x01;
    std::fs::write(&old, &bad).unwrap();
    let rollback = || cli(&["plugin", "rollback", NAME, "--config", path(&city)]);
    let (_, err) = expect(2, &mut rollback());
    assert!(
        err.contains("not rolled back") && err.contains("changed after signing"),
        "{err}"
    );
    // Nothing changed: 0.1.1 stays installed and serving.
    assert_eq!(listed(&city)[..3], [NAME, "0.1.1", "0.1.0"]);
    serving(&host, "0.1.1").await;

    // ...and onto the intact one returns the host to 0.1.0.
    std::fs::write(&old, &good).unwrap();
    let (out, _) = expect(0, &mut rollback());
    assert!(out.contains("0.1.1 → 0.1.0"), "{out}");
    let p = serving(&host, "0.1.0").await;
    assert!(p.get("upgrade_failed").is_none(), "{p:#}");
    assert_eq!(
        round(&host, &samples, "3").await,
        counts("0.1.0", [5, 6], 3)
    );

    // Removed, once no route delivers to it: out of city.toml, the plugins
    // folder and the running host; the city's other plugin serves on.
    let without_route = toml
        .split_once(&format!("\n[routes.{NAME}]"))
        .map(|(before, _)| before.to_owned())
        .unwrap();
    std::fs::write(&city, &without_route).unwrap();
    let (out, _) = expect(
        0,
        &mut cli(&["plugin", "remove", NAME, "--config", path(&city)]),
    );
    assert!(out.contains(&format!("removed {NAME}")), "{out}");
    let left = std::fs::read_to_string(&city).unwrap();
    assert!(!left.contains(&format!("[plugins.{NAME}]")), "{left}");
    assert!(!city_dir.join(".cityhub/plugins").join(NAME).exists());
    let names = eventually(&format!("{NAME} to leave the host"), || async {
        let all = host.get_json("/v1/plugins").await;
        let names: Vec<String> = all["plugins"]
            .as_array()?
            .iter()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        (!names.iter().any(|n| n == NAME)).then_some(names)
    })
    .await;
    assert_eq!(names, ["hostile"]);
    drop(registry);
    eprintln!("the vendor's path took {:?}", started.elapsed());
}
