//! Errors that say where a workflow description is wrong and what was expected there.

use std::fmt;

/// Why a workflow could not be built, located so that a person can go and fix it.
///
/// Displayed as `origin: path: message`, like a compiler diagnostic. `origin` is the file (or
/// generator) the description came from, `path` where in it (a JSON
/// path such as `workflow.specification.tasks[3].parents[1]`, a `line L, column C` for text
/// that is not JSON, or a field name), and `message` what was wrong and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowError {
    /// The file or generator the description came from; empty when unknown.
    pub origin: String,
    /// Where in that description the problem is; empty for the description as a whole.
    pub path: String,
    /// What was wrong, and what was expected instead.
    pub message: String,
}

impl WorkflowError {
    /// An error at `path` of a description from `origin`.
    pub fn new(
        origin: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> WorkflowError {
        WorkflowError {
            origin: origin.into(),
            path: path.into(),
            message: message.into(),
        }
    }

    /// The same error, attributed to `origin` when it had none.
    pub fn with_origin(mut self, origin: &str) -> WorkflowError {
        if self.origin.is_empty() {
            self.origin = origin.to_string();
        }
        self
    }

    /// The same error, placed at `path` when it had no location.
    pub fn with_path(mut self, path: &str) -> WorkflowError {
        if self.path.is_empty() {
            self.path = path.to_string();
        }
        self
    }
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.origin.is_empty(), self.path.is_empty()) {
            (false, false) => write!(f, "{}: {}: {}", self.origin, self.path, self.message),
            (false, true) => write!(f, "{}: {}", self.origin, self.message),
            (true, false) => write!(f, "{}: {}", self.path, self.message),
            (true, true) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for WorkflowError {}
