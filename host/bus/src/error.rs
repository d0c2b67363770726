//! The crate's one error type.

/// What can stop the bus.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed; the message names the operation.
    #[error("{operation}: {source}")]
    Store {
        /// What the bus was doing.
        operation: String,
        /// The store's error.
        source: cityhub_store::Error,
    },
}

impl Error {
    pub(crate) fn store(operation: impl Into<String>) -> impl FnOnce(cityhub_store::Error) -> Self {
        let operation = operation.into();
        move |source| Self::Store { operation, source }
    }
}
