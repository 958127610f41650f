//! Exports that stream: each trace record is rendered as the run makes it and written out at
//! once, so an export's memory is bounded by what a renderer keeps (messages in flight), not
//! by the length of the run.

use crate::output::Streaming;
use sim_core::TraceRecord;
use sim_core::trace::TraceWriter;
use std::io::{self, Write};

/// A format rendered one record at a time.
pub trait Renderer: Send {
    /// Writes what comes before the first record.
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()>;
    /// Writes one record.
    fn record(&mut self, r: &TraceRecord, out: &mut dyn Write) -> io::Result<()>;
    /// Writes what comes after the last record.
    fn end(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// Renders `records` whole into a string, with `renderer`.
pub fn render_with(renderer: &mut dyn Renderer, records: &[TraceRecord]) -> String {
    let mut out = Vec::new();
    // Writing to memory does not fail.
    let _ = renderer.begin(&mut out);
    for r in records {
        let _ = renderer.record(r, &mut out);
    }
    let _ = renderer.end(&mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The trace sink's writer for an export: it takes the JSON Lines the engine writes, reads
/// each record back and renders it into the output.
pub struct RenderingWriter {
    renderer: Box<dyn Renderer>,
    out: Streaming,
    /// Bytes of a line not yet complete.
    partial: Vec<u8>,
}

impl RenderingWriter {
    /// Renders into `out`, starting with the format's head.
    pub fn new(mut renderer: Box<dyn Renderer>, mut out: Streaming) -> io::Result<Self> {
        renderer.begin(&mut out)?;
        Ok(RenderingWriter {
            renderer,
            out,
            partial: Vec::new(),
        })
    }
}

impl Write for RenderingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.partial.extend_from_slice(buf);
        let mut start = 0;
        while let Some(n) = self.partial[start..].iter().position(|&b| b == b'\n') {
            let line = &self.partial[start..start + n];
            let r: TraceRecord = serde_json::from_slice(line).map_err(io::Error::other)?;
            self.renderer.record(&r, &mut self.out)?;
            start += n + 1;
        }
        self.partial.drain(..start);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl TraceWriter for RenderingWriter {
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        if !self.partial.is_empty() {
            return Err(io::Error::other("the trace ended inside a record"));
        }
        self.renderer.end(&mut self.out)?;
        let RenderingWriter { out, .. } = *self;
        out.finish()
    }
}
