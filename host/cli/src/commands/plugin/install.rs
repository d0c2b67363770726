//! `cityhub plugin install NAME@REQ --registry URL`: the integrator's side
//! of the registry. Resolves the requirement to the highest version not
//! yanked and built for the plugin world this host runs, downloads it,
//! verifies its signature against the city's trusted vendor keys
//! (`[trust.vendors]`), shows the capabilities, limits, output types and
//! data classes it asks for, and installs it only when the integrator
//! approves them (`--approve`, which writes `grants`, `publishes` and
//! `data-classes` in city.toml, or those already covering them). It compiles the component
//! into the host's compile cache before it activates the version, so a
//! running host (which watches the plugins' folder) swaps the new version in
//! at once, without compiling it.

use std::{path::PathBuf, process::ExitCode};

use anyhow::{Context, bail};
use cityhub_config::{InstallSettings, Installed, write_atomic};
use cityhub_manifest::Capability;
use cityhub_package::Package;
use cityhub_runtime::{Runtime, RuntimeConfig};
use semver::VersionReq;
use serde_json::json;

use super::city_file::{Approvals, CityFile};
use crate::{
    client::block_on,
    commands::registry::{RegistryArgs, refused},
};

/// Arguments of `plugin install`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plugin and a semver requirement: `weather@^1.2`, `weather@=1.2.0`,
    /// or `weather` for the newest.
    spec: String,
    #[command(flatten)]
    registry: RegistryArgs,
    /// The city configuration.
    #[arg(long, short, default_value = "city.toml")]
    config: PathBuf,
    /// Approve the capabilities, output types and data classes it asks for
    /// (written to `grants`, `publishes` and `data-classes` in city.toml).
    #[arg(long)]
    approve: bool,
}

