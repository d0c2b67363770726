//! The hostile plugin's behaviours that can run natively (the loop, memory
//! and stack behaviours only make sense inside the sandbox: the host's tests
//! cover them).

// Helpers outside `#[test]` functions unwrap too: in a test binary a panic
// is how a failure is reported.
#![allow(clippy::unwrap_used, clippy::panic)]

mod behaviours;
mod probes;
