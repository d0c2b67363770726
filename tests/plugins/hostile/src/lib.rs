//! A deliberately hostile plugin, for the host's sandbox tests.
//!
//! Every event type under `test.hostile.` asks for one kind of misbehaviour;
//! each must be contained by the host (a trap, a limit, a refused output, a
//! plugin error) without harming the host or other plugins. The manifest
//! (`plugin.toml`) sets small limits: 32 MiB of memory, 500 ms per batch,
//! 100 outputs and 1 MiB of output per batch, 64 KiB of state. It subscribes
//! to `test.hostile.>` (and `city.traffic.congestion`) and may publish only
//! `test.hostile.ok`.
//!
//! | event type | behaviour | what the host should do |
//! |---|---|---|
//! | `test.hostile.ok` | emits one `test.hostile.ok` echoing the event's id as subject and its data | deliver it: the plugin works |
//! | `test.hostile.loop` | loops forever on a `black_box`ed condition the optimizer cannot see through | interrupt it at `time-per-batch` (epoch deadline) |
//! | `test.hostile.memory` | allocates 1 MiB chunks and writes to every page, until allocation fails | refuse growth past `memory`; the guest aborts (a trap) |
//! | `test.hostile.panic` | panics | a trap (plugins build with `panic = "abort"`) |
//! | `test.hostile.trap` | executes `unreachable` (natively: panics) | a trap |
//! | `test.hostile.stack` | recurses without end, not as a tail call | a stack-overflow trap (wasm's call stack, not linear memory) |
//! | `test.hostile.flaky` | fails with a transient error until `data.until` (RFC 3339), then echoes | retry the batch with backoff until it succeeds |
//! | `test.hostile.big-output` | emits one `test.hostile.ok` with 2 MiB of data | refuse the output frame (`output-bytes`) |
//! | `test.hostile.many-outputs` | emits 1,000 small `test.hostile.ok` events (10x the limit, in under 1 MiB) | refuse the batch (`outputs-per-batch`) |
//! | `test.hostile.undeclared` | emits `city.forbidden.thing` | refuse it: not in `publishes` |
//! | `test.hostile.state-flood` | writes 1 KiB values under new keys, flushing every 16, until a write is refused, and returns that error | refuse writes past `state-quota` and fail the batch with the plugin's error |
//! | `test.hostile.read-file` | reads `/etc/passwd`, `/proc/self/environ` and `data.paths`, lists `.`, `/` and `data.dirs`, writes `/tmp/cityhub-hostile-<id>`; one probe output each | every probe `allowed: false` with WASI's error: no preopened folder |
//! | `test.hostile.open-socket` | TCP connect to `data.tcp`, UDP send to `data.udp`, DNS lookup of `data.host`, TCP listen; one probe output each | every probe `allowed: false`: no network, no name lookup |
//! | `test.hostile.env` | reads `std::env::vars`, `args` and `current_dir` (and lists it) | every probe `allowed: false`: nothing of the host's environment, arguments or folders |
//! | `test.hostile.log-flood` | 3 records with a 256 KiB message and 40 fields of 16 KiB, one with a forged newline, 2,000 short ones, and 1 MiB each to stdout and stderr (all within `time-per-batch` on a debug host); one `stdio` probe output | keep 100 records a batch (each cut to 4 KiB and 32 fields, control characters escaped), count the rest in `cityhub_plugin_logs_dropped_total`; take and discard stdio (the last 4 KiB of stderr kept for failure reasons), counted in `cityhub_plugin_stdio_bytes_total` |
//! | `test.hostile.near-deadline` | spins `data.ms` milliseconds (just under `time-per-batch`) on the monotonic clock, then reports a `near-deadline` probe | deliver it, count the call in `cityhub_plugin_near_deadline_total` and warn (at most once a minute per plugin) naming the plugin and its `time-per-batch` |
//! | `test.hostile.huge-batch` | emits 2,000 outputs of 1 KiB: over `outputs-per-batch` and `output-bytes` at once | refuse the batch, the reason naming both limits |
//!
//! A probe reports as a `test.hostile.ok` with the event's id as subject and
//! the JSON data [`probes::Probe`] (`{"probe", "allowed", "detail"}`), so a
//! test asserts from inside the plugin what it could and could not do.
//!
//! With `config = { fail_init = true }` its `init` fails (a configuration
//! error): an instance never starts, as with a broken new version.
//!
//! `city.traffic.congestion` and `city.fieldreport.>` are echoed like `ok`
//! (taps, for the tests of fan-out between routes and of data classes:
//! what reached the plugin shows in its echoes). Any other type is ignored. Events are handled in order, so a batch of
//! `ok` then `loop` shows that the first event's output is dropped with the
//! failed batch.

