//! `cityhub plugin resume NAME`: `POST /v1/plugins/{NAME}/resume` on a
//! running host — closes the plugin's circuit breaker now rather than at the
//! end of its cool-down.

use std::process::ExitCode;

use serde::Deserialize;

use crate::client::{ServerArgs, block_on, segment};

/// The answer of `POST /v1/plugins/{NAME}/resume`.
#[derive(Debug, Deserialize)]
struct Resumed {
    resumed: bool,
}

/// Says whether the plugin was suspended. Exit code 0 either way; 2 for an
/// unknown plugin.
pub fn run(name: &str, server: &ServerArgs) -> anyhow::Result<ExitCode> {
    let client = server.client()?;
    let path = format!("/v1/plugins/{}/resume", segment(name));
    let r: Resumed = block_on(client.post(&path, None))??;
    if r.resumed {
        println!("plugin `{name}` was suspended; resumed: its routes deliver again");
    } else {
        println!("plugin `{name}` was not suspended; nothing to resume");
    }
    Ok(ExitCode::SUCCESS)
}
