//! A run's trace in other tools' formats: JSON Lines (sim-core's records), Chrome/Perfetto
//! trace events (one track per node, messages as flows) and ShiViz logs (with vector clocks).

pub mod html;
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
    /// One self-contained web page that replays the run in any browser.
    Html,
}

/// Renders `records` (of a run with `nodes` nodes) in `format`. `Edn` is a history and `Html`
/// a page, not traces, and render nothing here: they come from `Run::history_edn` and
/// [`html`].
pub fn render(format: Format, records: &[sim_core::TraceRecord], nodes: u32) -> String {
    match format {
        Format::Jsonl => jsonl::render(records),
        Format::Perfetto => perfetto::render(records, nodes),
        Format::Shiviz => shiviz::render(records, nodes),
        // A history and a page, not traces: see `clustersim export`.
        Format::Edn | Format::Html => String::new(),
    }
}

/// The streaming renderer of a trace format (`None` for `Edn` and `Html`, which are no
/// traces).
pub fn renderer(format: Format, nodes: u32) -> Option<Box<dyn Renderer>> {
    Some(match format {
        Format::Jsonl => Box::new(jsonl::Jsonl),
        Format::Perfetto => Box::new(perfetto::Perfetto::new(nodes)),
        Format::Shiviz => Box::new(shiviz::Shiviz::new(nodes)),
        Format::Edn | Format::Html => return None,
    })
}
