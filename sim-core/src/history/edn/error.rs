//! Errors reading EDN: each names the line and column, what was expected there, and what was
//! found instead.

use super::Pos;

/// Why EDN text could not be read as a history.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EdnError {
    /// The text is not well-formed EDN.
    #[error("{pos}: expected {expected}, found {found}")]
    Syntax {
        /// Where.
        pos: Pos,
        /// What would have been valid there.
        expected: String,
        /// What was there.
        found: String,
    },
    /// Well-formed EDN that is not a valid Jepsen history for the model.
    #[error("{pos}: expected {expected}, found {found}")]
    Op {
        /// Where.
        pos: Pos,
        /// What would have been valid there.
        expected: String,
        /// What was there.
        found: String,
    },
}

impl EdnError {
    /// Where the problem is.
    pub fn pos(&self) -> Pos {
        match self {
            EdnError::Syntax { pos, .. } | EdnError::Op { pos, .. } => *pos,
        }
    }
}
