//! The crate's typed errors. Library code returns them; the binary prints them and exits 2.

use crate::diag::Diagnostic;
use sim_core::SimError;
use std::fmt;

/// Why a scenario could not be loaded, built or run.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// One or more problems in a file, each located.
    #[error("{}", DisplayAll(.0))]
    Invalid(Vec<Diagnostic>),
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The engine refused the scenario or stopped the run.
    #[error("{context}: {source}")]
    Sim {
        /// What was being done.
        context: String,
        /// The engine's error.
        source: SimError,
    },
    /// A command-line value that makes no sense (`--seeds 5..1`, `--shard 4/3`).
    #[error("{0}")]
    Usage(String),
}

struct DisplayAll<'a>(&'a [Diagnostic]);

impl fmt::Display for DisplayAll<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl ScenarioError {
    /// A single located problem.
    pub fn one(d: Diagnostic) -> ScenarioError {
        ScenarioError::Invalid(vec![d])
    }

    /// An engine error with context.
    pub fn sim(context: impl Into<String>, source: SimError) -> ScenarioError {
        ScenarioError::Sim {
            context: context.into(),
            source,
        }
    }

    /// An I/O error on a path.
    pub fn io(path: impl fmt::Display, e: impl fmt::Display) -> ScenarioError {
        ScenarioError::Io {
            path: path.to_string(),
            message: e.to_string(),
        }
    }

    /// The diagnostics, if this is a file error.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ScenarioError::Invalid(d) => d,
            _ => &[],
        }
    }
}
