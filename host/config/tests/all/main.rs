//! Integration tests of `cityhub-config`: one binary, a module per concern.

mod ui;
mod valid;
