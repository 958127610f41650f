//! A run's trace in other tools' formats: JSON Lines (sim-core's records), Chrome/Perfetto
//! trace events (one track per node, messages as flows) and ShiViz logs (with vector clocks).

pub mod jsonl;
pub mod perfetto;
pub mod shiviz;
mod stream;

pub use stream::{Renderer, RenderingWriter, render_with};

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One trace record per line, as sim-core writes them.
    Jsonl,
    /// Chrome trace-event JSON, for ui.perfetto.dev or chrome://tracing.
    Perfetto,
    /// A ShiViz log: each event followed by its node's vector clock.
    Shiviz,
    /// The clients' history in Jepsen's EDN (Raft and Paxos), for Knossos, Elle, Porcupine
    /// and `clustersim lincheck --model kv`.
    Edn,
}

/// Renders `records` (of a run with `nodes` nodes) in `format`. `Edn` is a history, not a
/// trace, and renders nothing here: it comes from `Run::history_edn`.
pub fn render(format: Format, records: &[sim_core::TraceRecord], nodes: u32) -> String {
    match format {
        Format::Jsonl => jsonl::render(records),
        Format::Perfetto => perfetto::render(records, nodes),
        Format::Shiviz => shiviz::render(records, nodes),
        // A history, not a trace: see `clustersim export` and `Run::history_edn`.
        Format::Edn => String::new(),
    }
}

/// The streaming renderer of a trace format (`None` for `Edn`, which is no trace).
pub fn renderer(format: Format, nodes: u32) -> Option<Box<dyn Renderer>> {
    Some(match format {
        Format::Jsonl => Box::new(jsonl::Jsonl),
        Format::Perfetto => Box::new(perfetto::Perfetto::new(nodes)),
        Format::Shiviz => Box::new(shiviz::Shiviz::new(nodes)),
        Format::Edn => return None,
    })
}
