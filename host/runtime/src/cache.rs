//! The on-disk cache of compiled components.
//!
//! Compiling a component takes tens of milliseconds to seconds; loading it
//! precompiled takes ~0.1 ms. Entries are keyed by the component's SHA-256 and
//! by the engine's compatibility hash (wasmtime version and settings), so a
//! changed component or engine never loads a stale entry. Entries are written
//! to a temporary file and renamed, so a crash never leaves a torn one.
//!
//! Trust: deserializing precompiled code is only sound for bytes this host
//! wrote. The cache directory must be private to the host's user; cityhub
//! creates it with mode 0700.

use std::{
    hash::{DefaultHasher, Hash, Hasher},
    path::PathBuf,
};

use cityhub_package::Digest;
use wasmtime::{Engine, component::Component};

use crate::Error;

pub(crate) struct Cache {
    dir: PathBuf,
    engine_key: String,
}

impl Cache {
    pub(crate) fn new(dir: PathBuf, engine: &Engine) -> Self {
        let mut h = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut h);
        Self {
            dir,
            engine_key: format!("{:016x}", h.finish()),
        }
    }

    fn path(&self, digest: &Digest) -> PathBuf {
        self.dir
            .join(format!("{}-{}.cwasm", digest.hex(), self.engine_key))
    }

    /// Loads a cached compilation of the component with `digest`, if present
    /// and usable. A bad entry is removed and reported as a miss.
    pub(crate) fn get(&self, engine: &Engine, digest: &Digest) -> Option<Component> {
        let path = self.path(digest);
        if !path.exists() {
            return None;
        }
        // SAFETY: `deserialize_file` trusts its input to be wasmtime's own
        // output. Entries in this directory are written only by `put` below
        // (temp file + rename), named by the content digest of the source
        // component and the engine's compatibility hash, and the directory is
        // private to the host's user (mode 0700). wasmtime additionally checks
        // the header for engine compatibility.
        #[allow(unsafe_code)]
        let loaded = unsafe { Component::deserialize_file(engine, &path) };
        match loaded {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!(path = %path.display(), "removing unusable compile-cache entry: {e}");
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores a compiled component. Failure only costs a recompile later.
    pub(crate) fn put(&self, digest: &Digest, component: &Component) -> Result<(), Error> {
        let err = |reason: String| Error::Cache {
            path: self.dir.clone(),
            reason,
        };
        create_private_dir(&self.dir).map_err(|e| err(format!("cannot create it: {e}")))?;
        let bytes = component
            .serialize()
            .map_err(|e| err(format!("cannot serialize: {e}")))?;
        let path = self.path(digest);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(|e| err(format!("cannot write: {e}")))?;
        std::fs::rename(&tmp, &path).map_err(|e| err(format!("cannot rename into place: {e}")))
    }
}

fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}
