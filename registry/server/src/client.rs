//! [`Client`]: the registry's HTTP API from Rust, for `cityhub plugin
//! publish|yank|search|install`.
//!
//! Every failure is an [`Error`]: an error answer of the server becomes
//! [`Error::Api`] with the server's code and message; no answer at all,
//! [`Error::Unreachable`].

use std::{path::Path, time::Duration};

use cityhub_manifest::Manifest;
use cityhub_package::Package;
use reqwest::{Method, RequestBuilder, Url};
use semver::Version;
use serde::de::DeserializeOwned;

use crate::{Error, Index, Published, SearchResults, YankState, index::ErrorBody};

/// How long one request may take, the transfer of a 64 MiB package included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// A client of one registry. Cheap to clone (clones share connections).
#[derive(Debug, Clone)]
pub struct Client {
    base: Url,
    http: reqwest::Client,
}

impl Client {
    /// A client of the registry at `base_url` (`http://host:port`, with or
    /// without a trailing `/`). Makes no request.
    pub fn new(base_url: &str) -> Result<Self, Error> {
        let bad = |why: String| Error::UnexpectedAnswer {
            url: base_url.to_owned(),
            why,
        };
        let mut base = Url::parse(base_url.trim()).map_err(|e| {
            bad(format!(
                "`{base_url}` is not a URL ({e}); pass one like `http://127.0.0.1:7070`"
            ))
        })?;
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(bad(format!(
                "`{base_url}` is not an http(s) URL; pass one like `http://127.0.0.1:7070`"
            )));
        }
        let path = base.path().trim_end_matches('/').to_owned();
        base.set_path(&path);
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!(
                "cityhub-registry-client/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| bad(format!("cannot build an HTTP client: {e}")))?;
        Ok(Self { base, http })
    }

    /// The registry's base URL, without a trailing `/`.
    pub fn url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The index of plugin `name`: every version, yanked ones included.
    pub async fn index(&self, name: &str) -> Result<Index, Error> {
        let url = self.url_of(&["v1", "plugins", name]);
        self.json(self.http.get(url.clone()), &url).await
    }

    /// The plugins whose name or description contains `text` (at most 20;
    /// see [`Client::search_limit`]).
    pub async fn search(&self, text: &str) -> Result<SearchResults, Error> {
        self.search_limit(text, 20).await
    }

    /// Like [`Client::search`], with at most `limit` (1 to 100) results.
    pub async fn search_limit(&self, text: &str, limit: u32) -> Result<SearchResults, Error> {
        let mut url = self.url_of(&["v1", "plugins"]);
        url.query_pairs_mut()
            .append_pair("q", text)
            .append_pair("limit", &limit.to_string());
        self.json(self.http.get(url.clone()), &url).await
    }

    /// The package file of `name@version`, as published. Check it with
    /// `cityhub_package::Package::open` and compare its digest with the
    /// index's before using it.
    pub async fn download(&self, name: &str, version: &Version) -> Result<Vec<u8>, Error> {
        let url = self.url_of(&["v1", "plugins", name, &version.to_string(), "package"]);
        let response = self.send(self.http.get(url.clone()), &url).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| unreachable(&self.base, &e))?;
        Ok(bytes.to_vec())
    }

    /// Publishes a signed package (a `.chpkg` file's bytes) with a vendor
    /// `token`, under the name and version its manifest gives. The package
    /// is read (not verified) here to find them; the server verifies it.
    pub async fn publish(&self, bytes: Vec<u8>, token: &str) -> Result<Published, Error> {
        let (name, version) = coordinates(&bytes)?;
        let url = self.url_of(&["v1", "plugins", &name, &version.to_string()]);
        let request = self
            .http
            .request(Method::PUT, url.clone())
            .bearer_auth(token)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/vnd.cityhub.package",
            )
            .body(bytes);
        self.json(request, &url).await
    }

    /// Yanks `name@version`: it stays downloadable, but is no longer
    /// resolved for new installs. Needs the owning vendor's `token`.
    pub async fn yank(
        &self,
        name: &str,
        version: &Version,
        token: &str,
    ) -> Result<YankState, Error> {
        self.set_yanked(name, version, token, "yank").await
    }

    /// Undoes [`Client::yank`].
    pub async fn unyank(
        &self,
        name: &str,
        version: &Version,
        token: &str,
    ) -> Result<YankState, Error> {
        self.set_yanked(name, version, token, "unyank").await
    }

    async fn set_yanked(
        &self,
        name: &str,
        version: &Version,
        token: &str,
        action: &str,
    ) -> Result<YankState, Error> {
        let url = self.url_of(&["v1", "plugins", name, &version.to_string(), action]);
        self.json(self.http.post(url.clone()).bearer_auth(token), &url)
            .await
    }

    /// The base URL with `segments` appended, each percent-encoded as one
    /// segment (a name holding `/` stays one segment and gets its `400`).
    fn url_of(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    async fn json<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        url: &Url,
    ) -> Result<T, Error> {
        let response = self.send(request, url).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| unreachable(&self.base, &e))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::UnexpectedAnswer {
            url: url.to_string(),
            why: format!("its JSON does not read: {e}"),
        })
    }

    /// Sends `request`; an error status becomes [`Error::Api`].
    async fn send(&self, request: RequestBuilder, url: &Url) -> Result<reqwest::Response, Error> {
        let response = request
            .send()
            .await
            .map_err(|e| unreachable(&self.base, &e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = response.bytes().await.unwrap_or_default();
        Err(match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => Error::Api {
                status: status.as_u16(),
                code: error.code,
                message: error.message,
                field: error.field,
            },
            Err(_) => Error::UnexpectedAnswer {
                url: url.to_string(),
                why: format!(
                    "HTTP {status} without a registry error body: {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)]).trim()
                ),
            },
        })
    }
}

fn unreachable(base: &Url, e: &reqwest::Error) -> Error {
    let why = if e.is_timeout() {
        format!("no answer within {}s", REQUEST_TIMEOUT.as_secs())
    } else if e.is_connect() {
        "nothing accepts connections there".to_owned()
    } else {
        e.to_string()
    };
    Error::Unreachable {
        url: base.to_string(),
        why,
    }
}

/// The name and version a package's manifest gives.
fn coordinates(bytes: &[u8]) -> Result<(String, Version), Error> {
    let package = Package::read_unverified(bytes).map_err(Error::Package)?;
    let manifest = Manifest::parse(
        Path::new("plugin.toml (inside the package)"),
        package.manifest_text(),
    )
    .map_err(|d| Error::Package(cityhub_package::Error::Manifest(d.to_string())))?;
    Ok((manifest.name.to_string(), manifest.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_segments_under_the_base() {
        let c = Client::new("http://127.0.0.1:7070/").unwrap();
        assert_eq!(
            c.url_of(&["v1", "plugins", "a/b c"]).as_str(),
            "http://127.0.0.1:7070/v1/plugins/a%2Fb%20c"
        );
        let c = Client::new("http://h/registry/").unwrap();
        assert_eq!(
            c.url_of(&["v1", "plugins"]).as_str(),
            "http://h/registry/v1/plugins"
        );
        assert_eq!(c.url(), "http://h/registry");
        assert!(Client::new("ftp://h").is_err());
        assert!(Client::new("not a url").is_err());
    }
}
