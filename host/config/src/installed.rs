//! The installed plugins' folder (`[runtime] plugins-dir`, by default
//! `.cityhub/plugins` beside city.toml): one folder per plugin, holding its
//! packages as `<version>.chpkg` and `installed.toml`, which names the
//! version that serves and the versions before it:
//!
//! ```toml
//! active = "1.1.0"
//! previous = ["1.0.0"]   # oldest first; `cityhub plugin rollback` pops the last
//! ```
//!
//! `cityhub plugin install|rollback|remove` write it (each file is written
//! whole to a temporary name, then renamed, so a reader never sees half of
//! one); the host reads it at start and, watching the folder, whenever it
//! changes.

use std::{
    io,
    path::{Path, PathBuf},
};

use semver::Version;
use serde::{Deserialize, Serialize};

/// One plugin's `installed.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Installed {
    /// The version that serves.
    pub active: Version,
    /// The versions that served before, oldest first.
    #[serde(default)]
    pub previous: Vec<Version>,
}

impl Installed {
    /// The state file's name in a plugin's folder.
    pub const FILE: &'static str = "installed.toml";

    /// A plugin's folder.
    pub fn dir(plugins_dir: &Path, name: &str) -> PathBuf {
        plugins_dir.join(name)
    }

    /// The package of `version` of plugin `name`.
    pub fn package_file(plugins_dir: &Path, name: &str, version: &Version) -> PathBuf {
        Self::dir(plugins_dir, name).join(format!("{version}.chpkg"))
    }

    /// Reads plugin `name`'s state; `Ok(None)` when it is not installed.
    pub fn read(plugins_dir: &Path, name: &str) -> Result<Option<Self>, String> {
        let file = Self::dir(plugins_dir, name).join(Self::FILE);
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read `{}`: {e}", file.display())),
        };
        toml::from_str(&text).map(Some).map_err(|e| {
            format!(
                "`{}` is damaged ({}); install the plugin again with `cityhub plugin install`",
                file.display(),
                e.message().trim()
            )
        })
    }

    /// Writes plugin `name`'s state, whole or not at all.
    pub fn write(&self, plugins_dir: &Path, name: &str) -> io::Result<()> {
        let text = toml::to_string(self).map_err(io::Error::other)?;
        write_atomic(
            &Self::dir(plugins_dir, name).join(Self::FILE),
            text.as_bytes(),
        )
    }

    /// Makes `version` the one that serves; the one serving before becomes
    /// the version [`Installed::rollback`] returns to. Installing the active
    /// version again changes nothing.
    pub fn activate(&mut self, version: Version) {
        if version == self.active {
            return;
        }
        self.previous.retain(|v| *v != version);
        let before = std::mem::replace(&mut self.active, version);
        self.previous.push(before);
    }

    /// Goes back to the version that served before the active one, which is
    /// returned (the active one is forgotten: rolling back twice goes back
    /// two versions). `None` when there is none.
    pub fn rollback(&mut self) -> Option<Version> {
        let back = self.previous.pop()?;
        self.active = back.clone();
        Some(back)
    }
}

/// Writes `bytes` to `file` through a temporary file in the same folder and
/// a rename, creating the folder if needed.
pub fn write_atomic(file: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn activate_and_rollback_keep_a_stack_of_versions() {
        let mut i = Installed {
            active: v("1.0.0"),
            previous: vec![],
        };
        i.activate(v("1.1.0"));
        i.activate(v("1.2.0"));
        i.activate(v("1.2.0"));
        assert_eq!(i.previous, [v("1.0.0"), v("1.1.0")]);
        // Installing an older one again moves it to the top.
        i.activate(v("1.0.0"));
        assert_eq!(
            (&i.active, &i.previous),
            (&v("1.0.0"), &vec![v("1.1.0"), v("1.2.0")])
        );
        assert_eq!(i.rollback(), Some(v("1.2.0")));
        assert_eq!(i.rollback(), Some(v("1.1.0")));
        assert_eq!(i.rollback(), None);
        assert_eq!(i.active, v("1.1.0"));
    }

    #[test]
    fn reads_what_it_wrote_and_says_when_damaged() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(Installed::read(tmp.path(), "weather"), Ok(None));
        let i = Installed {
            active: v("2.0.0"),
            previous: vec![v("1.0.0")],
        };
        i.write(tmp.path(), "weather").unwrap();
        assert_eq!(Installed::read(tmp.path(), "weather"), Ok(Some(i)));
        std::fs::write(tmp.path().join("weather/installed.toml"), "active = 3").unwrap();
        let e = Installed::read(tmp.path(), "weather").unwrap_err();
        assert!(
            e.contains("installed.toml` is damaged") && e.contains("cityhub plugin install"),
            "{e}"
        );
    }
}
