//! The registry end to end, through the real binary: the operator adds a
//! vendor (`registry vendor add`) and starts the registry (`registry
//! serve`); the vendor publishes the traffic plugin's real component, signed
//! (`plugin publish`), is refused the same version again, finds it (`plugin
//! search`) and yanks and unyanks it (`plugin yank`); the download is the
//! upload; SIGTERM stops the registry.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use cityhub_package::{Package, PublicKeyFile, SecretKey};

use crate::support::{cityhub, plugins};

/// A running `cityhub registry serve`. Killed when dropped.
pub struct Serving {
    child: Child,
    pub url: String,
}

impl Serving {
    pub fn start(store: &str, blobs: &Path) -> Self {
        let mut child = cityhub()
            .args([
                "registry",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--store",
                store,
                "--blobs",
            ])
            .arg(blobs)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let url = first
            .strip_prefix("cityhub registry is serving on ")
            .unwrap_or_else(|| panic!("registry serve printed `{first}`"))
            .to_owned();
        Self { child, url }
    }

    /// SIGTERM, then whether it exited successfully within 10 s.
    fn terminate(&mut self) -> bool {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `cityhub ARGS` and expects exit code `code`; its stdout and stderr.
pub fn expect(code: i32, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let mut cmd = cityhub();
    cmd.args(args).env_remove("CITYHUB_REGISTRY_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "cityhub {args:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    (stdout, stderr)
}

/// Makes vendor `acme`'s key pair (the public half in `DIR/acme.pub`) and
/// adds it to the registry at `store` with `registry vendor add`: the key,
/// the token it printed, and all it printed.
pub fn add_vendor(dir: &Path, store: &str) -> (SecretKey, String, String) {
    let key = SecretKey::generate("acme".parse().unwrap()).unwrap();
    let pub_file = dir.join("acme.pub");
    std::fs::write(
        &pub_file,
        PublicKeyFile::to_text(key.vendor(), &key.public_key()),
    )
    .unwrap();
    let pub_path = pub_file.to_str().unwrap();
    let (out, _) = expect(
        0,
        &[
            "registry", "vendor", "add", "acme", "--key", pub_path, "--store", store,
        ],
        &[],
    );
    let token = out
        .lines()
        .find(|l| l.starts_with("cityhub_vt_"))
        .unwrap_or_else(|| panic!("no token in:\n{out}"))
        .to_owned();
    (key, token, out)
}

#[test]
fn vendor_add_serve_publish_search_yank() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = format!("sqlite://{}", dir.join("registry/registry.db").display());

    // The vendor's key pair; the operator gets the public half.
    let (key, token, out) = add_vendor(dir, &store);
    let pub_file = dir.join("acme.pub");
    let pub_path = pub_file.to_str().unwrap();
    assert!(out.contains(&key.public_key().to_text()), "{out}");
    let (_, err) = expect(
        1,
        &[
            "registry", "vendor", "add", "acme", "--key", pub_path, "--store", &store,
        ],
        &[],
    );
    assert!(err.contains("vendor `acme` already exists"), "{err}");
    let (_, err) = expect(
        1,
        &[
            "registry", "vendor", "add", "other", "--key", pub_path, "--store", &store,
        ],
        &[],
    );
    assert!(err.contains("is vendor `acme`'s, not `other`'s"), "{err}");

    let mut registry = Serving::start(&store, &dir.join("registry/blobs"));
    let url = registry.url.clone();

    // The traffic plugin's real component and manifest, packed and signed.
    let manifest =
        std::fs::read_to_string(Path::new(plugins::TRAFFIC_DIR).join("plugin.toml")).unwrap();
    let mut package =
        Package::pack(&manifest, std::fs::read(plugins::TRAFFIC_WASM).unwrap()).unwrap();
    package.sign(&key);
    let file = dir.join("traffic-0.1.0.chpkg");
    std::fs::write(&file, package.to_bytes()).unwrap();
    let file = file.to_str().unwrap();

    let publish = [
        "plugin",
        "publish",
        file,
        "--registry",
        &url,
        "--token",
        &token,
    ];
    let (out, _) = expect(0, &publish, &[]);
    assert!(
        out.contains(&format!(
            "published traffic@0.1.0 ({}) as vendor `acme`",
            package.digest()
        )),
        "{out}"
    );
    let (_, err) = expect(2, &publish, &[]);
    assert!(
        err.contains("`traffic@0.1.0` is already published"),
        "{err}"
    );
    let mut wrong_token = publish;
    wrong_token[6] = "cityhub_vt_0";
    let (_, err) = expect(2, &wrong_token, &[]);
    assert!(err.contains("the vendor token is not valid"), "{err}");
    let (_, err) = expect(2, &["plugin", "publish", file, "--registry", &url], &[]);
    assert!(
        err.contains("--token"),
        "a missing token is clap's error: {err}"
    );

    let (out, _) = expect(
        0,
        &["plugin", "search", "congestion", "--registry", &url],
        &[],
    );
    let row = out
        .lines()
        .find(|l| l.starts_with("traffic "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(out.starts_with("NAME"), "{out}");
    assert!(row.contains("0.1.0") && row.contains("acme"), "{row}");
    let (out, _) = expect(
        0,
        &["plugin", "search", "nothing-like-it", "--registry", &url],
        &[],
    );
    assert!(out.contains("no plugin in"), "{out}");

    // the download is the upload
    let client = cityhub_registry::Client::new(&url).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let downloaded = rt
        .block_on(client.download("traffic", &"0.1.0".parse().unwrap()))
        .unwrap();
    assert_eq!(downloaded, package.to_bytes());

    let env = [("CITYHUB_REGISTRY_TOKEN", token.as_str())];
    let (out, _) = expect(
        0,
        &["plugin", "yank", "traffic@0.1.0", "--registry", &url],
        &env,
    );
    assert!(out.contains("yanked traffic@0.1.0"), "{out}");
    let (out, _) = expect(0, &["plugin", "search", "traffic", "--registry", &url], &[]);
    assert!(out.contains("(all yanked)"), "{out}");
    let (out, _) = expect(
        0,
        &[
            "plugin",
            "yank",
            "traffic@0.1.0",
            "--undo",
            "--registry",
            &url,
        ],
        &env,
    );
    assert!(out.contains("unyanked traffic@0.1.0"), "{out}");
    let (_, err) = expect(
        2,
        &["plugin", "yank", "traffic@9.0.0", "--registry", &url],
        &env,
    );
    assert!(err.contains("`traffic@9.0.0` is not published"), "{err}");

    assert!(
        registry.terminate(),
        "registry serve did not stop cleanly on SIGTERM"
    );
    // the registry keeps it across a restart
    let registry = Serving::start(&store, &dir.join("registry/blobs"));
    let (out, _) = expect(0, &["plugin", "search", "--registry", &registry.url], &[]);
    assert!(out.lines().any(|l| l.starts_with("traffic ")), "{out}");
}
