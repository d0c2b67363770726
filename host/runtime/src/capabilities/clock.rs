//! `cityhub:plugin/clock`: the time, fixed for the whole batch.

use crate::{
    bindings::cityhub::plugin::clock::Host, bindings::types::Timestamp, host_state::HostState,
};

impl Host for HostState {
    fn now(&mut self) -> Timestamp {
        self.now
    }
}

impl crate::bindings::types::Host for HostState {}
