//! The crate's one error type, for the registry, its server and its client.
//! Messages are lowercase, name the thing in backticks, say why and how to
//! fix it; [`Error::code`] is the stable code the HTTP API sends with each.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the registry, its server and its client.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // --- opening and storage -------------------------------------------------
    /// The database URL names no backend the registry supports.
    #[error(
        "registry database URL `{url}` is not supported: use `sqlite://path/to/registry.db` \
         or `postgres://user@host:5432/database`"
    )]
    UnsupportedUrl {
        /// The URL, password redacted.
        url: String,
    },
    /// Connecting to the database (or creating the SQLite file) failed.
    #[error(
        "cannot open the registry database `{url}`: {source}; check that the database is running \
         and reachable, or that the folder is writable"
    )]
    Open {
        /// The URL, password redacted.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error(
        "cannot migrate the registry database `{url}`: {source}; was it written by a newer cityhub?"
    )]
    Migrate {
        /// The URL, password redacted.
        url: String,
        /// The migrator's error.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// A statement failed.
    #[error("registry database operation `{op}` failed: {source}")]
    Database {
        /// What was being done, e.g. `publish`.
        op: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Reading or writing a package file failed.
    #[error(
        "cannot {action} `{path}`: {source}; check that the blobs folder exists, is writable and \
         has space"
    )]
    Blob {
        /// What was being done, e.g. `write`.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The OS's error.
        #[source]
        source: std::io::Error,
    },
    /// A stored row does not read back (edited by hand, or a bug).
    #[error("stored {what} is corrupt: {why}; restore the registry database from a backup")]
    Corrupt {
        /// Which row, e.g. `version traffic@1.0.0`.
        what: String,
        /// What does not read back.
        why: String,
    },
    /// A background task ended before finishing (the runtime is shutting down).
    #[error("a registry task was interrupted ({0}); nothing was stored, try again")]
    Interrupted(String),
    /// The OS gave no randomness for a token.
    #[error("cannot generate a token: the OS's random source failed ({0})")]
    Randomness(String),

    // --- vendors ---------------------------------------------------------------
    /// `registry vendor add` for a vendor the registry has.
    #[error(
        "vendor `{vendor}` already exists in this registry: its token cannot be shown again; \
         choose another id, or keep using the token it was given"
    )]
    VendorExists {
        /// The vendor's id.
        vendor: String,
    },

    // --- requests ----------------------------------------------------------------
    /// No `Authorization: Bearer` header.
    #[error(
        "this call needs a vendor token: send `Authorization: Bearer <token>` (`--token` or \
         `CITYHUB_REGISTRY_TOKEN` on the command line); the registry's operator gives each vendor \
         one with `cityhub registry vendor add`"
    )]
    MissingToken,
    /// A token no vendor has.
    #[error(
        "the vendor token is not valid for this registry: check that it was copied whole and is \
         for this registry; ask its operator for a new vendor if it was lost"
    )]
    BadToken,
    /// A path segment is not a valid plugin name.
    #[error("{why}")]
    InvalidName {
        /// Why (names the value and what a name may be).
        why: String,
    },
    /// A path segment is not a valid version.
    #[error("`{version}` is not a version the registry accepts: {why}")]
    InvalidVersion {
        /// The text.
        version: String,
        /// Why.
        why: String,
    },
    /// A query parameter is invalid.
    #[error("query parameter `{param}` is invalid: {why}")]
    InvalidQuery {
        /// The parameter.
        param: &'static str,
        /// Why, and what is accepted.
        why: String,
    },
    /// The upload is over the server's limit.
    #[error(
        "the package is larger than this registry accepts ({max} bytes); a package holds at \
         most a 1 MiB manifest and a 64 MiB component: make the component smaller"
    )]
    TooLarge {
        /// The limit, bytes.
        max: u64,
    },
    /// The upload ended before its body did (the client hung up).
    #[error("the upload was cut off ({0}); nothing was stored, publish again")]
    UploadCut(String),
    /// The package is not well-formed, not signed, changed after signing,
    /// or its manifest is invalid; the message is the package's own.
    #[error("{0}")]
    Package(cityhub_package::Error),
    /// The package is signed by another vendor than the token's, or with
    /// another key than the one registered for it.
    #[error(
        "{why}: a vendor publishes only packages signed with its own key as registered here; sign \
         with `cityhub plugin sign FILE --key VENDOR.key` using the key of the token's vendor"
    )]
    WrongSigner {
        /// Who signed, and whose token it is.
        why: String,
    },
    /// The manifest inside names another plugin or version than the URL.
    #[error(
        "the package is {field} `{inside}` but was published as `{path}`: publish it under its own \
         name and version (`cityhub plugin publish FILE` takes both from the package)"
    )]
    PathMismatch {
        /// `name` or `version`.
        field: &'static str,
        /// What its manifest says.
        inside: String,
        /// What the URL says.
        path: String,
    },
    /// The name belongs to another vendor.
    #[error(
        "plugin `{name}` belongs to vendor `{owner}`, not `{vendor}`: a name is owned by the first \
         vendor to publish it; choose another name for your plugin"
    )]
    NameTaken {
        /// The plugin.
        name: String,
        /// Its owner.
        owner: String,
        /// Who tried.
        vendor: String,
    },
    /// The version is published already.
    #[error(
        "`{name}@{version}` is already published, and published versions never change: bump \
         `version` in plugin.toml, then pack, sign and publish again"
    )]
    VersionExists {
        /// The plugin.
        name: String,
        /// The version.
        version: String,
    },
    /// No such plugin, or no such version of it.
    #[error("{}", not_found(name, version.as_deref()))]
    NotFound {
        /// The plugin.
        name: String,
        /// The version, when one was asked for.
        version: Option<String>,
    },

    /// No endpoint at this path.
    #[error(
        "there is no such endpoint: the registry's API is `GET /v1/plugins?q=`, `GET|PUT \
         /v1/plugins/{{name}}[/{{version}}]`, `POST …/yank|unyank`, `GET …/package`"
    )]
    NoEndpoint,
    /// The path exists, but not with this method.
    #[error(
        "this endpoint does not take this HTTP method: see the registry's API in the docs of `cityhub_registry::server`"
    )]
    MethodNotAllowed,

    // --- the client ------------------------------------------------------------------
    /// The server answered with an error.
    #[error("{message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The server's stable code (`version_exists`, …).
        code: String,
        /// The server's message.
        message: String,
        /// The field at fault, if any.
        field: Option<String>,
    },
    /// Nothing answered at the registry's URL, or it timed out.
    #[error("cannot reach the registry at {url}: {why}; check `--registry` and that it is running")]
    Unreachable {
        /// The registry's base URL.
        url: String,
        /// What happened.
        why: String,
    },
    /// The answer was not what a cityhub registry sends.
    #[error(
        "the registry at {url} answered unexpectedly ({why}); is `--registry` a cityhub registry \
         of a compatible version?"
    )]
    UnexpectedAnswer {
        /// The request's URL.
        url: String,
        /// What was wrong with it.
        why: String,
    },
}

