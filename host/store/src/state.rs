//! Plugin state: a small key-value map per plugin, written only through
//! [`Store::commit_batch`] so that it always matches the plugin's position.

use crate::{Error, Store, sql::Sql, store::with_pool};

impl Store {
    /// Every key and value `plugin` has stored, ordered by key. Called when a
    /// plugin instance starts; empty for a plugin that never stored anything.
    pub async fn load_state(&self, plugin: &str) -> Result<Vec<(String, Vec<u8>)>, Error> {
        with_pool!(self, pool => Sql::load_state(pool, plugin).await)
    }
}
