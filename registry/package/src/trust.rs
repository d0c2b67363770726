//! [`Trust`]: the vendors a city accepts packages from, each with its key.

use std::collections::BTreeMap;

use crate::{PublicKey, VendorId};

/// Trusted vendors and their keys (a city's `[trust.vendors]`). A package
/// opens only if its signature names a vendor here and is made with that
/// vendor's key. Empty by default: nothing is trusted until listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    vendors: BTreeMap<VendorId, PublicKey>,
}

impl Trust {
    /// No vendor trusted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts `key` for `vendor`, replacing and returning any key it had.
    pub fn insert(&mut self, vendor: VendorId, key: PublicKey) -> Option<PublicKey> {
        self.vendors.insert(vendor, key)
    }

    /// The key trusted for `vendor`.
    pub fn get(&self, vendor: &VendorId) -> Option<&PublicKey> {
        self.vendors.get(vendor)
    }

    /// The trusted vendors and keys, by vendor id.
    pub fn iter(&self) -> impl Iterator<Item = (&VendorId, &PublicKey)> {
        self.vendors.iter()
    }

    /// How many vendors are trusted.
    pub fn len(&self) -> usize {
        self.vendors.len()
    }

    /// Whether no vendor is trusted.
    pub fn is_empty(&self) -> bool {
        self.vendors.is_empty()
    }
}

impl FromIterator<(VendorId, PublicKey)> for Trust {
    fn from_iter<I: IntoIterator<Item = (VendorId, PublicKey)>>(iter: I) -> Self {
        Self {
            vendors: iter.into_iter().collect(),
        }
    }
}