/// Installs; a refusal (untrusted, unsupported, not approved) exits with 2.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (name, req) = parse_spec(&args.spec)?;
    let settings = InstallSettings::load(&args.config).map_err(|d| anyhow::anyhow!("{d}"))?;
    let client = args.registry.client()?;
    let index = match block_on(client.index(&name))? {
        Ok(i) => i,
        Err(e) => return refused(e),
    };
    // Only versions built for the world this host runs can be installed.
    let supported = cityhub_runtime::SUPPORTED_WORLD;
    let mut runnable = index.clone();
    runnable
        .versions
        .retain(|v| v.world.to_string() == supported);
    let Some(found) = cityhub_registry::resolve(&runnable, &req) else {
        if let Some(v) = cityhub_registry::resolve(&index, &req) {
            return refuse(format!(
                "{name}@{} was built for the plugin world `cityhub:plugin@{}`, but this host runs `cityhub:plugin@{supported}`, and no version matching `{req}` was built for it: ask vendor `{}` for one, or upgrade cityhub",
                v.version, v.world, index.vendor
            ));
        }
        let listed: Vec<String> = index
            .versions
            .iter()
            .map(|v| format!("{}{}", v.version, if v.yanked { " (yanked)" } else { "" }))
            .collect();
        return refuse(format!(
            "no version of `{name}` matching `{req}` can be installed from {}: its versions are {}; yanked versions are never installed",
            client.url(),
            if listed.is_empty() {
                "none".to_owned()
            } else {
                listed.join(", ")
            }
        ));
    };
    let version = found.version.clone();
    let bytes = match block_on(client.download(&name, &version))? {
        Ok(b) => b,
        Err(e) => return refused(e),
    };
    let verified = match Package::open(&bytes, &settings.trust) {
        Ok(v) => v,
        Err(e) => {
            return refuse(format!(
                "{name}@{version} from {} is refused: {e}",
                client.url()
            ));
        }
    };
    let m = &verified.manifest;
    if m.name.as_str() != name || m.version != version {
        return refuse(format!(
            "the registry served `{}@{}` when asked for `{name}@{version}`: do not install it; report it to the registry's operator",
            m.name, m.version
        ));
    }
    if verified.digest.to_string() != found.digest {
        return refuse(format!(
            "{name}@{version}: the package's digest {} is not the one the registry's index gives ({}): do not install it; report it to the registry's operator",
            verified.digest, found.digest
        ));
    }
    if m.world.to_string() != supported {
        return refuse(format!(
            "{name}@{version} was built for the plugin world `cityhub:plugin@{}`, but this host runs `cityhub:plugin@{supported}`: ask vendor `{}` for a build for {supported}, or install a version built for it",
            m.world, verified.vendor
        ));
    }
    println!(
        "{name} {version} by vendor `{}`, signature verified:",
        verified.vendor
    );
    print!("{}", super::verify::describe(&verified));

    let granted = settings.plugins.get(&name).cloned().flatten();
    let missing: Vec<Capability> = m
        .capabilities
        .iter()
        .filter(|c| !granted.as_ref().is_some_and(|g| g.contains(c)))
        .copied()
        .collect();
    let (approvals, unapproved) = approvals(m, settings.approved.get(&name), args.approve);
    if !missing.is_empty() && !args.approve {
        let names: Vec<&str> = missing.iter().map(|c| c.name()).collect();
        return refuse(format!(
            "not installed: {name} {version} asks for {} that city.toml does not grant it; review the list above, then run again with `--approve` (or add them to `grants` in `[plugins.{name}]`)",
            names.join(", ")
        ));
    }
    if !unapproved.is_empty() {
        return refuse(format!(
            "not installed: {name} {version} asks for {} that city.toml does not approve; review the list above, then run again with `--approve` (or add them to `publishes` / `data-classes` in `[plugins.{name}]`)",
            unapproved.join(", ")
        ));
    }

    let plugins_dir = &settings.plugins_dir;
    let file = Installed::package_file(plugins_dir, &name, &version);
    // Compiled now, into the host's cache: a running host then swaps the
    // version in without compiling it, and a component that does not compile
    // is refused here.
    let started = std::time::Instant::now();
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: Some(settings.cache_dir.clone()),
        max_instances: settings.max_instances,
        ..RuntimeConfig::default()
    })?;
    match runtime.precompile(&name, &file, verified.package.component()) {
        Ok(true) => println!(
            "\ncompiled in {} ms into `{}`",
            started.elapsed().as_millis(),
            settings.cache_dir.display()
        ),
        Ok(false) => {}
        Err(e) => return refuse(format!("not installed: {e}")),
    }
    write_atomic(&file, &bytes).with_context(|| format!("cannot write `{}`", file.display()))?;
    let mut city = CityFile::read(&args.config)?;
    let configured = settings.plugins.contains_key(&name);
    // Wider grants first: the version serving keeps all it had, so a running
    // host reloading city.toml meanwhile stays valid.
    let mut grants = granted.clone().unwrap_or_default();
    grants.extend(missing.iter().copied());
    grants.sort();
    grants.dedup();
    let approved_now = settings.approved.get(&name).map(|(p, c)| Approvals {
        publishes: p.clone().unwrap_or_default(),
        data_classes: c.clone().unwrap_or_default(),
    });
    let approvals_changed = approved_now.as_ref() != Some(&approvals);
    if configured && (!missing.is_empty() || approvals_changed) {
        city.set_grants(&name, &grants)?;
        city.set_approvals(&name, &approvals)?;
        city.write(&args.config)?;
    }
    let mut installed = Installed::read(plugins_dir, &name)
        .map_err(anyhow::Error::msg)?
        .unwrap_or(Installed {
            active: version.clone(),
            previous: Vec::new(),
        });
    let before = installed.active.clone();
    installed.activate(version.clone());
    installed
        .write(plugins_dir, &name)
        .with_context(|| format!("cannot write `{}`'s installed.toml", name))?;
    if !configured {
        city.add_package(&name, &grants, &approvals)?;
        city.write(&args.config)?;
    }

    if before != version {
        println!(
            "\ninstalled {name} {version} (was {before}); `cityhub plugin rollback {name}` returns to {before}"
        );
    } else {
        println!(
            "\ninstalled {name} {version} in `{}`",
            plugins_dir.display()
        );
    }
    if !configured {
        let subscribes: Vec<String> = m.subscribes.iter().map(|p| format!("\"{p}\"")).collect();
        println!(
            "added [plugins.{name}] to {}; route events to it, e.g.\n\n[routes.{name}]\nfrom = [{}]\nto = \"{name}\"",
            args.config.display(),
            subscribes.join(", ")
        );
    }
    if args.approve {
        let detail = json!({"version": version.to_string(), "grants": grants.iter().map(|c| c.name()).collect::<Vec<_>>(), "publishes": approvals.publishes, "data_classes": approvals.data_classes});
        super::audit::record(&settings, "plugin.approved", &name, detail);
    }
    let detail = json!({"version": version.to_string(), "from": before.to_string(), "vendor": verified.vendor.to_string(), "digest": verified.digest.to_string(), "registry": client.url().to_string()});
    super::audit::record(&settings, "plugin.installed", &name, detail);
    println!("a running host loads it now; `cityhub plugin status` shows the version serving");
    Ok(ExitCode::SUCCESS)
}

