//! [`PluginEntry`]: one checked `[plugins.NAME]` table — where the plugin's
//! code comes from (a folder being developed, or a package installed from a
//! registry and verified), its manifest, configuration, circuit, the
//! capabilities the city grants it and what it approves (`grant.rs`).

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use cityhub_cloudevents::{DataClass, TypePattern};
use cityhub_manifest::{Capability, Manifest, PluginName};
use cityhub_package::{Digest, Package, Trust, VendorId};
use semver::Version;
use toml::Spanned;

use crate::{Circuit, Installed, checker::Checker, raw::RawPlugin};

/// One `[plugins.NAME]` table.
#[derive(Debug)]
pub struct PluginEntry {
    /// The plugin's name (equal to its manifest's `name`).
    pub name: PluginName,
    /// Where its code comes from.
    pub code: Code,
    /// Its manifest (from the folder's `plugin.toml`, or the package's).
    pub manifest: Manifest,
    /// Its configuration, as JSON, checked against the manifest's schema.
    pub config: serde_json::Value,
    /// When it is suspended for failing (`circuit = { failures, cool-down }`).
    pub circuit: Circuit,
    /// The capabilities city.toml grants it (`grants`); every one its
    /// manifest asks for is among them. `None` for a folder plugin without
    /// `grants`: a plugin being developed gets what it asks for.
    pub grants: Option<Vec<Capability>>,
    /// The event types it may publish (`publishes` in city.toml, each within
    /// its manifest's `publishes`; a folder plugin without it may publish
    /// what its manifest declares). Any other output fails its batch.
    pub publishes: Vec<TypePattern>,
    /// The data classes it may receive (`data-classes`, each one its
    /// manifest asks for; default none). Its routes withhold events of any
    /// other class.
    pub data_classes: Vec<DataClass>,
}

/// Where a plugin's code comes from.
#[derive(Debug, Clone)]
pub enum Code {
    /// `path = "plugins/NAME"`: a plugin folder, built locally.
    Folder {
        /// The folder (holding plugin.toml).
        dir: PathBuf,
        /// The compiled component (default `<dir>/plugin.wasm`).
        component: PathBuf,
    },
    /// `package = "NAME"`: installed from a registry, its signature checked
    /// against `[trust.vendors]` when the configuration was loaded.
    Package(InstalledPackage),
}

/// The version of an installed plugin that serves, verified.
#[derive(Debug, Clone)]
pub struct InstalledPackage {
    /// The package file.
    pub file: PathBuf,
    /// Its version (the active one in `installed.toml`).
    pub version: Version,
    /// The vendor that signed it.
    pub vendor: VendorId,
    /// The package's content digest.
    pub digest: Digest,
    /// The component, as verified.
    pub component: Arc<[u8]>,
}

/// What a plugin's table needs from the rest of city.toml.
pub(crate) struct PluginContext<'a> {
    /// The folder of city.toml: relative paths start there.
    pub base: &'a Path,
    /// `[runtime] plugins-dir`.
    pub plugins_dir: &'a Path,
    /// `[trust.vendors]`.
    pub trust: &'a Trust,
}

