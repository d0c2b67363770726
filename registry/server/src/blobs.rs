//! [`Blobs`]: package files on disk, each named by the SHA-256 of its bytes
//! (`<root>/sha256/<first two hex>/<hex>`).
//!
//! A file is written whole to `<root>/tmp/`, flushed to disk, renamed into
//! place and its folder flushed, so a crash leaves either no file or the
//! whole file, never a part of one under its final name. The registry
//! writes a blob before it commits the version's row, so a committed version
//! always has its bytes; a crash between the two leaves an unreferenced
//! file, which is harmless (publishing the same bytes again reuses it).

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, SystemTime},
};

use bytes::Bytes;

use crate::Error;

/// Temporary files older than this are left over from a crash and removed
/// at start-up; younger ones may belong to another registry process sharing
/// the folder.
const STALE: Duration = Duration::from_secs(3600);

/// The folder of package files.
#[derive(Debug, Clone)]
pub(crate) struct Blobs {
    root: PathBuf,
}

impl Blobs {
    /// Opens (creating if needed) the folder at `root`, and removes stale
    /// temporary files. Called once at start-up.
    pub(crate) async fn open(root: &Path) -> Result<Self, Error> {
        let blobs = Self {
            root: root.to_owned(),
        };
        for dir in [blobs.tmp(), root.join("sha256")] {
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(Error::blob("create", &dir))?;
        }
        let tmp = blobs.tmp();
        tokio::task::spawn_blocking(move || remove_stale(&tmp))
            .await
            .map_err(|e| Error::Interrupted(e.to_string()))??;
        Ok(blobs)
    }

    /// Stores `bytes` durably under their SHA-256 (hex), returned. Storing
    /// bytes already present rewrites the same content. Runs on a blocking
    /// thread: hashing and flushing 64 MiB takes a while.
    pub(crate) async fn put(&self, bytes: Bytes) -> Result<String, Error> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.put_blocking(&bytes))
            .await
            .map_err(|e| Error::Interrupted(e.to_string()))?
    }

    fn put_blocking(&self, bytes: &[u8]) -> Result<String, Error> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let hex = cityhub_package::Digest::of(bytes).hex();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .tmp()
            .join(format!("{hex}.{}.{n}.part", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::blob("write", &tmp)(e));
        }
        let path = self.path(&hex);
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(Error::blob("create", dir))?;
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::blob("rename into place", &path)(e));
        }
        sync_dir(dir).map_err(Error::blob("flush", dir))?;
        Ok(hex)
    }

    /// Where the blob with SHA-256 `hex` is.
    pub(crate) fn path(&self, hex: &str) -> PathBuf {
        let fan = hex.get(..2).unwrap_or("xx");
        self.root.join("sha256").join(fan).join(hex)
    }

    fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }
}

/// Flushes a folder's entries (the rename) to disk. Not possible, and not
/// needed, on Windows.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn remove_stale(tmp: &Path) -> Result<(), Error> {
    let entries = std::fs::read_dir(tmp).map_err(Error::blob("list", tmp))?;
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > STALE);
        if old {
            let path = entry.path();
            tracing::info!(path = %path.display(), "removing an upload left over from a crash");
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blobs_are_named_by_their_hash_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(&dir.path().join("blobs")).await.unwrap();
        let hex = blobs.put(Bytes::from_static(b"abc")).await.unwrap();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(std::fs::read(blobs.path(&hex)).unwrap(), b"abc");
        assert!(blobs.path(&hex).ends_with(format!("sha256/ba/{hex}")));
        // the same bytes again: same file, still whole
        assert_eq!(blobs.put(Bytes::from_static(b"abc")).await.unwrap(), hex);
        assert_eq!(std::fs::read_dir(blobs.tmp()).unwrap().count(), 0);
    }
}