fn not_found(name: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!(
            "`{name}@{v}` is not published in this registry: `cityhub plugin search {name}` lists \
             what is"
        ),
        None => format!(
            "no plugin `{name}` is published in this registry: `cityhub plugin search` lists what is"
        ),
    }
}

impl Error {
    /// The stable code of this error, as the HTTP API sends it.
    pub fn code(&self) -> &str {
        match self {
            Self::UnsupportedUrl { .. }
            | Self::Open { .. }
            | Self::Migrate { .. }
            | Self::Database { .. }
            | Self::Blob { .. }
            | Self::Corrupt { .. }
            | Self::Interrupted(_)
            | Self::Randomness(_) => "internal",
            Self::VendorExists { .. } => "vendor_exists",
            Self::MissingToken | Self::BadToken => "unauthorized",
            Self::InvalidName { .. } => "invalid_name",
            Self::InvalidVersion { .. } => "invalid_version",
            Self::InvalidQuery { .. } => "invalid_query",
            Self::TooLarge { .. } => "payload_too_large",
            Self::UploadCut(_) => "upload_cut",
            Self::Package(_) => "invalid_package",
            Self::WrongSigner { .. } => "wrong_signer",
            Self::PathMismatch { .. } => "path_mismatch",
            Self::NameTaken { .. } => "name_taken",
            Self::VersionExists { .. } => "version_exists",
            Self::NotFound { .. } | Self::NoEndpoint => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Api { code, .. } => code,
            Self::Unreachable { .. } => "unreachable",
            Self::UnexpectedAnswer { .. } => "unexpected_answer",
        }
    }

    /// A closure wrapping a driver error as [`Error::Database`] for `op`.
    pub(crate) fn db(op: &'static str) -> impl Fn(sqlx::Error) -> Self {
        move |source| Self::Database { op, source }
    }

    /// A closure wrapping an I/O error on `path` as [`Error::Blob`].
    pub(crate) fn blob(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_owned();
        move |source| Self::Blob {
            action,
            path,
            source,
        }
    }
}
