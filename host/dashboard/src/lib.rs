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
//! (`/v1/stream`) once signed in: only these static files are open; every
//! API call carries the session cookie `POST /v1/session` set. Under `assets/`, one module per concern, no build step:
//!
//! | file | its one job |
//! |---|---|
//! | `index.html` | the page: header, navigation, one `section[data-screen]` per screen |
//! | `css/dashboard.css` | the dark video-wall theme |
//! | `i18n/vi.json`, `i18n/en.json` | every visible string, flat `area.key` names |
//! | `js/main.js` | entry point: header, hash router, the stream's batches to the screens |
//! | `js/api.js` | `fetch` GET/POST with the API's errors, coalesced refetches, the `EventSource` with batching and backoff |
//! | `js/i18n.js` | the language (vi by default), `t()`, translating `data-i18n*` elements |
//! | `js/format.js` | numbers, units, times (Intl, `Asia/Ho_Chi_Minh`) |
//! | `js/dom.js` | making elements; `reconcile()` updates only what changed |
//! | `js/session.js` | signing in (a pasted token or a `#token=` link → `POST /v1/session`, the HttpOnly cookie), who is signed in, signing out |
//! | `js/badges.js`, `js/notice.js` | severity/standing/state badges with icons; messages to the operator |
//! | `js/map.js`, `js/charts.js` | drawing the SVG map and line charts |
//! | `js/screens/*.js` | one module per screen: overview, map, alerts, incidents, health, charts |
//!
//! The page's hooks for the browser tests (`data-screen`, `data-kpi-sector`,
//! `data-alert-id`, `#live-events`, …) are part of the ops contract: keep
//! them when changing the page.

mod assets;
mod serve;

pub use assets::{Asset, assets};
pub use serve::{CONTENT_SECURITY_POLICY, router};
