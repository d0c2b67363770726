//! `cityhub plugin status`: `GET /v1/plugins` of a running host as a table —
//! each plugin's version, whether its circuit breaker has suspended it (and
//! until when, and why), the routes delivering to it, and a new version of
//! it that was refused (the version shown serves on).

use std::{
    process::ExitCode,
    time::{Duration, SystemTime},
};

use serde::Deserialize;

use crate::{
    client::{ServerArgs, block_on},
    table,
};

/// The answer of `GET /v1/plugins`.
#[derive(Debug, Deserialize)]
struct Plugins {
    plugins: Vec<Plugin>,
}

#[derive(Debug, Deserialize)]
struct Plugin {
    name: String,
    version: String,
    status: String,
    routes: Vec<String>,
    suspended: Option<Suspended>,
    upgrade_failed: Option<Refused>,
}

#[derive(Debug, Deserialize)]
struct Refused {
    version: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
struct Suspended {
    /// Unix seconds.
    until: f64,
    reason: String,
}

/// Prints the table, then why each suspended plugin was suspended and why
/// a refused version was refused.
pub fn run(server: &ServerArgs) -> anyhow::Result<ExitCode> {
    let client = server.client()?;
    let p: Plugins = block_on(client.get("/v1/plugins", &[]))??;
    if p.plugins.is_empty() {
        println!("no plugins are loaded");
        return Ok(ExitCode::SUCCESS);
    }
    let now = SystemTime::now();
    let rows: Vec<Vec<String>> = p
        .plugins
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.version.clone(),
                p.status.clone(),
                p.suspended
                    .as_ref()
                    .map(|s| until(s.until, now))
                    .unwrap_or_else(|| "-".to_owned()),
                if p.routes.is_empty() {
                    "(none)".to_owned()
                } else {
                    p.routes.join(", ")
                },
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &["NAME", "VERSION", "STATUS", "SUSPENDED UNTIL", "ROUTES"],
            &rows
        )
    );
    for p in &p.plugins {
        if let Some(s) = &p.suspended {
            println!(
                "\n{}: suspended after: {}\n  `cityhub plugin resume {}` resumes it now",
                p.name,
                table::truncate(&s.reason, 200),
                p.name
            );
        }
        if let Some(r) = &p.upgrade_failed {
            println!(
                "\n{}: version {} was refused, {} serves on: {}",
                p.name,
                r.version,
                p.version,
                table::truncate(&r.reason, 300),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `2026-11-27T09:00:00Z (in 59m 58s)`.
fn until(unix: f64, now: SystemTime) -> String {
    let Ok(d) = Duration::try_from_secs_f64(unix) else {
        return unix.to_string();
    };
    let at = SystemTime::UNIX_EPOCH + d;
    let left = at
        .duration_since(now)
        .map(|d| Duration::from_secs(d.as_secs()))
        .unwrap_or_default();
    format!(
        "{} (in {})",
        humantime::format_rfc3339_seconds(at),
        humantime::format_duration(left)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_shows_time_and_time_left() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        assert_eq!(
            until(1_800_003_598.5, now),
            "2027-01-15T08:59:58Z (in 59m 58s)"
        );
    }
}
