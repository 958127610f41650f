//! What the workflow's integration tests share: the recorded instances, read from the shared
//! test data, and virtual seconds as times.
#![allow(dead_code)]

use sim_core::{Duration, Time};
use std::sync::Arc;
use workflow::Workflow;
use workflow::dag::wfformat;

/// Where the six WfCommons instances live.
pub const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/wfcommons/"
);

/// A recorded instance by file name.
pub fn instance(name: &str) -> Arc<Workflow> {
    let text = std::fs::read_to_string(format!("{DATA}{name}")).expect("the instance");
    Arc::new(wfformat::parse(&text, name).expect("a valid instance"))
}

/// Montage, the instance most runs use.
pub fn montage() -> Arc<Workflow> {
    instance("montage-chameleon-2mass-01d-001.json")
}

/// `s` virtual seconds as a time.
pub fn secs(s: u64) -> Time {
    Time(Duration::from_secs(s).0)
}
