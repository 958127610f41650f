//! A run's trace in other tools' formats: JSON Lines (sim-core's records), Chrome/Perfetto
//! trace events (one track per node, messages as flows) and ShiViz logs (with vector clocks).

pub mod jsonl;
pub mod perfetto;
pub mod shiviz;

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One trace record per line, as sim-core writes them.
    Jsonl,
    /// Chrome trace-event JSON, for ui.perfetto.dev or chrome://tracing.
    Perfetto,
    /// A ShiViz log: each event followed by its node's vector clock.
    Shiviz,
}

/// Renders `records` (of a run with `nodes` nodes) in `format`.
pub fn render(format: Format, records: &[sim_core::TraceRecord], nodes: u32) -> String {
    match format {
        Format::Jsonl => jsonl::render(records),
        Format::Perfetto => perfetto::render(records, nodes),
        Format::Shiviz => shiviz::render(records, nodes),
    }
}
