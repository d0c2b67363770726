//! [`InstallSettings`]: what `cityhub plugin install|list|rollback|remove`
//! need from city.toml — where installed plugins live, whom the city trusts,
//! what it grants and approves for each plugin — read without checking the rest, so that they
//! work while the rest of the file does not load yet (a plugin configured
//! with `package` before it is installed, say).

use std::{collections::BTreeMap, path::Path, path::PathBuf};

use cityhub_manifest::{Capability, Diagnostic, Diagnostics};
use cityhub_package::Trust;

use crate::{checker::Checker, raw::RawCity};

/// A plugin's approved `publishes` and `data-classes` as city.toml writes
/// them (each `None` when absent).
pub type Approved = (Option<Vec<String>>, Option<Vec<String>>);

/// The install-related parts of city.toml, checked.
#[derive(Debug)]
pub struct InstallSettings {
    /// `[store] url`: where the commands record what they did (the audit log).
    pub store_url: String,
    /// `[runtime] plugins-dir`, resolved against city.toml's folder.
    pub plugins_dir: PathBuf,
    /// `[trust.vendors]`.
    pub trust: Trust,
    /// `[runtime] cache-dir`, resolved: where the host finds compiled
    /// components (install compiles into it).
    pub cache_dir: PathBuf,
    /// `[runtime] max-instances`: part of the engine's settings, which a
    /// compile for the host's cache must share.
    pub max_instances: u32,
    /// Every `[plugins.NAME]`, with its `grants` (`None` when it has none).
    pub plugins: BTreeMap<String, Option<Vec<Capability>>>,
    /// Every `[plugins.NAME]`'s approved `publishes` and `data-classes` as
    /// written (`None` when absent; checked against the manifest only by
    /// [`crate::CityConfig::load`]).
    pub approved: BTreeMap<String, Approved>,
    /// Every route's name and the plugin it delivers to (`to`).
    pub routes: Vec<(String, String)>,
}

impl InstallSettings {
    /// Reads them from `file`; every error in those parts at once.
    pub fn load(file: &Path) -> Result<Self, Diagnostics> {
        let (text, raw) = read_raw(file)?;
        let mut c = Checker {
            file,
            text: &text,
            errors: Diagnostics::default(),
        };
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let store_url = c.store_url(&raw.store, &base);
        let plugins_dir = raw.runtime.plugins_dir(&base);
        let cache_dir = raw.runtime.cache_dir(&base);
        let max_instances = c.max_instances(&raw.runtime);
        let trust = c.trust(&raw.trust);
        let plugins = raw
            .plugins
            .iter()
            .map(|(name, p)| {
                let grants = p.grants.as_ref().and_then(|g| c.grants(g));
                (name.get_ref().clone(), grants)
            })
            .collect();
        let list = |l: &Option<toml::Spanned<Vec<toml::Spanned<String>>>>| {
            l.as_ref()
                .map(|l| l.get_ref().iter().map(|v| v.get_ref().clone()).collect())
        };
        let approved = raw
            .plugins
            .iter()
            .map(|(name, p)| {
                let lists = (list(&p.publishes), list(&p.data_classes));
                (name.get_ref().clone(), lists)
            })
            .collect();
        let routes = raw
            .routes
            .iter()
            .map(|(name, r)| (name.get_ref().clone(), r.to.get_ref().clone()))
            .collect();
        let (Some(max_instances), Some(store_url), true) =
            (max_instances, store_url, c.errors.is_empty())
        else {
            return Err(c.errors);
        };
        Ok(Self {
            store_url,
            plugins_dir,
            trust,
            cache_dir,
            max_instances,
            plugins,
            approved,
            routes,
        })
    }
}

/// `[store] url` of `file`, read without checking the rest: for the
/// commands that work on the city's store offline (`cityhub token`,
/// `cityhub audit`, the audit records of the plugin commands), which must
/// work whatever else city.toml holds (no plugins yet, say).
pub fn store_url(file: &Path) -> Result<String, Diagnostics> {
    let (text, raw) = read_raw(file)?;
    let mut c = Checker {
        file,
        text: &text,
        errors: Diagnostics::default(),
    };
    let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
    match c.store_url(&raw.store, &base) {
        Some(url) if c.errors.is_empty() => Ok(url),
        _ => Err(c.errors),
    }
}

/// The text of `file` and its TOML structure (an error located in it when
/// it is not valid TOML or has unknown keys).
fn read_raw(file: &Path) -> Result<(String, RawCity), Diagnostics> {
    let text = crate::city::read(file)?;
    let raw: RawCity = toml::from_str(&text).map_err(|e| {
        Diagnostics(vec![Diagnostic::at(
            file,
            &text,
            e.span().unwrap_or(0..0),
            e.message().trim(),
        )])
    })?;
    Ok((text, raw))
}
