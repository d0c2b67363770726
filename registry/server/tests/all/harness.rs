//! Where the suite runs — a registry on a SQLite file in a temporary folder,
//! or on a fresh PostgreSQL database `cityhub_registry_test_<random>` created
//! through the `test` database and dropped afterwards (PostgreSQL being
//! unreachable fails the test, never skips it) — served on a loopback port;
//! and signed packages made in-process.

use std::{
    any::Any,
    future::Future,
    hash::{BuildHasher, RandomState},
    net::SocketAddr,
    panic::resume_unwind,
    sync::atomic::{AtomicU64, Ordering},
};

use cityhub_package::{Package, SecretKey};
use cityhub_registry::{Client, Registry, server};
use sqlx::{Connection, Executor, PgConnection};

/// The machine's PostgreSQL, trust auth; test databases are made from here.
pub const POSTGRES_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A registry served on a loopback port, and what a test needs around it.
pub struct Env {
    pub registry: Registry,
    pub client: Client,
    pub addr: SocketAddr,
    /// The blobs folder's parent, kept until the test ends.
    pub _dir: tempfile::TempDir,
}

/// A vendor added to the test's registry: its key and its token.
pub struct TestVendor {
    pub key: SecretKey,
    pub token: String,
}

impl Env {
    /// Adds vendor `id` with a fresh key.
    pub async fn vendor(&self, id: &str) -> TestVendor {
        let key = SecretKey::generate(id.parse().unwrap()).unwrap();
        let token = self
            .registry
            .add_vendor(key.vendor(), &key.public_key())
            .await
            .unwrap();
        TestVendor {
            key,
            token: token.as_str().to_owned(),
        }
    }

    /// `http://addr`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `method path` sent raw (not through the client), with `token` as
    /// bearer if any and `body`.
    pub async fn send(&self, method: &str, path: &str, token: Option<&str>, body: Vec<u8>) -> Raw {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = reqwest::Client::new()
            .request(method, format!("{}{path}", self.url()))
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answer = request.send().await.unwrap();
        Raw {
            status: answer.status().as_u16(),
            headers: answer.headers().clone(),
            body: answer.bytes().await.unwrap().to_vec(),
        }
    }

    /// `GET path`, raw.
    pub async fn get(&self, path: &str) -> Raw {
        self.send("GET", path, None, Vec::new()).await
    }
}

/// An answer of the server, as sent.
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Raw {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> &str {
        self.headers[name].to_str().unwrap()
    }
}

/// Runs `test` on a registry in a fresh SQLite file.
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("registry.db").display());
    if let Err(panic) = run(&url, dir, test).await {
        resume_unwind(panic);
    }
}

/// Runs `test` on a registry in a fresh PostgreSQL database, then drops it.
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut admin = PgConnection::connect(POSTGRES_ADMIN)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is unreachable at `{POSTGRES_ADMIN}` ({e}); these tests need it: start \
                 it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
            )
        });
    let name = format!("cityhub_registry_test_{}", random_hex());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let dir = tempfile::tempdir().unwrap();
    let outcome = run(&url, dir, test).await;
    admin
        .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    admin.close().await.unwrap();
    if let Err(panic) = outcome {
        resume_unwind(panic);
    }
}

/// Opens the registry at `url` with blobs in `dir`, serves it, runs `test`;
/// its panic, if it panicked, once everything is closed.
async fn run<F, Fut>(url: &str, dir: tempfile::TempDir, test: F) -> Result<(), Box<dyn Any + Send>>
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let registry = Registry::open(url, &dir.path().join("blobs"))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = server::Config {
        max_upload: 256 << 10,
        ..server::Config::default()
    };
    let app = server::router(registry.clone(), config);
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });
    let env = Env {
        client: Client::new(&format!("http://{addr}")).unwrap(),
        registry: registry.clone(),
        addr,
        _dir: dir,
    };
    let outcome = tokio::spawn(test(env)).await;
    serving.abort();
    registry.close().await;
    outcome.map_err(|e| e.into_panic())
}

/// 16 hex digits, different for every call in every process.
fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let seed = RandomState::new().hash_one((std::process::id(), n, std::time::SystemTime::now()));
    format!("{seed:016x}")
}

/// A `plugin.toml` for `name@version`.
pub fn manifest(name: &str, version: &str, description: &str) -> String {
    format!(
        "name = \"{name}\"\nversion = \"{version}\"\nvendor = \"Test Vendor\"\n\
         description = \"{description}\"\nworld = \"0.1.0\"\n\
         subscribes = [\"city.test.reading\"]\npublishes = [\"city.test.out\"]\n\
         capabilities = [\"state\", \"log\"]\n\n\
         [limits]\nmemory = \"32 MiB\"\ntime-per-batch = \"250ms\"\n"
    )
}

/// A component's bytes: the component header and `filler` bytes (the
/// registry does not compile components).
pub fn component(filler: usize) -> Vec<u8> {
    let mut c = b"\0asm\x0d\x00\x01\x00".to_vec();
    c.extend((0..filler).map(|i| (i % 251) as u8));
    c
}

/// An unsigned package of `name@version`.
pub fn unsigned(name: &str, version: &str) -> Package {
    Package::pack(&manifest(name, version, "A test plugin."), component(1000)).unwrap()
}

/// `name@version` signed by `by`.
pub fn signed(name: &str, version: &str, by: &SecretKey) -> Vec<u8> {
    signed_with(&manifest(name, version, "A test plugin."), by)
}

/// A package of `manifest` signed by `by`.
pub fn signed_with(manifest: &str, by: &SecretKey) -> Vec<u8> {
    let mut p = Package::pack(manifest, component(1000)).unwrap();
    p.sign(by);
    p.to_bytes()
}

/// The server's code and HTTP status of a failed call.
pub fn api_error<T: std::fmt::Debug>(
    r: Result<T, cityhub_registry::Error>,
) -> (u16, String, String) {
    match r {
        Err(cityhub_registry::Error::Api {
            status,
            code,
            message,
            ..
        }) => (status, code, message),
        other => panic!("expected an error answer of the server, got {other:?}"),
    }
}
