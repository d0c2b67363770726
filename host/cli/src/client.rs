//! The HTTP client of the commands that talk to a running host
//! (`deadletters`, `replay`, `plugin status|resume`): where the server is,
//! the API token they send (`--token`, `CITYHUB_TOKEN`), one JSON request at
//! a time, and the API's errors as [`ApiError`].
//!
//! Each command makes a handful of requests, so the client runs them on a
//! current-thread tokio runtime ([`block_on`]). A request that cannot connect
//! becomes [`Unreachable`]; an answer of `4xx`/`5xx` becomes [`ApiError`],
//! which `commands::run` prints as the API's `message` with exit code 2;
//! a `401`/`403` says which role the command needs and how to get a token
//! ([`refused`]).

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::Context;
use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where the server is when nothing says otherwise (`[server] listen`'s default).
const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// How long one request may take, connection included. Every call of the
/// API these commands use answers at once: none waits for delivery.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The role the commands of this client need: every call they make
/// (`/v1/routes*`, `/v1/plugins*`, `/v1/deadletters*`) is delivery
/// management.
const ROLE: &str = "integrator";

/// How the commands find the server: `--server`, else `CITYHUB_SERVER`, else
/// `[server] listen` in `--config` (when that file exists), else
/// `http://127.0.0.1:8080`; and the token they send.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// The running host's URL, such as `http://127.0.0.1:8080`.
    #[arg(long, env = "CITYHUB_SERVER", value_name = "URL")]
    server: Option<String>,
    /// The city configuration whose `[server] listen` is used when no
    /// `--server` is given (ignored if the file does not exist).
    #[arg(long, short, default_value = "city.toml")]
    config: PathBuf,
    /// The API token sent as `Authorization: Bearer` (role `integrator` or
    /// `admin`; an admin makes one with `cityhub token create --role
    /// integrator --name NAME`).
    #[arg(
        long,
        env = "CITYHUB_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
}

impl ServerArgs {
    /// The server's base URL, without a trailing `/`.
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(s) = &self.server {
            return Ok(normalize(s));
        }
        if !self.config.exists() {
            return Ok(DEFAULT_SERVER.to_owned());
        }
        match listen_in(&self.config)? {
            Some(addr) => Ok(format!("http://{}", reachable(addr))),
            None => Ok(DEFAULT_SERVER.to_owned()),
        }
    }

    /// A client for the server these arguments name.
    pub fn client(&self) -> anyhow::Result<Client> {
        Client::new(self.url()?, self.token.as_deref())
    }
}

/// `host:port` or `http://host:port/` → `http://host:port`.
fn normalize(s: &str) -> String {
    let s = s.trim().trim_end_matches('/');
    if s.contains("://") {
        s.to_owned()
    } else {
        format!("http://{s}")
    }
}

/// `[server] listen` of a city.toml, if it sets one. Only that key is read:
/// the rest of the file (plugins, routes) is the server's business.
fn listen_in(config: &Path) -> anyhow::Result<Option<SocketAddr>> {
    let hint = "; pass `--server URL`";
    let text = std::fs::read_to_string(config)
        .with_context(|| format!("cannot read `{}`{hint}", config.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("`{}` is not valid TOML{hint}", config.display()))?;
    let Some(listen) = table.get("server").and_then(|s| s.get("listen")) else {
        return Ok(None);
    };
    let addr = listen.as_str().and_then(|s| s.parse().ok()).with_context(|| {
        format!(
            "`[server] listen` in `{}` must be an address and port such as `127.0.0.1:8080`: got `{listen}`{hint}",
            config.display()
        )
    })?;
    Ok(Some(addr))
}

/// A server listening on every interface (`0.0.0.0`, `::`) is reached on loopback.
fn reachable(mut addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    addr
}

/// The headers every request of a command carries: `Authorization: Bearer
/// TOKEN` when there is a token (marked sensitive, so it is never logged).
pub fn auth_headers(token: Option<&str>) -> anyhow::Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    if let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).context(
            "the token (`--token` or CITYHUB_TOKEN) has characters a token never has: \
             paste it as `cityhub token create` printed it",
        )?;
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
    }
    Ok(headers)
}