// Panicking is this plugin's job.
#![allow(clippy::panic)]

pub mod flood;
pub mod probes;

use std::hint::black_box;

use cityhub_sdk::{Batch, Context, Error, Event, Output, Plugin};

use crate::probes::Probe;

/// The one type the plugin may publish.
pub const OK: &str = "test.hostile.ok";
/// A type outside `publishes`.
pub const UNDECLARED: &str = "city.forbidden.thing";
/// Bytes of data in the `big-output` event.
pub const BIG_OUTPUT_BYTES: usize = 2 << 20;
/// Events emitted for `many-outputs`.
pub const MANY_OUTPUTS: usize = 1_000;
/// Size of each `state-flood` value.
pub const FLOOD_VALUE_BYTES: usize = 1024;
/// `state-flood` gives up (with an internal error) after writing this much
/// without being refused, so a host with no quota does not run out of memory.
pub const FLOOD_GIVE_UP_BYTES: usize = 64 << 20;

/// The plugin; it keeps nothing.
#[derive(Debug)]
pub struct Hostile;

impl Plugin for Hostile {
    type Config = serde_json::Value;

    fn init(config: serde_json::Value) -> Result<Self, Error> {
        if config["fail_init"] == true {
            return Err(Error::config(
                "hostile told to fail its init (`fail_init = true`); remove it to start",
            ));
        }
        Ok(Hostile)
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            if event.ty() == "city.traffic.congestion"
                || event.ty().starts_with("city.fieldreport.")
            {
                echo(&event, ctx)?;
                continue;
            }
            match event.ty().strip_prefix("test.hostile.") {
                Some("ok") => echo(&event, ctx)?,
                Some("loop") => spin(),
                Some("memory") => hog_memory(),
                Some("panic") => panic!(
                    "hostile plugin panicking on purpose (event `{}`)",
                    event.id()
                ),
                Some("trap") => trap(),
                Some("stack") => {
                    black_box(recurse(black_box(0)));
                }
                Some("big-output") => {
                    let data = vec![b'x'; BIG_OUTPUT_BYTES];
                    ctx.emit(
                        Output::new(OK)
                            .subject(event.id())
                            .data(&data, "application/octet-stream"),
                    )?;
                }
                Some("many-outputs") => {
                    for _ in 0..MANY_OUTPUTS {
                        ctx.emit(Output::new(OK).subject(event.id()))?;
                    }
                }
                Some("undeclared") => ctx.emit(Output::new(UNDECLARED).subject(event.id()))?,
                Some("state-flood") => return flood_state(ctx),
                Some("flaky") => flaky(&event, ctx)?,
                Some("read-file") => {
                    let paths = match event.data() {
                        Some(_) => event.data_json()?,
                        None => probes::Paths::default(),
                    };
                    report(&event, ctx, &probes::files(&paths, event.id()))?;
                }
                Some("open-socket") => {
                    let to = probes::sockets(&event.data_json::<probes::Targets>()?);
                    report(&event, ctx, &to)?;
                }
                Some("env") => report(&event, ctx, &probes::environment())?,
                Some("log-flood") => {
                    let stdio = flood::logs(ctx);
                    report(&event, ctx, &[stdio])?;
                }
                Some("near-deadline") => {
                    #[derive(serde::Deserialize)]
                    struct Spin {
                        ms: u64,
                    }
                    let started = std::time::Instant::now();
                    let spin: Spin = event.data_json()?;
                    report(&event, ctx, &[flood::near_deadline(started, spin.ms)])?;
                }
                Some("huge-batch") => flood::huge_batch(ctx, event.id())?,
                _ => {}
            }
        }
        Ok(())
    }
}

