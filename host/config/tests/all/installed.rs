//! Plugins installed from a registry (`package = "NAME"`): the active
//! version's package is read from the plugins' folder and verified against
//! `[trust.vendors]`, and the capabilities it asks for must be granted.

use std::path::Path;

use cityhub_config::{CityConfig, Code, Installed};
use cityhub_manifest::Capability;
use cityhub_package::{Package, SecretKey, VendorId};
use semver::Version;

const MANIFEST: &str = r#"
name = "weather"
version = "VERSION"
vendor = "Acme Weather"
world = "0.1.0"
subscribes = ["city.weather.reading"]
publishes = ["city.weather.alert"]
capabilities = ["log", "state"]
"#;

/// A component's first bytes: the package format checks no more.
const COMPONENT: &[u8] = b"\0asm\x0d\0\x01\0";

struct City {
    dir: tempfile::TempDir,
    key: SecretKey,
}

impl City {
    fn new() -> Self {
        let key = SecretKey::generate("acme".parse::<VendorId>().unwrap()).unwrap();
        Self {
            dir: tempfile::tempdir().unwrap(),
            key,
        }
    }

    /// Installs `version` signed by `key`, with `edit` applied to its bytes.
    fn install(&self, version: &str, key: &SecretKey, edit: impl FnOnce(&mut Vec<u8>)) {
        let mut p =
            Package::pack(&MANIFEST.replace("VERSION", version), COMPONENT.to_vec()).unwrap();
        p.sign(key);
        let mut bytes = p.to_bytes();
        edit(&mut bytes);
        let plugins = self.dir.path().join(".cityhub/plugins");
        let v = Version::parse(version).unwrap();
        std::fs::create_dir_all(plugins.join("weather")).unwrap();
        std::fs::write(Installed::package_file(&plugins, "weather", &v), bytes).unwrap();
        Installed {
            active: v,
            previous: vec![],
        }
        .write(&plugins, "weather")
        .unwrap();
    }

    /// Loads city.toml with `grants` and the approved `publishes`.
    fn load(&self, grants: &str) -> Result<CityConfig, String> {
        self.load_raw(&format!("{grants}\npublishes = [\"city.weather.alert\"]"))
    }

    /// Loads city.toml with `body` in `[plugins.weather]`.
    fn load_raw(&self, grants: &str) -> Result<CityConfig, String> {
        let text = format!(
            "[trust.vendors]\nacme = \"{}\"\n\n[plugins.weather]\npackage = \"weather\"\n{grants}\n",
            self.key.public_key().to_text()
        );
        let file = self.dir.path().join("city.toml");
        std::fs::write(&file, &text).unwrap();
        CityConfig::load(&file).map_err(|d| d.to_string())
    }
}

#[test]
fn an_installed_package_loads_verified_with_its_grants() {
    let city = City::new();
    city.install("1.2.0", &city.key, |_| {});
    let c = city.load(r#"grants = ["state", "log", "clock"]"#).unwrap();
    let p = &c.plugins[0];
    let Code::Package(installed) = &p.code else {
        panic!("not a package: {:?}", p.code)
    };
    assert_eq!(installed.version, Version::new(1, 2, 0));
    assert_eq!(installed.vendor.as_str(), "acme");
    assert_eq!(&installed.component[..], COMPONENT);
    assert_eq!(p.manifest.version, Version::new(1, 2, 0));
    assert_eq!(
        p.grants,
        Some(vec![Capability::Log, Capability::State, Capability::Clock])
    );
    assert_eq!(c.plugins_dir, city.dir.path().join(".cityhub/plugins"));
}

#[test]
fn a_capability_not_granted_is_refused() {
    let city = City::new();
    city.install("1.2.0", &city.key, |_| {});
    let e = city.load(r#"grants = ["log"]"#).unwrap_err();
    assert!(
        e.contains("plugin `weather` 1.2.0 asks for \"state\", which `grants` does not give it"),
        "{e}"
    );
    let e = city.load_raw("publishes = []").unwrap_err();
    assert!(
        e.contains("installed plugin `weather` has no `grants`")
            && e.contains(r#"grants = ["log", "state"]"#),
        "{e}"
    );
}

#[test]
fn an_installed_package_needs_its_outputs_approved() {
    let city = City::new();
    city.install("1.2.0", &city.key, |_| {});
    let e = city.load_raw(r#"grants = ["log", "state"]"#).unwrap_err();
    assert!(
        e.contains("installed plugin `weather` has no `publishes`")
            && e.contains(r#"publishes = ["city.weather.alert"]"#),
        "{e}"
    );
    let e = city
        .load_raw("grants = [\"log\", \"state\"]\npublishes = [\"city.weather.>\"]")
        .unwrap_err();
    assert!(
        e.contains("`publishes` approves `city.weather.>` for plugin `weather`, whose manifest declares only \"city.weather.alert\""),
        "{e}"
    );
    // Approving less than declared is least privilege, and allowed.
    let c = city
        .load_raw("grants = [\"log\", \"state\"]\npublishes = []")
        .unwrap();
    assert!(c.plugins[0].publishes.is_empty());
}

#[test]
fn tampered_unknown_and_wrongly_signed_packages_are_refused() {
    let city = City::new();
    let grants = r#"grants = ["log", "state"]"#;
    // One byte of the component changed after signing.
    city.install("1.2.0", &city.key, |b| {
        let at = b.windows(4).position(|w| w == b"\0asm").unwrap();
        b[at + 5] ^= 1;
    });
    let e = city.load(grants).unwrap_err();
    assert!(
        e.contains("1.2.0.chpkg` is refused") && e.contains("changed after signing"),
        "{e}"
    );

    // Signed by a vendor the city does not trust.
    let other = SecretKey::generate("umbrella".parse().unwrap()).unwrap();
    city.install("1.2.0", &other, |_| {});
    let e = city.load(grants).unwrap_err();
    assert!(
        e.contains("signed by vendor `umbrella`, which this city does not trust"),
        "{e}"
    );

    // Claims vendor `acme` but signed with another key.
    let impostor = SecretKey::generate("acme".parse().unwrap()).unwrap();
    city.install("1.2.0", &impostor, |_| {});
    let e = city.load(grants).unwrap_err();
    assert!(
        e.contains("claims vendor `acme` but is signed with key"),
        "{e}"
    );
}

#[test]
fn a_package_whose_version_is_not_the_active_one_is_refused() {
    let city = City::new();
    city.install("1.2.0", &city.key, |_| {});
    let plugins = city.dir.path().join(".cityhub/plugins");
    // installed.toml says 1.3.0, but that file holds 1.2.0.
    std::fs::copy(
        plugins.join("weather/1.2.0.chpkg"),
        plugins.join("weather/1.3.0.chpkg"),
    )
    .unwrap();
    Installed {
        active: Version::new(1, 3, 0),
        previous: vec![],
    }
    .write(&plugins, "weather")
    .unwrap();
    let e = city.load(r#"grants = ["log", "state"]"#).unwrap_err();
    assert!(
        e.contains("holds version 1.2.0 of `weather`, but `installed.toml` says 1.3.0"),
        "{e}"
    );
    assert!(Path::new(&plugins).is_dir());
}
