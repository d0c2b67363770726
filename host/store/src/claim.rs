//! [`Store::claim_host`]: one host process per store, unless the nodes
//! share the work. Two hosts each running every route on one store would
//! deliver every event twice (the embedded bus has no turns between
//! processes), so the second is refused at start with [`Error::InUse`].
//!
//! On SQLite the claim is an exclusive lock on `<file>.host` (holding the
//! holder's process id, for the message), released when the claim is
//! dropped or the process dies. On PostgreSQL it is an advisory lock on a
//! session of its own, released the same way; it is only taken for the
//! embedded bus, since nodes sharing JetStream take turns at each route.

use std::{io::Write, path::PathBuf};

use crate::{Error, Lock, Store};

/// The name of the PostgreSQL advisory lock taken for the embedded bus.
const LOCK: &str = "cityhub:host";

/// This process's claim on its store, held while the host runs.
#[derive(Debug)]
pub struct HostClaim {
    /// On SQLite: the locked `<file>.host`.
    _file: Option<std::fs::File>,
    /// On PostgreSQL: the advisory lock's session.
    _lock: Option<Lock>,
}

impl Store {
    /// Claims the store for this host process, or says who holds it
    /// ([`Error::InUse`]). Called once by the bus at start, for the embedded
    /// bus on any store and for any bus on SQLite; the claim is kept until
    /// the bus shuts down.
    pub async fn claim_host(&self) -> Result<HostClaim, Error> {
        if let Some(file) = &self.inner.file {
            let path = host_file(file);
            let taken = {
                let path = path.clone();
                tokio::task::spawn_blocking(move || claim_file(&path))
                    .await
                    .map_err(std::io::Error::other)
            };
            return match taken.and_then(|r| r) {
                Ok(Ok(file)) => Ok(HostClaim {
                    _file: Some(file),
                    _lock: None,
                }),
                Ok(Err(pid)) => Err(Error::InUse {
                    store: format!("the SQLite store `{}`", file.display()),
                    holder: match pid {
                        Some(pid) => format!("the cityhub process {pid}"),
                        None => "another cityhub process".to_owned(),
                    },
                    fix: "stop the other host first; to run several nodes on one city, \
                          put the store on PostgreSQL and set `[bus] backend = \"jetstream\"`",
                }),
                Err(e) => Err(Error::Open {
                    url: path.display().to_string(),
                    source: sqlx::Error::Io(e),
                }),
            };
        }
        // PostgreSQL (on SQLite, `try_lock` is always this process's).
        match self.try_lock(LOCK).await? {
            Some(lock) => Ok(HostClaim {
                _file: None,
                _lock: Some(lock),
            }),
            None => Err(Error::InUse {
                store: "the PostgreSQL database".to_owned(),
                holder: "another cityhub host running the embedded bus".to_owned(),
                fix: "stop the other host first, or, to run several nodes on one city, \
                      set `[bus] backend = \"jetstream\"` on every node",
            }),
        }
    }
}

/// `<file>.host`, beside the database.
fn host_file(db: &std::path::Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".host");
    PathBuf::from(name)
}

/// Locks `path` and writes this process's id in it; `Err(pid)` (the
/// holder's id, if it reads) when another process holds it.
fn claim_file(path: &std::path::Path) -> std::io::Result<Result<std::fs::File, Option<u32>>> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let pid = std::fs::read_to_string(path)
                .ok()
                .and_then(|s| s.trim().parse().ok());
            return Ok(Err(pid));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    file.set_len(0)?;
    writeln!(file, "{}", std::process::id())?;
    Ok(Ok(file))
}
