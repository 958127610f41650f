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
