//! The embedded files under `assets/`: one [`Asset`] per file, its bytes
//! compiled in with `include_bytes!`, its `ETag` hashed once on first use.
//!
//! Adding a file under `assets/` means adding its line to [`ASSETS`]; the
//! crate's tests fail while a file on disk is missing from the table.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// Its path below `assets/` and below the URL `/assets/`, e.g. `js/main.js`.
    pub path: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

impl Asset {
    /// The `Content-Type` for its extension (every file in the table has a
    /// known one; the tests check it).
    pub fn content_type(&self) -> &'static str {
        match self.path.rsplit_once('.').map(|(_, ext)| ext) {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("json") => "application/json",
            Some("svg") => "image/svg+xml",
            _ => "application/octet-stream",
        }
    }

    /// A strong `ETag`: the first 128 bits of the body's SHA-256, quoted.
    pub fn etag(&self) -> &'static str {
        ETAGS
            .iter()
            .zip(ASSETS)
            .find(|(_, a)| a.path == self.path)
            .map_or("\"\"", |(tag, _)| tag.as_str())
    }
}

macro_rules! asset {
    ($path:literal) => {
        Asset {
            path: $path,
            body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)),
        }
    };
}

/// Every file the dashboard serves.
static ASSETS: &[Asset] = &[
    asset!("index.html"),
    asset!("icon.svg"),
    asset!("css/dashboard.css"),
    asset!("i18n/vi.json"),
    asset!("i18n/en.json"),
    asset!("js/main.js"),
    asset!("js/api.js"),
    asset!("js/i18n.js"),
    asset!("js/format.js"),
    asset!("js/dom.js"),
    asset!("js/badges.js"),
    asset!("js/notice.js"),
    asset!("js/session.js"),
    asset!("js/map.js"),
    asset!("js/charts.js"),
    asset!("js/screens/overview.js"),
    asset!("js/screens/map.js"),
    asset!("js/screens/alerts.js"),
    asset!("js/screens/incidents.js"),
    asset!("js/screens/health.js"),
    asset!("js/screens/charts.js"),
];

static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| format!("\"{}\"", hex::encode(&Sha256::digest(a.body)[..16])))
        .collect()
});

/// Every embedded file.
pub fn assets() -> &'static [Asset] {
    ASSETS
}

/// The file at `path` below `assets/`, if there is one.
pub(crate) fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}
