//! The bench's city: the hostile test plugin installed as a package signed
//! by `acme` (as `cityhub plugin install` leaves it), one route echoing every
//! `city.traffic.congestion` it gets, and new versions landed the way
//! `install` lands them: the package first, then `installed.toml` renamed
//! into place, which is the moment the bench times from.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant, SystemTime},
};

use cityhub_config::Installed;
use cityhub_package::{Package, SecretKey};
use semver::Version;

use crate::support::plugins;

/// The installed plugin's name, and its route's.
pub const PLUGIN: &str = "hostile";
/// The type posted: hostile echoes it like `test.hostile.ok` (its tap for
/// the bus tests), so that `?type=test.hostile.ok` pages only its outputs.
pub const INPUT_TYPE: &str = "city.traffic.congestion";
/// The type of its outputs, one per input, with the input's id as subject.
pub const OUTPUT_TYPE: &str = "test.hostile.ok";
/// The route's batch size: hostile's `outputs-per-batch` limit.
const BATCH_SIZE: u32 = 100;
/// The route's `max-lag` (log entries behind, its outputs included),
/// beyond which ingest answers `429`: well inside the bus's in-memory tail
/// (50,000 events), so that the route keeps reading from memory and the
/// load is what the host sustains. At the default, 100,000, the posters
/// outran the route, it fell back to reading the store, and its throughput
/// swung from 3,000 to 19,000 outputs a second.
pub const MAX_LAG: u64 = 20_000;

/// A city in a temporary folder; removed when dropped.
pub struct City {
    dir: tempfile::TempDir,
    key: SecretKey,
    manifest: String,
}

impl City {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate("acme".parse().unwrap()).unwrap();
        let toml = format!(
            "[store]\nurl = \"sqlite://{}\"\n\n[runtime]\ncache-dir = \"cache\"\n\n\
             [trust.vendors]\nacme = \"{}\"\n\n\
             [plugins.{PLUGIN}]\npackage = \"{PLUGIN}\"\ngrants = [\"log\", \"state\", \"clock\"]\npublishes = [\"test.hostile.ok\"]\n\n\
             [routes.{PLUGIN}]\nfrom = \"{INPUT_TYPE}\"\nto = \"{PLUGIN}\"\nbatch-size = {BATCH_SIZE}\nmax-lag = {MAX_LAG}\n",
            dir.path().join("city.db").display(),
            key.public_key().to_text()
        );
        std::fs::write(dir.path().join("city.toml"), toml).unwrap();
        let manifest =
            std::fs::read_to_string(Path::new(plugins::HOSTILE_DIR).join("plugin.toml")).unwrap();
        Self { dir, key, manifest }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("city.toml")
    }

    fn plugins_dir(&self) -> PathBuf {
        self.dir.path().join(".cityhub/plugins")
    }

    /// Writes the signed package of `version` with `component`: not yet the
    /// active version (the host does not look at packages until
    /// `installed.toml` names one).
    pub fn stage(&self, version: &Version, component: Vec<u8>) {
        let manifest = self
            .manifest
            .replace("version = \"0.1.0\"", &format!("version = \"{version}\""));
        assert_ne!(
            manifest, self.manifest,
            "hostile's plugin.toml has no version line"
        );
        let mut package = Package::pack(&manifest, component).unwrap();
        package.sign(&self.key);
        let file = Installed::package_file(&self.plugins_dir(), PLUGIN, version);
        cityhub_config::write_atomic(&file, &package.to_bytes()).unwrap();
    }

    /// Makes the staged `version` the active one: `installed.toml` written
    /// whole to a temporary name, then renamed into place (as
    /// [`Installed::write`] does). Returns the time just before the rename
    /// (the landing: the host cannot see the new file earlier, so no time
    /// is left out) and how long the rename took (a thread preempted there
    /// makes the landing look earlier than it was by at most that).
    pub fn activate(&self, version: &Version) -> (SystemTime, Duration) {
        let dir = Installed::dir(&self.plugins_dir(), PLUGIN);
        let mut installed = Installed::read(&self.plugins_dir(), PLUGIN)
            .unwrap()
            .unwrap_or_else(|| Installed {
                active: version.clone(),
                previous: vec![],
            });
        installed.activate(version.clone());
        let tmp = dir.join(".installed.toml.bench.tmp");
        std::fs::write(&tmp, toml::to_string(&installed).unwrap()).unwrap();
        let (landed, start) = (SystemTime::now(), Instant::now());
        std::fs::rename(&tmp, dir.join(Installed::FILE)).unwrap();
        (landed, start.elapsed())
    }
}

/// `component` with a custom section appended (id 0, LEB128 size, LEB128
/// name length, name, payload; a component may end with one), so that its
/// digest differs and the host compiles it anew rather than taking it from
/// its compile cache.
pub fn with_custom_section(component: &[u8], name: &str, payload: &[u8]) -> Vec<u8> {
    let mut body = leb128(name.len());
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(payload);
    let mut out = component.to_vec();
    out.push(0);
    out.extend(leb128(body.len()));
    out.extend(body);
    out
}

/// Unsigned LEB128.
fn leb128(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}
