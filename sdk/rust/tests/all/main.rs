//! The SDK's integration tests, one binary: plugins run through the public
//! API exactly as a vendor's tests run them.

mod harness;
mod memory;
