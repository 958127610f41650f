//! A trace sink that writes JSON Lines. To a file it writes atomically: records go to
//! `<path>.tmp`, which is renamed to `<path>` only when the run finishes, so a run that stops
//! half-way leaves no half-written trace behind at `path`. Any other [`TraceWriter`] (a pipe,
//! standard output) is written through.

use super::TraceRecord;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where a JSON Lines trace goes: a writer that is told when the run is over, so that it
/// can put the whole trace in place (a file renamed from a temporary one) or just flush (a
/// pipe, standard output).
pub trait TraceWriter: Write + Send {
    /// The run is over and every record was written.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// A temporary file beside `path`, renamed into place by `finish` and removed if dropped
/// unfinished.
struct TempFile {
    out: Option<BufWriter<File>>,
    tmp: PathBuf,
    path: PathBuf,
}

impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.out {
            Some(o) => o.write(buf),
            None => Err(io::Error::other("trace already finished")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Some(o) => o.flush(),
            None => Ok(()),
        }
    }
}

impl TraceWriter for TempFile {
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        if let Some(out) = self.out.take() {
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&self.tmp, &self.path)?;
        }
        Ok(())
    }
}

impl Drop for TempFile {
    /// An unfinished trace is removed rather than left half-written.
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes trace records as JSON Lines to a [`TraceWriter`].
pub struct JsonlSink {
    out: Option<Box<dyn TraceWriter>>,
}

impl std::fmt::Debug for JsonlSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsonlSink")
    }
}

impl JsonlSink {
    /// Creates `<path>.tmp` for writing; [`JsonlSink::finish`] renames it to `path`.
    pub fn create(path: impl AsRef<Path>) -> io::Result<JsonlSink> {
        let path = path.as_ref().to_path_buf();
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let file = File::create(&tmp)?;
        Ok(JsonlSink::new(Box::new(TempFile {
            out: Some(BufWriter::with_capacity(1 << 16, file)),
            tmp,
            path,
        })))
    }

    /// Writes to `out`, which decides what finishing means.
    pub fn new(out: Box<dyn TraceWriter>) -> JsonlSink {
        JsonlSink { out: Some(out) }
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

    /// Flushes and puts the trace in place.
    pub fn finish(mut self) -> io::Result<()> {
        match self.out.take() {
            Some(out) => out.finish(),
            None => Ok(()),
        }
    }
}
