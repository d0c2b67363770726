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
            eprintln!("error: {}", chain(&e));
            ExitCode::FAILURE
        }
    }
}

/// `e` and its causes, `: `-joined, leaving out a cause whose text the
/// message before it already holds (our error enums name their cause in
/// their own message, for the API, and mark it as the source too).
fn chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::chain;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        /// Names its cause in its message and as its source, as ours do.
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "starting the bus: {}", self.0)
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let inner = std::io::Error::other("the store is in use");
        let e = anyhow::Error::new(Outer(inner)).context("serving");
        assert_eq!(chain(&e), "serving: starting the bus: the store is in use");
        let plain = anyhow::anyhow!("no answer").context("asking the host");
        assert_eq!(chain(&plain), "asking the host: no answer");
    }
}