impl Checker<'_> {
    pub(crate) fn plugin(
        &mut self,
        cx: &PluginContext<'_>,
        name: &Spanned<String>,
        raw: &RawPlugin,
    ) -> Option<PluginEntry> {
        let plugin_name = self.check(name, |s| PluginName::new(s));
        let circuit = self.circuit(raw.circuit.as_ref());
        let grants = raw.grants.as_ref().map(|g| self.grants(g));
        let (code, manifest) = match (&raw.path, &raw.package) {
            (Some(path), None) => self.folder(cx.base, path, raw)?,
            (None, Some(package)) => {
                if let Some(c) = &raw.component {
                    self.error(c.span(), "`component` is for plugin folders (`path`): an installed package holds its component; remove it");
                }
                self.installed(cx, name, package)?
            }
            (Some(path), Some(_)) => {
                self.error(path.span(), "a plugin has `path` (a folder being developed) or `package` (installed from a registry), not both: remove one");
                return None;
            }
            (None, None) => {
                self.error(name.span(), format!("plugin `{}` has neither `path` nor `package`: add `path = \"plugins/{0}\"` for a folder, or install it with `cityhub plugin install {0}@VERSION --registry URL`", name.get_ref()));
                return None;
            }
        };
        let plugin_name = plugin_name?;
        if manifest.name != plugin_name {
            self.error(name.span(), format!("`[plugins.{plugin_name}]` names a plugin whose manifest says `name = \"{}\"`; use the manifest's name", manifest.name));
            return None;
        }
        let grants = match grants {
            Some(g) => Some(g?),
            None if matches!(code, Code::Package(_)) => {
                self.error(name.span(), format!("installed plugin `{plugin_name}` has no `grants`: list the capabilities the city grants it, e.g. `grants = [{}]` (what it asks for), after reviewing them", quoted(&manifest.capabilities)));
                return None;
            }
            None => None,
        };
        if let (Some(granted), Some(g)) = (&grants, &raw.grants) {
            let missing: Vec<Capability> = manifest
                .capabilities
                .iter()
                .filter(|c| !granted.contains(c))
                .copied()
                .collect();
            if !missing.is_empty() {
                self.error(g.span(), format!(
                    "plugin `{plugin_name}` {} asks for {}, which `grants` does not give it: add {} to `grants` after reviewing what it allows (`cityhub plugin verify` lists each), or use a version that does not ask for it",
                    manifest.version,
                    quoted(&missing),
                    if missing.len() == 1 { "it" } else { "them" },
                ));
            }
        }
        let package = matches!(code, Code::Package(_));
        let approved = self.approvals(raw, name.span(), &plugin_name, &manifest, package);
        let config = self.plugin_config(raw, name, &plugin_name, &manifest)?;
        let approved = approved?;
        Some(PluginEntry {
            name: plugin_name,
            code,
            manifest,
            config,
            circuit,
            grants,
            publishes: approved.publishes,
            data_classes: approved.data_classes,
        })
    }

    /// `path = "…"`: the folder's manifest and component path.
    fn folder(
        &mut self,
        base: &Path,
        path: &Spanned<String>,
        raw: &RawPlugin,
    ) -> Option<(Code, Manifest)> {
        let dir = base.join(path.get_ref());
        let manifest_path = dir.join("plugin.toml");
        if !manifest_path.is_file() {
            self.error(
                path.span(),
                format!(
                    "no plugin.toml in `{}`: `path` must be a plugin's folder",
                    dir.display()
                ),
            );
            return None;
        }
        let manifest = match Manifest::load(&manifest_path) {
            Ok(m) => m,
            Err(d) => {
                self.errors.0.extend(d.0);
                return None;
            }
        };
        let component = raw
            .component
            .as_ref()
            .map_or_else(|| dir.join("plugin.wasm"), |c| base.join(c.get_ref()));
        Some((Code::Folder { dir, component }, manifest))
    }

    /// `package = "NAME"`: the active version in the plugins folder, read
    /// and verified against `[trust.vendors]`.
    fn installed(
        &mut self,
        cx: &PluginContext<'_>,
        name: &Spanned<String>,
        package: &Spanned<String>,
    ) -> Option<(Code, Manifest)> {
        let wanted = package.get_ref();
        if wanted != name.get_ref() {
            self.error(package.span(), format!("`package` must name the plugin itself (`package = \"{}\"`): an installed plugin is configured under its own name", name.get_ref()));
            return None;
        }
        let installed = match Installed::read(cx.plugins_dir, wanted) {
            Ok(Some(i)) => i,
            Ok(None) => {
                self.error(package.span(), format!("plugin `{wanted}` is not installed in `{}`: install it with `cityhub plugin install {wanted}@VERSION --registry URL`", cx.plugins_dir.display()));
                return None;
            }
            Err(e) => {
                self.error(package.span(), e);
                return None;
            }
        };
        let file = Installed::package_file(cx.plugins_dir, wanted, &installed.active);
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                self.error(package.span(), format!("cannot read `{}`, the active version of `{wanted}`: {e}; install it again with `cityhub plugin install {wanted}@={} --registry URL`", file.display(), installed.active));
                return None;
            }
        };
        let verified = match Package::open(&bytes, cx.trust) {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    package.span(),
                    format!("`{}` is refused: {e}", file.display()),
                );
                return None;
            }
        };
        if verified.manifest.version != installed.active {
            self.error(package.span(), format!("`{}` holds version {} of `{wanted}`, but `installed.toml` says {}: install it again with `cityhub plugin install`", file.display(), verified.manifest.version, installed.active));
            return None;
        }
        let code = Code::Package(InstalledPackage {
            file,
            version: installed.active,
            vendor: verified.vendor,
            digest: verified.digest,
            component: verified.package.component().into(),
        });
        Some((code, verified.manifest))
    }

    /// `grants = ["log", …]`, each checked.
    pub(crate) fn grants(&mut self, g: &Spanned<Vec<Spanned<String>>>) -> Option<Vec<Capability>> {
        let mut granted = Vec::new();
        let mut ok = true;
        for c in g.get_ref() {
            match self.check(c, |s| {
                s.parse::<Capability>()
                    .map_err(|e| format!("in `grants`: {e}"))
            }) {
                Some(c) => granted.push(c),
                None => ok = false,
            }
        }
        granted.sort();
        granted.dedup();
        ok.then_some(granted)
    }

    /// `config = { … }` as JSON, checked against the manifest's schema.
    fn plugin_config(
        &mut self,
        raw: &RawPlugin,
        name: &Spanned<String>,
        plugin_name: &PluginName,
        manifest: &Manifest,
    ) -> Option<serde_json::Value> {
        let config = match &raw.config {
            None => serde_json::json!({}),
            Some(t) => match serde_json::to_value(t.get_ref()) {
                Ok(v) => v,
                Err(e) => {
                    self.error(
                        t.span(),
                        format!("`config` cannot be turned into JSON: {e}"),
                    );
                    return None;
                }
            },
        };
        if let Err(e) = manifest.config_schema.validate(&config) {
            let span = raw
                .config
                .as_ref()
                .map_or_else(|| name.span(), Spanned::span);
            self.error(
                span,
                format!("`config` of plugin `{plugin_name}` does not match its schema: {e}"),
            );
        }
        Some(config)
    }
}

/// `"log", "state"`.
pub(crate) fn quoted<T: std::fmt::Display>(items: &[T]) -> String {
    let q: Vec<String> = items.iter().map(|c| format!("\"{c}\"")).collect();
    q.join(", ")
}
