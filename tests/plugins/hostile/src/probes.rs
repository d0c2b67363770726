//! Probes of the sandbox's walls: each tries one thing a plugin must not be
//! able to do (read a file, open a socket, see the host's environment) and
//! says whether it managed, so a test can assert from inside the plugin.
//!
//! Natively every probe can succeed (the plugin's own tests check that they
//! really try); inside the host each must report `allowed: false` with the
//! error the sandbox gave.

use std::{
    fmt::Display,
    io::Write,
    net::{TcpListener, TcpStream, ToSocketAddrs, UdpSocket},
    time::Duration,
};

use serde::{Deserialize, Serialize};

/// Files the `read-file` probe always tries, besides the event's `paths`.
pub const FILES: [&str; 2] = ["/etc/passwd", "/proc/self/environ"];
/// Folders the `read-file` probe always lists, besides the event's `dirs`.
pub const DIRS: [&str; 2] = [".", "/"];
/// Where the `read-file` probe tries to write (the event's id is appended).
pub const WRITE_PREFIX: &str = "/tmp/cityhub-hostile-";
/// How long the TCP probe waits for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(200);

/// What one probe found: the data of the `test.hostile.ok` it is reported in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// What was tried, e.g. `read /etc/passwd` or `tcp-connect 127.0.0.1:9`.
    pub probe: String,
    /// Whether it worked: inside the host, always `false`.
    pub allowed: bool,
    /// What it got: the error, or what it saw when it worked.
    pub detail: String,
}

impl Probe {
    /// A probe's outcome: `allowed` when `result` is `Ok` (its detail from
    /// `seen`), else not, with the error as detail.
    pub fn of<T, E: Display>(
        probe: impl Into<String>,
        result: Result<T, E>,
        seen: impl FnOnce(T) -> String,
    ) -> Self {
        let probe = probe.into();
        match result {
            Ok(v) => Self {
                probe,
                allowed: true,
                detail: seen(v),
            },
            Err(e) => Self {
                probe,
                allowed: false,
                detail: e.to_string(),
            },
        }
    }
}

/// The `read-file` event's data: more files to read and folders to list
/// (the host's working directory, its city folder).
#[derive(Debug, Default, Deserialize)]
pub struct Paths {
    /// Files to read.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Folders to list.
    #[serde(default)]
    pub dirs: Vec<String>,
}

/// Reads [`FILES`] and `paths`, lists [`DIRS`] and `dirs`, and writes
/// `{WRITE_PREFIX}{id}`.
pub fn files(extra: &Paths, id: &str) -> Vec<Probe> {
    let mut found = Vec::new();
    for path in FILES
        .iter()
        .copied()
        .chain(extra.paths.iter().map(|p| p.as_str()))
    {
        found.push(Probe::of(
            format!("read {path}"),
            std::fs::read(path),
            |bytes| format!("read {} bytes", bytes.len()),
        ));
    }
    for dir in DIRS
        .iter()
        .copied()
        .chain(extra.dirs.iter().map(|d| d.as_str()))
    {
        found.push(Probe::of(
            format!("list {dir}"),
            std::fs::read_dir(dir).map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                    .collect::<Vec<_>>()
            }),
            |names| names.join(","),
        ));
    }
    let target = format!("{WRITE_PREFIX}{id}");
    found.push(Probe::of(
        format!("write {target}"),
        std::fs::write(&target, b"hostile was here"),
        |()| String::from("written"),
    ));
    found
}

/// The `open-socket` event's data: where to connect and send, what to resolve.
#[derive(Debug, Deserialize)]
pub struct Targets {
    /// A TCP address to connect to (`127.0.0.1:PORT`).
    pub tcp: String,
    /// A UDP address to send a datagram to.
    pub udp: String,
    /// A host name to resolve (`localhost`).
    pub host: String,
}

/// Connects over TCP, sends over UDP, resolves a name, and listens on a port.
pub fn sockets(to: &Targets) -> Vec<Probe> {
    let tcp = to
        .tcp
        .parse()
        .map_err(|e| format!("`{}` is not a socket address: {e}", to.tcp))
        .and_then(|addr| {
            TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(|e| e.to_string())
        })
        .and_then(|mut stream| {
            stream
                .write_all(b"hostile was here\n")
                .map(|()| stream)
                .map_err(|e| e.to_string())
        });
    let udp = UdpSocket::bind("0.0.0.0:0")
        .and_then(|socket| socket.send_to(b"hostile was here", to.udp.as_str()));
    let listen = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
    vec![
        Probe::of(format!("tcp-connect {}", to.tcp), tcp, |s| {
            format!("connected from {:?}", s.local_addr().ok())
        }),
        Probe::of(format!("udp-send {}", to.udp), udp, |n| {
            format!("sent {n} bytes")
        }),
        Probe::of(
            format!("dns {}", to.host),
            (to.host.as_str(), 80).to_socket_addrs(),
            |addrs| format!("{:?}", addrs.collect::<Vec<_>>()),
        ),
        Probe::of("tcp-listen 127.0.0.1:0", listen, |a| {
            format!("listening on {a}")
        }),
    ]
}

/// Reads the environment, the arguments and the working directory.
pub fn environment() -> Vec<Probe> {
    let vars: Vec<String> = std::env::vars_os()
        .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
        .collect();
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let seen = |what: &str, items: Vec<String>| {
        if items.is_empty() {
            Err(format!("no {what}"))
        } else {
            Ok(items)
        }
    };
    // The working directory is "seen" when it can be listed: a name alone
    // (WASI reports `/`) gives nothing away.
    let cwd = std::env::current_dir()
        .map_err(|e| e.to_string())
        .and_then(|dir| {
            std::fs::read_dir(&dir)
                .map(|entries| (dir.clone(), entries.count()))
                .map_err(|e| format!("current_dir is `{}`, listing it: {e}", dir.display()))
        });
    vec![
        Probe::of("env-vars", seen("variables", vars), |v| v.join("\n")),
        Probe::of("args", seen("arguments", args), |a| a.join(" ")),
        Probe::of("current-dir", cwd, |(dir, n)| {
            format!("`{}` lists {n} entries", dir.display())
        }),
    ]
}

/// Writes `bytes` to stdout and to stderr, in 64 KiB writes; says how much
/// each took (`allowed` when both took everything: the host must discard it
/// without harm).
pub fn stdio(bytes: usize) -> Probe {
    let chunk = vec![b'o'; 64 << 10];
    let pour = |out: &mut dyn Write| -> Result<usize, std::io::Error> {
        let mut written = 0;
        while written < bytes {
            let n = chunk.len().min(bytes - written);
            out.write_all(&chunk[..n])?;
            written += n;
        }
        out.flush()?;
        Ok(written)
    };
    let out = pour(&mut std::io::stdout());
    let err = pour(&mut std::io::stderr());
    let detail = format!("stdout: {out:?}, stderr: {err:?}");
    Probe {
        probe: String::from("stdio"),
        allowed: out.is_ok() && err.is_ok(),
        detail,
    }
}
