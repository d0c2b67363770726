//! `[trust.vendors]`: the vendors whose signed packages this city installs,
//! each with its public key, as the vendor's `VENDOR.pub` gives it:
//!
//! ```toml
//! [trust.vendors]
//! acme-weather = "ed25519:6Y0Bq…"
//! ```

use crate::{checker::Checker, raw::RawTrust};
use cityhub_package::{PublicKey, Trust, VendorId};

impl Checker<'_> {
    /// Every vendor key, each error located at its entry.
    pub(crate) fn trust(&mut self, raw: &RawTrust) -> Trust {
        let mut trust = Trust::new();
        for (vendor, key) in &raw.vendors {
            let vendor = self.check(vendor, |s| {
                s.parse::<VendorId>()
                    .map_err(|e| format!("in `[trust.vendors]`: {e}"))
            });
            let key = self.check(key, |s| {
                s.parse::<PublicKey>().map_err(|e| {
                    format!("in `[trust.vendors]`: {e}; copy the key from the vendor's `.pub` file (`ed25519:` and 44 characters of base64)")
                })
            });
            if let (Some(v), Some(k)) = (vendor, key) {
                trust.insert(v, k);
            }
        }
        trust
    }
}
