//! The protocols the app can open, as a resource. The caller hands the app its registry, as
//! `clustersim` hands its registry to `scenarios::cli::main`, so that a protocol defined outside
//! this repository can be watched with the same front end.

use bevy::prelude::*;
use scenarios::Registry;
use std::sync::Arc;

/// The registry every session of the app is built with; shared, because each opened session
/// keeps it to replay what it saves.
#[derive(Resource, Clone)]
pub struct Protocols(pub Arc<Registry>);

impl Protocols {
    /// Wraps a registry for the app.
    pub fn new(registry: Registry) -> Protocols {
        Protocols(Arc::new(registry))
    }
}
