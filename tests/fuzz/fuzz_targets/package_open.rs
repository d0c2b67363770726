//! `.chpkg` packages: the input is a package's bytes, opened with a trust
//! of one vendor (`cityhub_fuzz::fuzz_trust`). A package that opens writes
//! back to the same bytes. So that the manifest inside gets fuzzed too,
//! which a mutated package reaches only with a valid signature, any input
//! whose frame reads is also signed again with the trusted key: it must
//! then open, or be refused for its manifest alone.
#![no_main]

use cityhub_fuzz::{fuzz_key, fuzz_trust};
use cityhub_package::{Error, Package};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(verified) = Package::open(data, fuzz_trust()) {
        assert_eq!(
            verified.package.to_bytes(),
            data,
            "an opened package writes back differently"
        );
        assert_eq!(verified.digest, verified.package.digest());
        assert_eq!(verified.vendor, *fuzz_key().vendor());
    }
    let Ok(mut package) = Package::read_unverified(data) else {
        return;
    };
    package.sign(fuzz_key());
    let bytes = package.to_bytes();
    match Package::open(&bytes, fuzz_trust()) {
        Ok(verified) => assert_eq!(verified.package, package),
        Err(Error::Manifest(message)) => assert!(!message.is_empty()),
        Err(e) => panic!("a package signed by the trusted key was refused: {e}"),
    }
});
