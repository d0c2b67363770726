//! `cityhub serve`: load the city's plugins, start the bus, serve the API.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::Context;
use cityhub_api::{ApiConfig, AppState};
use cityhub_bus::{Bus, BusOptions, PluginHandle, RetryPolicy};
use cityhub_config::CityConfig;
use cityhub_runtime::{Runtime, RuntimeConfig};
use cityhub_store::Store;
use tracing::info;

use super::plugin::build;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The city configuration.
    #[arg(long, short, default_value = "city.toml")]
    config: PathBuf,
    /// Where to listen; overrides `[server] listen`.
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// The store; overrides `[store] url` (`sqlite://FILE` or `postgres://…`).
    #[arg(long, env = "CITYHUB_DATABASE_URL")]
    database_url: Option<String>,
    /// Build every plugin from source first (`cityhub plugin build` on each folder).
    #[arg(long)]
    build: bool,
}

/// Runs the host until Ctrl-C or SIGTERM, then drains the bus and exits.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = match CityConfig::load(&args.config) {
        Ok(c) => c,
        Err(d) => {
            eprintln!(
                "{d}\n\ncityhub serve: not starting; fix the errors above (`cityhub check` lists them too)"
            );
            return Ok(ExitCode::from(2));
        }
    };
    if args.build {
        for p in &config.plugins {
            build::build(&p.dir)?;
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(serve(config, args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: CityConfig, args: Args) -> anyhow::Result<()> {
    let url = args.database_url.unwrap_or(config.store_url);
    let store = Store::open(&url).await?;
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: Some(config.cache_dir.clone()),
        max_instances: config.max_instances,
        ..RuntimeConfig::default()
    })?;
    let mut handles = Vec::new();
    for p in config.plugins {
        if !p.component.is_file() {
            anyhow::bail!(
                "plugin `{}`: component `{}` not found; build it with `cityhub plugin build {}` (or run `serve --build`)",
                p.name,
                p.component.display(),
                p.dir.display()
            );
        }
        let started = std::time::Instant::now();
        let plugin = runtime.load(p.manifest, &p.component, p.config)?;
        info!(plugin = plugin.name(), version = %plugin.manifest().version, digest = %plugin.digest(), ms = started.elapsed().as_millis() as u64, "plugin loaded");
        let retry = RetryPolicy {
            attempts: p.retry.attempts,
            backoff: p.retry.backoff,
        };
        handles.push(PluginHandle {
            plugin,
            batch_size: p.batch_size,
            retry,
        });
    }
    let bus = Bus::start(
        store,
        handles,
        BusOptions {
            retention: config.retention,
        },
    );
    let api = ApiConfig {
        max_body: config.server.max_body.bytes() as usize,
        ..ApiConfig::default()
    };
    let app = cityhub_api::router(AppState {
        bus: bus.clone(),
        config: Arc::new(api),
    });
    let listen = args.listen.unwrap_or(config.server.listen);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| {
            format!("cannot listen on {listen}; is another server using it? pass `--listen ADDR`")
        })?;
    info!(address = %listener.local_addr()?, "cityhub is serving; POST CloudEvents to /v1/events");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")?;
    info!("shutting down: letting plugins finish their current batches");
    bus.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
