//! `cityhub plugin install` against a real registry: what it refuses, each
//! with a message saying what and why — an unsupported plugin world, a
//! yanked version, an unknown vendor, a key that is not the trusted one, a
//! package changed on the registry's disk, capabilities not approved — and
//! what it installs once approved.

use std::path::Path;

use cityhub_package::{Package, SecretKey};

use crate::{
    registry::{Serving, add_vendor, expect},
    support::plugins,
};

/// A hostile package of `version` signed by `key`, `edit` applied to its
/// manifest, written to `dir`; its path.
fn package(dir: &Path, key: &SecretKey, version: &str, edit: fn(String) -> String) -> String {
    let manifest = std::fs::read_to_string(Path::new(plugins::HOSTILE_DIR).join("plugin.toml"))
        .unwrap()
        .replace("version = \"0.1.0\"", &format!("version = \"{version}\""));
    let mut p = Package::pack(
        &edit(manifest),
        std::fs::read(plugins::HOSTILE_WASM).unwrap(),
    )
    .unwrap();
    p.sign(key);
    let file = dir.join(format!("hostile-{version}.chpkg"));
    std::fs::write(&file, p.to_bytes()).unwrap();
    file.to_str().unwrap().to_owned()
}

/// A city.toml trusting `trusted` (vendor `acme`), or no one.
fn city(dir: &Path, trusted: Option<&SecretKey>) -> String {
    let trust = trusted.map_or(String::new(), |k| {
        format!("[trust.vendors]\nacme = \"{}\"\n", k.public_key().to_text())
    });
    let file = dir.join("city.toml");
    std::fs::write(&file, format!("# The test city.\n{trust}")).unwrap();
    file.to_str().unwrap().to_owned()
}

