//! A configuration checked against its cluster and shared by every node that runs it.

use crate::config::Config;
use std::ops::Deref;
use std::sync::Arc;

/// A [`Config`] that [`Config::prepare`] has checked for a cluster of a given size: what the
/// engine hands each node. It is one allocation shared by the whole cluster, so a million
/// nodes hold a pointer each instead of a copy each (a copy is about 200 bytes, as much as the
/// rest of a gossip node).
#[derive(Clone, Debug)]
pub struct Prepared(Arc<Config>);

impl Prepared {
    /// Wraps a configuration already checked by [`Config::prepare`].
    pub(crate) fn new(config: Config) -> Prepared {
        Prepared(Arc::new(config))
    }
}

impl Deref for Prepared {
    type Target = Config;
    fn deref(&self) -> &Config {
        &self.0
    }
}
