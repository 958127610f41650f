//! A trace sink that writes JSON Lines, atomically: records go to `<path>.tmp`, which is
//! renamed to `<path>` only when the run finishes. A run that stops half-way leaves no
//! half-written trace behind at `path`.

use super::TraceRecord;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes trace records as JSON Lines to a temporary file, renamed into place by `finish`.
#[derive(Debug)]
pub struct JsonlSink {
    out: Option<BufWriter<File>>,
    tmp: PathBuf,
    path: PathBuf,
}

impl JsonlSink {
    /// Creates `<path>.tmp` for writing.
    pub fn create(path: impl AsRef<Path>) -> io::Result<JsonlSink> {
        let path = path.as_ref().to_path_buf();
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let file = File::create(&tmp)?;
        Ok(JsonlSink {
            out: Some(BufWriter::with_capacity(1 << 16, file)),
            tmp,
            path,
        })
    }

    /// Appends one record (a line of JSON).
    pub fn write_record(&mut self, record: &TraceRecord) -> io::Result<()> {
        let out = self
            .out
            .as_mut()
            .ok_or_else(|| io::Error::other("trace already finished"))?;
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")
    }

    /// Flushes, syncs and renames the file into place.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(out) = self.out.take() {
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&self.tmp, &self.path)?;
        }
        Ok(())
    }
}

impl Drop for JsonlSink {
    /// An unfinished trace is removed rather than left half-written.
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
