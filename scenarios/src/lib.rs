//! # scenarios: scenario files, the protocol registry and the `clustersim` binary
//!
//! A scenario file (TOML) says which protocol runs with which parameters on which cluster and
//! network, under which faults and workload, for how long, and what the run must show
//! ([`scenario`]). The [`registry`] runs any registered protocol by name through one
//! object-safe handle ([`registry::Run`]); the [`runner`] plays a scenario on it and judges
//! the checks; [`sweep`] runs grids of seeds and parameters on all cores; [`check`] replays
//! recorded seeds; [`explore`] searches for failing runs and shrinks them; [`export`] turns a trace into JSON Lines, Perfetto or ShiViz, or a run into a web page that
//! replays it; [`plot`]
//! draws sweep results. The `clustersim` binary ([`cli`]) puts them on the command line.

pub mod atomic;
pub mod check;
pub mod cli;
pub mod diag;
pub mod duration;
pub mod error;
pub mod explore;
pub mod export;
pub mod hex;
pub mod interrupt;
pub mod journal;
pub mod model;
pub mod narrate;
pub mod output;
pub mod palette;
pub mod plot;
pub mod registry;
pub mod runner;
pub mod scenario;
pub mod sweep;
pub mod text;

pub use diag::Diagnostic;
pub use duration::DurationStr;
pub use error::ScenarioError;
pub use registry::{Registry, Run};
pub use scenario::Scenario;