/// Fails with a transient error until the time in the event's data
/// (`{"until": RFC 3339}`), then echoes it: a plugin that succeeds on retry.
fn flaky(event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
    #[derive(serde::Deserialize)]
    struct Until<'a> {
        until: &'a str,
    }
    let until: Until<'_> = event.data_json()?;
    let until = cityhub_sdk::Timestamp::parse_rfc3339(until.until)
        .ok_or_else(|| Error::invalid_input(event, "`data.until` is not an RFC 3339 time"))?;
    let now = ctx.now();
    if (now.seconds(), now.nanoseconds()) < (until.seconds(), until.nanoseconds()) {
        return Err(Error::transient(format!(
            "not ready until {until} (event `{}`)",
            event.id()
        )));
    }
    echo(event, ctx)
}

/// Emits one `test.hostile.ok` per probe, with the event's id as subject
/// and the probe as JSON data.
fn report(event: &Event<'_>, ctx: &mut Context<'_>, found: &[Probe]) -> Result<(), Error> {
    for probe in found {
        ctx.emit(Output::new(OK).subject(event.id()).json(probe))?;
    }
    Ok(())
}

/// Emits one `test.hostile.ok` with the event's id as subject and its data.
fn echo(event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
    let mut output = Output::new(OK).subject(event.id());
    if let Some(data) = event.data() {
        output = output.data(
            data,
            event
                .datacontenttype()
                .unwrap_or("application/octet-stream"),
        );
    }
    ctx.emit(output)
}

/// Never returns. Every iteration goes through `black_box`, so the optimizer
/// can neither remove the loop nor prove anything about it: the guest really
/// spins until the host interrupts it.
fn spin() -> ! {
    let mut n: u64 = 0;
    loop {
        n = black_box(n.wrapping_add(1));
    }
}

/// Allocates 1 MiB chunks and writes to every 4 KiB page of each, so the
/// memory is really committed, until the allocator gives up (on wasm the
/// failed `memory.grow` makes the allocation abort: a trap).
fn hog_memory() -> ! {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut chunk = vec![0u8; 1 << 20];
        for page in chunk.chunks_mut(4096) {
            page[0] = black_box(1);
        }
        chunks.push(black_box(chunk));
    }
}

/// A trap: `unreachable` on wasm, a panic natively.
fn trap() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    panic!("hostile plugin: `unreachable` trap (natively a panic)");
}

/// Recurses until the stack runs out. The opaque `black_box` on the result
/// keeps the call from being a tail call (or an accumulator loop), and the
/// `black_box`ed exit (never taken) keeps the compiler from proving the
/// recursion endless. Each frame holds only a few
/// locals, so it is wasm's own call stack that overflows (wasmtime's
/// stack-overflow trap), not Rust's shadow stack in linear memory.
fn recurse(depth: u64) -> u64 {
    if black_box(depth) == u64::MAX {
        return 0;
    }
    black_box(recurse(depth + 1)).wrapping_add(depth)
}

/// Writes 1 KiB values under new keys, flushing every 16 writes so the host
/// sees them, until a write is refused; returns that error.
fn flood_state(ctx: &mut Context<'_>) -> Result<(), Error> {
    let value = vec![b'f'; FLOOD_VALUE_BYTES];
    let mut key = String::new();
    for i in 0..FLOOD_GIVE_UP_BYTES / FLOOD_VALUE_BYTES {
        key.clear();
        key.push_str("flood/");
        key.push_str(&i.to_string());
        ctx.state().set(&key, value.as_slice())?;
        if i % 16 == 15 {
            ctx.state().flush()?;
        }
    }
    ctx.state().flush()?;
    Err(Error::internal(format!(
        "wrote {FLOOD_GIVE_UP_BYTES} bytes of state and no quota refused it"
    )))
}

cityhub_sdk::export_plugin!(Hostile);
