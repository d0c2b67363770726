//! What the fuzz targets share: the fixed vendor key and trust of
//! `package_open`, the HTTP request an input stands for in
//! `cloudevents_binary`, the real configuration `city_toml` and
//! `open311_form` run against, and the encoders of the round-trip checks.
//!
//! Inputs are plain text where the format is text (a request is header
//! lines, a blank line and the body), so the committed seeds read like the
//! real thing and libFuzzer's mutations stay close to it.

use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

use bytes::Bytes;
use cityhub_config::{CityConfig, Diagnostics, Open311Config};
use cityhub_package::{SecretKey, Trust};
use http::{HeaderMap, HeaderName, HeaderValue};

/// The vendor key the `package_open` seeds are signed with. A key for
/// fuzzing only (seed = SHA-256 of "cityhub fuzz key"): never trust it in a city.
pub const FUZZ_SECRET_KEY: &str =
    "cityhub-secret-key ed25519 fuzz-vendor BZpWkJ3lqOV8LcJOJD56FApnOHKrIwQvd7OzH5386Ek=\n";

/// [`FUZZ_SECRET_KEY`], parsed.
///
/// # Panics
/// If the constant does not parse, which the first run shows at once.
pub fn fuzz_key() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| match SecretKey::from_text(FUZZ_SECRET_KEY) {
        Ok(key) => key,
        Err(e) => panic!("FUZZ_SECRET_KEY does not parse: {e}"),
    })
}

/// A trust of one vendor: `fuzz-vendor` with [`fuzz_key`]'s public key.
pub fn fuzz_trust() -> &'static Trust {
    static TRUST: OnceLock<Trust> = OnceLock::new();
    TRUST.get_or_init(|| {
        let key = fuzz_key();
        std::iter::once((key.vendor().clone(), key.public_key())).collect()
    })
}

/// The repository's root (city.toml's folder): `city_toml` parses its
/// inputs as if they were `<root>/city.toml`, so the demo's plugin folders
/// (`plugins/traffic`, ...) and the config tests' fixtures resolve.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The demo city's `[open311]` section, loaded once from the real city.toml.
///
/// # Panics
/// If city.toml does not load: the fuzz target cannot run without it.
pub fn demo_open311() -> &'static Open311Config {
    static OPEN311: OnceLock<Open311Config> = OnceLock::new();
    OPEN311.get_or_init(|| {
        let file = repo_root().join("city.toml");
        match CityConfig::load(&file).map(|c| c.open311) {
            Ok(Some(open311)) => open311,
            Ok(None) => panic!("{} has no [open311] section", file.display()),
            Err(e) => panic!("{} does not load:\n{e}", file.display()),
        }
    })
}

/// Checks a refusal of city.toml or plugin.toml: at least one diagnostic,
/// each with a message, and the whole renders (line, caret) without panicking.
pub fn check_refusal(diagnostics: &Diagnostics) {
    assert!(!diagnostics.0.is_empty(), "refused with no diagnostic");
    for d in &diagnostics.0 {
        assert!(!d.message.is_empty(), "a diagnostic with no message: {d:?}");
    }
    let _ = diagnostics.to_string();
}

/// An HTTP request from fuzz input: header lines `name: value` up to the
/// first empty line, then the body (the whole input when there is no empty
/// line, with no headers). Lines that are not a valid header are skipped,
/// as an HTTP server would have refused them before the parser saw them.
pub fn request(data: &[u8]) -> (HeaderMap, Bytes) {
    let (head, body) = match find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (&[][..], data),
    };
    let mut headers = HeaderMap::new();
    for line in head.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            headers.append(name, value);
        }
    }
    (headers, Bytes::copy_from_slice(body))
}

/// Fields as an `application/x-www-form-urlencoded` body, every byte but
/// ASCII letters and digits percent-encoded.
pub fn urlencode<'a>(fields: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (name, value)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        percent_encode(name.as_bytes(), &mut out);
        out.push(b'=');
        percent_encode(value.as_bytes(), &mut out);
    }
    out
}

fn percent_encode(text: &[u8], out: &mut Vec<u8>) {
    for &b in text {
        if b.is_ascii_alphanumeric() {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != b' ').unwrap_or(bytes.len());
    &bytes[start..]
}