/// The message for a `401`/`403` answer of `server` to `path`: the API's
/// own `message` (missing, unknown or revoked token; the role that lacks
/// the permission), then what to do: which `role` the command needs and
/// how an admin makes a token of it.
pub fn refused(
    status: u16,
    server: &str,
    path: &str,
    message: &str,
    had_token: bool,
    role: &str,
) -> String {
    let create = format!(
        "an admin creates one with `cityhub token create --role {role} --name NAME --config city.toml`"
    );
    match (status, had_token) {
        (401, false) => format!(
            "the cityhub server at {server} needs an API token for `{path}`: pass `--token TOKEN` \
             or set CITYHUB_TOKEN to a token of role `{role}` (or `admin`); {create} ({message})"
        ),
        (401, true) => format!(
            "the cityhub server at {server} refused the token for `{path}`: {message}; \
             pass a valid token of role `{role}` (or `admin`): {create}"
        ),
        _ => format!(
            "the cityhub server at {server} refused `{path}`: {message}; this command needs a \
             token of role `{role}` (or `admin`): {create}"
        ),
    }
}

/// Runs `fut` to completion on a current-thread runtime.
pub fn block_on<F: Future>(fut: F) -> anyhow::Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    Ok(rt.block_on(fut))
}

/// An error answer of the API: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The stable code (`not_found`, `invalid_query`, …).
    pub code: String,
    /// For people: what is wrong and how to fix it.
    pub message: String,
    /// The parameter or field at fault, if one is.
    pub field: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// The server did not answer: nothing listens at the URL, or it timed out.
#[derive(Debug)]
pub struct Unreachable {
    /// The server's URL.
    pub server: String,
    /// What went wrong.
    pub source: reqwest::Error,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_timeout() {
            write!(
                f,
                "the cityhub server at {} did not answer within {}s: is it overloaded? pass --server to use another",
                self.server,
                REQUEST_TIMEOUT.as_secs()
            )
        } else {
            write!(
                f,
                "cannot reach the cityhub server at {}: is `cityhub serve` running? pass --server",
                self.server
            )
        }
    }
}

/// No `source()`: the message says all a person needs, and `{:#}` would
/// append reqwest's chain ("client error (Connect): tcp connect error: …").
impl std::error::Error for Unreachable {}

/// A client of one server's `/v1` API.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    /// Whether requests carry a token (for the message of a `401`).
    has_token: bool,
}

impl Client {
    /// A client of the server at `base` (`http://host:port`), sending
    /// `token` (if any) as `Authorization: Bearer` on every request.
    pub fn new(base: String, token: Option<&str>) -> anyhow::Result<Self> {
        let headers = auth_headers(token)?;
        let has_token = !headers.is_empty();
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("cityhub-cli/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            base,
            http,
            has_token,
        })
    }

    /// The server's base URL.
    pub fn server(&self) -> &str {
        &self.base
    }

    /// `GET path?query`, decoded as `T`. `path` is built with [`segment`].
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> anyhow::Result<T> {
        self.send(self.http.get(self.url(path)).query(query), path)
            .await
    }

    /// `POST path`, with the JSON `body` if any, decoded as `T`.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<T> {
        let mut request = self.http.post(self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request, path).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        path: &str,
    ) -> anyhow::Result<T> {
        let response = request.send().await.map_err(|e| self.failed(e, path))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| self.failed(e, path))?;
        if !status.is_success() {
            let mut e = api_error(status.as_u16(), &bytes, path);
            if matches!(e.status, 401 | 403) {
                e.message = refused(e.status, &self.base, path, &e.message, self.has_token, ROLE);
            }
            return Err(e.into());
        }
        serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "the server at {} answered `{path}` with unexpected JSON (is it a cityhub of another version?): {}",
                self.base,
                snippet(&bytes)
            )
        })
    }

    fn failed(&self, e: reqwest::Error, path: &str) -> anyhow::Error {
        if e.is_connect() || e.is_timeout() {
            Unreachable {
                server: self.base.clone(),
                source: e,
            }
            .into()
        } else {
            anyhow::Error::new(e).context(format!("requesting `{path}` from {}", self.base))
        }
    }
}

