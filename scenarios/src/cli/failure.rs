//! How a command reports an error: a line on standard error, or, when the command was asked
//! for JSON, an object on standard output (`{"error": ..., "problems": [...]}`) that a script
//! reads the same way as the command's report. Either way the exit code is 2.

use crate::error::ScenarioError;
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};

static JSON: AtomicBool = AtomicBool::new(false);

/// Decides once, from the command line, whether errors are reported as JSON.
pub fn set_json(on: bool) {
    JSON.store(on, Ordering::Relaxed);
}

/// Reports an error and gives exit code 2. A scenario's located problems keep their file,
/// line and column in the JSON form.
pub(crate) fn fail(e: impl std::fmt::Display + 'static) -> u8 {
    let text = e.to_string();
    if JSON.load(Ordering::Relaxed) {
        let problems = match (&e as &dyn Any).downcast_ref::<ScenarioError>() {
            Some(ScenarioError::Invalid(ds)) => serde_json::to_value(ds).unwrap_or_default(),
            _ => serde_json::Value::Array(Vec::new()),
        };
        let message = text.strip_prefix("error: ").unwrap_or(&text);
        let v = serde_json::json!({ "error": message, "problems": problems });
        out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else if text.starts_with("error") {
        err!("{text}");
    } else {
        err!("error: {text}");
    }
    2
}
