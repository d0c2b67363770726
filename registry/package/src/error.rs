//! [`Error`]: every way a package, a key or a vendor id can be refused.

use crate::{PublicKey, VendorId, format};

/// Why a package, key or vendor id was refused. Each message says what is
/// wrong, why it matters and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes do not start with the package magic `CHPKG\0`.
    #[error(
        "not a cityhub package: it does not start with `CHPKG`; pass a `.chpkg` file made by `cityhub plugin pack`"
    )]
    NotAPackage,
    /// The package's format version is not one this crate reads.
    #[error(
        "package format version {version} is not supported: this cityhub reads version {supported}; upgrade cityhub or ask the vendor for a version {supported} package",
        supported = format::VERSION
    )]
    Format {
        /// The version the package says it is.
        version: u16,
    },
    /// The bytes end before the named part is complete.
    #[error("package is truncated: it ends inside its {what}; download or copy the file again")]
    Truncated {
        /// The part that is cut short (`manifest`, `component`, `signature`, ...).
        what: &'static str,
    },
    /// A part is larger than the format allows (checked before anything is
    /// allocated for it).
    #[error(
        "package's {what} is {len} bytes, over the format's limit of {max}; a package that says so is damaged or hostile: do not install it (vendors: shrink the {what})"
    )]
    TooLarge {
        /// The part (`manifest` or `component`).
        what: &'static str,
        /// Its length, as the package states it.
        len: u64,
        /// The most the format allows.
        max: u64,
    },
    /// Bytes follow the end of the package.
    #[error(
        "package has {len} unexpected bytes after its end; it is damaged or was not made by `cityhub plugin pack`: download or copy it again"
    )]
    Trailing {
        /// How many.
        len: u64,
    },
    /// A part's bytes are not what the format allows.
    #[error(
        "package's {what} is malformed: {reason}; it is damaged or was not made by `cityhub plugin pack`: download or copy it again"
    )]
    Malformed {
        /// The part.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The package carries no signature, so no vendor vouches for it.
    #[error(
        "package is not signed, so nothing says who made it or that it is unchanged; vendors sign it with `cityhub plugin sign FILE --key VENDOR.key`, integrators ask the vendor for a signed package"
    )]
    Unsigned,
    /// The signer is not among the trusted vendors.
    #[error(
        "package is signed by vendor `{vendor}`, which this city does not trust; add its key under [trust.vendors] in city.toml (`{vendor} = \"ed25519:…\"`) after checking it with the vendor"
    )]
    UnknownVendor {
        /// The vendor the signature names.
        vendor: VendorId,
    },
    /// The package names a trusted vendor but carries another key.
    #[error(
        "package claims vendor `{vendor}` but is signed with key {signed_with}, not the key this city trusts for `{vendor}` ({trusted}); the package was not signed by that vendor: do not install it"
    )]
    WrongKey {
        /// The vendor the signature names.
        vendor: VendorId,
        /// The key the package carries.
        signed_with: PublicKey,
        /// The key trusted for `vendor`.
        trusted: PublicKey,
    },
    /// The trusted vendor's key does not verify the content: it changed
    /// after signing (or the signature bytes did).
    #[error(
        "package's contents do not match its signature by `{vendor}`: it was changed after signing; download it again, and do not install it if this persists"
    )]
    Tampered {
        /// The vendor the signature names.
        vendor: VendorId,
    },
    /// The manifest inside the package is not a valid `plugin.toml`; the
    /// text is the manifest's located diagnostics.
    #[error("package's plugin.toml is not valid (the vendor must fix it and pack again):\n{0}")]
    Manifest(String),
    /// `pack` was given bytes that are not a WebAssembly component.
    #[error(
        "the component is {found}, not a WebAssembly component; build the plugin with `cityhub plugin build`, which writes a wasm32-wasip2 component to plugin.wasm"
    )]
    NotAComponent {
        /// What it is instead (`a core WebAssembly module`, `not WebAssembly`).
        found: &'static str,
    },
    /// A vendor id is not of the allowed form.
    #[error(
        "vendor id `{id}` is not valid: use 1-64 lowercase ASCII letters, digits or `-`, not starting or ending with `-` (e.g. `acme`)"
    )]
    BadVendorId {
        /// The id as given (lossily decoded when not UTF-8).
        id: String,
    },
    /// A key or key file's text is not valid.
    #[error("{what} is not valid: {reason}")]
    BadKey {
        /// `public key`, `public key file` or `secret key file`.
        what: &'static str,
        /// What is wrong and how to fix it (never the secret itself).
        reason: String,
    },
    /// The operating system gave no randomness for a new key.
    #[error("cannot generate a key: the operating system gave no randomness ({reason}); try again")]
    NoRandomness {
        /// The operating system's error.
        reason: String,
    },
}
