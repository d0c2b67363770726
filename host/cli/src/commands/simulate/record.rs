//! `--record FILE`: every event the host stored (in a dry run, every event
//! generated) as one JSON line, in the order sent. With `--reports events`
//! field reports are the `city.fieldreport.submitted` events exactly as
//! posted (subject = `service_request_id` = their event id). With
//! `--reports open311` each is recorded as the `city.fieldreport.submitted`
//! CloudEvent it stands for (extension `via: "open311"`), with the host's
//! `service_request_id` (its `requested_datetime` is the simulated time the
//! simulator meant, not the wall-clock time the host stamped).

use std::{
    fs::File,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use anyhow::Context;
use serde_json::Value;

/// A JSON-lines file being written.
#[derive(Debug)]
pub struct Recorder {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Recorder {
    /// Creates (or truncates) `path`.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let file = File::create(path).with_context(|| {
            format!(
                "cannot create the record file `{}`: does its folder exist?",
                path.display()
            )
        })?;
        Ok(Self {
            path: path.to_owned(),
            out: BufWriter::new(file),
        })
    }

    /// Appends events.
    pub fn write(&mut self, events: &[Value]) -> anyhow::Result<()> {
        for e in events {
            serde_json::to_writer(&mut self.out, e)
                .map_err(std::io::Error::from)
                .and_then(|()| self.out.write_all(b"\n"))
                .with_context(|| format!("writing to `{}`", self.path.display()))?;
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        self.out
            .flush()
            .with_context(|| format!("writing to `{}`", self.path.display()))
    }
}
