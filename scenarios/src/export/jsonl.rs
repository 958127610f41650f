//! JSON Lines: sim-core's trace records, one per line (the format of `run --trace`).

use sim_core::TraceRecord;

/// One JSON object per record.
pub fn render(records: &[TraceRecord]) -> String {
    let mut out = String::new();
    for r in records {
        // A record is plain data; serialization cannot fail.
        out.push_str(&serde_json::to_string(r).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// The JSON Lines renderer, one record at a time.
pub struct Jsonl;

impl super::Renderer for Jsonl {
    fn begin(&mut self, _out: &mut dyn std::io::Write) -> std::io::Result<()> {
        Ok(())
    }
    fn record(&mut self, r: &TraceRecord, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, r).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    }
    fn end(&mut self, _out: &mut dyn std::io::Write) -> std::io::Result<()> {
        Ok(())
    }
}