/// `name` as one path segment: everything but `A-Z a-z 0-9 - . _ ~`
/// percent-encoded, so a name with `/` or `?` reaches the API as a name
/// (and gets its `404`).
pub fn segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The API's error body, or a stand-in naming the status when the answer is
/// not one (a proxy's error page, another server on the port).
fn api_error(status: u16, body: &[u8], path: &str) -> ApiError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let e = parsed.as_ref().and_then(|v| v.get("error"));
    let text = |k: &str| e.and_then(|e| e.get(k)).and_then(Value::as_str);
    match text("message") {
        Some(message) => ApiError {
            status,
            code: text("code").unwrap_or("unknown").to_owned(),
            message: message.to_owned(),
            field: text("field").map(str::to_owned),
        },
        None => ApiError {
            status,
            code: "unknown".to_owned(),
            message: format!(
                "the server answered `{path}` with HTTP {status} and no cityhub error: {} (is `--server` a cityhub server?)",
                snippet(body)
            ),
            field: None,
        },
    }
}

/// The start of a body, for an error message.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_owned();
    }
    crate::table::truncate(text, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_normalized() {
        assert_eq!(normalize("http://h:1/"), "http://h:1");
        assert_eq!(normalize("127.0.0.1:9000"), "http://127.0.0.1:9000");
        assert_eq!(
            reachable("0.0.0.0:8080".parse().unwrap()).to_string(),
            "127.0.0.1:8080"
        );
        assert_eq!(
            reachable("[::]:8080".parse().unwrap()).to_string(),
            "[::1]:8080"
        );
    }

    #[test]
    fn names_are_one_path_segment() {
        assert_eq!(segment("traffic-readings"), "traffic-readings");
        assert_eq!(segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn the_api_error_message_is_kept() {
        let e = api_error(
            404,
            br#"{"error":{"code":"not_found","message":"no route `x`","field":null}}"#,
            "/v1/routes/x",
        );
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("not_found", "no route `x`")
        );
        let e = api_error(502, b"Bad Gateway", "/v1/plugins");
        assert!(e.message.contains("HTTP 502") && e.message.contains("Bad Gateway"));
    }

    #[test]
    fn a_refusal_names_the_role_and_how_to_get_a_token() {
        let none = refused(
            401,
            "http://h:1",
            "/v1/plugins",
            "no token",
            false,
            "integrator",
        );
        assert!(
            none.contains("--token TOKEN") && none.contains("CITYHUB_TOKEN"),
            "{none}"
        );
        assert!(
            none.contains("cityhub token create --role integrator --name NAME"),
            "{none}"
        );
        let revoked = refused(
            401,
            "http://h:1",
            "/v1/plugins",
            "revoked",
            true,
            "integrator",
        );
        assert!(revoked.contains("refused the token") && revoked.contains("revoked"));
        let role = refused(
            403,
            "http://h:1",
            "/v1/plugins",
            "`ops` is an operator",
            true,
            "integrator",
        );
        assert!(role.contains("`ops` is an operator") && role.contains("role `integrator`"));
    }

    #[test]
    fn the_token_header_is_sensitive_and_an_empty_token_is_none() {
        let headers = auth_headers(Some("chub_abc")).unwrap();
        let value = &headers[AUTHORIZATION];
        assert_eq!(value, "Bearer chub_abc");
        assert!(value.is_sensitive());
        assert!(auth_headers(Some("  ")).unwrap().is_empty());
        assert!(auth_headers(None).unwrap().is_empty());
        assert!(auth_headers(Some("a\nb")).is_err());
    }
}
