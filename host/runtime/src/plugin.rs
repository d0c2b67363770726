//! [`Plugin`]: a loaded plugin, compiled and pre-instantiated, ready to start instances.

use std::path::Path;

use cityhub_manifest::{Capability, Manifest};
use cityhub_package::Digest;
use wasmtime::component::Component;

use crate::{Error, PluginStats, Runtime, SUPPORTED_WORLD, bindings::PluginPre};

/// The prefix of the host interfaces a plugin imports (`log`, `state`, …).
const IMPORT_PREFIX: &str = "cityhub:plugin/";

/// The prefix of the export every plugin must have; the version follows `@`.
const HANDLER_EXPORT: &str = "cityhub:plugin/handler@";

/// A plugin, loaded: its manifest, its configuration, and its component
/// compiled and pre-instantiated. Immutable and shared (`Arc`); starting an
/// instance from it takes microseconds.
pub struct Plugin {
    pub(crate) manifest: Manifest,
    pub(crate) pre: PluginPre<crate::host_state::HostState>,
    pub(crate) engine: wasmtime::Engine,
    pub(crate) config_json: String,
    pub(crate) digest: Digest,
    pub(crate) deadline_ticks: u64,
    pub(crate) stats: PluginStats,
    pub(crate) name: std::sync::Arc<str>,
    pub(crate) compiled: bool,
    pub(crate) approval: crate::Approval,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("name", &self.name)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

impl Plugin {
    pub(crate) fn new(
        rt: &Runtime,
        manifest: Manifest,
        path: &Path,
        bytes: &[u8],
        config: serde_json::Value,
        approval: crate::Approval,
    ) -> Result<Self, Error> {
        let name = manifest.name.to_string();
        manifest
            .config_schema
            .validate(&config)
            .map_err(|e| Error::Config {
                plugin: name.clone(),
                reason: e.to_string(),
            })?;

        let digest = Digest::of(bytes);
        let (component, compiled) = rt.compile(&name, path, bytes, &digest)?;
        check_world(&rt.engine, &component, &manifest)?;
        check_capabilities(&rt.engine, &component, &manifest)?;
        let pre = rt
            .linker
            .instantiate_pre(&component)
            .map_err(|e| Error::Link {
                plugin: name.clone(),
                reason: format!("{e:#}"),
            })?;
        let pre = PluginPre::new(pre).map_err(|e| Error::Link {
            plugin: name.clone(),
            reason: format!("{e:#}"),
        })?;

        let tick = rt.tick.as_millis().max(1) as u64;
        let deadline_ticks = manifest
            .limits
            .time_per_batch
            .as_millis()
            .div_ceil(tick)
            .max(1);
        Ok(Self {
            config_json: config.to_string(),
            name: name.as_str().into(),
            manifest,
            pre,
            engine: rt.engine.clone(),
            digest,
            deadline_ticks,
            stats: PluginStats::default(),
            compiled,
            approval,
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The plugin's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the city approves for it: output types, data classes, and the
    /// classes stamped on its outputs.
    pub fn approval(&self) -> &crate::Approval {
        &self.approval
    }

    /// The SHA-256 of the component's bytes.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// Whether loading it compiled the component (`false`: it came from the
    /// compile cache).
    pub fn compiled(&self) -> bool {
        self.compiled
    }

    /// Counters since the plugin was loaded.
    pub fn stats(&self) -> &PluginStats {
        &self.stats
    }
}

/// Checks that every `cityhub:plugin/<interface>` the component imports is a
/// capability its manifest declares: what a plugin can reach is what its
/// manifest (and so the city's grants) says, whatever the component holds.
fn check_capabilities(
    engine: &wasmtime::Engine,
    component: &Component,
    manifest: &Manifest,
) -> Result<(), Error> {
    for (name, _) in component.component_type().imports(engine) {
        let Some(interface) = name.strip_prefix(IMPORT_PREFIX) else {
            continue;
        };
        let interface = interface.split('@').next().unwrap_or(interface);
        // Interfaces that grant nothing (`types`) are not capabilities; one
        // the host does not provide fails to link below.
        let Ok(capability) = interface.parse::<Capability>() else {
            continue;
        };
        if !manifest.capabilities.contains(&capability) {
            return Err(Error::Undeclared {
                plugin: manifest.name.to_string(),
                capability: interface.to_owned(),
            });
        }
    }
    Ok(())
}

/// Finds the component's `cityhub:plugin/handler@X` export and checks X against
/// the host's world and the manifest's `world`.
fn check_world(
    engine: &wasmtime::Engine,
    component: &Component,
    manifest: &Manifest,
) -> Result<(), Error> {
    let plugin = manifest.name.to_string();
    let ty = component.component_type();
    let found = ty
        .exports(engine)
        .find_map(|(name, _)| name.strip_prefix(HANDLER_EXPORT).map(str::to_owned));
    let Some(found) = found else {
        return Err(Error::Link {
            plugin,
            reason: "the component does not export `cityhub:plugin/handler`: it was not built for the cityhub plugin world (use cityhub-sdk's `export_plugin!`)".into(),
        });
    };
    if found != SUPPORTED_WORLD {
        return Err(Error::WorldVersion {
            plugin,
            found,
            supported: SUPPORTED_WORLD.into(),
        });
    }
    if manifest.world.to_string() != found {
        return Err(Error::WorldMismatch {
            plugin,
            manifest: manifest.world.to_string(),
            component: found,
        });
    }
    Ok(())
}
