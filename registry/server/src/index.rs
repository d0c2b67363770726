//! The JSON of the registry's HTTP API, shared by the server and [`Client`]:
//! what `GET /v1/plugins/{name}` (the index), `GET /v1/plugins` (search),
//! `PUT /v1/plugins/{name}/{version}` (publish) and the yank calls answer,
//! and the error body every failure carries.
//!
//! Fields are added, never renamed or removed, so an older client reads a
//! newer server's answers (unknown fields are ignored).
//!
//! [`Client`]: crate::Client

use semver::Version;
use serde::{Deserialize, Serialize};

/// Every published version of one plugin: `GET /v1/plugins/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// The plugin's name.
    pub name: String,
    /// The vendor that owns the name (the first to publish it).
    pub vendor: String,
    /// Every version ever published, yanked ones included, oldest
    /// (lowest semver) first.
    pub versions: Vec<IndexVersion>,
}

/// One published version in an [`Index`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexVersion {
    /// Its version.
    pub version: Version,
    /// The package's content digest (`sha256:<hex>`, over manifest and
    /// component, see `cityhub_package::Package::digest`): what a
    /// downloaded package must have.
    pub digest: String,
    /// The version of the `cityhub:plugin` WIT world it was built for.
    pub world: Version,
    /// The capabilities its manifest asks for (`log`, `state`, `clock`).
    pub capabilities: Vec<String>,
    /// The limits its manifest asks for.
    pub limits: IndexLimits,
    /// Bytes of the package file.
    pub size: u64,
    /// Whether the vendor yanked it: still downloadable, never resolved for
    /// a new install.
    pub yanked: bool,
    /// When it was published, RFC 3339 in UTC.
    pub published_at: String,
    /// Its manifest's one-line description.
    pub description: String,
}

/// The `[limits]` a version's manifest asks for, in plain units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexLimits {
    /// Linear memory of one instance, bytes.
    pub memory: u64,
    /// Time for one `handle` or `init` call, milliseconds.
    pub time_per_batch_ms: u64,
    /// Output events per call.
    pub outputs_per_batch: u32,
    /// Bytes of one call's output frame.
    pub output_bytes: u64,
    /// Bytes of the plugin's state.
    pub state_quota: u64,
}

impl From<&cityhub_manifest::Limits> for IndexLimits {
    fn from(l: &cityhub_manifest::Limits) -> Self {
        Self {
            memory: l.memory.bytes(),
            time_per_batch_ms: l.time_per_batch.as_millis(),
            outputs_per_batch: l.outputs_per_batch,
            output_bytes: l.output_bytes.bytes(),
            state_quota: l.state_quota.bytes(),
        }
    }
}

/// The answer of `GET /v1/plugins?q=TEXT&limit=N`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The plugins whose name or description contains the text, by name.
    pub plugins: Vec<SearchHit>,
}

/// One plugin found by a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The plugin's name.
    pub name: String,
    /// The vendor that owns it.
    pub vendor: String,
    /// The description of its latest version (of its newest one when every
    /// version is yanked).
    pub description: String,
    /// The highest version that is not yanked (pre-releases count only when
    /// no release is left), or `None` when every version is yanked.
    pub latest: Option<Version>,
    /// How many versions are published and not yanked.
    pub versions: u32,
}

/// The answer of a successful publish (`201`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// The plugin's name.
    pub name: String,
    /// The version published.
    pub version: Version,
    /// The package's content digest.
    pub digest: String,
    /// The vendor that signed and published it.
    pub vendor: String,
}

/// The answer of a yank or unyank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YankState {
    /// The plugin's name.
    pub name: String,
    /// The version.
    pub version: Version,
    /// Whether it is yanked now.
    pub yanked: bool,
}

/// The body of every error answer: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The inside of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable and machine-readable: `version_exists`, `unauthorized`,
    /// `invalid_package`, … (see [`crate::Error::code`]).
    pub code: String,
    /// For people: what is wrong, why, and how to fix it.
    pub message: String,
    /// The path segment, parameter or header at fault, if one is.
    pub field: Option<String>,
}
