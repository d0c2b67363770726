//! The state of a [`MemoryHost`](super::MemoryHost): a sorted map that
//! keeps the quota's byte count and, while a batch runs, an undo journal so
//! that a failed batch's writes can be rolled back.

use std::collections::BTreeMap;

/// Keys and values, with their total size and an optional undo journal.
#[derive(Debug, Default)]
pub(crate) struct Store {
    map: BTreeMap<String, Vec<u8>>,
    /// Bytes of every key plus its value: what the quota counts.
    used: u64,
    /// While a batch runs: the previous value of each write, oldest first.
    undo: Option<Vec<(String, Option<Vec<u8>>)>>,
}

impl Store {
    pub(crate) fn get(&self, key: &str) -> Option<&[u8]> {
        self.map.get(key).map(Vec::as_slice)
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn used(&self) -> u64 {
        self.used
    }

    /// Sets (`Some`) or removes (`None`) `key` outside the journal; returns
    /// the old value.
    pub(crate) fn put(&mut self, key: &str, value: Option<Vec<u8>>) -> Option<Vec<u8>> {
        let old = match value {
            Some(value) => {
                self.used += (key.len() + value.len()) as u64;
                self.map.insert(key.to_owned(), value)
            }
            None => self.map.remove(key),
        };
        if let Some(old) = &old {
            self.used -= (key.len() + old.len()) as u64;
        }
        old
    }

    /// Like [`put`](Self::put), journaled while a batch runs.
    pub(crate) fn write(&mut self, key: &str, value: Option<Vec<u8>>) {
        let old = self.put(key, value);
        if let Some(undo) = &mut self.undo {
            undo.push((key.to_owned(), old));
        }
    }

    /// Starts journaling a batch's writes.
    pub(crate) fn begin(&mut self) {
        self.undo = Some(Vec::new());
    }

    /// Ends the batch: keeps its writes, or undoes them newest first.
    pub(crate) fn end(&mut self, commit: bool) {
        let Some(undo) = self.undo.take() else { return };
        if !commit {
            for (key, old) in undo.into_iter().rev() {
                self.put(&key, old);
            }
        }
    }
}
