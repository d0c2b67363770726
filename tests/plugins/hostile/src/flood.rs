//! Floods: more log records, longer messages, more printed bytes and bigger
//! batches than the host allows, and calls that live right at the deadline.

use std::{hint::black_box, time::Instant};

use cityhub_sdk::{Context, Error, Output};

use crate::{OK, probes::Probe};

/// Short records `log-flood` writes after the long ones (the host keeps 100 a batch).
pub const FLOOD_RECORDS: usize = 2_000;
/// Long records `log-flood` writes first, each with a message of
/// [`LONG_MESSAGE_BYTES`] and [`LONG_FIELDS`] fields of [`LONG_FIELD_BYTES`].
pub const LONG_RECORDS: usize = 3;
/// The length of a long record's message (the host keeps 4 KiB).
pub const LONG_MESSAGE_BYTES: usize = 256 << 10;
/// Fields of a long record (the host keeps 32).
pub const LONG_FIELDS: usize = 40;
/// The length of a long record's field values.
pub const LONG_FIELD_BYTES: usize = 16 << 10;
/// A record that tries to forge a line of the host's log with a newline.
pub const FORGED: &str = "hostile record\nINFO cityhub: forged line from the hostile plugin";
/// Bytes `log-flood` prints to stdout, and again to stderr.
pub const STDIO_BYTES: usize = 1 << 20;
/// Outputs of `huge-batch` (20x `outputs-per-batch`).
pub const HUGE_BATCH_OUTPUTS: usize = 2_000;
/// Data bytes of each `huge-batch` output (2,000 of them: ~2 MiB, 2x `output-bytes`).
pub const HUGE_BATCH_DATA: usize = 1024;

/// Writes long records (over every per-record bound), a forged line, then
/// [`FLOOD_RECORDS`] short ones, and prints [`STDIO_BYTES`] to stdout and
/// stderr. Reports what it wrote; the stdio probe is `allowed` when the
/// host took every byte (it must, and discard them).
pub fn logs(ctx: &mut Context<'_>) -> Probe {
    let message = "m".repeat(LONG_MESSAGE_BYTES);
    let value = "v".repeat(LONG_FIELD_BYTES);
    let keys: Vec<String> = (0..LONG_FIELDS).map(|i| format!("field{i}")).collect();
    let fields: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), value.as_str())).collect();
    for _ in 0..LONG_RECORDS {
        ctx.log().warn(&message, &fields);
    }
    ctx.log().warn(FORGED, &[("forged", "a\nb")]);
    for i in 0..FLOOD_RECORDS {
        ctx.log().info("flood", &[("i", &i.to_string())]);
    }
    let mut stdio = crate::probes::stdio(STDIO_BYTES);
    stdio.detail = format!(
        "wrote {} log records; {}",
        LONG_RECORDS + 1 + FLOOD_RECORDS,
        stdio.detail
    );
    stdio
}

/// Spins until `ms` milliseconds have passed since `started` (the monotonic
/// clock), then reports how long it took.
pub fn near_deadline(started: Instant, ms: u64) -> Probe {
    let mut n: u64 = 0;
    while started.elapsed().as_millis() < u128::from(ms) {
        n = black_box(n.wrapping_add(1));
    }
    Probe {
        probe: String::from("near-deadline"),
        allowed: true,
        detail: format!("spun {} ms ({n} turns)", started.elapsed().as_millis()),
    }
}

/// Emits [`HUGE_BATCH_OUTPUTS`] outputs of [`HUGE_BATCH_DATA`] bytes each:
/// over `outputs-per-batch` and over `output-bytes` at once.
pub fn huge_batch(ctx: &mut Context<'_>, id: &str) -> Result<(), Error> {
    let data = vec![b'h'; HUGE_BATCH_DATA];
    for _ in 0..HUGE_BATCH_OUTPUTS {
        ctx.emit(
            Output::new(OK)
                .subject(id)
                .data(&data, "application/octet-stream"),
        )?;
    }
    Ok(())
}
