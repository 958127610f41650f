//! Ready-made models for the objects protocols usually implement.

mod corrupt;
mod kv;
mod register;
mod set;
mod text;

pub use kv::{KvInput, KvModel, KvOutput};
pub use register::{CasRegister, RegisterInput, RegisterOp, RegisterOutput};
pub use set::{SetInput, SetModel, SetOutput};
pub use text::Text;

/// Quotes a string the way explanations show values, so that the empty string stays visible.
pub(crate) fn quoted(s: &str) -> String {
    format!("{s:?}")
}
