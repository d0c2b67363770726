//! `cityhub plugin test DIR --events FILE`: a built plugin on sample events, no host.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::{Context, bail};
use cityhub_cloudevents::http::{Limits, parse_request};
use cityhub_manifest::Manifest;
use cityhub_runtime::{Runtime, RuntimeConfig, StateMap, Worker};
use cityhub_store::{Seq, StoredEvent};
use http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};

/// Arguments of `plugin test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plugin's folder (holding plugin.toml and the built plugin.wasm).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Sample events: a JSON array of CloudEvents (structured JSON), or one event.
    #[arg(long)]
    events: PathBuf,
    /// The plugin's configuration, a JSON file (default `{}`).
    #[arg(long)]
    config: Option<PathBuf>,
    /// The component (default `DIR/plugin.wasm`).
    #[arg(long)]
    component: Option<PathBuf>,
    /// Events per call; state carries over from call to call, as in the host.
    #[arg(long, default_value_t = 100)]
    batch_size: usize,
}

/// Prints each output event as one JSON line on stdout, and a summary (and any
/// failure with its reason) on stderr. Exit code 1 if any batch failed.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let manifest =
        Manifest::load(&args.dir.join("plugin.toml")).map_err(|d| anyhow::anyhow!("{d}"))?;
    let component = args
        .component
        .unwrap_or_else(|| args.dir.join("plugin.wasm"));
    let config = match &args.config {
        None => serde_json::json!({}),
        Some(f) => serde_json::from_slice(
            &std::fs::read(f).with_context(|| format!("reading `{}`", f.display()))?,
        )
        .with_context(|| format!("`{}` is not valid JSON", f.display()))?,
    };
    let body = std::fs::read(&args.events)
        .with_context(|| format!("reading `{}`", args.events.display()))?;
    let batch = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let mut headers = HeaderMap::new();
    let ct = if batch {
        "application/cloudevents-batch+json"
    } else {
        "application/cloudevents+json"
    };
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
    let events = parse_request(&headers, body.into(), &Limits::default())
        .map_err(|e| anyhow::anyhow!("`{}`: {e}", args.events.display()))?;
    if args.batch_size == 0 {
        bail!("`--batch-size` must be at least 1");
    }

    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 4,
        ..RuntimeConfig::default()
    })?;
    let plugin = runtime.load(manifest, &component, config)?;
    let mut worker = Worker::new(plugin.clone());
    let mut state = Arc::new(StateMap::default());
    let stored: Vec<StoredEvent> = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| StoredEvent {
            seq: i as Seq + 1,
            recorded_at: cityhub_cloudevents::Timestamp::now(),
            origin: None,
            event,
        })
        .collect();
    let (mut outputs, mut failures) = (0usize, 0usize);
    let wanted: Vec<&StoredEvent> = stored
        .iter()
        .filter(|e| plugin.manifest().subscribes_to(e.event.ty.as_str()))
        .collect();
    if wanted.len() < stored.len() {
        eprintln!(
            "note: {} of {} events do not match the plugin's `subscribes` and are not delivered",
            stored.len() - wanted.len(),
            stored.len()
        );
    }
    for chunk in wanted.chunks(args.batch_size) {
        let frame = cityhub_bus::encode_batch(chunk.iter().copied());
        match worker.handle(&frame, state.clone()) {
            Ok(out) => {
                for e in &out.events {
                    println!("{}", e.to_json_value());
                }
                outputs += out.events.len();
                Arc::make_mut(&mut state).apply(&out.state);
            }
            Err(f) => {
                failures += 1;
                eprintln!("batch of {} events failed: {f}", chunk.len());
            }
        }
    }
    eprintln!(
        "{} plugin {}: {} events in, {} out, {} failed batch(es); state: {} keys, {} bytes",
        plugin.name(),
        plugin.manifest().version,
        wanted.len(),
        outputs,
        failures,
        state.len(),
        state.used()
    );
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