/// What city.toml approves for `m` after this install, and what `m` asks
/// for that is not approved yet (`publishes X`, `data class Y`). With
/// `approve`, everything its manifest declares and asks for is approved;
/// otherwise the approvals already written stay, narrowed to what this
/// version declares and asks for (least privilege).
fn approvals(
    m: &cityhub_manifest::Manifest,
    written: Option<&cityhub_config::Approved>,
    approve: bool,
) -> (Approvals, Vec<String>) {
    let declared: Vec<String> = m.publishes.iter().map(|p| p.to_string()).collect();
    let asked: Vec<String> = m.data_classes.iter().map(|c| c.to_string()).collect();
    if approve {
        let all = Approvals {
            publishes: declared,
            data_classes: asked,
        };
        return (all, Vec::new());
    }
    let (publishes, classes) = written.cloned().unwrap_or_default();
    let publishes: Vec<String> = publishes.unwrap_or_default();
    let classes: Vec<String> = classes.unwrap_or_default();
    let within = |p: &String| {
        cityhub_cloudevents::TypePattern::new(p)
            .is_ok_and(|p| m.publishes.iter().any(|d| p.is_subset_of(d)))
    };
    let covered = |d: &cityhub_cloudevents::TypePattern| {
        publishes
            .iter()
            .any(|p| cityhub_cloudevents::TypePattern::new(p).is_ok_and(|p| d.is_subset_of(&p)))
    };
    let mut unapproved: Vec<String> = m
        .publishes
        .iter()
        .filter(|d| !covered(d))
        .map(|d| format!("publishing `{d}`"))
        .collect();
    unapproved.extend(
        asked
            .iter()
            .filter(|c| !classes.contains(c))
            .map(|c| format!("data class `{c}`")),
    );
    let kept = Approvals {
        publishes: publishes.iter().filter(|p| within(p)).cloned().collect(),
        data_classes: classes.into_iter().filter(|c| asked.contains(c)).collect(),
    };
    (kept, unapproved)
}

/// `NAME@REQ` → the name and the requirement (`*` without `@`).
fn parse_spec(spec: &str) -> anyhow::Result<(String, VersionReq)> {
    let (name, req) = spec.split_once('@').unwrap_or((spec, "*"));
    cityhub_manifest::PluginName::new(name).map_err(|e| anyhow::anyhow!("`{spec}`: {e}"))?;
    let req = VersionReq::parse(req).map_err(|e| {
        anyhow::anyhow!(
            "`{spec}`: `{req}` is not a semver requirement ({e}); write e.g. `{name}@^1.2`, `{name}@=1.2.0` or `{name}@>=1.0, <2`"
        )
    })?;
    if name.is_empty() {
        bail!("give the plugin to install as NAME@REQUIREMENT, e.g. `weather@^1.2`");
    }
    Ok((name.to_owned(), req))
}

/// A refusal: the message on stderr, exit code 2 (as a registry's
/// refusals, see [`refused`]).
pub fn refuse(message: String) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(2))
}
