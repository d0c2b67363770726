//! `cityhub:plugin/state`: reads and writes on the batch's state transaction.

use crate::{
    bindings::state::{Host, StateError},
    host_state::HostState,
    state::WriteError,
};

impl Host for HostState {
    fn get(&mut self, key: String) -> Option<Vec<u8>> {
        self.state.get(&key)
    }

    fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), StateError> {
        self.state.set(key, value).map_err(into_wit)
    }

    fn delete(&mut self, key: String) -> Result<(), StateError> {
        self.state.delete(key).map_err(into_wit)
    }
}

fn into_wit(e: WriteError) -> StateError {
    match e {
        WriteError::Quota(q) => StateError::QuotaExceeded(q),
        WriteError::InvalidKey(why) => StateError::InvalidKey(why),
        WriteError::NotWritable => StateError::NotWritable,
    }
}
