//! The installed plugins on this machine: `plugin list`, `plugin rollback`
//! and `plugin remove`. Each reads and writes the plugins' folder (see
//! [`cityhub_config::Installed`]); a running host watching it swaps the
//! version in or out at once.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use cityhub_config::{InstallSettings, Installed};
use cityhub_package::Package;
use serde_json::json;

use super::{city_file::CityFile, install::refuse};
use crate::table;

/// Where the city is, for the commands on its installed plugins.
#[derive(Debug, Clone, clap::Args)]
pub struct CityArgs {
    /// The city configuration.
    #[arg(long, short, default_value = "city.toml")]
    config: PathBuf,
}

impl CityArgs {
    fn settings(&self) -> anyhow::Result<InstallSettings> {
        InstallSettings::load(&self.config).map_err(|d| anyhow::anyhow!("{d}"))
    }
}

/// `plugin list`: every installed plugin, the version serving, the ones
/// kept for rollback, its vendor and whether it verifies now.
pub fn list(args: &CityArgs) -> anyhow::Result<ExitCode> {
    let settings = args.settings()?;
    let dir = &settings.plugins_dir;
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().join(Installed::FILE).is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", dir.display())),
    };
    names.sort();
    if names.is_empty() {
        println!(
            "no plugins installed in `{}`; install one with `cityhub plugin install NAME@VERSION --registry URL`",
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = Vec::new();
    for name in &names {
        let Some(i) = Installed::read(dir, name).map_err(anyhow::Error::msg)? else {
            continue;
        };
        let file = Installed::package_file(dir, name, &i.active);
        let (vendor, check) = match std::fs::read(&file)
            .map_err(|e| e.to_string())
            .and_then(|b| Package::open(&b, &settings.trust).map_err(|e| e.to_string()))
        {
            Ok(v) => (v.vendor.to_string(), "verified".to_owned()),
            Err(e) => ("?".to_owned(), table::truncate(&e, 60)),
        };
        let previous: Vec<String> = i.previous.iter().rev().map(ToString::to_string).collect();
        rows.push(vec![
            name.clone(),
            i.active.to_string(),
            if previous.is_empty() {
                "-".to_owned()
            } else {
                previous.join(", ")
            },
            vendor,
            if settings.plugins.contains_key(name) {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
            check,
        ]);
    }
    print!(
        "{}",
        table::render(
            &[
                "PLUGIN",
                "ACTIVE",
                "ROLLBACK TO",
                "VENDOR",
                "IN CITY.TOML",
                "PACKAGE"
            ],
            &rows
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `plugin rollback NAME`: the version that served before becomes active
/// again (verified first, so a damaged one is not switched to).
pub fn rollback(name: &str, args: &CityArgs) -> anyhow::Result<ExitCode> {
    let settings = args.settings()?;
    let dir = &settings.plugins_dir;
    let Some(mut i) = Installed::read(dir, name).map_err(anyhow::Error::msg)? else {
        return refuse(format!(
            "plugin `{name}` is not installed in `{}`",
            dir.display()
        ));
    };
    let from = i.active.clone();
    let Some(to) = i.rollback() else {
        return refuse(format!(
            "plugin `{name}` has no earlier version to roll back to: only {from} is installed; install another with `cityhub plugin install {name}@=VERSION`"
        ));
    };
    let file = Installed::package_file(dir, name, &to);
    let bytes = std::fs::read(&file).with_context(|| {
        format!("cannot read `{}`, the package of {name} {to}; install it again with `cityhub plugin install {name}@={to}`", file.display())
    })?;
    if let Err(e) = Package::open(&bytes, &settings.trust) {
        return refuse(format!(
            "not rolled back: `{}` is refused: {e}",
            file.display()
        ));
    }
    i.write(dir, name)
        .with_context(|| format!("cannot write `{name}`'s installed.toml"))?;
    let detail = json!({"from": from.to_string(), "to": to.to_string()});
    super::audit::record(&settings, "plugin.rolled-back", name, detail);
    println!(
        "{name}: {from} → {to}; a running host swaps it in now (`cityhub plugin status` shows it)"
    );
    Ok(ExitCode::SUCCESS)
}

/// `plugin remove NAME`: refused while a route delivers to it; otherwise
/// its `[plugins.NAME]` table leaves city.toml and its packages are deleted.
pub fn remove(name: &str, args: &CityArgs) -> anyhow::Result<ExitCode> {
    let settings = args.settings()?;
    let routes: Vec<&str> = settings
        .routes
        .iter()
        .filter(|(_, to)| to == name)
        .map(|(r, _)| r.as_str())
        .collect();
    if !routes.is_empty() {
        return refuse(format!(
            "plugin `{name}` is not removed: routes {} deliver to it; remove them from {} first",
            routes.join(", "),
            args.config.display()
        ));
    }
    let dir = Installed::dir(&settings.plugins_dir, name);
    if !dir.join(Installed::FILE).is_file() {
        return refuse(format!(
            "plugin `{name}` is not installed in `{}`",
            settings.plugins_dir.display()
        ));
    }
    let mut city = CityFile::read(&args.config)?;
    if city.remove_plugin(name)? {
        city.write(&args.config)?;
    }
    std::fs::remove_dir_all(&dir).with_context(|| format!("cannot delete `{}`", dir.display()))?;
    let detail = json!({"folder": dir.display().to_string()});
    super::audit::record(&settings, "plugin.removed", name, detail);
    println!(
        "removed {name}: its table left {} and its packages `{}`",
        args.config.display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
