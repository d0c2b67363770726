//! Signed packages through the real binary, on a real built plugin:
//! `cityhub keygen` → `plugin pack` → `plugin sign` → `plugin verify`, and
//! `verify` refusing a tampered package, a wrong key, an unknown vendor and
//! an unsigned package, each saying what and why.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use cityhub_package::Package;

use crate::support::{cityhub, plugins};

/// Runs `cmd`, which must exit with `code`; returns its stdout and stderr.
fn run(cmd: &mut Command, code: i32) -> (String, String) {
    let out: Output = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{cmd:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    (stdout, stderr)
}

/// Runs a command that must succeed; returns its stdout.
fn run_ok(cmd: &mut Command) -> String {
    run(cmd, 0).0
}

/// Runs a command that must fail; returns its stderr.
fn run_err(cmd: &mut Command) -> String {
    run(cmd, 1).1
}

/// `DIR/traffic` with the traffic plugin's plugin.toml and built component,
/// as `cityhub plugin build` leaves a plugin's folder.
fn built_traffic(dir: &Path) -> PathBuf {
    let plugin = dir.join("traffic");
    std::fs::create_dir_all(&plugin).unwrap();
    std::fs::copy(
        Path::new(plugins::TRAFFIC_DIR).join("plugin.toml"),
        plugin.join("plugin.toml"),
    )
    .unwrap();
    std::fs::copy(plugins::TRAFFIC_WASM, plugin.join("plugin.wasm")).unwrap();
    plugin
}

/// `cityhub keygen VENDOR --out DIR`; returns the public key it printed.
fn keygen(vendor: &str, dir: &Path) -> String {
    let out = run_ok(cityhub().args(["keygen", vendor, "--out"]).arg(dir));
    let first = out.lines().next().unwrap();
    first
        .split_once(": ")
        .map(|(_, key)| key.to_owned())
        .unwrap_or_else(|| panic!("no key in {out}"))
}

fn sign(package: &Path, key: &Path) -> String {
    run_ok(
        cityhub()
            .args(["plugin", "sign"])
            .arg(package)
            .arg("--key")
            .arg(key),
    )
}

fn verify(package: &Path, key: &Path) -> Command {
    let mut cmd = cityhub();
    cmd.args(["plugin", "verify"])
        .arg(package)
        .arg("--key")
        .arg(key);
    cmd
}

/// A copy of `package` under another name.
fn copy(package: &Path, name: &str) -> PathBuf {
    let to = package.with_file_name(name);
    std::fs::copy(package, &to).unwrap();
    to
}

#[test]
fn a_vendor_packs_and_signs_a_built_plugin_and_a_city_verifies_it() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    let public = keygen("acme", &keys);
    assert!(public.starts_with("ed25519:"), "{public}");
    let pub_file = std::fs::read_to_string(keys.join("acme.pub")).unwrap();
    assert_eq!(
        pub_file,
        format!(
            "cityhub-public-key ed25519 acme {}\n",
            &public["ed25519:".len()..]
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(keys.join("acme.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the secret key is private");
    }
    let err = run_err(cityhub().args(["keygen", "acme", "--out"]).arg(&keys));
    assert!(err.contains("acme.key` already exists"), "{err}");

    // Packing needs the built component.
    let plugin = built_traffic(tmp.path());
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::copy(plugin.join("plugin.toml"), empty.join("plugin.toml")).unwrap();
    let err = run_err(cityhub().args(["plugin", "pack"]).arg(&empty));
    assert!(
        err.contains("build it first with `cityhub plugin build"),
        "{err}"
    );

    let out = run_ok(cityhub().args(["plugin", "pack"]).arg(&plugin));
    let package = plugin.join("traffic-0.1.0.chpkg");
    assert!(out.contains("packed traffic 0.1.0 into"), "{out}");
    let digest = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("digest"))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no digest in {out}"))
        .to_owned();
    assert!(digest.starts_with("sha256:"), "{out}");

    let out = sign(&package, &keys.join("acme.key"));
    assert!(out.contains("as vendor `acme`"), "{out}");
    assert!(out.contains(&digest), "signing keeps the digest: {out}");

    let out = run_ok(&mut verify(&package, &keys.join("acme.pub")));
    for want in [
        "plugin        traffic 0.1.0",
        &format!("vendor        acme ({public})"),
        &format!("digest        {digest}"),
        "world         cityhub:plugin@0.1.0",
        "capabilities  log",
        "state ",
        "clock ",
        "memory 16 MiB, time-per-batch 200ms",
    ] {
        assert!(out.contains(want), "`{want}` missing from:\n{out}");
    }
    // A city's [trust.vendors] serves as well as the key file.
    let city = tmp.path().join("city.toml");
    std::fs::write(&city, format!("[trust.vendors]\nacme = \"{public}\"\n")).unwrap();
    let out = run_ok(
        cityhub()
            .args(["plugin", "verify"])
            .arg(&package)
            .arg("--city")
            .arg(&city),
    );
    assert!(out.contains(&format!("digest        {digest}")), "{out}");
    std::fs::write(&city, "[trust.vendors]\n").unwrap();
    let err = run_err(
        cityhub()
            .args(["plugin", "verify"])
            .arg(&package)
            .arg("--city")
            .arg(&city),
    );
    assert!(err.contains("which this city does not trust"), "{err}");

    // The package holds exactly the built component and the manifest.
    let bytes = std::fs::read(&package).unwrap();
    let read = Package::read_unverified(&bytes).unwrap();
    assert_eq!(
        read.component(),
        std::fs::read(plugins::TRAFFIC_WASM).unwrap()
    );
    assert_eq!(
        read.manifest_text(),
        std::fs::read_to_string(plugin.join("plugin.toml")).unwrap()
    );
    assert_eq!(read.digest().to_string(), digest);
}

#[test]
fn verify_refuses_tampering_a_wrong_key_an_unknown_vendor_and_no_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    let impostor = tmp.path().join("impostor");
    keygen("acme", &keys);
    let impostor_key = keygen("acme", &impostor);
    keygen("globex", &keys);
    let trusted = keys.join("acme.pub");

    let plugin = built_traffic(tmp.path());
    run_ok(cityhub().args(["plugin", "pack"]).arg(&plugin));
    let unsigned = plugin.join("traffic-0.1.0.chpkg");

    let err = run_err(&mut verify(&unsigned, &trusted));
    assert!(err.contains("traffic-0.1.0.chpkg` is refused"), "{err}");
    assert!(err.contains("package is not signed"), "{err}");

    // One byte of the component changed after signing.
    let tampered = copy(&unsigned, "tampered.chpkg");
    sign(&tampered, &keys.join("acme.key"));
    let mut bytes = std::fs::read(&tampered).unwrap();
    let manifest_len = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
    let component_start = 12 + manifest_len + 8;
    let len = std::fs::metadata(plugins::TRAFFIC_WASM).unwrap().len() as usize;
    bytes[component_start + len / 2] ^= 0x01;
    std::fs::write(&tampered, bytes).unwrap();
    let err = run_err(&mut verify(&tampered, &trusted));
    assert!(err.contains("tampered.chpkg` is refused"), "{err}");
    assert!(
        err.contains("do not match its signature by `acme`: it was changed after signing"),
        "{err}"
    );

    // Another key, claiming the same vendor id.
    let wrong = copy(&unsigned, "wrong-key.chpkg");
    sign(&wrong, &impostor.join("acme.key"));
    let err = run_err(&mut verify(&wrong, &trusted));
    assert!(
        err.contains(&format!(
            "package claims vendor `acme` but is signed with key {impostor_key}, not the key this city trusts for `acme`"
        )),
        "{err}"
    );
    assert!(err.contains("do not install it"), "{err}");

    // A vendor this city has no key for.
    let unknown = copy(&unsigned, "unknown-vendor.chpkg");
    sign(&unknown, &keys.join("globex.key"));
    let err = run_err(&mut verify(&unknown, &trusted));
    assert!(
        err.contains("signed by vendor `globex`, which this city does not trust"),
        "{err}"
    );
    assert!(err.contains("pass the vendor's `.pub` file"), "{err}");
    // ...which verifies once its key is given.
    run_ok(&mut verify(&unknown, &keys.join("globex.pub")));

    // Keys mixed up: the secret key where the public one belongs, and back.
    let err = run_err(&mut verify(&unknown, &keys.join("globex.key")));
    assert!(
        err.contains("globex.key`") && err.contains("pass the vendor's `.pub` file"),
        "{err}"
    );
    let err = run_err(
        cityhub()
            .args(["plugin", "sign"])
            .arg(&unknown)
            .arg("--key")
            .arg(&trusted),
    );
    assert!(
        err.contains("acme.pub`") && err.contains("pass the vendor's `.key` file"),
        "{err}"
    );
}
