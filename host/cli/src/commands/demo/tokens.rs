//! The demo's API tokens, made in the demo city's store before its host
//! starts: a `source` token for the simulator and an `operator` token for
//! whoever opens the dashboard (printed once, as a sign-in link). Each run
//! first revokes the previous run's tokens of the same names, so only the
//! newest work; both are recorded in the audit log like `cityhub token
//! create` (actor `cli:<$USER>`).

use anyhow::Context;
use cityhub_api::auth::{TokenError, issue_token, revoke_token};
use cityhub_auth::Role;
use cityhub_store::Store;

use super::super::token::actor;

/// The simulator's token's name.
pub const SIMULATOR: &str = "demo-simulator";
/// The dashboard operator's token's name.
pub const OPERATOR: &str = "demo-operator";

/// This run's tokens.
#[derive(Debug)]
pub struct Tokens {
    /// Role `source`: posts the simulated events.
    pub simulator: String,
    /// Role `operator`: signs the dashboard in.
    pub operator: String,
}

/// Revokes the previous run's tokens and makes this run's, in the store at
/// `url` (the one the demo's host will open).
pub async fn make(url: &str) -> anyhow::Result<Tokens> {
    let store = Store::open(url)
        .await
        .with_context(|| format!("opening the demo's store `{url}` to make its tokens"))?;
    let made = replace(&store).await;
    store.close().await;
    made
}

async fn replace(store: &Store) -> anyhow::Result<Tokens> {
    let actor = actor();
    for name in [SIMULATOR, OPERATOR] {
        match revoke_token(store, name, &actor, "cli").await {
            Ok(_) | Err(TokenError::NotFound(_)) => {}
            Err(e) => {
                return Err(e).with_context(|| format!("revoking the last demo's token `{name}`"));
            }
        }
    }
    Ok(Tokens {
        simulator: issue(store, SIMULATOR, Role::Source, &actor).await?,
        operator: issue(store, OPERATOR, Role::Operator, &actor).await?,
    })
}

async fn issue(store: &Store, name: &str, role: Role, actor: &str) -> anyhow::Result<String> {
    issue_token(store, name, role, actor, "cli")
        .await
        .map(|issued| issued.token)
        .with_context(|| format!("making the demo's token `{name}`"))
}
