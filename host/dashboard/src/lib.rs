//! The operations-centre dashboard of the province (Trung tâm Giám sát, điều
//! hành thông minh tỉnh Lạng Sơn): a static single-page application in plain
//! HTML, CSS and JavaScript modules, every file embedded in the binary so the
//! host serves it on a closed network (no CDN, no web fonts, no tiles).
//!
//! - [`router`]: `GET /` (the page) and `GET /assets/{file}`, each with its
//!   content type, `Cache-Control: no-cache`, a content-hash `ETag` (`304`
//!   on a matching `If-None-Match`) and a strict `Content-Security-Policy`.
//! - [`assets`]: the embedded files, for the crate's tests and for anyone
//!   who wants to check what ships.
//!
//! The page reads the host's ops API (`/v1/ops/*`) and its event stream
//! (`/v1/stream`); `assets/js/main.js` is the entry point and
//! `assets/README.md` maps the modules.

mod assets;
mod serve;

pub use assets::{Asset, assets};
pub use serve::{CONTENT_SECURITY_POLICY, router};
