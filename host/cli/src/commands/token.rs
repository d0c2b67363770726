//! `cityhub token create|list|revoke`: the host's API tokens, offline: the
//! command opens the store of `--config city.toml` (or `--database-url`)
//! itself, so the first admin token can be made before the host runs.
//! Each change is recorded in the audit log as `cli:<$USER>`.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use cityhub_api::auth::{TokenError, issue_token, revoke_token};
use cityhub_auth::Role;
use cityhub_store::Store;

use crate::table;

/// Which store: the one city.toml names, unless `--database-url` says.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// The city configuration whose `[store] url` holds the tokens.
    #[arg(long, short, default_value = "city.toml")]
    config: PathBuf,
    /// The store; overrides `[store] url` (`sqlite://FILE` or `postgres://…`).
    #[arg(long, env = "CITYHUB_DATABASE_URL")]
    database_url: Option<String>,
}

impl StoreArgs {
    /// Opens (and migrates) the store.
    pub async fn open(&self) -> anyhow::Result<Store> {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => cityhub_config::store_url(&self.config).map_err(|d| {
                anyhow::anyhow!(
                    "{d}\n\ncannot find the store: fix city.toml or pass `--database-url`"
                )
            })?,
        };
        Ok(Store::open(&url).await?)
    }
}

/// The audit actor of this command line: `cli:<$USER>` (`cli:unknown` without one).
pub fn actor() -> String {
    let user = std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    format!("cli:{user}")
}

/// Token subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make a token; prints only the token on stdout (shown this once).
    Create {
        /// admin, integrator, operator or source (vendor tokens come from the registry).
        #[arg(long)]
        role: Role,
        /// A name for lists and the audit log: 1 to 64 of a-z 0-9 . _ -
        #[arg(long)]
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List every token, revoked ones too (never the tokens themselves).
    List {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke a token by id or name; a running host refuses it at once.
    Revoke {
        /// The token's id or name.
        id_or_name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Runs a token subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(run_async(cmd))
}

async fn run_async(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Create { role, name, store } => {
            let store = store.open().await?;
            let issued = issue_token(&store, &name, role, &actor(), "cli").await;
            store.close().await;
            match issued {
                Ok(issued) => {
                    println!("{}", issued.token);
                    eprintln!(
                        "token `{}` ({}) created; it is shown only now: send it as \
                         `Authorization: Bearer <token>`",
                        issued.row.name, issued.row.role
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e),
            }
        }
        Command::List { json, store } => {
            let store = store.open().await?;
            let tokens = store.tokens().await;
            store.close().await;
            let tokens = tokens?;
            if json {
                for t in &tokens {
                    println!(
                        "{}",
                        serde_json::to_string(&cityhub_api::routes::tokens::TokenView::from(t))?
                    );
                }
            } else {
                let rows: Vec<Vec<String>> = tokens
                    .iter()
                    .map(|t| {
                        vec![
                            t.name.clone(),
                            t.role.clone(),
                            t.created_at.to_string(),
                            t.created_by.clone(),
                            t.revoked_at
                                .as_ref()
                                .map_or_else(|| "-".to_owned(), ToString::to_string),
                            t.id.clone(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(&["NAME", "ROLE", "CREATED", "BY", "REVOKED", "ID"], &rows)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Revoke { id_or_name, store } => {
            let store = store.open().await?;
            let revoked = revoke_token(&store, &id_or_name, &actor(), "cli").await;
            store.close().await;
            match revoked {
                Ok(row) => {
                    eprintln!("token `{}` ({}) revoked", row.name, row.role);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e),
            }
        }
    }
}

/// A refusal the user can fix (bad name, vendor role, name taken, not
/// found) exits 2 with its message; a store failure is an error.
fn refused(e: TokenError) -> anyhow::Result<ExitCode> {
    match e {
        TokenError::Store(e) if !matches!(e, cityhub_store::Error::TokenNameTaken { .. }) => {
            Err(e.into())
        }
        e => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(2))
        }
    }
}
