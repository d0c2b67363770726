//! `cityhub check`: validate city.toml and the manifests it names.

use std::{path::Path, process::ExitCode};

use cityhub_config::CityConfig;

/// Prints every error with file, line and column; exit code 2 if any.
pub fn run(config: &Path) -> anyhow::Result<ExitCode> {
    match CityConfig::load(config) {
        Ok(c) => {
            println!(
                "{}: ok ({} plugin{})",
                config.display(),
                c.plugins.len(),
                if c.plugins.len() == 1 { "" } else { "s" }
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