#[test]
fn install_refuses_what_it_must_and_installs_what_is_approved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = format!("sqlite://{}", dir.join("registry/registry.db").display());
    let (key, token, _) = add_vendor(dir, &store);
    let blobs = dir.join("registry/blobs");
    let registry = Serving::start(&store, &blobs);
    let url = registry.url.clone();
    let publish = |file: &str| {
        expect(
            0,
            &[
                "plugin",
                "publish",
                file,
                "--registry",
                &url,
                "--token",
                &token,
            ],
            &[],
        );
    };
    publish(&package(dir, &key, "1.0.0", |m| m));
    publish(&package(dir, &key, "1.1.0", |m| {
        m.replace("world = \"0.1.0\"", "world = \"0.2.0\"")
    }));
    publish(&package(dir, &key, "1.2.0", |m| m));
    expect(
        0,
        &[
            "plugin",
            "yank",
            "hostile@1.2.0",
            "--registry",
            &url,
            "--token",
            &token,
        ],
        &[],
    );

    let trusted = city(dir, Some(&key));
    let install = |spec: &str, config: &str, approve: bool| {
        let mut args = vec![
            "plugin",
            "install",
            spec,
            "--registry",
            &url,
            "--config",
            config,
        ];
        if approve {
            args.push("--approve");
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |code: i32, args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        expect(code, &args, &[])
    };

    // Built for a plugin world this host does not run.
    let (_, err) = run(2, install("hostile@=1.1.0", &trusted, true));
    assert!(
        err.contains("hostile@1.1.0 was built for the plugin world `cityhub:plugin@0.2.0`, but this host runs `cityhub:plugin@0.1.0`"),
        "{err}"
    );
    // Yanked: never resolved for an install.
    let (_, err) = run(2, install("hostile@=1.2.0", &trusted, true));
    assert!(
        err.contains("no version of `hostile` matching `=1.2.0`")
            && err.contains("1.2.0 (yanked)")
            && err.contains("yanked versions are never installed"),
        "{err}"
    );
    // A vendor the city does not trust.
    let untrusting = dir.join("untrusting");
    std::fs::create_dir_all(&untrusting).unwrap();
    let (_, err) = run(2, install("hostile@^1", &city(&untrusting, None), true));
    assert!(
        err.contains("signed by vendor `acme`, which this city does not trust"),
        "{err}"
    );
    // The city trusts another key for `acme`.
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let impostor = SecretKey::generate("acme".parse().unwrap()).unwrap();
    let (_, err) = run(
        2,
        install("hostile@^1", &city(&other, Some(&impostor)), true),
    );
    assert!(
        err.contains("claims vendor `acme` but is signed with key"),
        "{err}"
    );

    // Not approved: it lists what it asks for and installs nothing.
    let (out, err) = run(2, install("hostile@^1", &trusted, false));
    assert!(
        out.contains("hostile 1.0.0 by vendor `acme`") && out.contains("signature verified"),
        "{out}"
    );
    assert!(out.contains("state  keep its own key-value state"), "{out}");
    assert!(out.contains("memory 32 MiB"), "{out}");
    // Beside capabilities: the types it would publish, the classes it asks for.
    assert!(out.contains("publishes     test.hostile.ok"), "{out}");
    assert!(out.contains("data classes  personal"), "{out}");
    assert!(
        err.contains("not installed: hostile 1.0.0 asks for log, state, clock that city.toml does not grant it")
            && err.contains("--approve"),
        "{err}"
    );
    assert!(!dir.join(".cityhub/plugins/hostile").exists());

    // Approved: installed, and city.toml grants what was approved.
    let (out, _) = run(0, install("hostile@^1", &trusted, true));
    assert!(out.contains("installed hostile 1.0.0"), "{out}");
    let written = std::fs::read_to_string(&trusted).unwrap();
    assert!(
        written.starts_with("# The test city.\n"),
        "comments are kept: {written}"
    );
    assert!(
        written.contains(
            "[plugins.hostile]\npackage = \"hostile\"\ngrants = [\"log\", \"state\", \"clock\"]\npublishes = [\"test.hostile.ok\"]\ndata-classes = [\"personal\"]"
        ),
        "{written}"
    );
    assert!(dir.join(".cityhub/plugins/hostile/1.0.0.chpkg").is_file());
    let (out, _) = expect(0, &["plugin", "list", "--config", &trusted], &[]);
    assert!(
        out.lines().any(|l| l.starts_with("hostile")
            && l.contains("1.0.0")
            && l.contains("acme")
            && l.contains("verified")),
        "{out}"
    );

    // Removing it is refused while a route delivers to it, then done.
    std::fs::write(
        &trusted,
        format!("{written}\n[routes.echo]\nfrom = \"test.hostile.ok\"\nto = \"hostile\"\n"),
    )
    .unwrap();
    let (_, err) = expect(
        2,
        &["plugin", "remove", "hostile", "--config", &trusted],
        &[],
    );
    assert!(err.contains("routes echo deliver to it"), "{err}");
    std::fs::write(&trusted, &written).unwrap();
    let (out, _) = expect(
        0,
        &["plugin", "remove", "hostile", "--config", &trusted],
        &[],
    );
    assert!(out.contains("removed hostile"), "{out}");
    let left = std::fs::read_to_string(&trusted).unwrap();
    assert!(
        !left.contains("[plugins.hostile]") && left.contains("[trust.vendors]"),
        "{left}"
    );
    assert!(!dir.join(".cityhub/plugins/hostile").exists());

    // The audit log of the city's store says who approved, installed and
    // removed it, from the command line.
    let (out, _) = expect(0, &["audit", "--json", "--config", &trusted], &[]);
    let records: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actions: Vec<&str> = records
        .iter()
        .filter(|r| r["target"] == "hostile")
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["plugin.approved", "plugin.installed", "plugin.removed"],
        "{out}"
    );
    for r in &records {
        assert!(r["actor"].as_str().unwrap().starts_with("cli:"), "{r}");
    }
    let approved = &records
        .iter()
        .find(|r| r["action"] == "plugin.approved")
        .unwrap()["detail"];
    assert_eq!(
        approved["grants"],
        serde_json::json!(["log", "state", "clock"]),
        "{out}"
    );
    assert_eq!(
        approved["data_classes"],
        serde_json::json!(["personal"]),
        "{out}"
    );

    // A package changed on the registry's disk is refused on download.
    for entry in walk(&blobs.join("sha256")) {
        let mut bytes = std::fs::read(&entry).unwrap();
        // Inside the component, which the signature covers.
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        std::fs::write(&entry, bytes).unwrap();
    }
    let (_, err) = run(2, install("hostile@=1.0.0", &trusted, true));
    assert!(err.contains("changed after signing"), "{err}");
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}
