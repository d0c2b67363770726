//! `cityhub registry serve`: the registry's HTTP API on one address, until
//! Ctrl-C or SIGTERM; requests in flight finish first.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use anyhow::Context;
use cityhub_manifest::ByteSize;
use cityhub_registry::{Registry, server};
use tracing::info;

use super::DEFAULT_STORE;

/// Arguments of `registry serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:7070")]
    listen: SocketAddr,
    /// The registry's database: `sqlite://FILE` (created with its folder) or
    /// `postgres://user@host:5432/database`.
    #[arg(long, env = "CITYHUB_REGISTRY_STORE", default_value = DEFAULT_STORE)]
    store: String,
    /// The folder of package files (created if missing).
    #[arg(long, default_value = ".cityhub-registry/blobs")]
    blobs: PathBuf,
    /// The largest package accepted, e.g. `80 MiB` (default: the package
    /// format's maximum, 65 MiB and a little).
    #[arg(long, value_parser = ByteSize::parse)]
    max_upload: Option<ByteSize>,
}

/// Serves until a shutdown signal.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(serve(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let registry = Registry::open(&args.store, &args.blobs).await?;
    let mut config = server::Config::default();
    if let Some(max) = args.max_upload {
        config.max_upload = max.bytes();
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}; is another server using it? pass `--listen ADDR`",
                args.listen
            )
        })?;
    let address = listener.local_addr()?;
    info!(%address, blobs = %args.blobs.display(), "cityhub registry is serving");
    println!("cityhub registry is serving on http://{address}");
    axum::serve(listener, server::router(registry.clone(), config))
        .with_graceful_shutdown(stop_requested())
        .await
        .context("serving HTTP")?;
    info!("registry stopped");
    registry.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn stop_requested() {
    #[cfg(unix)]
    if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        return;
    }
    let _ = tokio::signal::ctrl_c().await;
}
