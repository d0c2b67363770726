//! `cityhub check`: validate city.toml and the manifests it names.

use std::{path::Path, process::ExitCode};

use cityhub_config::CityConfig;

/// Prints every error with file, line and column; exit code 2 if any.
pub fn run(config: &Path) -> anyhow::Result<ExitCode> {
    match CityConfig::load(config) {
        Ok(c) => {
            let n = |k: usize, what: &str| format!("{k} {what}{}", if k == 1 { "" } else { "s" });
            println!(
                "{}: ok ({}, {})",
                config.display(),
                n(c.plugins.len(), "plugin"),
                n(c.routes.len(), "route")
            );
            for p in &c.plugins {
                let m = &p.manifest;
                println!(
                    "  {} {} by {}: subscribes {:?}, publishes {:?}",
                    m.name,
                    m.version,
                    m.vendor,
                    pats(&m.subscribes),
                    pats(&m.publishes)
                );
            }
            for r in &c.routes {
                println!(
                    "  route {}: {:?} -> {} (batch {}, concurrency {}{})",
                    r.name,
                    pats(&r.from),
                    r.to,
                    r.batch_size,
                    r.concurrency,
                    r.partition_key
                        .as_ref()
                        .map(|k| format!(", ordered by {k}"))
                        .unwrap_or_default()
                );
            }
            for p in c.unrouted_plugins() {
                eprintln!(
                    "warning: no route delivers to plugin `{p}`, so it never runs: add a `[routes.NAME]` with `to = \"{p}\"`"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => {
            eprintln!("{d}");
            Ok(ExitCode::from(2))
        }
    }
}

fn pats(p: &[cityhub_manifest::TypePattern]) -> Vec<&str> {
    p.iter().map(|p| p.as_str()).collect()
}
