//! `cityhub`: the command line. Wiring only: every command parses its
//! arguments, calls into the library crates, and reports.

mod client;
mod commands;
mod logging;
mod progress;
mod table;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    logging::init(cli.log_format);
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
