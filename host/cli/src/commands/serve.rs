//! `cityhub serve`: load the city's plugins, start the bus, serve the API.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::Context;
use cityhub_api::{ApiConfig, AppState, InputLimits};
use cityhub_bus::{Bus, BusOptions};
use cityhub_cloudevents::http::Limits;
use cityhub_config::CityConfig;
use cityhub_runtime::{Runtime, RuntimeConfig};
use cityhub_store::Store;
use tracing::{info, warn};

use super::plugin::build;

mod http;
mod mqtt;
mod reload;

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
            // Installed packages come built.
            if let cityhub_config::Code::Folder { dir, .. } = &p.code {
                build::build(dir)?;
            }
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
    let url = args
        .database_url
        .clone()
        .unwrap_or(config.store_url.clone());
    let store = Store::open(&url).await?;
    let runtime = Arc::new(Runtime::new(RuntimeConfig {
        cache_dir: Some(config.cache_dir.clone()),
        max_instances: config.max_instances,
        ..RuntimeConfig::default()
    })?);
    let mut loaded = reload::Loaded::default();
    let handles = loaded.load(&runtime, &config)?.handles;
    for p in config.unrouted_plugins() {
        warn!(plugin = %p, "no route delivers to this plugin, so it never runs: add a `[routes.NAME]` with `to = \"{p}\"`");
    }
    let bus = Bus::start(
        store,
        handles,
        config.routes.clone(),
        BusOptions {
            retention: config.retention,
            accepts: config.ingest.accepts.clone(),
            max_pending: config.ingest.max_pending,
            classes: config.ingest.classes.clone(),
            open311: config.open311.is_some(),
            // The operations centre's read model: the dashboard and /v1/ops read it.
            ops: true,
            backend: config.bus.clone(),
        },
    )
    .await?;
    bus.set_tick(config.clock.tick);
    // `[mqtt]`: sensor topics in through the bus's admission, acked once stored.
    let mqtt = mqtt::start(&config, &bus);
    let api = Arc::new(ApiConfig {
        mqtt,
        ..api_config(&config)
    });
    // Open `/v1/stream` responses never end by themselves: the shutdown
    // closes them, or the graceful shutdown would wait for them for ever.
    let streams = api.streams.clone();
    // The API, and the operations centre's dashboard at `/` beside it.
    let app = cityhub_api::router(AppState {
        bus: bus.clone(),
        config: api.clone(),
    })
    .merge(cityhub_dashboard::router());
    let app = cityhub_api::guard(app, &api);
    let listen = args.listen.unwrap_or(config.server.listen);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| {
            format!("cannot listen on {listen}; is another server using it? pass `--listen ADDR`")
        })?;
    let server = config.server.clone();
    let watcher = reload::watch(args.config.clone(), config, runtime, loaded, bus.clone())?;
    info!(address = %listener.local_addr()?, "cityhub is serving; POST CloudEvents to /v1/events");
    http::serve(listener, app, &server, async move {
        shutdown_signal().await;
        streams.close();
    })
    .await
    .context("serving HTTP")?;
    info!("shutting down: letting plugins finish their current batches");
    drop(watcher);
    bus.shutdown().await;
    Ok(())
}

/// The API's settings and input limits from city.toml.
fn api_config(config: &CityConfig) -> ApiConfig {
    let s = &config.server;
    ApiConfig {
        max_body: s.max_body.bytes() as usize,
        events: Limits {
            max_event_bytes: s.max_event.bytes() as usize,
            max_batch_events: s.max_batch.get() as usize,
        },
        limits: InputLimits {
            max_headers: s.max_headers.get() as usize,
            max_header_bytes: s.max_header_bytes.bytes() as usize,
            request_timeout: s.request_timeout,
            max_query_limit: s.max_query_limit.get(),
        },
        open311: config.open311.clone().map(Arc::new),
        ..ApiConfig::default()
    }
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
