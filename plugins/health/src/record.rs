//! How the plugin reads and writes its JSON records in state. An unreadable
//! record is logged as an error and started afresh rather than blocking the
//! plugin for good; the sliding windows are written back once per batch,
//! and only when they changed.

use cityhub_sdk::city::load_record;
use cityhub_sdk::{Context, Error};
use serde::Serialize;

use crate::calls::{self, Calls};
use crate::outbreak::{self, Cases};

/// The sliding windows (calls of the last hour, cases of the outbreak
/// window), loaded at the start of a batch and saved at its end.
#[derive(Debug, Default)]
pub struct Windows {
    /// The calls of the last hour.
    pub calls: Calls,
    /// The cases within the outbreak window.
    pub cases: Cases,
    loaded: (Option<Vec<u8>>, Option<Vec<u8>>),
}

impl Windows {
    /// Reads both windows from state.
    pub fn load(ctx: &mut Context<'_>) -> Self {
        let loaded = (
            ctx.state().get(calls::KEY).map(<[u8]>::to_vec),
            ctx.state().get(outbreak::KEY).map(<[u8]>::to_vec),
        );
        Windows {
            calls: load_record(ctx, calls::KEY, None).unwrap_or_default(),
            cases: load_record(ctx, outbreak::KEY, None).unwrap_or_default(),
            loaded,
        }
    }

    /// Writes back each window that changed; an empty window is deleted.
    pub fn save(&self, ctx: &mut Context<'_>) -> Result<(), Error> {
        save(
            ctx,
            calls::KEY,
            &self.calls,
            self.calls.districts.is_empty(),
            &self.loaded.0,
        )?;
        save(
            ctx,
            outbreak::KEY,
            &self.cases,
            self.cases.diseases.is_empty(),
            &self.loaded.1,
        )
    }
}

fn save<T: Serialize>(
    ctx: &mut Context<'_>,
    key: &str,
    value: &T,
    empty: bool,
    loaded: &Option<Vec<u8>>,
) -> Result<(), Error> {
    if empty {
        if loaded.is_some() {
            ctx.state().delete(key)?;
        }
        return Ok(());
    }
    let bytes = serde_json::to_vec(value)
        .map_err(|err| Error::internal(format!("cannot serialize state `{key}`: {err}")))?;
    if loaded.as_deref() != Some(&bytes[..]) {
        ctx.state().set(key, bytes)?;
    }
    Ok(())
}
