//! Integration tests of `cityhub-manifest`: one binary, a module per concern.

mod ui;
mod valid;
